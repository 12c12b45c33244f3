from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe


class SignInView(auth_views.LoginView):
    """Sign-in page. There is no self-registration: the board creates accounts and resets passwords."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@login_required
@require_safe
def ping(request: HttpRequest) -> HttpResponse:
    """Answers "ok" to a signed-in user: the same middleware, session and sign-in check as every page, nothing
    else. The benchmarks (bench/run.py) measure each page as a multiple of this floor; a monitor can
    use it to check that sign-in and the database answer."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
