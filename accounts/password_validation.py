"""Password rules whose messages Django's Vietnamese catalogue lacks.

Django 6.1 reworded the "too short" message and its Vietnamese catalogue has not caught up, so a
Vietnamese page would say it in English. The other validators' messages are translated by Django.
"""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return ngettext(
            "Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự.",
            "Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự.",
            self.min_length,
        ) % {"min_length": self.min_length}
