"""The provincial board's review queue: every nomination of a year from every bloc, filtered, sorted and
paginated, with the quotas per award type above it, bulk actions on the selected rows, and a side-by-side
page for one nomination with "previous / next in the queue".

Province-wide readers (board admin, board reviewer, viewer) read; the board acts (`awards/rules.py`).
Bloc staff and unit officers get 403. The page runs a fixed number of queries whatever the number of
nominations: `checks_for` reads a whole list at once (a Government-flag proposal adds the look-up of its
bloc's leading unit), and the quota figures are three grouped counts. Services write.
"""

from dataclasses import dataclass
from fractions import Fraction

import django_filters
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView

from awards import eligibility, workflow
from awards.checks import CheckSummary, _ballot_facts, checks_for, summarize
from awards.models import Nomination, ReviewEvent, State
from awards.services import roles_of
from awards.services_review import BOARD_ACTIONS, nominations_transition, reason_required
from awards.views.nominations import HISTORY_YEARS, ballot_lines
from blocs.models import AwardRule, Bloc, Membership, QuotaBase
from blocs.views.mixins import YearMixin
from meetings import voting
from units.models import AnnualRating, Award, AwardType
from units.text import search_key

PER_PAGE = 50
PENDING = "cho_xu_ly"  # submitted or under review: what waits for the board
BLOCKING, WARNING, OK = "chua_dat", "canh_bao", "dat"
OUTCOMES = {BLOCKING: eligibility.BLOCKING, WARNING: eligibility.WARNING, OK: eligibility.OK}
FILTER_KEYS = ("khoi", "hinh_thuc", "trang_thai", "kiem_tra", "q", "sap_xep")

STATE_RANK = Case(
    *[When(state=value, then=Value(rank)) for rank, value in enumerate(State.values)], output_field=IntegerField()
)
# Sort keys of the queue's columns: the column first, then a stable order (bloc, award type, unit).
SORTS = {
    "khoi": ("bloc__sort_key", "award_type__order", "unit__sort_key"),
    "don_vi": ("unit__sort_key", "award_type__order"),
    "hinh_thuc": ("award_type__order", "award_type__name", "bloc__sort_key", "unit__sort_key"),
    "trang_thai": ("state_rank", "bloc__sort_key", "award_type__order", "unit__sort_key"),
    "ngay_trinh": ("submitted_at", "bloc__sort_key", "award_type__order", "unit__sort_key"),
}
DEFAULT_SORT = "khoi"


# --- Filters -------------------------------------------------------------------------------------


class QueueFilter(django_filters.FilterSet):
    """The queue's filters. `kiem_tra` (the checks' outcome) is applied after the checks are computed."""

    khoi = django_filters.ModelChoiceFilter(
        field_name="bloc", queryset=Bloc.objects.order_by("sort_key", "pk"), label=gettext_lazy("Khối, cụm"),
        empty_label=gettext_lazy("Mọi khối, cụm"),
    )  # fmt: skip
    hinh_thuc = django_filters.ModelChoiceFilter(
        field_name="award_type", queryset=AwardType.objects.order_by("order", "name"),
        label=gettext_lazy("Hình thức"), empty_label=gettext_lazy("Mọi hình thức"),
    )  # fmt: skip
    trang_thai = django_filters.ChoiceFilter(
        choices=[(PENDING, gettext_lazy("Chờ Ban xử lý (đã trình, đang thẩm định)")), *State.choices],
        method="filter_state", label=gettext_lazy("Trạng thái"), empty_label=gettext_lazy("Mọi trạng thái"),
    )  # fmt: skip
    kiem_tra = django_filters.ChoiceFilter(
        choices=[
            (BLOCKING, gettext_lazy("Có điều kiện chưa đạt")),
            (WARNING, gettext_lazy("Chỉ có cảnh báo")),
            (OK, gettext_lazy("Đạt mọi điều kiện")),
        ],
        method="filter_later", label=gettext_lazy("Kết quả kiểm tra"), empty_label=gettext_lazy("Mọi kết quả"),
    )  # fmt: skip
    q = django_filters.CharFilter(method="filter_search", label=gettext_lazy("Tìm đơn vị"))

    class Meta:
        model = Nomination
        fields: list[str] = []

    def filter_state(self, queryset, name, value):
        if value == PENDING:
            return queryset.filter(state__in=[State.SUBMITTED, State.UNDER_REVIEW])
        return queryset.filter(state=value)

    def filter_later(self, queryset, name, value):
        return queryset

    def filter_search(self, queryset, name, value):
        """Every word of the query in the unit's name or code, without diacritics ("so tu phap")."""
        for word in search_key(value).split():
            queryset = queryset.filter(unit__search_key__contains=word)
        return queryset


# --- Reading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoteShare:
    """The unit's share on its ballot, as a list cell shows it."""

    share: str
    rule: str
    met: bool


def vote_shares(nominations) -> dict[int, VoteShare]:
    """nomination pk -> its vote share, for the nominations that have a ballot (three queries)."""
    shares = {}
    for pk, fact in _ballot_facts(list(nominations)).items():
        met = bool(
            fact.same_award
            and fact.votes is not None
            and fact.base
            and voting.meets_threshold(votes=fact.votes, base=fact.base, threshold=fact.threshold, strict=fact.strict)
        )
        rule = voting.rule_text(vote_base=fact.vote_base, base=fact.base, threshold=fact.threshold, strict=fact.strict)
        shares[pk] = VoteShare(voting.share_text(fact.votes, fact.base), f"{fact.title}. {rule}", met)
    return shares


def queue_queryset(year: int):
    """The year's nominations with what the queue sorts on: the state's rank and the last submission."""
    submitted = (
        ReviewEvent.objects.filter(nomination=OuterRef("pk"), to_state=State.SUBMITTED)
        .order_by("-at", "-pk")
        .values("at")[:1]
    )
    return (
        Nomination.objects.filter(year=year)
        .select_related("bloc", "unit", "award_type")
        .annotate(state_rank=STATE_RANK, submitted_at=Subquery(submitted))
    )


def sort_param(value: str) -> str:
    """A known sort key (optionally "-" for descending), else the default."""
    return value if value.lstrip("-") in SORTS else DEFAULT_SORT


def ordered(queryset, sort: str):
    key = sort.lstrip("-")
    descending = sort.startswith("-")
    first, *rest = SORTS[key]
    if key == "ngay_trinh":  # not submitted yet: always last
        head = F(first).desc(nulls_last=True) if descending else F(first).asc(nulls_last=True)
    else:
        head = F(first).desc() if descending else F(first).asc()
    return queryset.order_by(head, *rest, "pk")


@dataclass
class Queue:
    """The filtered, sorted queue of one year. `rows` is a queryset, or a list once filtered by outcome."""

    filterset: QueueFilter
    sort: str
    outcome: str
    rows: object
    checks: dict[int, list[eligibility.Check]]  # by nomination pk, for those computed so far

    def checks_of(self, nominations) -> dict[int, list[eligibility.Check]]:
        """The checks of `nominations`, computing those not known yet (in one `checks_for`)."""
        missing = [n for n in nominations if n.pk not in self.checks]
        if missing:
            self.checks.update(checks_for(missing))
        return self.checks

    def summaries_of(self, nominations) -> dict[int, CheckSummary]:
        checks = self.checks_of(nominations)
        return {n.pk: summarize(checks[n.pk]) for n in nominations}


def build_queue(year: int, params) -> Queue:
    filterset = QueueFilter(params, queryset=queue_queryset(year))
    sort = sort_param(params.get("sap_xep", ""))
    rows = ordered(filterset.qs, sort)
    outcome = filterset.form.cleaned_data.get("kiem_tra") or ""
    checks: dict[int, list[eligibility.Check]] = {}
    if outcome:
        nominations = list(rows)
        checks = checks_for(nominations)
        rows = [n for n in nominations if eligibility.summary(checks[n.pk]) == OUTCOMES[outcome]]
    return Queue(filterset, sort, outcome, rows, checks)


def filter_query(params) -> str:
    """The queue's filters and sort from `params`, as a query string (other keys dropped)."""
    return urlencode([(key, params[key]) for key in FILTER_KEYS if params.get(key)])


# --- Quotas --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """Nominations counted against a quota (all but "not approved"), the limit (None: none) and what is left."""

    used: int
    limit: int | None
    province_wide: bool = False  # a bloc's figures when only the province-wide cap limits the award type

    @property
    def left(self) -> int | None:
        return None if self.limit is None else self.limit - self.used

    @property
    def over(self) -> bool:
        return self.limit is not None and self.used > self.limit

    @property
    def excess(self) -> int:
        return self.used - self.limit if self.over else 0


@dataclass(frozen=True)
class QuotaRow:
    award_type: AwardType
    rule_text: str  # empty: the year's rule set says nothing of the award type
    province: Figures
    approved: int  # approved or decided, province-wide
    bloc: Figures | None = None


def _percent(value) -> str:
    return voting.percent_text(Fraction(value) / 100)


def quota_rule_text(rule: AwardRule, *, province_blocs: int) -> str:
    """The quota of an award rule in words, as the rule set says it."""
    parts = []
    if rule.quota_percent is not None:
        if rule.quota_base == QuotaBase.BLOC_LEADERS:
            parts.append(
                _("Toàn tỉnh tối đa %(percent)s số đơn vị dẫn đầu các khối (%(blocs)s khối), làm tròn xuống.")
                % {"percent": _percent(rule.quota_percent), "blocs": province_blocs}
            )
        else:
            parts.append(
                _("Mỗi khối tối đa %(percent)s %(base)s, làm tròn xuống.")
                % {"percent": _percent(rule.quota_percent), "base": rule.get_quota_base_display().lower()}
            )
    if rule.quota_count is not None:
        parts.append(_("Mỗi khối không quá %(count)s đơn vị.") % {"count": rule.quota_count})
    return " ".join(parts) or _("Không giới hạn số lượng.")


def quota_rows(year: int, *, bloc: Bloc | None = None) -> list[QuotaRow]:
    """Per award type named by the year's rule set (or nominated this year): the quota used and left,
    province-wide and, when `bloc` is given, for that bloc. Four queries."""
    rules = {
        r.award_type_id: r
        for r in AwardRule.objects.filter(rule_set__year=year).select_related("award_type").order_by()
    }
    members = dict(
        Membership.objects.filter(year=year, bloc__active=True)
        .values_list("bloc_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    used: dict[tuple[int, int], int] = {}
    approved: dict[int, int] = {}
    types = {r.award_type_id: r.award_type for r in rules.values()}
    counted = (
        Nomination.objects.filter(year=year)
        .values_list("bloc_id", "award_type_id")
        .annotate(
            used=Count("pk", filter=~Q(state=State.NOT_APPROVED)),
            approved=Count("pk", filter=Q(state__in=[State.APPROVED, State.DECIDED])),
        )
        .order_by()
    )
    for bloc_id, type_id, n_used, n_approved in counted:
        used[bloc_id, type_id] = n_used
        approved[type_id] = approved.get(type_id, 0) + n_approved
        types.setdefault(type_id, None)
    missing = [pk for pk, award_type in types.items() if award_type is None]
    if missing:
        types.update(AwardType.objects.in_bulk(missing))
    province_blocs = len(members)
    rows = []
    for type_id, award_type in sorted(types.items(), key=lambda item: (item[1].order, item[1].name)):
        rule = rules.get(type_id)
        province_used = sum(n for (_b, t), n in used.items() if t == type_id)
        bloc_figures = None
        if rule is None:
            province = Figures(province_used, None)
            if bloc is not None:
                bloc_figures = Figures(used.get((bloc.pk, type_id), 0), None)
            rows.append(QuotaRow(award_type, "", province, approved.get(type_id, 0), bloc_figures))
            continue
        fact = eligibility.RuleFact(
            quota_percent=rule.quota_percent, quota_base=rule.quota_base, quota_count=rule.quota_count
        )
        limits = {bloc_id: eligibility.bloc_quota_limit(fact, members=m) for bloc_id, m in members.items()}
        cap = eligibility.province_cap(fact, province_blocs=province_blocs)
        if cap is not None:
            province_limit = cap
        elif limits and all(limit is not None for limit in limits.values()):
            province_limit = sum(limits.values())
        else:
            province_limit = None
        if bloc is not None:
            bloc_limit = eligibility.bloc_quota_limit(fact, members=members.get(bloc.pk, 0))
            bloc_figures = Figures(used.get((bloc.pk, type_id), 0), bloc_limit, bloc_limit is None and cap is not None)
        rows.append(
            QuotaRow(
                award_type,
                quota_rule_text(rule, province_blocs=province_blocs),
                Figures(province_used, province_limit),
                approved.get(type_id, 0),
                bloc_figures,
            )
        )
    return rows


# --- Access --------------------------------------------------------------------------------------


class ReviewAccess(LoginRequiredMixin):
    """Province-wide readers only (403 for everyone else); `self.can_act` for the board."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.has_perm("awards.view_review_queue"):
            raise PermissionDenied
        self.can_act = request.user.has_perm("awards.review_nominations")
        return super().dispatch(request, *args, **kwargs)

    def require_act(self) -> None:
        if not self.can_act:
            raise PermissionDenied


def _selected(values) -> dict[int, int]:
    """The bulk form's checkboxes ("pk:version") as {pk: version}; malformed values are dropped."""
    selected = {}
    for value in values:
        pk, _sep, version = value.partition(":")
        if pk.isdigit() and version.isdigit():
            selected[int(pk)] = int(version)
    return selected


def _action_choices():
    return [(action, workflow.ACTION_LABELS[action]) for action in BOARD_ACTIONS]


# --- The queue -----------------------------------------------------------------------------------


class ReviewQueue(ReviewAccess, YearMixin, TemplateView):
    """GET: the queue. POST (the board): one action with one reason on the selected nominations."""

    template_name = "awards/review/queue.html"

    def get_context_data(self, bulk=None, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.get_year()
        params = self.request.GET
        queue = build_queue(year, params)
        paginator = Paginator(queue.rows, PER_PAGE)
        page = paginator.get_page(params.get("page"))
        nominations = list(page.object_list)
        summaries = queue.summaries_of(nominations)
        shares = vote_shares(nominations)
        bloc = queue.filterset.form.cleaned_data.get("khoi")
        query = filter_query(params)
        bulk = bulk or {}
        chosen = bulk.get("selected", {})
        context.update(
            year=year,
            selected_year=year,
            filter=queue.filterset,
            form=queue.filterset.form,
            sort=queue.sort,
            sort_links=self._sort_links(params, queue.sort),
            page_obj=page,
            is_paginated=page.has_other_pages(),
            total=paginator.count,
            rows=[(n, summaries[n.pk], shares.get(n.pk), n.pk in chosen) for n in nominations],
            quotas=quota_rows(year, bloc=bloc),
            quota_bloc=bloc,
            query=query,
            can_act=self.can_act,
            actions=_action_choices(),
            bulk_action=bulk.get("action", ""),
            bulk_reason=bulk.get("reason", ""),
            bulk_errors=bulk.get("errors", []),
            reason_actions=[a for a in BOARD_ACTIONS if reason_required(a)],
        )
        return context

    def _sort_links(self, params, sort: str) -> dict[str, dict]:
        """Per column: the link that sorts by it (a second click reverses), and the current direction."""
        links = {}
        kept = [(k, params[k]) for k in FILTER_KEYS if k != "sap_xep" and params.get(k)]
        if params.get("nam"):
            kept.append(("nam", params["nam"]))
        for key in SORTS:
            current = sort.lstrip("-") == key
            target = key if not current or sort.startswith("-") else f"-{key}"
            links[key] = {
                "url": "?" + urlencode([*kept, ("sap_xep", target)]),
                "current": current,
                "descending": current and sort.startswith("-"),
            }
        return links

    def post(self, request, *args, **kwargs):
        self.require_act()
        selected = _selected(request.POST.getlist("chon"))
        action = request.POST.get("thao_tac", "")
        reason = request.POST.get("ly_do", "")
        try:
            done = nominations_transition(
                versions=selected, action=action, user=request.user, reason=reason, year=self.get_year()
            )
        except ValidationError as exc:
            bulk = {"selected": selected, "action": action, "reason": reason, "errors": exc.messages}
            return self.render_to_response(self.get_context_data(bulk=bulk))
        messages.success(
            request,
            ngettext(
                "Đã «%(action)s» %(n)s hồ sơ.",
                "Đã «%(action)s» %(n)s hồ sơ.",
                len(done),
            )
            % {"action": workflow.ACTION_LABELS[action], "n": len(done)},
        )
        return HttpResponseRedirect(request.get_full_path())


# --- One nomination, side by side ----------------------------------------------------------------


@dataclass(frozen=True)
class HistoryYear:
    year: int
    rating: AnnualRating | None
    awards: list[Award]


def history_years(nomination: Nomination) -> list[HistoryYear]:
    """The unit's rating and awards in each of the last five years up to the nomination's, newest first."""
    first = nomination.year - HISTORY_YEARS + 1
    ratings = {
        r.year: r for r in AnnualRating.objects.filter(unit_id=nomination.unit_id, year__range=(first, nomination.year))
    }
    awards: dict[int, list[Award]] = {}
    for award in (
        Award.objects.filter(unit_id=nomination.unit_id, year__range=(first, nomination.year))
        .select_related("award_type")
        .order_by("award_type__order", "award_type__name")
    ):
        awards.setdefault(award.year, []).append(award)
    return [HistoryYear(y, ratings.get(y), awards.get(y, [])) for y in range(nomination.year, first - 1, -1)]


class ReviewDetail(ReviewAccess, TemplateView):
    """GET: the nomination on the left, the unit's five years, the timeline and the board's actions on the
    right, with "previous / next" in the queue as filtered. POST (the board): one action on it."""

    template_name = "awards/review/detail.html"

    def get_nomination(self) -> Nomination:
        if not hasattr(self, "_nomination"):
            self._nomination = get_object_or_404(
                Nomination.objects.select_related("bloc", "unit", "award_type", "ballot__meeting", "decision"),
                pk=self.kwargs["nomination_pk"],
            )
        return self._nomination

    def neighbours(self, nomination: Nomination) -> tuple[dict, list[eligibility.Check]]:
        """Where the nomination sits in the queue as filtered (position, previous, next, the list's page),
        and its checks (computed with the queue's when the queue is filtered by their outcome)."""
        queue = build_queue(nomination.year, self.request.GET)
        if isinstance(queue.rows, list):
            ids = [n.pk for n in queue.rows]
        else:
            ids = list(queue.rows.values_list("pk", flat=True))
        checks = queue.checks_of([nomination])[nomination.pk]
        if nomination.pk not in ids:
            return {"position": None, "total": len(ids), "previous": None, "next": None, "page": 1}, checks
        index = ids.index(nomination.pk)
        around = {
            "position": index + 1,
            "total": len(ids),
            "previous": ids[index - 1] if index > 0 else None,
            "next": ids[index + 1] if index + 1 < len(ids) else None,
            "page": index // PER_PAGE + 1,
        }
        return around, checks

    def get_context_data(self, errors=None, action="", reason="", **kwargs):
        context = super().get_context_data(**kwargs)
        n = self.get_nomination()
        query = filter_query(self.request.GET)
        around, checks = self.neighbours(n)
        queue_params = [("nam", n.year), *[(k, self.request.GET[k]) for k in FILTER_KEYS if self.request.GET.get(k)]]
        if around["page"] > 1:
            queue_params.append(("page", around["page"]))
        roles = roles_of(self.request.user, n.bloc_id) if self.can_act else set()
        citations = list(dict.fromkeys(c.citation for c in checks if c.citation))
        actions = [t for t in workflow.actions_for(n.state, roles) if t.who == workflow.BOARD]
        context.update(
            nomination=n,
            year=n.year,
            selected_year=n.year,
            checks=checks,
            shared_citation=citations[0] if len(citations) == 1 else "",
            summary=summarize(checks),
            ballot_line=ballot_lines([n]).get(n.pk),
            files=list(n.files.all()),
            history=history_years(n),
            history_from=n.year - HISTORY_YEARS + 1,
            events=list(ReviewEvent.objects.filter(nomination=n).select_related("by").order_by("at", "pk")),
            actions=sorted(actions, key=lambda t: t.reason_required),  # approving first, then return and reject
            can_act=self.can_act,
            around=around,
            query=query,
            queue_url=reverse("awards:review_queue") + "?" + urlencode(queue_params),
            errors=errors or [],
            posted_action=action,
            posted_reason=reason,
        )
        return context

    def post(self, request, *args, **kwargs):
        self.require_act()
        n = self.get_nomination()
        action = request.POST.get("thao_tac", "")
        reason = request.POST.get("ly_do", "")
        version = request.POST.get("version", "")
        versions = {n.pk: int(version)} if version.isdigit() else {n.pk: -1}
        try:
            nominations_transition(versions=versions, action=action, user=request.user, reason=reason)
        except ValidationError as exc:
            return self.render_to_response(self.get_context_data(errors=exc.messages, action=action, reason=reason))
        messages.success(
            request,
            _("Đã «%(action)s»: %(unit)s — %(award)s.")
            % {"action": workflow.ACTION_LABELS[action], "unit": n.unit.name, "award": n.award_type.name},
        )
        target = n.pk
        following = request.POST.get("tiep", "")
        if request.POST.get("mo_tiep") and following.isdigit():
            target = int(following)
        query = filter_query(request.GET)
        return HttpResponseRedirect(
            reverse("awards:review", kwargs={"nomination_pk": target}) + (f"?{query}" if query else "")
        )


urls = [
    path("tham-dinh/", ReviewQueue.as_view(), name="review_queue"),
    path("tham-dinh/<int:nomination_pk>/", ReviewDetail.as_view(), name="review"),
]
