"""Sensible defaults for a province's rule set, from DOMAIN.md. Data, not law: the board edits them."""

from decimal import Decimal

RULE_SET_NAME = "Quy chế tổ chức và hoạt động của cụm, khối thi đua thuộc tỉnh"

LEGAL_BASIS = "\n".join(
    [
        "Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15/6/2022",
        "Nghị định số 152/2025/NĐ-CP của Chính phủ quy định chi tiết một số điều của Luật Thi đua, khen thưởng",
        "Quy chế tổ chức và hoạt động của cụm, khối thi đua do UBND tỉnh ban hành",
    ]
)

RULE_SET_VALUES = {
    "vote_base": "entitled",
    "vote_threshold_num": 70,
    "vote_threshold_den": 100,
    "vote_threshold_strict": False,
    "quorum_num": 2,
    "quorum_den": 3,
    "score_max": Decimal(100),
    "score_step": Decimal("0.5"),
    "bonus_cap": Decimal(5),
}

# award code -> AwardRule values
AWARD_RULES = {
    "co-chinh-phu": {
        "quota_percent": Decimal(20),
        "quota_base": "bloc_leaders",
        "required_rating": "HTXSNV",
        "citation": "Điều 25 Luật Thi đua, khen thưởng 2022",
    },
    "co-ubnd-tinh": {
        "quota_count": 1,
        "required_rating": "HTXSNV",
        "citation": "Điều 26 Luật Thi đua, khen thưởng 2022; Quy chế cụm, khối của tỉnh",
    },
    "bk-thu-tuong": {
        "required_rating": "HTXSNV",
        "consecutive_years": 5,
        "citation": "Điều 71 Luật Thi đua, khen thưởng 2022",
    },
    "bk-chu-tich-tinh": {
        "quota_percent": Decimal(50),
        "quota_base": "remaining",
        "required_rating": "HTXSNV",
        "consecutive_years": 2,
        "citation": "Điều 74 Luật Thi đua, khen thưởng 2022",
    },
    "ttldxs": {
        "quota_percent": Decimal(20),
        "quota_base": "members",
        "required_rating": "HTXSNV",
        "citation": "Điều 27 Luật Thi đua, khen thưởng 2022",
    },
    "ttldtt": {"required_rating": "HTTNV", "citation": "Điều 28 Luật Thi đua, khen thưởng 2022"},
}
