"""accounts.backends.ModelBackend: the app's own permissions (rules) never reach the database's permission
tables; the permissions models declare are granted from them as before, and a superuser has every one."""

from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.backends import model_permissions
from tests.factories import UserFactory


def _permission_queries(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "auth_permission" in q["sql"]]


def test_the_model_permissions_are_those_migrate_creates(db):
    names = model_permissions()

    assert {"blocs.change_bloc", "units.view_unit", "awards.add_nomination", "auth.change_group"} <= names
    assert {"awards.view_review_queue", "accounts.manage_users", "blocs.view_activity"}.isdisjoint(names)
    assert names == {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }


def test_an_app_permission_refused_by_rules_does_not_read_the_permission_tables(secretary_a):
    with CaptureQueriesContext(connection) as queries:
        allowed = [secretary_a.has_perm(name) for name in ("awards.view_review_queue", "accounts.manage_users")]

    assert allowed == [False, False]
    assert _permission_queries(queries) == []


def test_a_model_permission_granted_in_the_database_still_counts(db):
    user = UserFactory(username="nhan-vien", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_unit", content_type__app_label="units"))

    assert user.has_perm("units.change_unit")
    assert not user.has_perm("units.delete_unit")


def test_the_board_keeps_its_app_permissions(board):
    assert board.has_perm("accounts.manage_users")
    assert board.has_perm("awards.review_nominations")


def test_a_superuser_has_every_permission_and_the_admin(db, client):
    admin = UserFactory(username="quan-tri", is_staff=True, is_superuser=True)
    client.force_login(admin)

    assert admin.has_perm("awards.view_review_queue")
    assert admin.has_perm("blocs.change_bloc")
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:units_unit_changelist")).status_code == 200
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("blocs:user_list")}"' in html
