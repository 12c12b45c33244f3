from django.contrib import admin
from django.urls import include, path

from blocs.views.home import home

admin.site.site_header = "thidua — Quản trị"
admin.site.site_title = "thidua"
admin.site.index_title = "Quản trị dữ liệu"

urlpatterns = [
    path("", home, name="home"),
    path("tai-khoan/", include("accounts.urls")),
    path("", include("blocs.urls")),
    path("", include("meetings.urls")),
    path("", include("awards.urls")),
    path("", include("reports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-tri/", admin.site.urls),
]
# Uploaded files are never served by URL: each download goes through a view that checks access.
