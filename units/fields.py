"""Model fields for Vietnamese text.

`NFCCharField`/`NFCTextField` store text composed (NFC) whatever path it comes in by (forms,
admin, imports, bulk writes, lookups), because the normalisation happens in `get_prep_value`.
Control characters are dropped on the same paths (`units.text.strip_controls`), and already in
the forms, so that a form field's length check counts what will be stored.
`SearchKeyField`/`SortKeyField` are derived from other fields of the row just before it is
written, like `auto_now`, so search and ordering never go stale.
"""

from django import forms
from django.db import models

from units.text import clean_multiline, clean_text, search_key, sort_key


class CleanTextFormField(forms.CharField):
    """The form side of the NFC fields: cleans as the model field will, before the length check."""

    def __init__(self, *args, clean=clean_text, **kwargs):
        self.clean_value = clean
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return self.clean_value(value).strip() if isinstance(value, str) else value


class NFCCharField(models.CharField):
    """A one-line text field: NFC, control characters dropped, white space folded and trimmed."""

    def to_python(self, value):
        value = super().to_python(value)
        return clean_text(value) if isinstance(value, str) else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return clean_text(value) if isinstance(value, str) else value

    def formfield(self, **kwargs):
        if not self.choices:
            kwargs.setdefault("form_class", CleanTextFormField)
        return super().formfield(**kwargs)


class NFCTextField(models.TextField):
    """Multi-line text: NFC, control characters dropped, line breaks kept."""

    def to_python(self, value):
        value = super().to_python(value)
        return clean_multiline(value).strip() if isinstance(value, str) else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return clean_multiline(value) if isinstance(value, str) else value

    def formfield(self, **kwargs):
        if not self.choices:
            kwargs.setdefault("form_class", CleanTextFormField)
            kwargs.setdefault("clean", clean_multiline)
        return super().formfield(**kwargs)


class _DerivedKeyField(models.CharField):
    transform = staticmethod(lambda value: value)

    def __init__(self, *args, sources: tuple[str, ...] = (), **kwargs):
        self.sources = tuple(sources)
        kwargs.setdefault("max_length", 1024)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["sources"] = self.sources
        for key, value in (("max_length", 1024), ("editable", False), ("db_index", True), ("default", "")):
            if kwargs.get(key) == value:
                kwargs.pop(key)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        text = " ".join(str(getattr(model_instance, source) or "") for source in self.sources)
        value = self.transform(text)[: self.max_length]
        setattr(model_instance, self.attname, value)
        return value


class SearchKeyField(_DerivedKeyField):
    """Diacritic-free, lower-case copy of the source fields, for `contains` searches."""

    transform = staticmethod(search_key)


class SortKeyField(_DerivedKeyField):
    """Vietnamese collation key of the source fields, for `order_by`."""

    transform = staticmethod(sort_key)
