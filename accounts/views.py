from django.contrib.auth import views as auth_views


class SignInView(auth_views.LoginView):
    """Sign-in page. There is no self-registration: the board creates accounts and resets passwords."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True
