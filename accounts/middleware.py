from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    """Vietnamese unless the user chose otherwise with the switch in the header.

    Unlike Django's LocaleMiddleware it ignores the browser's Accept-Language: an official's
    English-language browser must not turn the province's records into English on its own.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # Scoped to this request: the thread goes back to its language afterwards, so a request in
        # English never leaks into the next piece of work on the same thread.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
