# Being written: XLSX import/export of the registry.
from django.http import HttpResponse
from django.views.generic import View


class RegistryIO(View):
    pass


class RegistryImport(View):
    pass


def template_download(request):
    return HttpResponse(status=501)


def export_download(request):
    return HttpResponse(status=501)
