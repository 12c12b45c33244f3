"""The score grid of a bloc's year: member units × scored criteria, with each unit's totals.

One page, three ways to write: cell by cell from the keyboard (htmx posts each changed cell to
`score_cell`, which answers with the cell's status and the unit's new totals), the whole grid as a
plain form (no JavaScript: `score_grid_save`, all or nothing), and an Excel round trip. All three
go through `blocs.services_scores`, which checks values, versions and the open year.
"""

import json
from html import escape  # what django.utils.html.escape does, without its lazy-text wrapper: 1,200 calls a page

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.generic import View

from blocs import grid_xlsx
from blocs.access import scope_of
from blocs.models import Criterion, CriterionKind, Membership, ScoringTable
from blocs.services_scores import (
    ASSESSED,
    FIELDS,
    NOTE,
    SELF,
    CellChange,
    GridData,
    grid_data,
    score_set,
    scores_save,
    show_value,
    unit_totals,
)
from blocs.views.year import BlocYearMixin

KIND_PARAM = "gia_tri"
VALUE_KINDS = (ASSESSED, SELF)
KIND_LABELS = {ASSESSED: gettext_lazy("Điểm thẩm định"), SELF: gettext_lazy("Điểm tự chấm")}
STATE_FIELD = "state"
ERRORS_SHOWN = 300


def cell_key(unit_id: int, criterion_id: int) -> str:
    return f"{unit_id}-{criterion_id}"


class GridUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp Excel chấm điểm (.xlsx)"),
        widget=forms.FileInput(attrs={"accept": f".xlsx,{grid_xlsx.XLSX_CONTENT_TYPE}"}),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        limit = settings.UPLOAD_MAX_MB
        if upload.size > limit * 1024 * 1024:
            raise ValidationError(_("Tệp lớn hơn %(limit)s MB, không nhập được.") % {"limit": limit})
        return upload.read()


class _GridMixin(BlocYearMixin):
    """Who may write which cells of this bloc-year's grid, and the grid page's context."""

    def default_kind(self) -> str:
        """Bloc staff and the board work on the assessment; a unit officer on their unit's self score."""
        if not self.may_edit and scope_of(self.request.user).officer_of:
            return SELF
        return ASSESSED

    def value_kind(self, source) -> str:
        kind = source.get(KIND_PARAM, "")
        return kind if kind in VALUE_KINDS else self.default_kind()

    def self_score_units(self, unit_ids: list[int]) -> set[int]:
        """The units whose self score the user may enter: the `units.self_score` rule, for many units
        in at most one query (board: all; unit officers: their units; bloc staff: units of their blocs)."""
        scope = scope_of(self.request.user)
        if scope.is_board or self.bloc.pk in scope.bloc_ids:
            return set(unit_ids)
        allowed = {pk for pk in unit_ids if pk in scope.officer_of}
        rest = [pk for pk in unit_ids if pk not in allowed]
        if rest and scope.bloc_ids:
            allowed |= set(
                Membership.objects.filter(unit_id__in=rest, bloc_id__in=scope.bloc_ids).values_list(
                    "unit_id", flat=True
                )
            )
        return allowed

    def editable_units(self, kind: str, unit_ids: list[int]) -> set[int]:
        if self.closed:
            return set()
        if kind == ASSESSED:
            return set(unit_ids) if self.may_edit else set()
        return self.self_score_units(unit_ids)

    def grid_url(self, kind: str | None = None) -> str:
        url = reverse("blocs:score_grid", args=[self.bloc.pk, self.year])
        return f"{url}?{KIND_PARAM}={kind}" if kind else url

    def grid_context(self, kind: str, *, posted=None, errors=None, upload=None, upload_form=None) -> dict:
        """Everything the grid template needs; `posted` and `errors` come back from a refused save.

        posted: {(unit, criterion): (typed, version, original)}; errors: {(unit, criterion): ValidationError}.
        """
        posted, errors = posted or {}, errors or {}
        members = self.members()
        unit_ids = [m.unit_id for m in members]
        data = grid_data(bloc_id=self.bloc.pk, year=self.year, unit_ids=unit_ids)
        editable = self.editable_units(kind, unit_ids)
        for node in (*data.criteria, *data.groups.values()):
            node.max_shown = show_value(node.max_points)
        criterion_ids = [c.pk for c in data.criteria]
        codes = [escape(c.code) for c in data.criteria]  # escaped once per column, not per cell
        rows, state = [], {}
        for m in members:
            row_editable = m.unit_id in editable
            cells = [_cell(data, m.unit_id, pk, kind, row_editable, posted, errors) for pk in criterion_ids]
            if row_editable:
                state.update((cell["key"], [cell["version"], cell["original"]]) for cell in cells)
            totals = totals_shown(data.totals(m.unit_id, kind)) if data.table else None
            rows.append(
                {
                    "membership": m,
                    "unit": m.unit,
                    "cells": cells,
                    "editable": row_editable,
                    "totals": totals,
                    "html": cells_html(cells, escape(m.unit.name), codes)
                    + (totals_html(m.unit_id, totals) if totals else ""),
                }
            )
        error_list = [
            {"unit": m.unit, "criterion": c, "message": errors[m.unit_id, c.pk].messages[0]}
            for m in members
            for c in (data.criteria if errors else ())
            if (m.unit_id, c.pk) in errors
        ]
        may_upload = not self.closed and bool(
            self.editable_units(ASSESSED, unit_ids) or self.self_score_units(unit_ids)
        )
        bands = data.bands() if data.table else []
        return {
            "table": data.table,
            "bands": bands,
            "criteria": data.criteria,
            "header_html": header_html(bands, data.criteria),  # (groups' cells, criteria's cells)
            "legend_html": legend_html(data.criteria),
            "rows": rows,
            "kind": kind,
            "kind_label": KIND_LABELS[kind],
            "kinds": [(k, KIND_LABELS[k], self.grid_url(k)) for k in VALUE_KINDS],
            "any_editable": bool(editable) and data.table is not None,
            "state_json": json.dumps(state, separators=(",", ":")),
            "field_vals": json.dumps({"field": kind}),
            "cell_url": reverse("blocs:score_cell", args=[self.bloc.pk, self.year]),
            "step": show_value(data.step) if data.table else "",
            "bonus_cap": show_value(data.table.bonus_cap) if data.table else "",
            "error_list": error_list[:ERRORS_SHOWN],
            "errors_hidden": max(len(error_list) - ERRORS_SHOWN, 0),
            "upload": upload,
            "upload_errors": upload.errors[:ERRORS_SHOWN] if upload else [],
            "upload_errors_hidden": max(len(upload.errors) - ERRORS_SHOWN, 0) if upload else 0,
            "upload_form": upload_form or GridUploadForm(),
            "may_upload": may_upload and data.table is not None,
        }


TOTALS = ("base", "bonus", "penalty", "total")


def totals_shown(totals) -> dict[str, str]:
    """A unit's totals as the grid shows them (7,5 — not 7.50)."""
    return {part: show_value(getattr(totals, part)) for part in TOTALS}


def totals_html(unit_id: int, totals: dict[str, str], *, oob: bool = False) -> SafeString:
    """A unit's four totals cells, at the end of its row; with `oob`, the same cells in a cell save's answer,
    which htmx swaps in out of band (and which flash once)."""
    changed, swap = (" tot-changed", ' hx-swap-oob="true"') if oob else ("", "")
    cells = (
        f'<td id="t-{unit_id:d}-{part}" class="tot tot-{part}{changed}"{swap}>{escape(totals[part])}</td>'
        for part in TOTALS
    )
    return mark_safe("".join(cells))  # its only text, the totals, is escaped


def _cell(data: GridData, unit_id: int, criterion_id: int, kind: str, editable: bool, posted, errors) -> dict:
    key = (unit_id, criterion_id)
    value, version = data.cell(unit_id, criterion_id, kind)
    saved = show_value(value)
    cell = {
        "key": cell_key(unit_id, criterion_id),
        "shown": saved,
        "saved": saved,
        "version": version,
        "original": saved,
        "editable": editable,
        "error": "",
        "state": "",
    }
    if not posted:
        return cell
    if key in posted and key in errors:
        typed, posted_version, original = posted[key]
        error = errors[key]
        conflict = error.code == "conflict"
        cell.update(
            shown=typed,
            original=original,
            # after a conflict the page now carries the current version: saving again is a deliberate choice
            version=version if conflict else posted_version,
            error=error.messages[0],
            state="conflict" if conflict else "invalid",
        )
    elif key in posted:
        typed, posted_version, original = posted[key]
        if typed != original:  # typed but not refused: another cell's error stopped the save
            cell.update(shown=typed, original=original, version=posted_version)
    return cell


# --- The cells' HTML ----------------------------------------------------------------------------------
# A 15 × 40 grid has 600 cells: they are written here, one f-string each, rather than by the template,
# whose dozen lookups and filters per cell made most of the page's time (and an include of the totals
# per row, 15 of them, another fifth of the template's). Every text is escaped: the unit's name once per
# row and the criteria's codes once per column (cells_html's arguments), the values here.
# htmx's attributes are on the table (grid.html) and grid.js adds each cell's unit, criterion and version
# to its request, so a cell carries only what is its own.

_ICONS = {"conflict": "!", "invalid": "✗"}


def header_html(bands, criteria) -> tuple[SafeString, SafeString]:
    """The grid's two header rows' columns: the top-level groups over their criteria (bands), then each
    criterion's code and range. The unit and totals columns stay in the template."""
    groups = []
    for band in bands:
        group, text, title = band.group, "", ""
        if group is not None:
            name = f"{escape(group.code)}. {escape(group.title)}"
            title = f' title="{name}"'
            text = f'<span class="band-text">{name}{f" ({escape(group.max_shown)})" if group.max_points else ""}</span>'
        groups.append(f'<th colspan="{len(band.criteria)}" scope="colgroup" class="band"{title}>{text}</th>')
    columns = []
    for c in criteria:
        shown = escape(c.max_shown)
        scale = f"−{shown}…0" if c.kind == CriterionKind.PENALTY else f"≤ {shown}"
        columns.append(
            f'<th scope="col" class="crit crit-{escape(c.kind)}" title="{escape(c.code)} {escape(c.title)}">'
            f'<span class="crit-code">{escape(c.code)}</span>\n<span class="crit-max">{scale}</span></th>'
        )
    return mark_safe("\n".join(groups)), mark_safe("\n".join(columns))  # every text in them is escaped


def legend_html(criteria) -> SafeString:
    """The rows of the criteria's legend under the grid: code, title (bonus and penalty marked), maximum."""
    bonus, penalty = escape(_("thưởng")), escape(_("trừ"))  # not inside the f-strings: makemessages reads these
    bonus = f' <span class="badge text-bg-success">{bonus}</span>'
    penalty = f' <span class="badge text-bg-warning">{penalty}</span>'
    rows = []
    for c in criteria:
        mark = bonus if c.kind == CriterionKind.BONUS else penalty if c.kind == CriterionKind.PENALTY else ""
        sign = "−" if c.kind == CriterionKind.PENALTY else ""
        rows.append(
            f'<tr><td class="text-nowrap">{escape(c.code)}</td><td>{escape(c.title)}{mark}</td>'
            f'<td class="text-end">{sign}{escape(c.max_shown)}</td></tr>'
        )
    return mark_safe("\n".join(rows))  # every text in it is escaped above


def cells_html(cells: list[dict], unit: str, codes: list[str]) -> SafeString:
    """A row's cells (from _cell), in the criteria's order; `unit` and `codes` are already escaped."""
    html = []
    for cell, code in zip(cells, codes, strict=True):
        if not cell["editable"]:
            html.append(f'<td class="gc gc-ro">{escape(cell["saved"])}</td>')
            continue
        key, version, saved = cell["key"], int(cell["version"]), escape(cell["saved"])
        shown = saved if cell["shown"] == cell["saved"] else escape(cell["shown"])
        td_class = input_class = error_attrs = status_attrs = status = ""
        if cell["error"]:  # a refused save of the whole form: the cell shows why, as a cell save would
            state = cell["state"]
            td_class, input_class, status_attrs = f" gc-{state}", " is-invalid", f' data-state="{state}"'
            error_attrs = format_html(' aria-invalid="true" title="{}"', cell["error"])
            status = format_html(
                '<span class="cell-icon" aria-hidden="true">{}</span><span class="cell-msg">{}</span>',
                _ICONS[state],
                cell["error"],
            )
        html.append(
            f'<td class="gc{td_class}"><input inputmode="decimal"'
            f' class="form-control form-control-sm score-input{input_class}" id="s-{key}" name="s-{key}"'
            f' value="{shown}" data-saved="{saved}" data-version="{version}" aria-label="{unit} — {code}"'
            f' aria-describedby="st-{key}"{error_attrs}><span id="st-{key}" class="cell-status"{status_attrs}>'
            f"{status}</span></td>"
        )
    return mark_safe("".join(html))  # every text in it is escaped above


class ScoreGrid(_GridMixin, View):
    """GET: the grid. POST: the whole grid as one plain form (the path without JavaScript)."""

    template_name = "blocs/year/grid.html"

    def get(self, request, *args, **kwargs):
        kind = self.value_kind(request.GET)
        return self.render(self.grid_context(kind))

    def render(self, extra: dict, status: int = 200) -> TemplateResponse:
        return TemplateResponse(self.request, self.template_name, self.get_context_data(**extra), status=status)

    def post(self, request, *args, **kwargs):
        kind = self.value_kind(request.POST)
        if self.closed:
            raise PermissionDenied
        members = self.members()
        unit_ids = [m.unit_id for m in members]
        editable = self.editable_units(kind, unit_ids)
        if not editable:
            raise PermissionDenied
        table = ScoringTable.objects.filter(bloc=self.bloc, year=self.year).first()
        if table is None:
            messages.error(request, _("Khối chưa có bảng chấm điểm của năm này."))
            return redirect(self.grid_url(kind))
        try:
            state = json.loads(request.POST.get(STATE_FIELD) or "{}")
        except ValueError:
            state = {}
        criteria = list(table.criteria.filter(archived=False).values_list("pk", flat=True))
        changes, posted = [], {}
        for unit_id in unit_ids:
            for criterion_id in criteria:
                name = f"s-{cell_key(unit_id, criterion_id)}"
                if name not in request.POST:
                    continue
                if unit_id not in editable:
                    raise PermissionDenied
                version, original = _state_of(state, cell_key(unit_id, criterion_id))
                typed = request.POST[name].strip()
                changes.append(CellChange(unit_id, criterion_id, typed, version, original, original is not None))
                posted[unit_id, criterion_id] = (typed, version, original if original is not None else "")
        try:
            result = scores_save(table=table, field=kind, changes=changes, user=request.user)
        except ValidationError as error:  # the year was closed meanwhile
            messages.error(request, " ".join(error.messages))
            return redirect(self.grid_url(kind))
        if result.ok:
            messages.success(request, _saved_message(result))
            return redirect(self.grid_url(kind))
        return self.render(self.grid_context(kind, posted=posted, errors=result.errors))


def _state_of(state: dict, key: str) -> tuple[int, str | None]:
    """The version and value a cell had when the page was made (-1, None if the page did not say)."""
    entry = state.get(key)
    try:
        return int(entry[0]), str(entry[1])
    except (TypeError, ValueError, IndexError, KeyError):
        return -1, None


def _saved_message(result) -> str:
    if not result.written and not result.cleared:
        return _("Không có ô nào thay đổi, không có gì cần lưu.")
    return _("Đã lưu %(written)s ô điểm, xóa %(cleared)s ô.") % {
        "written": result.written,
        "cleared": result.cleared,
    }


class ScoreCell(_GridMixin, View):
    """One cell, posted by htmx when its value changes: answers with the cell's status, its new
    version and the unit's totals (out-of-band). Refusals are HTTP 200 with the reason, so htmx
    swaps them in like any answer; only missing rights (403) and unknown cells (404) are errors."""

    http_method_names = ["post"]
    template_name = "blocs/year/grid_cell.html#response"

    def post(self, request, *args, **kwargs):
        field_name = request.POST.get("field", "")
        if field_name not in FIELDS:
            return HttpResponseBadRequest(_("Không rõ loại giá trị cần lưu."))
        if field_name != SELF:
            self.require_edit()
        try:
            unit_id, criterion_id = int(request.POST["unit"]), int(request.POST["criterion"])
        except (KeyError, ValueError):
            return HttpResponseBadRequest(_("Thiếu đơn vị hoặc tiêu chí."))
        table = get_object_or_404(ScoringTable, bloc=self.bloc, year=self.year)
        criterion = get_object_or_404(Criterion.objects.select_related("table"), pk=criterion_id, table=table)
        membership = get_object_or_404(
            Membership.objects.select_related("unit"), bloc=self.bloc, year=self.year, unit_id=unit_id
        )
        unit = membership.unit
        if field_name == SELF and (self.closed or not request.user.has_perm("units.self_score", unit)):
            raise PermissionDenied
        key = cell_key(unit_id, criterion_id)
        raw = request.POST.get("value", request.POST.get(f"s-{key}", ""))
        try:
            version = int(request.POST.get("version", request.POST.get(f"v-{key}", "")))
        except ValueError:
            version = -1
        context = {"key": key, "unit": unit, "criterion": criterion, "field": field_name, "typed": raw}
        try:
            score = score_set(
                unit=unit,
                criterion=criterion,
                field=field_name,
                raw_value=raw,
                expected_version=version,
                user=request.user,
            )
            value_attr, version_attr = FIELDS[field_name]
            context.update(
                state="saved",
                value=getattr(score, value_attr),
                version=getattr(score, version_attr),
                saved_at=score.updated_at,
            )
        except ValidationError as error:
            if error.code == "year_closed":
                raise PermissionDenied from None
            conflict = error.code == "conflict"
            context.update(
                state="conflict" if conflict else "invalid",
                message=error.messages[0],
                value=error.params["current"] if conflict else None,
                version=error.params["version"] if conflict else version,
            )
        context["shown"] = show_value(context["value"]) if field_name != NOTE else context["value"]
        if field_name != NOTE and context["state"] != "invalid":
            context["totals"] = totals_shown(unit_totals(table=table, unit_id=unit_id, field_name=field_name))
            context["totals_html"] = totals_html(unit_id, context["totals"], oob=True)
        return TemplateResponse(request, self.template_name, context)


class ScoreXlsx(_GridMixin, View):
    """The grid of one kind of value as an Excel workbook that uploads back."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        kind = self.value_kind(request.GET)
        members = self.members()
        data = grid_data(bloc_id=self.bloc.pk, year=self.year, unit_ids=[m.unit_id for m in members])
        if data.table is None:
            raise Http404
        content = grid_xlsx.export_grid(data=data, memberships=members, kind=kind, bloc=self.bloc, year=self.year)
        name = f"cham-diem-{self.bloc.code}-{self.year}-{'tu-cham' if kind == SELF else 'tham-dinh'}.xlsx"
        return HttpResponse(
            content,
            content_type=grid_xlsx.XLSX_CONTENT_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )


class ScoreXlsxUpload(ScoreGrid):
    """Upload the workbook back: checked like the grid, written all or nothing; the grid page shows the outcome."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if self.closed:
            raise PermissionDenied
        members = self.members()
        unit_ids = [m.unit_id for m in members]
        editable = {kind: self.editable_units(kind, unit_ids) for kind in VALUE_KINDS}
        if not editable[ASSESSED] and not editable[SELF]:
            raise PermissionDenied
        form = GridUploadForm(request.POST, request.FILES)
        kind = self.value_kind(request.POST)
        if not form.is_valid():
            return self.render(self.grid_context(kind, upload_form=form))
        data = grid_data(bloc_id=self.bloc.pk, year=self.year, unit_ids=unit_ids)
        if data.table is None:
            raise Http404
        result = grid_xlsx.import_grid(
            data=form.cleaned_data["file"],
            grid=data,
            memberships=members,
            bloc=self.bloc,
            year=self.year,
            may_write=lambda k, unit_id: unit_id in editable[k],
            user=request.user,
        )
        if result.ok:  # back to the grid's own address, so that reloading cannot upload twice
            messages.success(request, _upload_message(result.batch))
            return redirect(self.grid_url(result.kind))
        return self.render(self.grid_context(result.kind or kind, upload=result))


def _upload_message(batch) -> str:
    if not batch.written and not batch.cleared:
        return _("Đã kiểm tra tệp Excel: không có điểm nào khác với phần mềm, không có gì thay đổi.")
    return _("Đã nhập tệp Excel: lưu %(written)s ô, xóa %(cleared)s ô, giữ nguyên %(unchanged)s ô.") % {
        "written": batch.written,
        "cleared": batch.cleared,
        "unchanged": batch.unchanged + batch.untouched,
    }


_GRID = "khoi/<int:pk>/nam/<int:year>/cham-diem/"

urls = [
    path(_GRID, never_cache(ScoreGrid.as_view()), name="score_grid"),
    # The same address answers the no-JavaScript form's POST; the name says what the form does.
    path(_GRID, never_cache(ScoreGrid.as_view()), name="score_grid_save"),
    path(f"{_GRID}o/", never_cache(ScoreCell.as_view()), name="score_cell"),
    path(f"{_GRID}tai-ve.xlsx", never_cache(ScoreXlsx.as_view()), name="score_xlsx"),
    path(f"{_GRID}tai-len/", never_cache(ScoreXlsxUpload.as_view()), name="score_xlsx_upload"),
]
