"""Model fields for Vietnamese text.

`NFCCharField`/`NFCTextField` store text composed (NFC) whatever path it comes in by (forms,
admin, imports, bulk writes, lookups), because the normalisation happens in `get_prep_value`.
`SearchKeyField`/`SortKeyField` are derived from other fields of the row just before it is
written, like `auto_now`, so search and ordering never go stale.
"""

from django.db import models

from units.text import clean_text, nfc, search_key, sort_key


class NFCCharField(models.CharField):
    """A one-line text field: NFC, white space folded and trimmed."""

    def to_python(self, value):
        value = super().to_python(value)
        return clean_text(value) if isinstance(value, str) else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return clean_text(value) if isinstance(value, str) else value


class NFCTextField(models.TextField):
    """Multi-line text: NFC, line breaks kept."""

    def to_python(self, value):
        value = super().to_python(value)
        return nfc(value).strip() if isinstance(value, str) else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return nfc(value) if isinstance(value, str) else value


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
