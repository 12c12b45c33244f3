"""The bloc-year: what every page of a bloc's year shares, the overview, closing and reopening."""

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView, View
from django.views.generic.base import ContextMixin

from blocs.access import visible_bloc_or_404
from blocs.models import (
    Bloc,
    BlocYear,
    Criterion,
    Membership,
    Pledge,
    PledgeSignature,
    Score,
    ScoringTable,
    TitleRegistration,
)
from blocs.services_year import year_close, year_reopen
from units.history import history_rows
from units.models import AnnualRating
from units.prepared import Prepared

# Every page of a bloc's year reads these: prepared (units.prepared), the ORM builds them once.
_BLOC_YEAR = Prepared(
    lambda bloc_id, year: BlocYear.objects.filter(bloc_id=bloc_id, year=year).select_related("closed_by")
)
_MEMBERS = Prepared(lambda bloc_id, year: Membership.objects.filter(bloc_id=bloc_id, year=year).select_related("unit"))


class BlocYearMixin(LoginRequiredMixin, ContextMixin):
    """Resolves `pk` (a bloc the user may see, else 404) and `year` from the URL.

    Sets self.bloc, self.year, self.bloc_year (None until the year is first written or closed),
    self.closed and self.can_edit (the user may edit this bloc's records and the year is open).
    Views that write call `self.require_edit()`; services check the year again inside their transaction.
    """

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.bloc = visible_bloc_or_404(request.user, kwargs["pk"])
        self.year = kwargs["year"]
        if not request.user.has_perm("blocs.view_bloc", self.bloc):
            raise PermissionDenied
        found = _BLOC_YEAR(bloc_id=self.bloc.pk, year=self.year)
        self.bloc_year = found[0] if found else None
        self.closed = bool(self.bloc_year and self.bloc_year.is_closed)
        self.may_edit = request.user.has_perm("blocs.edit_records", self.bloc)
        self.can_edit = self.may_edit and not self.closed
        return super().dispatch(request, *args, **kwargs)

    def require_edit(self) -> None:
        """403 for users who may not edit this bloc's records, and for anyone while the year is closed."""
        if not self.can_edit:
            raise PermissionDenied

    def members(self):
        """This year's member units, head and deputy first, then in Vietnamese order (one query)."""
        memberships = _MEMBERS(bloc_id=self.bloc.pk, year=self.year)
        order = {"head": 0, "deputy": 1, "member": 2}
        memberships.sort(key=lambda m: (order[m.role], m.unit.sort_key))
        return memberships

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            bloc=self.bloc,
            year=self.year,
            bloc_year=self.bloc_year,
            closed=self.closed,
            can_edit=self.can_edit,
            selected_year=self.year,  # the header's year selector shows the year on screen
        )
        return context


class YearOverview(BlocYearMixin, TemplateView):
    """A checklist of the bloc's year, each line linking to where the work is (a fixed number of queries)."""

    template_name = "blocs/year/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        members = self.members()
        unit_ids = [m.unit_id for m in members]
        total = len(unit_ids)
        facts = _year_facts(self.bloc, self.year)
        pledge_exists, adopted_on, signed = facts["pledge_id"] is not None, facts["adopted_on"], facts["signed"]
        registered, rated = facts["registered"], facts["rated"]
        table_exists, table_name = facts["table_id"] is not None, facts["table_name"]
        scored_self, scored_assessed = facts["scored_self"], facts["scored_assessed"]
        meetings_count, year_end_held, ballots_count = (
            facts["meetings_held"],
            facts["year_end"] > 0,
            facts["ballots_held"],
        )
        meetings_url = reverse("meetings:list", args=[self.bloc.pk, self.year])
        # Documents live in a later app too: the issued ones through the reverse relation, one query. A closed
        # year's documents can no longer be issued, so they come before closing.
        issued = {}
        reads_documents = self.request.user.has_perm("reports.view_documents", self.bloc)
        if reads_documents:
            for kind, number, symbol, issued_on in (
                self.bloc.issued_documents.filter(year=self.year)
                .order_by("issued_at", "pk")
                .values_list("kind", "number", "symbol", "issued_on")
            ):
                issued[kind] = _("số %(number)02d/%(symbol)s ngày %(date)s") % {
                    "number": number,
                    "symbol": symbol,
                    "date": issued_on.strftime("%d/%m/%Y"),
                }
        documents_url = reverse("reports:list", args=[self.bloc.pk, self.year]) + "#da-ban-hanh"
        url = lambda name: reverse(f"blocs:{name}", args=[self.bloc.pk, self.year])  # noqa: E731
        context["checklist"] = [
            _item(_("Giao ước thi đua được ký kết"), bool(adopted_on), url("pledge"),
                  _("ngày %(d)s") % {"d": adopted_on.strftime("%d/%m/%Y")} if adopted_on
                  else (_("đã soạn, chưa ghi ngày ký") if pledge_exists else _("chưa có"))),
            _item(_("Đơn vị ký giao ước"), total > 0 and signed == total, url("pledge"), f"{signed}/{total}"),
            _item(_("Đơn vị đăng ký danh hiệu"), total > 0 and registered == total, url("registrations"),
                  f"{registered}/{total}"),
            _item(_("Bảng chấm điểm"), table_exists, url("scoring_table"),
                  table_name if table_exists else _("chưa có")),
            _item(_("Đơn vị đã tự chấm điểm"), total > 0 and scored_self == total, url("score_grid") + "?gia_tri=self",
                  f"{scored_self}/{total}"),
            _item(_("Đơn vị đã được khối thẩm định điểm"), total > 0 and scored_assessed == total, url("score_grid"),
                  f"{scored_assessed}/{total}"),
            _item(_("Xếp loại mức độ hoàn thành nhiệm vụ"), total > 0 and rated == total, url("ratings"),
                  f"{rated}/{total}"),
            # Meetings live in a later app; read through the reverse relation and link by URL name only.
            _item(_("Hội nghị tổng kết, bình xét"), year_end_held, meetings_url,
                  ngettext("%(n)s hội nghị, %(b)s lần bỏ phiếu", "%(n)s hội nghị, %(b)s lần bỏ phiếu", meetings_count)
                  % {"n": meetings_count, "b": ballots_count} if meetings_count else _("chưa có")),
            _item(_("Khóa sổ năm"), self.closed, "#khoa-so",
                  _("đã khóa") if self.closed else _("chưa khóa")),
        ]  # fmt: skip
        if reads_documents:  # before closing: a closed year's documents can no longer be issued
            context["checklist"][-1:-1] = [
                _item(_("Báo cáo tổng kết đã ban hành"), "summary" in issued, documents_url,
                      issued.get("summary", _("chưa ban hành"))),
                _item(_("Biên bản hội nghị tổng kết đã ban hành"), "minutes" in issued, documents_url,
                      issued.get("minutes", _("chưa ban hành"))),
            ]  # fmt: skip
        context.update(
            members=members,
            can_close=not self.closed and self.request.user.has_perm("blocs.close_year", self.bloc),
            can_reopen=self.closed and self.request.user.has_perm("blocs.reopen_year", self.bloc),
            reopen_form=ReopenForm(),
            history=history_rows(self.bloc_year) if self.bloc_year else [],
        )
        return context


def _year_facts(bloc, year: int) -> dict:
    """What the overview's checklist counts, in one query: the pledge (id, date signed, members' signatures), title
    registrations, the scoring table (id, name) and the units that have self and assessed scores on it, ratings,
    meetings (all, year-end) and their ballots. Units are those that are members of the bloc in the year.

    Written as SQL: these eleven facts were six ORM queries, and built as one ORM query they cost Django ~6 ms to
    construct and compile against ~1 ms for the database to answer (bench/run.py, the year overview).
    """
    with connection.cursor() as cursor:
        cursor.execute(_YEAR_FACTS_SQL, {"bloc": bloc.pk, "year": year})
        row = cursor.fetchone()
    facts = dict(zip(_YEAR_FACTS, row, strict=True))
    if isinstance(facts["adopted_on"], str):  # SQLite gives a date as text
        facts["adopted_on"] = date.fromisoformat(facts["adopted_on"])
    return facts


_YEAR_FACTS = ("pledge_id", "adopted_on", "signed", "registered", "table_id", "table_name", "scored_self",
               "scored_assessed", "rated", "meetings_held", "year_end", "ballots_held")  # fmt: skip


def _year_facts_sql() -> str:
    # Meetings live in a later app: their tables are named through the reverse relations.
    meeting = Bloc.meetings.rel.related_model
    ballot = meeting.ballots.rel.related_model
    tables = {
        "membership": Membership._meta.db_table,
        "pledge": Pledge._meta.db_table,
        "signature": PledgeSignature._meta.db_table,
        "registration": TitleRegistration._meta.db_table,
        "table": ScoringTable._meta.db_table,
        "criterion": Criterion._meta.db_table,
        "score": Score._meta.db_table,
        "rating": AnnualRating._meta.db_table,
        "meeting": meeting._meta.db_table,
        "ballot": ballot._meta.db_table,
    }
    members = "SELECT unit_id FROM {membership} WHERE bloc_id = %(bloc)s AND year = %(year)s"
    pledge = "SELECT {column} FROM {pledge} WHERE bloc_id = %(bloc)s AND year = %(year)s ORDER BY id LIMIT 1"
    table = "SELECT {column} FROM {table} WHERE bloc_id = %(bloc)s AND year = %(year)s ORDER BY id LIMIT 1"
    scored = (
        "SELECT COUNT(DISTINCT s.unit_id) FROM {score} s JOIN {criterion} c ON c.id = s.criterion_id"
        " WHERE c.table_id = (" + table.replace("{column}", "id") + ") AND NOT c.archived"
        " AND s.{value} IS NOT NULL AND s.unit_id IN (" + members + ")"
    )
    meetings = "SELECT COUNT(*) FROM {meeting} WHERE bloc_id = %(bloc)s AND year = %(year)s"
    columns = [
        "(" + pledge.replace("{column}", "id") + ")",
        "(" + pledge.replace("{column}", "adopted_on") + ")",
        "(SELECT COUNT(*) FROM {signature} WHERE pledge_id = (" + pledge.replace("{column}", "id") + ")"
        " AND unit_id IN (" + members + "))",
        "(SELECT COUNT(DISTINCT unit_id) FROM {registration} WHERE year = %(year)s AND unit_id IN (" + members + "))",
        "(" + table.replace("{column}", "id") + ")",
        "(" + table.replace("{column}", "name") + ")",
        "(" + scored.replace("{value}", "self_value") + ")",
        "(" + scored.replace("{value}", "assessed_value") + ")",
        "(SELECT COUNT(*) FROM {rating} WHERE year = %(year)s AND unit_id IN (" + members + "))",
        "(" + meetings + ")",
        "(" + meetings + " AND kind = 'year_end')",
        "(SELECT COUNT(*) FROM {ballot} b JOIN {meeting} m ON m.id = b.meeting_id"
        " WHERE m.bloc_id = %(bloc)s AND m.year = %(year)s)",
    ]
    sql = "SELECT " + ",\n  ".join(columns)
    for name, db_table in tables.items():
        sql = sql.replace("{" + name + "}", connection.ops.quote_name(db_table))
    return sql


_YEAR_FACTS_SQL = _year_facts_sql()


def _item(label, done: bool, link: str, detail: str) -> dict:
    return {"label": label, "done": done, "link": link, "detail": detail}


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do mở lại"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, strip=True
    )


class YearClose(BlocYearMixin, View):
    """POST: the bloc head (or the board) closes the year: its records become read-only."""

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("blocs.close_year", self.bloc):
            raise PermissionDenied
        try:
            year_close(bloc=self.bloc, year=self.year, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("Đã khóa sổ năm %(year)s: mọi hồ sơ của năm chỉ còn xem.") % {"year": self.year}
            )
        return redirect("blocs:year", pk=self.bloc.pk, year=self.year)


class YearReopen(BlocYearMixin, TemplateView):
    """POST: the board reopens a closed year, with a written reason kept in the history."""

    template_name = "blocs/year/overview.html"

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("blocs.reopen_year", self.bloc):
            raise PermissionDenied
        form = ReopenForm(request.POST)
        if form.is_valid():
            try:
                year_reopen(bloc=self.bloc, year=self.year, user=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Đã mở lại năm %(year)s.") % {"year": self.year})
                return redirect("blocs:year", pk=self.bloc.pk, year=self.year)
        for error in form.errors.get("reason", []):
            messages.error(request, _("Lý do mở lại: %(e)s") % {"e": error})
        return redirect("blocs:year", pk=self.bloc.pk, year=self.year)
