"""Sign-in: throttling of failed attempts, password rules, session expiry, sign-out on password change."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY, authenticate
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

PASSWORD = "Mua-thu-Ha-Noi-2025"
LOGIN = reverse("accounts:login")
HOME = reverse("home")


@pytest.fixture
def clerk(db):
    user = UserFactory(username="vanthu", full_name="Nguyễn Thị Văn Thư")
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client: Client, username: str, password: str, address: str = "127.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def fail(client: Client, times: int, username: str = "vanthu", address: str = "127.0.0.1"):
    return [sign_in(client, username, "sai-mat-khau", address) for _ in range(times)]


# --- Throttling (django-axes) ------------------------------------------------------------------


def test_a_wrong_password_shows_the_form_error_not_a_lockout(client, clerk):
    response = sign_in(client, "vanthu", "sai-mat-khau")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="lockout"' not in page
    assert not signed_in(client)


def test_five_failures_lock_out_even_the_right_password(client, clerk):
    responses = fail(client, settings.AXES_FAILURE_LIMIT)
    assert [r.status_code for r in responses[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert responses[-1].status_code == 429  # the fifth failure locks

    response = sign_in(client, "vanthu", PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)
    assert client.get(HOME).status_code == 302


def test_the_lockout_is_the_sign_in_page_with_a_vietnamese_reason(client, clerk):
    fail(client, settings.AXES_FAILURE_LIMIT)
    response = sign_in(client, "vanthu", PASSWORD)
    page = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert 'id="lockout"' in page
    assert "Đăng nhập sai 5 lần liên tiếp" in page
    assert "trong 15 phút" in page
    assert 'name="password"' in page  # the sign-in form, not a bare error page
    assert 'value="vanthu"' in page  # the user name is kept
    assert "Content-Security-Policy" in response.headers


def test_four_failures_then_the_right_password_signs_in_and_resets_the_count(client, clerk):
    fail(client, settings.AXES_FAILURE_LIMIT - 1)
    response = sign_in(client, "vanthu", PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)
    assert not AccessAttempt.objects.filter(username="vanthu").exists()

    other = Client()
    assert [r.status_code for r in fail(other, settings.AXES_FAILURE_LIMIT - 1)] == [200] * 4


def test_the_lock_is_per_user_name_and_address(client, clerk):
    fail(client, settings.AXES_FAILURE_LIMIT, address="10.0.0.7")
    assert sign_in(Client(), "vanthu", PASSWORD, address="10.0.0.7").status_code == 429
    # The same person from another machine, and another person from the locked machine, still sign in.
    assert sign_in(Client(), "vanthu", PASSWORD, address="10.0.0.8").status_code == 302
    UserFactory(username="ketoan").set_password(PASSWORD)
    colleague = UserFactory(username="thuquy")
    colleague.set_password(PASSWORD)
    colleague.save()
    assert sign_in(Client(), "thuquy", PASSWORD, address="10.0.0.7").status_code == 302


def test_the_lock_ends_after_the_cool_off(client, clerk):
    fail(client, settings.AXES_FAILURE_LIMIT)
    assert sign_in(client, "vanthu", PASSWORD).status_code == 429

    # Fifteen minutes and a little later (the attempts are dated back rather than the clock moved on).
    later = timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=5)
    AccessAttempt.objects.update(attempt_time=later)
    response = sign_in(client, "vanthu", PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_still_locked_just_before_the_cool_off_ends(client, clerk):
    fail(client, settings.AXES_FAILURE_LIMIT)
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME + timedelta(minutes=1))
    assert sign_in(client, "vanthu", PASSWORD).status_code == 429


def test_a_forged_forwarded_for_header_does_not_escape_the_lock(client, clerk, settings):
    """Without our proxy in front, X-Forwarded-For is the client's own words and is ignored."""
    settings.BEHIND_PROXY = False
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "vanthu", "password": "x"}, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response = client.post(LOGIN, {"username": "vanthu", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert response.status_code == 429


def test_behind_the_proxy_the_address_nginx_saw_counts(client, clerk, settings):
    """nginx appends the address it saw to X-Forwarded-For; entries before it are the client's and forgeable."""
    settings.BEHIND_PROXY = True
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": "vanthu", "password": "x"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 192.0.2.10",
        )
    assert AccessAttempt.objects.get().ip_address == "192.0.2.10"
    locked = client.post(
        LOGIN, {"username": "vanthu", "password": PASSWORD}, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.10"
    )
    assert locked.status_code == 429
    elsewhere = Client().post(
        LOGIN, {"username": "vanthu", "password": PASSWORD}, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.11"
    )
    assert elsewhere.status_code == 302


def test_the_admin_sign_in_is_throttled_too(client, clerk):
    clerk.is_staff = True
    clerk.save()
    admin_login = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(admin_login, {"username": "vanthu", "password": "x"})
    response = client.post(admin_login, {"username": "vanthu", "password": PASSWORD})
    assert response.status_code == 429
    assert not signed_in(client)


def test_test_helpers_still_sign_in(clerk):
    """force_login does not authenticate; login() must pass a request, as every real sign-in does."""
    forced = Client()
    forced.force_login(clerk)
    assert forced.get(HOME).status_code == 200
    with_password = Client()
    assert with_password.login(request=RequestFactory().post(LOGIN), username="vanthu", password=PASSWORD)
    assert with_password.get(HOME).status_code == 200
    assert authenticate(RequestFactory().post(LOGIN), username="vanthu", password=PASSWORD) == clerk


# --- Password rules ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1-xyz", "Mật khẩu quá ngắn: cần ít nhất 10 ký tự."),
        ("password123", "Mật khẩu này quá phổ biến."),
        ("2025202520252025", "Mật khẩu này hoàn toàn là số."),
        ("vanthu-2025", "Mật khẩu quá giống với"),
    ],
    ids=["short", "common", "numeric", "like-the-user-name"],
)
def test_a_weak_new_password_is_refused_with_the_reason(client, clerk, password, message):
    client.force_login(clerk)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)


def test_a_password_set_by_the_board_lifts_the_lock(client, client_for, board, clerk):
    fail(client, settings.AXES_FAILURE_LIMIT)
    assert sign_in(client, "vanthu", PASSWORD).status_code == 429

    new_password = "Thu-vang-Hue-2026!"
    response = client_for(board).post(
        reverse("blocs:user_password", kwargs={"pk": clerk.pk}), {"password1": new_password, "password2": new_password}
    )

    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="vanthu").exists()
    sign_in(client, "vanthu", new_password)
    assert signed_in(client)


def test_the_board_cannot_set_a_weak_password_either(client_for, board, clerk):
    response = client_for(board).post(
        reverse("blocs:user_password", kwargs={"pk": clerk.pk}), {"password1": "12345678", "password2": "12345678"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mật khẩu quá ngắn" in page
    assert "Mật khẩu này hoàn toàn là số." in page
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)


def test_every_validator_is_configured():
    names = {v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert names == {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }


# --- Sessions ----------------------------------------------------------------------------------


def test_sessions_expire_after_inactivity_and_each_request_extends_them(client, clerk):
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 3600
    client.force_login(clerk)
    session = Session.objects.get(session_key=client.session.session_key)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get(HOME).status_code == 200
    renewed = Session.objects.get(pk=session.pk).expire_date
    assert renewed > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_an_expired_session_is_sent_to_the_sign_in_page(client, clerk):
    client.force_login(clerk)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("blocs:list"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_changing_ones_password_signs_out_the_other_sessions_only(clerk):
    here, elsewhere = Client(), Client()
    here.force_login(clerk)
    elsewhere.force_login(clerk)
    new = "Mua-dong-Hue-2026"
    response = here.post(
        reverse("accounts:password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert here.get(HOME).status_code == 200
    gone = elsewhere.get(HOME)
    assert gone.status_code == 302
    assert gone.url.startswith(LOGIN)


def test_a_password_reset_by_the_board_signs_the_person_out_everywhere(client_for, board, clerk):
    first, second = Client(), Client()
    first.force_login(clerk)
    second.force_login(clerk)
    new = "Mua-dong-Hue-2026"
    response = client_for(board).post(
        reverse("blocs:user_password", kwargs={"pk": clerk.pk}), {"password1": new, "password2": new}
    )
    assert response.status_code == 302
    for session in (first, second):
        assert session.get(HOME).status_code == 302
    assert sign_in(Client(), "vanthu", new).status_code == 302
