"""The ranking of a bloc's year, and the task-completion ratings (xếp loại) of its units.

Wiring only: the ranking is computed by `blocs.ranking_data` / `blocs.ranking`, ratings are saved
by `blocs.services_ratings` and imported/exported by `blocs.ratings_xlsx`.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from blocs import ratings_xlsx
from blocs.ranking_data import ranking_for
from blocs.services_ratings import (
    STAFF_FIELDS,
    VALUE_FIELDS,
    RatingConflict,
    RatingInput,
    conflict_view,
    ratings_history,
    ratings_save,
    ratings_table,
    staff_count_errors,
)
from blocs.views.mixins import Guarded
from blocs.views.xlsx_io import XlsxImport, export_year, xlsx_download, xlsx_response
from blocs.views.year import BlocYearMixin
from units.models import Rating
from units.text import clean_text

# --- Ranking --------------------------------------------------------------------------------------


class RankingView(BlocYearMixin, TemplateView):
    """The year's ranking: a table, the tie-break rule as applied, and a bar chart (inline SVG)."""

    template_name = "blocs/year/ranking.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        result = ranking_for(bloc=self.bloc, year=self.year)
        context.update(
            result=result,
            rows_html=ranking_rows_html(result.table_rows()),
            chart_bars=result.chart_bars(),
            chart_ticks=result.chart_ticks(),
        )
        return context


def ranking_rows_html(table_rows) -> SafeString:
    """The ranking table's rows (from RankingResult.table_rows), written here rather than by the template: a
    dozen lookups and filters per row and per group were a fifth of the page's time. Every text is escaped."""

    def shown(value) -> str:  # as {{ value }} writes a number
        return "—" if value is None else escape(localize(value))

    tied, not_scored, from_self = escape(_("đồng hạng")), escape(_("Chưa chấm")), escape(_("tự chấm"))
    html = []
    for row, subtotals in table_rows:
        if row.scored:
            badge = f'<br><span class="badge text-bg-warning">{tied}</span>' if row.tied else ""
            rank = f'<td class="text-center fw-semibold">{escape(localize(row.rank))}{badge}</td>'
        else:
            rank = f'<td class="text-center"><span class="badge text-bg-secondary">{not_scored}</span></td>'
        source = f' <span class="badge text-bg-light border">{from_self}</span>' if row.from_self else ""
        groups = "".join(f'<td class="text-end">{shown(value)}</td>' for value in subtotals)
        html.append(
            f"<tr{' class="table-warning"' if row.tied else ''}>{rank}"
            f'<th scope="row" class="fw-normal">{escape(row.label)}</th>'
            f'<td class="text-end">{shown(row.self_total)}</td><td class="text-end">{shown(row.assessed_total)}</td>'
            f'<td class="text-end fw-semibold">{shown(row.final)}{source}</td>{groups}'
            f'<td class="text-end">{shown(row.bonus)}</td><td class="text-end">{shown(row.penalty)}</td></tr>'
        )
    return mark_safe("\n".join(html))  # every text in it is escaped above


# --- Ratings of the year --------------------------------------------------------------------------

_COUNT_ERRORS = {
    "min_value": gettext_lazy("Số người không được âm."),
    "invalid": gettext_lazy("Nhập một số nguyên, ví dụ 25."),
    "max_value": gettext_lazy("Số quá lớn."),
}


def _count_field(label) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=2_000_000_000,
        required=False,
        show_hidden_initial=True,
        error_messages=_COUNT_ERRORS,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "min": 0, "inputmode": "numeric"}),
    )


class RatingRowForm(forms.Form):
    """One unit's row. Value fields carry their initial value in a hidden input, so a row is saved
    only if this user changed it; `version` is the version of the rating they loaded."""

    unit = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    rating = forms.ChoiceField(
        label=gettext_lazy("Xếp loại"),
        choices=[("", "—"), *((value, format_lazy("{} — {}", value, label)) for value, label in Rating.choices)],
        required=False,
        show_hidden_initial=True,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    staff_total = _count_field(gettext_lazy("Tổng số người"))
    staff_completed = _count_field(gettext_lazy("Số hoàn thành nhiệm vụ"))
    staff_advanced = _count_field(gettext_lazy("Số Lao động tiên tiến"))
    staff_emulation_fighters = _count_field(gettext_lazy("Số Chiến sĩ thi đua cơ sở"))
    note = forms.CharField(
        label=gettext_lazy("Ghi chú"),
        max_length=255,
        required=False,
        show_hidden_initial=True,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )

    def clean_note(self) -> str:
        return clean_text(self.cleaned_data["note"])

    def clean(self):
        data = super().clean()
        filled = any(str(self[name].data or "").strip() for name in (*STAFF_FIELDS, "note"))
        if not data.get("rating") and filled and "rating" not in self.errors:
            self.add_error("rating", _("Chọn xếp loại, hoặc để trống cả dòng."))
        for name, message in staff_count_errors({n: data.get(n) for n in STAFF_FIELDS}).items():
            if name not in self.errors:
                self.add_error(name, message)
        return data

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}-error"

    @property
    def touched(self) -> bool:
        """Whether the user changed any value of this row (compared with what their page showed)."""
        return any(name in VALUE_FIELDS for name in self.changed_data)

    def as_input(self) -> RatingInput:
        data = self.cleaned_data
        return RatingInput(
            unit_id=data["unit"],
            version=data.get("version"),
            rating=data.get("rating") or "",
            note=data.get("note") or "",
            **{name: data.get(name) for name in STAFF_FIELDS},
        )


class _RatingFormSet(forms.BaseFormSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The rows are the bloc's members: never more, never fewer, whatever the browser sends.
        self.min_num = self.max_num = self.absolute_max = len(self.initial or ())


RatingFormSet = forms.formset_factory(RatingRowForm, formset=_RatingFormSet, extra=0)
PREFIX = "xl"


def _initial(row) -> dict:
    current = row.current
    values = {name: getattr(current, name) if current else None for name in STAFF_FIELDS}
    return {
        "unit": row.unit.pk,
        "version": current.version if current else None,
        "rating": current.rating if current else "",
        "note": current.note if current else "",
        **values,
    }


class RatingsView(BlocYearMixin, TemplateView):
    """The year's ratings of every member unit, with staff counts; one form for the whole table."""

    template_name = "blocs/year/ratings.html"

    def get(self, request, *args, **kwargs):
        rows = ratings_table(bloc=self.bloc, year=self.year)
        formset = RatingFormSet(initial=[_initial(r) for r in rows], prefix=PREFIX) if self.can_edit else None
        return self.render_to_response(self.get_context_data(rows=rows, formset=formset))

    def post(self, request, *args, **kwargs):
        self.require_edit()
        rows = ratings_table(bloc=self.bloc, year=self.year)
        formset = RatingFormSet(request.POST, initial=[_initial(r) for r in rows], prefix=PREFIX)
        if not formset.is_valid():
            return self._again(rows, formset)
        if [f.cleaned_data["unit"] for f in formset.forms] != [r.unit.pk for r in rows]:
            messages.error(request, _("Danh sách đơn vị của khối vừa thay đổi; chưa có gì được lưu. Hãy nhập lại."))
            return HttpResponseRedirect(request.path)
        changed = [f.as_input() for f in formset.forms if f.touched]
        if not changed:
            messages.info(request, _("Không có thay đổi nào để lưu."))
            return HttpResponseRedirect(request.path)
        try:
            tally = ratings_save(bloc=self.bloc, year=self.year, rows=changed, user=request.user)
        except RatingConflict as conflict:
            self._report_conflicts(formset, conflict)
            return self._again(rows, formset)
        except ValidationError as exc:
            return self._again(rows, formset, errors=exc.messages)
        messages.success(
            request,
            _("Đã lưu xếp loại năm %(year)s: %(created)s thêm mới, %(updated)s cập nhật, %(deleted)s xóa.")
            % {"year": self.year, "created": tally.created, "updated": tally.updated, "deleted": tally.deleted},
        )
        return HttpResponseRedirect(request.path)

    def _report_conflicts(self, formset, conflict: RatingConflict) -> None:
        data = formset.data.copy()
        for form in formset.forms:
            unit_id = form.cleaned_data["unit"]
            if unit_id not in conflict.current:
                continue
            view = conflict_view(unit_id, conflict.current[unit_id])
            if view.removed:
                message = _(
                    "Xếp loại của đơn vị này vừa bị người khác xóa trong lúc bạn đang sửa; chưa có gì được ghi."
                )
            else:
                theirs = "; ".join(f"{label}: «{value}»" for label, value in view.values)
                message = _(
                    "Xếp loại của đơn vị này vừa được người khác lưu trong lúc bạn đang sửa; chưa có gì được ghi. "
                    "Giá trị họ đã lưu: %(values)s."
                ) % {"values": theirs}
            form.add_error(None, message + " " + _("Những gì bạn nhập vẫn còn dưới đây; bấm Lưu lần nữa để ghi đè."))
            data[form.add_prefix("version")] = "" if view.removed else str(view.version)
        formset.data = data

    def _again(self, rows, formset, errors=()):
        """The table again, with what the user typed and the errors; rows they did not touch are
        refreshed to what is stored now, so saving again does not trip over someone else's change."""
        data = formset.data.copy()
        for form, row in zip(formset.forms, rows, strict=False):
            if not form.touched:
                for name, value in _initial(row).items():
                    data[form.add_prefix(name)] = "" if value is None else str(value)
        formset.data = data
        for form in formset.forms:
            form.data = data
        context = self.get_context_data(rows=rows, formset=formset, save_errors=list(errors))
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows, formset = context["rows"], context.get("formset")
        forms_by_unit = {f.initial.get("unit"): f for f in formset.forms} if formset else {}
        context.update(
            table=[(row, forms_by_unit.get(row.unit.pk)) for row in rows],
            earlier_years=[y for y, _r in rows[0].earlier] if rows else [self.year - 1, self.year - 2],
            history=ratings_history(unit_ids=[r.unit.pk for r in rows], year=self.year),
            can_import=self.request.user.has_perm("blocs.import_registry"),
            can_export=self.request.user.has_perm("blocs.export_registry"),
            has_errors=bool(formset and (formset.total_error_count() or context.get("save_errors"))),
        )
        return context


# --- Ratings of every year, in Excel (province-wide) ---------------------------------------------


class RatingsImport(XlsxImport, Guarded, FormView):
    """Upload an XLSX of ratings for any years: checked whole, written whole or not at all."""

    permission_required = "blocs.import_registry"
    template_name = "blocs/ratings_import.html"

    def run_import(self, data: bytes):
        return ratings_xlsx.ratings_import(data=data, user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            notes=ratings_xlsx.guide_notes(),
            columns=ratings_xlsx.guide_columns(),
            ratings=Rating.choices,
            sheet=ratings_xlsx.SHEET_RATINGS,
            export_url=reverse("blocs:ratings_export"),
        )
        return context


@xlsx_download("blocs.export_registry")
def ratings_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(ratings_xlsx.build_template(), "thidua-mau-xep-loai.xlsx")


@xlsx_download("blocs.export_registry")
def ratings_export(request: HttpRequest) -> HttpResponse:
    """`?nam=2024`: that year's ratings; without it, every year's."""
    year = export_year(request)
    name = f"thidua-xep-loai-{year}.xlsx" if year else "thidua-xep-loai-cac-nam.xlsx"
    return xlsx_response(ratings_xlsx.export_ratings(year), name)


urls = [
    path("khoi/<int:pk>/nam/<int:year>/xep-hang/", RankingView.as_view(), name="ranking"),
    path("khoi/<int:pk>/nam/<int:year>/xep-loai/", RatingsView.as_view(), name="ratings"),
    path("xep-loai/nhap/", RatingsImport.as_view(), name="ratings_import"),
    path("xep-loai/mau.xlsx", ratings_template, name="ratings_template"),
    path("xep-loai/xuat.xlsx", ratings_export, name="ratings_export"),
]
