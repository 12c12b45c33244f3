"""The draft of an award decision (dự thảo Quyết định khen thưởng) with its appendix, the list of the
collectives awarded (Danh sách tập thể được khen thưởng).

What it holds (DOCUMENTS.md): the legal bases, "Xét đề nghị …", the articles (Điều 1: who is awarded
what, Điều 2: the reward, Điều 3: who carries it out), the recipients and the signature as the decision
records it ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" when no capacity is recorded), then the appendix by bloc.

The list is the nominations attached to the decision; while none is attached yet, the approved
nominations of its year and award type that wait for a decision (what the board would attach).
A national award (…/QĐ-TTg) is the Prime Minister's decision, drafted the same way.
"""

import re
from datetime import date

from django.conf import settings

from awards.models import AwardDecision
from awards.services_decisions import ISSUER_PRIME_MINISTER, attachable, issuer_of
from meetings.services_meetings import date_words
from reports.documents import records
from reports.documents.base import ROMAN, DocumentMeta, DocumentUnavailable, Signature, person_name
from reports.documents.board import BOARD_NAME
from units.text import search_key

# Luật Tổ chức chính quyền địa phương / Luật Tổ chức Chính phủ in force on a date: (from, citation).
_LOCAL_GOVERNMENT = [
    (date(2025, 7, 1), "Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025"),
    (date(2025, 3, 1), "Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025"),
    (date(2016, 1, 1), "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015"),
]
_GOVERNMENT = [
    (date(2025, 3, 1), "Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025"),
    (date(2016, 1, 1), "Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015"),
]


def _in_force(laws: list[tuple[date, str]], on: date) -> str:
    return next((text for since, text in laws if on >= since), laws[-1][1])


# The issuing body is in the header: a capacity recorded as "Chủ tịch UBND tỉnh" signs as "CHỦ TỊCH".
_BODY_SUFFIX = re.compile(r"\s+(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)(?:\s+tỉnh.*)?$", re.IGNORECASE)


def signature_lines(signer_title: str, *, national: bool) -> list[str]:
    """The capacity as recorded ("KT. Chủ tịch, Phó Chủ tịch" -> "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"); when
    none is recorded, a deputy signing for the head, as award decisions usually are."""
    parts = [_BODY_SUFFIX.sub("", part.strip()) for part in (signer_title or "").split(",") if part.strip()]
    if not parts:
        parts = ["KT. Thủ tướng", "Phó Thủ tướng"] if national else ["KT. Chủ tịch", "Phó Chủ tịch"]
    return [part.upper() for part in parts]


def _given(award_type) -> bool:
    """A flag or a certificate is given (tặng); another title is conferred (công nhận danh hiệu)."""
    return not award_type.is_title or award_type.name.startswith(("Cờ", "Bằng khen"))


def _verb(award_type) -> str:
    return f"Tặng {award_type.name}" if _given(award_type) else f"Công nhận danh hiệu «{award_type.name}»"


def build(*, decision: AwardDecision | int) -> dict:
    if not isinstance(decision, AwardDecision):
        decision = AwardDecision.objects.select_related("award_type").get(pk=decision)
    attached = list(
        decision.nominations.select_related("unit", "bloc").order_by(
            "bloc__sort_key", "bloc__pk", "unit__sort_key", "unit__pk"
        )
    )
    nominations = attached or list(attachable(decision))
    if not nominations:
        raise DocumentUnavailable(
            f"Chưa có hồ sơ nào gắn vào quyết định này, và không còn hồ sơ «{decision.award_type.name}» năm "
            f"{decision.year} đủ điều kiện đang chờ quyết định: dự thảo chưa có danh sách đơn vị."
        )
    groups: list[dict] = []
    for number, nomination in enumerate(nominations, start=1):  # numbered through the list, grouped by bloc
        if not groups or groups[-1]["bloc"] != nomination.bloc:
            groups.append({"bloc": nomination.bloc, "units": []})
        groups[-1]["units"].append({"number": number, "unit": nomination.unit})
    for index, group in enumerate(groups):
        group["numeral"] = ROMAN[index] if index < len(ROMAN) else str(index + 1)

    national = issuer_of(decision.number) == ISSUER_PRIME_MINISTER
    province = settings.PROVINCE_NAME
    award = decision.award_type
    rule_set = records.rule_set(decision.year)
    if national:
        issuer, place = "THỦ TƯỚNG CHÍNH PHỦ", "Hà Nội"
        authority = "THỦ TƯỚNG CHÍNH PHỦ"
        authority_short = "Thủ tướng Chính phủ"
        organisation = _in_force(_GOVERNMENT, decision.date)
        proposal = f"Xét đề nghị của Chủ tịch Ủy ban nhân dân tỉnh {province} và Bộ trưởng Bộ Nội vụ."
        executors = (
            f"Bộ trưởng, Thủ trưởng cơ quan ngang bộ, Chủ tịch Ủy ban nhân dân tỉnh {province}, Bộ trưởng "
            "Bộ Nội vụ và các tập thể có tên tại Điều 1"
        )
        recipients = ["Như Điều 3;", "Bộ Nội vụ;", f"UBND tỉnh {province};", "Lưu: VT."]
    else:
        issuer, place = f"ỦY BAN NHÂN DÂN\nTỈNH {province.upper()}", province
        authority = f"CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH {province.upper()}"
        authority_short = "Chủ tịch Ủy ban nhân dân tỉnh"
        organisation = _in_force(_LOCAL_GOVERNMENT, decision.date)
        proposal = f"Xét đề nghị của Giám đốc Sở Nội vụ ({BOARD_NAME}) và của các khối, cụm thi đua."
        executors = (
            f"Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Nội vụ, Trưởng {BOARD_NAME}, Thủ trưởng các "
            "cơ quan, đơn vị liên quan và các tập thể có tên tại Điều 1"
        )
        recipients = ["Như Điều 3;", "Chủ tịch, các Phó Chủ tịch UBND tỉnh;", f"{BOARD_NAME};", "Lưu: VT, TĐKT."]

    meta_name = person_name(decision.signer)
    meta = DocumentMeta(
        parent_body="",
        issuer=issuer,
        number=None,
        symbol="",
        number_label=decision.number,
        place=place,
        issued_on=decision.date,
        signer_name=meta_name,
        recipients=recipients,
        signatures=[Signature(lines=signature_lines(decision.signer_title, national=national), name=meta_name)],
    )
    citations = rule_set.citations() if rule_set else []
    bases = [organisation]
    if not any("Luật Thi đua" in citation for citation in citations):
        bases.append("Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022")
    bases += citations
    count = len(nominations)
    verb = _verb(award)
    return {
        "title": "QUYẾT ĐỊNH",
        "subject": f"Về việc {verb[:1].lower()}{verb[1:]} năm {decision.year}",
        "decision": decision,
        "year": decision.year,
        "award": award,
        "authority": authority,
        "authority_short": authority_short,
        "bases": bases,
        "rule_set": rule_set,
        "proposal": proposal,
        "executors": executors,
        "verb": verb,
        "given": _given(award),
        "merit": (
            f"đã dẫn đầu phong trào thi đua của các khối, cụm thi đua năm {decision.year}"
            if award.code.startswith("co-")
            else f"đã có thành tích xuất sắc trong phong trào thi đua năm {decision.year}"
        ),
        "count": count,
        "groups": groups,
        "attached": bool(attached),
        "date_words": date_words(decision.date),
        "filename": "du-thao-quyet-dinh-" + re.sub(r"[^a-z0-9]+", "-", search_key(decision.number)).strip("-"),
        "meta": meta,
    }
