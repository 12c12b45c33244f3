"""accounts:ping, the benchmarks' floor: "ok" for a signed-in user, through the whole middleware stack."""

from django.urls import reverse


def test_signed_in_user_gets_ok(client_for, secretary_a, django_assert_max_num_queries):
    client = client_for(secretary_a)

    with django_assert_max_num_queries(5):  # session, user, session save
        response = client.get(reverse("accounts:ping"))

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_anonymous_is_sent_to_sign_in(client_for):
    response = client_for(None).get(reverse("accounts:ping"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_only_get_and_head(client_for, secretary_a):
    assert client_for(secretary_a).post(reverse("accounts:ping")).status_code == 405
