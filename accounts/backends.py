"""Django's ModelBackend, asked only about the permissions it can grant.

The app's permissions (`rules.add_perm`: "awards.view_review_queue", "accounts.manage_users", …) are answered
by `rules`. When rules says no, Django asks the next backend: ModelBackend would read the user's permissions
and their groups' (two queries, on every page whose header checks a link the user may not see) to look for a
name that no model declares, so that no row of auth_permission can hold it. This backend answers no at once
for those names; the permissions models declare (add/change/delete/view, Meta.permissions) are checked as
before, for the Django admin. A superuser has every permission without asking any backend.
"""

from functools import cache

from django.apps import apps
from django.contrib.auth import backends, get_permission_codename


@cache
def model_permissions() -> frozenset[str]:
    """ "app_label.codename" of every permission the installed models declare (what `migrate` creates)."""
    names = set()
    for model in apps.get_models():  # as migrate's create_permissions: no auto-created, no swapped model
        opts = model._meta
        names.update(f"{opts.app_label}.{get_permission_codename(action, opts)}" for action in opts.default_permissions)
        names.update(f"{opts.app_label}.{codename}" for codename, _name in opts.permissions)
    return frozenset(names)


class ModelBackend(backends.ModelBackend):
    def has_perm(self, user_obj, perm, obj=None):
        if perm not in model_permissions():
            return False
        return super().has_perm(user_obj, perm, obj=obj)

    async def ahas_perm(self, user_obj, perm, obj=None):
        if perm not in model_permissions():
            return False
        return await super().ahas_perm(user_obj, perm, obj=obj)
