"""What the page layout (templates/base.html) shows on every page and that never changes while the server runs:
the addresses of the header's links and of the static files. Worked out once per process (and script prefix)
rather than by a dozen {% url %} and {% static %} tags on every page (0.3 ms of a 2 ms page)."""

from functools import lru_cache

from django.templatetags.static import static
from django.urls import get_script_prefix, reverse

_LINKS = {
    "home": "home",
    "blocs": "blocs:list",
    "units": "blocs:unit_list",
    "rule_sets": "blocs:ruleset_list",
    "review_queue": "awards:review_queue",
    "decisions": "awards:decision_list",
    "registry": "blocs:registry_io",
    "activity": "blocs:activity",
    "users": "blocs:user_list",
    "set_year": "blocs:set_year",
    "password_change": "accounts:password_change",
    "logout": "accounts:logout",
    "set_language": "set_language",
}
_STATIC = {
    "favicon": "favicon.svg",
    "bootstrap_css": "vendor/bootstrap/bootstrap.min.css",
    "app_css": "css/app.css",
    "htmx_js": "vendor/htmx/htmx.min.js",
    "bootstrap_js": "vendor/bootstrap/bootstrap.bundle.min.js",
    "app_js": "js/app.js",
}


@lru_cache(maxsize=16)
def _layout(prefix: str) -> dict[str, str]:
    return {
        **{key: reverse(name) for key, name in _LINKS.items()},
        **{key: static(path) for key, path in _STATIC.items()},
    }


def layout(request) -> dict:
    return {"layout": _layout(get_script_prefix())}
