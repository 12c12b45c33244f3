"""Throttling of failed sign-ins (django-axes): the client's address, and the page a locked-out user sees.

After `AXES_FAILURE_LIMIT` failed attempts for one user name from one address, that pair is refused
for `AXES_COOLOFF_TIME`, even with the right password. The user sees the sign-in page again with the
reason and how long to wait, not a bare error page.
"""

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _


def client_ip(request) -> str | None:
    """The address failures are counted against.

    Behind our nginx (`BEHIND_PROXY`), REMOTE_ADDR is the proxy's own address for every client; the
    client's is the last entry of X-Forwarded-For, the one nginx appended (earlier entries come from
    the client and can be forged). Without a proxy the header is ignored: anyone could send it.
    """
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR")


def cooloff_minutes() -> int:
    return max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def lockout_message() -> str:
    return _(
        "Đăng nhập sai %(limit)s lần liên tiếp, nên tài khoản này tạm thời không đăng nhập được "
        "từ máy này trong %(minutes)s phút. Hãy thử lại sau; nếu quên mật khẩu, liên hệ Ban Thi đua - "
        "Khen thưởng để được đặt lại."
    ) % {"limit": settings.AXES_FAILURE_LIMIT, "minutes": cooloff_minutes()}


def lockout_response(request, original_response=None, credentials=None):
    """The sign-in page with the lockout reason (HTTP 429), the user name kept in the form."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    context = {
        "form": form,
        "next": request.POST.get("next") or request.GET.get("next", ""),
        "lockout_message": lockout_message(),
    }
    return TemplateResponse(request, "accounts/login.html", context, status=429).render()
