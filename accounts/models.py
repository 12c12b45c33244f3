from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from units.fields import NFCCharField


class User(AbstractUser):
    """A person who signs in. Accounts are created by the board; roles live in `blocs.Role`."""

    full_name = NFCCharField(_("Họ và tên"), max_length=150, blank=True)
    position = NFCCharField(_("Chức vụ"), max_length=150, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta(AbstractUser.Meta):
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name()
