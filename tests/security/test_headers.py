"""Response headers, production settings, and templates that keep the strict Content-Security-Policy.

The CSP allows scripts and styles from our own origin only (no 'unsafe-inline'), so an inline
<script>, a style="" attribute, a <style> element or an onclick= handler would silently stop
working in the browser. Two checks keep them out: every project template is scanned, and every
page of the access table is rendered and its HTML parsed (that catches crispy-forms and widget
output too).
"""

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.test_access import CASES

ROOT = Path(settings.BASE_DIR)

# Templates never served to a browser (rendered to PDF by WeasyPrint, or e-mail bodies) may style
# themselves inline. Each entry names a template path relative to a template folder, with why.
NOT_SERVED_AS_HTML: dict[str, str] = {}


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


# --- Headers -----------------------------------------------------------------------------------


def assert_strict_headers(response):
    csp = csp_directives(response.headers["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    for directive in ("script-src", "style-src"):
        assert directive in csp
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "'unsafe-hashes'"} & set(csp[directive])
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in {"same-origin", "no-referrer", "strict-origin-when-cross-origin"}
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_sign_in_page_has_the_strict_headers(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert_strict_headers(response)


def test_pages_downloads_and_htmx_answers_have_the_strict_headers(client_for, board, world, scoring):
    client = client_for(board)
    bloc = world["bloc_a"]
    responses = [
        client.get(reverse("home")),
        client.get(reverse("blocs:detail", kwargs={"pk": bloc.pk})),
        client.get(reverse("blocs:registry_export")),
        client.get(reverse("blocs:score_grid", kwargs={"pk": bloc.pk, "year": 2025}), HTTP_HX_REQUEST="true"),
        client.get(reverse("blocs:detail", kwargs={"pk": 999999})),  # an error page too
    ]
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 404]
    for response in responses:
        assert_strict_headers(response)


def test_hsts_is_sent_over_https_when_secure(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = settings.SECURE_HSTS_PRELOAD = True
    response = client.get(reverse("accounts:login"), secure=True)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


# --- Production settings -----------------------------------------------------------------------

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECURE": "",  # the default: on when DEBUG is off
    "SECRET_KEY": "production-like-secret-key-for-the-settings-test-0123456789-ABCDEFGHIJ",
    "ALLOWED_HOSTS": "thidua.example.gov.vn",
    "CSRF_TRUSTED_ORIGINS": "https://thidua.example.gov.vn",
    "BEHIND_PROXY": "true",
    "STATIC_MANIFEST": "false",
    "SECURE_SSL_REDIRECT": "",
    "SECURE_HSTS_SECONDS": "",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}

_READ_SETTINGS = """
import json
from django.conf import settings as s
names = ["DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SECURE_SSL_REDIRECT",
         "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER",
         "X_FRAME_OPTIONS", "SECURE_REFERRER_POLICY", "SECURE_CONTENT_TYPE_NOSNIFF", "SESSION_COOKIE_AGE",
         "SESSION_SAVE_EVERY_REQUEST", "AXES_FAILURE_LIMIT"]
print(json.dumps({n: getattr(s, n) for n in names}))
"""


def _run(args: list[str], **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE (set in this process) is no production setting.
        env={**{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}, **PRODUCTION_ENV, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_send_cookies_over_https_only_with_hsts():
    result = _run(["-c", _READ_SETTINGS])
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SESSION_COOKIE_AGE": 28800,
        "SESSION_SAVE_EVERY_REQUEST": True,
        "AXES_FAILURE_LIMIT": 5,
    }


def test_check_deploy_is_clean_with_production_settings():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


# --- Templates: no inline script, style or event handler ---------------------------------------

_INLINE = [
    (re.compile(r"<script\b(?![^>]*\bsrc\s*=)(?![^>]*type\s*=\s*[\"']application/(ld\+)?json)[^>]*>", re.I),
     "<script> without src"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler (on...=)"),
    (re.compile(r"\shx-on[:\-]", re.I), "hx-on handler (evaluated JavaScript)"),
    (re.compile(r"javascript\s*:", re.I), "javascript: URL"),
    (re.compile(r"hx-vals\s*=\s*[\"']\s*js:", re.I), "hx-vals with js: (evaluated JavaScript)"),
]  # fmt: skip


def project_templates() -> list[tuple[str, Path]]:
    """(name, path) of every template of the project: templates/ and each app's own templates/."""
    folders = [ROOT / "templates", *(p for p in ROOT.glob("*/templates") if p.parent.name != ".venv")]
    found = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in {".html", ".svg", ".txt", ".xml"}:
                found.append((path.relative_to(folder).as_posix(), path))
    return found


def inline_problems(text: str) -> list[str]:
    text = re.sub(r"{#.*?#}", "", text, flags=re.S)
    text = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", "", text, flags=re.S)
    problems = []
    for pattern, what in _INLINE:
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            problems.append(f"line {line}: {what}: {match.group(0)[:60]!r}")
    return problems


def test_the_scanner_finds_each_kind_of_inline_code():
    samples = [
        "<script>alert(1)</script>",
        '<script type="text/javascript">x()</script>',
        "<style>p{}</style>",
        '<p style="color:red">',
        '<button onclick="go()">',
        '<a href="javascript:go()">',
        '<div hx-on:click="go()">',
        "<div hx-vals='js:{a: b()}'>",
    ]
    for sample in samples:
        assert inline_problems(sample), sample
    clean = '<script src="/static/js/app.js" defer></script><script type="application/json" id="d">{}</script>'
    assert inline_problems(clean + '<p class="online" data-on="x">') == []


def test_no_template_has_inline_script_style_or_handlers():
    templates = project_templates()
    assert len(templates) > 30  # the scan sees the project's templates
    problems = {
        name: found
        for name, path in templates
        if name not in NOT_SERVED_AS_HTML and (found := inline_problems(path.read_text(encoding="utf-8")))
    }
    assert problems == {}


class _InlineFinder(HTMLParser):
    """Collects what a strict CSP would block in a rendered page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        data_only = (attributes.get("type") or "").lower() in {"application/json", "application/ld+json"}
        if tag == "script" and not attributes.get("src") and not data_only:
            self.problems.append("<script> without src")
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"style= on <{tag}>")
            elif name.startswith("on") or name.startswith("hx-on"):
                self.problems.append(f"{name}= on <{tag}>")
            elif name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"javascript: in {name} of <{tag}>")


def _page_cases():
    """Each GET row of the access table, for the first persona that may see it."""
    for name, kwargs, method, _data, expected in CASES:
        if method != "get":
            continue
        persona = next((p for p in ("board", "secretary_a", "officer_a", "viewer") if expected.get(p) == 200), None)
        if persona is None and expected.get("anonymous") == 200:
            persona = "anonymous"
        if persona:
            yield pytest.param(name, kwargs, persona, id=f"{name}-{persona}")


@pytest.mark.parametrize(("name", "kwargs", "persona"), list(_page_cases()))
def test_rendered_pages_have_no_inline_script_or_style(name, kwargs, persona, access_world, personas, client_for):
    url = reverse(name, kwargs=kwargs(access_world) if kwargs else None)
    response = client_for(personas[persona]).get(url)
    assert response.status_code == 200
    if not response["Content-Type"].startswith("text/html"):
        return  # downloads (xlsx, files) carry no markup
    finder = _InlineFinder()
    finder.feed(response.content.decode())
    assert finder.problems == [], url
