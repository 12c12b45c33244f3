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

# award code -> the awards received within its consecutive years, as (award code, at least how many): any one
# suffices. The PM's certificate for a collective: 5 consecutive years "Hoàn thành xuất sắc nhiệm vụ" and,
# within them, 1 provincial emulation flag or 2 provincial certificates (Luật Thi đua, khen thưởng 2022, the
# article on "Bằng khen của Thủ tướng Chính phủ", and its implementing decree).
PRIOR_AWARDS = {
    "bk-thu-tuong": [("co-ubnd-tinh", 1), ("bk-chu-tich-tinh", 2)],
}

SCORING_TEMPLATE_NAME = "Bảng chấm điểm mẫu của tỉnh (thang 100 điểm)"
SCORING_BONUS_CAP = Decimal(5)

# (code, title, kind, max points, children) — ../shared/data/scoring-table-example.md
SCORING_TEMPLATE = [
    ("I", "Thực hiện nhiệm vụ chính trị, chuyên môn", "group", Decimal(50), [
        ("I.1", "Hoàn thành các chỉ tiêu, nhiệm vụ được giao trong năm", "normal", Decimal(30)),
        ("I.2", "Hoàn thành các chỉ tiêu đã đăng ký trong giao ước thi đua", "normal", Decimal(10)),
        ("I.3", "Thực hiện cải cách hành chính, chuyển đổi số", "normal", Decimal(10)),
    ]),
    ("II", "Tổ chức phong trào thi đua và công tác khen thưởng", "group", Decimal(25), [
        ("II.1", "Ban hành kế hoạch, phát động phong trào thi đua thường xuyên và theo chuyên đề", "normal",
         Decimal(8)),
        ("II.2", "Phát hiện, bồi dưỡng, nhân rộng điển hình tiên tiến", "normal", Decimal(7)),
        ("II.3", "Công tác khen thưởng kịp thời, đúng đối tượng, đúng quy trình", "normal", Decimal(10)),
    ]),
    ("III", "Xây dựng tổ chức đảng, đoàn thể; chấp hành kỷ luật, kỷ cương", "group", Decimal(15), [
        ("III.1", "Tổ chức đảng, đoàn thể đạt trong sạch, vững mạnh", "normal", Decimal(8)),
        ("III.2", "Thực hành tiết kiệm, chống lãng phí, phòng chống tham nhũng", "normal", Decimal(7)),
    ]),
    ("IV", "Tham gia hoạt động của Khối", "group", Decimal(10), [
        ("IV.1", "Tham dự đầy đủ các hội nghị, hoạt động do Khối tổ chức", "normal", Decimal(5)),
        ("IV.2", "Gửi báo cáo đúng hạn, đầy đủ", "normal", Decimal(5)),
    ]),
    ("+", "Điểm thưởng", "group", Decimal(5), [
        ("+.1", "Có sáng kiến, mô hình mới được cấp có thẩm quyền công nhận", "bonus", Decimal(3)),
        ("+.2", "Được tặng Cờ thi đua hoặc Bằng khen trong năm", "bonus", Decimal(2)),
    ]),
    ("−", "Điểm trừ", "group", Decimal(0), [
        ("−.1", "Mỗi báo cáo gửi chậm (−1 điểm mỗi báo cáo)", "penalty", Decimal(10)),
        ("−.2", "Có cán bộ bị kỷ luật từ khiển trách trở lên", "penalty", Decimal(5)),
    ]),
]  # fmt: skip
