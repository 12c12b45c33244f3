"""Optimistic concurrency for edit forms: two people editing one record never overwrite each other unseen.

Each editable model has a `version` column. The edit form carries the version it was loaded with;
saving checks it under a row lock and bumps it. If someone saved in between, nothing is written:
the form comes back with what this user typed still in it, a message at the top listing the values
the other person saved, and the new version, so saving again is a deliberate choice.
"""

from django import forms
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _


class VersionConflict(Exception):
    """Raised by `VersionedModelForm.save` when the row changed since the form was loaded."""


class VersionedModelForm(forms.ModelForm):
    """A ModelForm that refuses to save over a newer version of the record."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def save(self, commit: bool = True):
        if self.instance.pk is None:
            return super().save(commit=commit)
        model = type(self.instance)
        with transaction.atomic():
            current = model.objects.select_for_update().filter(pk=self.instance.pk).first()
            if current is None or current.version != self.cleaned_data.get("version"):
                self._report_conflict(current)
                raise VersionConflict
            saved = super().save(commit=commit)
            model.objects.filter(pk=saved.pk).update(version=F("version") + 1)
        saved.version = current.version + 1
        return saved

    def _report_conflict(self, current) -> None:
        if current is None:
            self.add_error(None, _("Bản ghi này đã bị xóa trong lúc bạn đang sửa."))
            return
        differing = []
        for name in self.changed_data:
            if name == "version" or name not in self.fields:
                continue
            field = self.instance._meta.get_field(name)
            theirs = getattr(current, name)
            if getattr(field, "choices", None):
                theirs = dict(field.flatchoices).get(theirs, theirs)
            differing.append(f"{self.fields[name].label}: «{theirs}»")
        message = _(
            "Bản ghi này vừa được người khác lưu trong lúc bạn đang sửa; chưa có gì được ghi. "
            "Những gì bạn nhập vẫn còn dưới đây."
        )
        if differing:
            message += " " + _("Giá trị họ đã lưu: %(values)s.") % {"values": "; ".join(differing)}
        message += " " + _("Bấm Lưu lần nữa nếu vẫn muốn ghi đè.")
        self.add_error(None, message)
        data = self.data.copy()
        data[self.add_prefix("version")] = str(current.version)
        self.data = data


class VersionedUpdateMixin:
    """For UpdateView/CreateView: a conflict shows the form again instead of saving."""

    def form_valid(self, form):
        try:
            self.object = form.save()
        except VersionConflict:
            return self.form_invalid(form)
        return self.after_save(form)

    def after_save(self, form):
        from django.http import HttpResponseRedirect

        return HttpResponseRedirect(self.get_success_url())
