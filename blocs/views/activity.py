"""The province-wide activity log (nhật ký hoạt động), for the board and the province viewers.

Who changed which score, rating, ballot, nomination, decision or rule set, and when — filtered by
user, bloc and dates, newest first, one page at a time (blocs/activity.py reads the history tables).
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from blocs.activity import Filters, activity_queryset, entries_for
from blocs.models import Bloc
from blocs.views.mixins import Guarded

PER_PAGE = 50
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj} ({obj.username})" if obj.full_name else obj.username


class ActivityFilterForm(forms.Form):
    nguoi = UserChoice(
        label=gettext_lazy("Người thực hiện"),
        queryset=get_user_model().objects.order_by("username"),
        required=False,
        empty_label=gettext_lazy("Mọi người"),
    )
    khoi = forms.ModelChoiceField(
        label=gettext_lazy("Khối, cụm"),
        queryset=Bloc.objects.order_by("sort_key", "pk"),
        required=False,
        empty_label=gettext_lazy("Mọi khối, cụm và toàn tỉnh"),
    )
    tu = forms.DateField(label=gettext_lazy("Từ ngày"), required=False, widget=DATE)
    den = forms.DateField(label=gettext_lazy("Đến ngày"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, form_field in self.fields.items():
            css = "form-select" if isinstance(form_field, forms.ModelChoiceField) else "form-control"
            form_field.widget.attrs["class"] = css + (" is-invalid" if name in self.errors else "")
            if name in self.errors:
                form_field.widget.attrs.update({"aria-invalid": "true", "aria-describedby": f"{name}-error"})

    def clean(self):
        data = super().clean()
        if data.get("tu") and data.get("den") and data["tu"] > data["den"]:
            self.add_error("den", _("«Đến ngày» phải cùng ngày hoặc sau «Từ ngày»."))
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            user_id=data["nguoi"].pk if data.get("nguoi") else None,
            bloc_id=data["khoi"].pk if data.get("khoi") else None,
            start=data.get("tu"),
            end=data.get("den"),
        )


class ActivityLog(Guarded, TemplateView):
    permission_required = "blocs.view_activity"
    template_name = "blocs/activity.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ActivityFilterForm(self.request.GET or None)
        valid = not form.is_bound or form.is_valid()
        filters = form.filters() if form.is_bound and valid else Filters()
        page = Paginator(activity_queryset(filters), PER_PAGE).get_page(self.request.GET.get("page")) if valid else None
        entries = entries_for(list(page.object_list)) if page is not None else []
        context.update(
            form=form,
            entries=entries,
            page_obj=page,
            is_paginated=page is not None and page.has_other_pages(),
            total=page.paginator.count if page is not None else 0,
            filtered=filters != Filters(),
        )
        return context


urls = [path("nhat-ky/", ActivityLog.as_view(), name="activity")]
