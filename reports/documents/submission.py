"""The submission letter (Tờ trình đề nghị khen thưởng) with its list (Danh sách kèm theo).

What it holds (DOCUMENTS.md): the legal bases; the proposals grouped by award type, each with the
unit, its rating, score, rank and vote share. The proposals are the bloc-year's nominations (awards
app); the share is read from the ballot each came from, as the nomination page reads it.
"""

from django.conf import settings
from django.utils import timezone

from awards.models import Nomination, State
from awards.views.nominations import ballot_lines
from blocs.models import Bloc
from blocs.ranking_data import ranking_for
from meetings.services_meetings import date_words
from reports.documents import records
from reports.documents.base import DocumentUnavailable, arabic

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def build(*, bloc: Bloc, year: int) -> dict:
    nominations = list(
        Nomination.objects.filter(bloc=bloc, year=year)
        .exclude(state=State.NOT_APPROVED)
        .select_related("unit", "award_type")
    )
    if not nominations:
        raise DocumentUnavailable(
            f"Năm {year} khối chưa có hồ sơ đề nghị khen thưởng nên chưa có tờ trình (tab «Đề nghị khen thưởng»)."
        )
    nominations.sort(key=lambda n: (n.award_type.order, n.award_type.name, n.unit.sort_key, n.unit.pk))
    ratings = records.ratings({n.unit_id for n in nominations}, year)
    ranking = ranking_for(bloc=bloc, year=year)
    placed = {row.key: row for row in ranking.ranking.rows}
    shares = ballot_lines(nominations)
    rule_set = records.rule_set(year)
    meeting = records.year_end_meeting(bloc, year)

    groups: list[dict] = []
    for nomination in nominations:
        if not groups or groups[-1]["award"] != nomination.award_type:
            groups.append({"award": nomination.award_type, "rows": []})
        row = placed.get(nomination.unit_id)
        rating = ratings.get(nomination.unit_id)
        share = shares.get(nomination.pk)
        groups[-1]["rows"].append(
            {
                "unit": nomination.unit,
                "rating": rating.rating if rating else "",
                "score": row.final if row and row.scored else None,
                "rank": row.rank if row and row.scored else None,
                "tied": bool(row and row.tied),
                "share": share[0] if share else "",
            }
        )
    number = arabic()
    for index, group in enumerate(groups):
        group["numeral"] = ROMAN[index] if index < len(ROMAN) else str(index + 1)
        group["number"] = number()

    return {
        "title": "TỜ TRÌNH",
        "subject": f"Về việc đề nghị khen thưởng thành tích công tác thi đua năm {year}",
        "bloc": bloc,
        "year": year,
        "rule_set": rule_set,
        "citations": rule_set.citations() if rule_set else [],
        "meeting": meeting,
        "meeting_date": date_words(timezone.localtime(meeting.held_at).date()) if meeting else "",
        "groups": groups,
        "total": len(nominations),
        "addressee": f"Hội đồng Thi đua - Khen thưởng tỉnh {settings.PROVINCE_NAME}",
        "proposed_date": timezone.localtime(meeting.held_at).date() if meeting else None,
        "ratings_used": sorted({r["rating"] for g in groups for r in g["rows"] if r["rating"]}),
    }
