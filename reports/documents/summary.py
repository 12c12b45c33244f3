"""The year-end summary report (Báo cáo tổng kết công tác thi đua, khen thưởng năm N).

What it holds (DOCUMENTS.md): members, head and deputy; the pledge's targets and how far each was
met; activities and meetings; each unit's score, rank and rating, with the bar chart the ranking page
draws; the ballots and their results; nominations; awards received; the free texts (strengths,
limitations, lessons, directions) and next year's elected head and deputy.
"""

import json

from django.db.models import Q
from django.utils import timezone

from awards.models import Nomination
from blocs.models import Bloc, MemberRole
from blocs.ranking_data import ranking_for
from meetings.models import Meeting
from meetings.services_ballots import meeting_ballots, meeting_quorum
from meetings.services_meetings import date_words
from reports.documents import records
from reports.documents.base import Numbering, arabic, paragraphs
from reports.models import ReportTexts
from units.models import Award, Rating


def chart_data(ranking, title: str) -> str:
    """The bars of the ranking page's chart as JSON, for the DOCX writer's native chart."""

    def number(value):
        return None if value is None else float(value)

    bars = ranking.chart_bars()
    return json.dumps(
        {
            "labels": [label for label, _value in bars],
            "values": [number(value) for _label, value in bars],
            "max": number(ranking.max_total),
            "ticks": [number(t) for t in ranking.chart_ticks()],
            "title": title,
        },
        ensure_ascii=False,
    )


TEXT_FIELDS = ("activities", "strengths", "limitations", "lessons", "directions")


def build(*, bloc: Bloc, year: int) -> dict:
    member_rows = records.members(bloc, year)
    unit_ids = [m.unit_id for m in member_rows]
    head = next((m.unit for m in member_rows if m.role == MemberRole.HEAD), None)
    deputy = next((m.unit for m in member_rows if m.role == MemberRole.DEPUTY), None)
    ratings = records.ratings(unit_ids, year)
    rule_set = records.rule_set(year)
    pledge = records.pledge_facts(bloc, year, member_rows)
    meetings = list(Meeting.objects.filter(bloc=bloc, year=year).order_by("held_at", "pk"))
    year_end = next((m for m in reversed(meetings) if m.kind == "year_end"), None)
    ballots = meeting_ballots(year_end, quorum=meeting_quorum(year_end, rule_set=rule_set)) if year_end else []
    texts = ReportTexts.objects.filter(bloc_year__bloc=bloc, bloc_year__year=year).first()
    text = {name: paragraphs(getattr(texts, name, "")) for name in TEXT_FIELDS}

    ranking = ranking_for(bloc=bloc, year=year)
    ranking_rows = []
    for row in ranking.ranking.rows:
        unit = ranking.units[row.key]
        rating = ratings.get(row.key)
        ranking_rows.append(
            {
                "rank": row.rank,
                "tied": row.tied,
                "scored": row.scored,
                "name": unit.name,
                "self_total": row.self_total,
                "assessed_total": row.assessed_total,
                "final": row.final,
                "from_self": row.from_self,
                "rating": rating.rating if rating else "",
            }
        )

    used = {r["rating"] for r in ranking_rows if r["rating"]}
    ratings_used = [(code, label) for code, label in Rating.choices if code in used]
    names = {row.label: ranking.units[row.key].name for row in ranking.ranking.rows}
    ties = [
        {"names": [names.get(label, label) for label in note.labels], "total": note.total, "resolved": note.resolved}
        for note in ranking.ranking.notes
    ]

    award_results = []
    elected = {}
    for view in ballots:
        if view.is_election:
            if view.result.valid and len(view.result.chosen) == 1:
                elected[view.ballot.purpose] = view.result.chosen[0]
        elif view.ballot.award_type_id:
            award_results.append(
                {"award": view.ballot.award_type.name, "result": view.result, "proposals": view.proposals}
            )

    # One rule for every ballot (the usual case) is stated once, after the results.
    rule_texts = {item["result"].rule_text for item in award_results}
    ballot_rule = rule_texts.pop() if len(rule_texts) == 1 else ""

    nominations = list(Nomination.objects.filter(bloc=bloc, year=year).select_related("unit", "award_type"))
    nominations.sort(key=lambda n: (n.award_type.order, n.award_type.name, n.unit.sort_key))
    awards = list(
        Award.objects.filter(unit_id__in=unit_ids)
        .filter(Q(decision_date__year=year) | Q(decision_date__isnull=True, year=year - 1))
        .select_related("unit", "award_type")
        .order_by("award_type__order", "unit__sort_key")
    )

    chart_title = f"Điểm xếp hạng năm {year} của các đơn vị"

    part = Numbering()
    sections = {"situation": part(), "results": part()}
    sub = arabic()
    results = {}
    if pledge:
        results["pledge"] = sub()
    if text["activities"] or meetings:
        results["activities"] = sub()
    results["ranking"] = sub()
    if award_results:
        results["ballots"] = sub()
    if nominations or awards:
        results["awards"] = sub()
    assessment = {}
    if text["strengths"] or text["limitations"] or text["lessons"]:
        sections["assessment"] = part()
        sub = arabic()
        for name in ("strengths", "limitations", "lessons"):
            if text[name]:
                assessment[name] = sub()
    if text["directions"] or elected:
        sections["directions"] = part()

    return {
        "title": "BÁO CÁO",
        "subject": f"Tổng kết công tác thi đua, khen thưởng năm {year} và phương hướng, nhiệm vụ năm {year + 1}",
        "bloc": bloc,
        "year": year,
        "next_year": year + 1,
        "rule_set": rule_set,
        "member_rows": member_rows,
        "head": head,
        "deputy": deputy,
        "pledge": pledge,
        "pledge_date": date_words(pledge.pledge.adopted_on) if pledge and pledge.pledge.adopted_on else "",
        "meetings": [
            {"title": m.title, "date": date_words(timezone.localtime(m.held_at).date()), "place": m.place}
            for m in meetings
        ],
        "year_end": year_end,
        "ranking": ranking,
        "ranking_rows": ranking_rows,
        "ratings_used": ratings_used,
        "tie_rule": (ranking.rule_text or "").strip().rstrip("."),
        "ties": ties,
        "ballot_rule": ballot_rule,
        "any_from_self": any(r["from_self"] for r in ranking_rows),
        "chart_bars": ranking.chart_bars(),
        "chart_ticks": ranking.chart_ticks(),
        "chart_title": chart_title,
        "chart_json": chart_data(ranking, chart_title),
        "award_results": award_results,
        "elected_head": elected.get("head"),
        "elected_deputy": elected.get("deputy"),
        "nominations": nominations,
        "awards": awards,
        "text": text,
        "sections": sections,
        "results": results,
        "assessment": assessment,
        "missing_texts": [ReportTexts._meta.get_field(name).verbose_name for name in TEXT_FIELDS if not text[name]],
        "proposed_date": timezone.localtime(year_end.held_at).date() if year_end else None,
    }
