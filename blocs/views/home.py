from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from blocs.access import blocs_visible_to, scope_of
from blocs.models import MemberRole, Membership, RuleSet
from blocs.years import MAX_YEAR, MIN_YEAR, SESSION_KEY, selected_year


@login_required
def home(request):
    """The start page: the working year at a glance and the user's own blocs first."""
    year = selected_year(request)
    scope = scope_of(request.user)
    blocs = list(
        blocs_visible_to(request.user)
        .filter(active=True)
        .annotate(member_count=Count("memberships", filter=Q(memberships__year=year)))
        .order_by("sort_key")
    )
    heads = dict(
        Membership.objects.filter(year=year, role=MemberRole.HEAD, bloc__in=[b.pk for b in blocs]).values_list(
            "bloc_id", "unit__name"
        )
    )
    for bloc in blocs:
        bloc.head_name = heads.get(bloc.pk)
        bloc.mine = bloc.pk in scope.bloc_ids or bloc.pk in scope.officer_blocs
    blocs.sort(key=lambda b: not b.mine)
    context = {
        "blocs": blocs,
        "year": year,
        "scope": scope,
        "rule_set": RuleSet.objects.filter(year=year).first(),
        "unit_count": sum(b.member_count for b in blocs),
    }
    return render(request, "home.html", context)


@require_POST
@login_required
def set_year(request):
    """Remember the chosen working year in the session and go back where the user was."""
    raw = request.POST.get("year", "")
    if raw.isdigit() and MIN_YEAR <= int(raw) <= MAX_YEAR:
        request.session[SESSION_KEY] = int(raw)
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    # A `nam=` in the address would override the session: drop it so the choice shows.
    path, _, query = target.partition("?")
    kept = "&".join(p for p in query.split("&") if p and not p.startswith("nam="))
    return HttpResponseRedirect(f"{path}?{kept}" if kept else path)
