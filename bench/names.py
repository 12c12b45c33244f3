"""Plain Vietnamese words the generator combines into names of blocs, units, people and criteria.

Invented, plausible, and varied enough that search keys and Vietnamese sort keys are exercised
(Đ, Ơ, Ư, tones) the way a real province's registry would exercise them.
"""

# (bloc kind, theme, unit kind, unit name prefixes)
BLOC_THEMES = [
    ("khoi", "Khối các cơ quan Tham mưu - Tổng hợp", "so_nganh",
     ["Văn phòng", "Thanh tra", "Phòng Tài chính - Kế hoạch", "Phòng Nội vụ", "Phòng Tư pháp"]),
    ("khoi", "Khối Kinh tế ngành", "so_nganh",
     ["Chi cục Phát triển nông thôn", "Ban Quản lý dự án", "Phòng Kinh tế", "Chi cục Thủy lợi", "Hạt Kiểm lâm"]),
    ("khoi", "Khối Văn hóa - Xã hội", "su_nghiep",
     ["Trung tâm Y tế", "Trường THPT", "Trung tâm Văn hóa - Thể thao", "Bệnh viện đa khoa khu vực",
      "Trung tâm Giáo dục nghề nghiệp"]),
    ("khoi", "Khối các cơ quan Đảng", "dang",
     ["Ban Tuyên giáo", "Ủy ban Kiểm tra", "Ban Tổ chức", "Văn phòng Đảng ủy", "Trung tâm Chính trị"]),
    ("khoi", "Khối Mặt trận, đoàn thể", "doan_the",
     ["Ủy ban MTTQ", "Hội Liên hiệp Phụ nữ", "Đoàn Thanh niên", "Hội Nông dân", "Hội Cựu chiến binh"]),
    ("khoi", "Khối các cơ quan Trung ương đóng trên địa bàn", "trung_uong",
     ["Kho bạc Nhà nước khu vực", "Chi cục Thuế khu vực", "Bảo hiểm xã hội khu vực", "Chi cục Thống kê",
      "Chi cục Thi hành án dân sự"]),
    ("khoi", "Khối các trung tâm, ban quản lý", "su_nghiep",
     ["Trung tâm Khuyến nông", "Ban Quản lý rừng phòng hộ", "Trung tâm Dịch vụ việc làm",
      "Trung tâm Phát triển quỹ đất", "Trung tâm Nước sạch"]),
    ("khoi", "Khối Doanh nghiệp", "doanh_nghiep",
     ["Công ty TNHH MTV Lâm nghiệp", "Công ty Cổ phần Cấp nước", "Công ty Cổ phần Môi trường đô thị",
      "Công ty TNHH MTV Khai thác thủy lợi", "Công ty Cổ phần Xây dựng giao thông"]),
    ("cum", "Cụm thi đua các xã miền núi", "dia_phuong", ["Xã"]),
    ("cum", "Cụm thi đua các phường", "dia_phuong", ["Phường"]),
    ("cum", "Cụm thi đua các xã đồng bằng", "dia_phuong", ["Xã"]),
    ("cum", "Cụm thi đua các xã ven biển", "dia_phuong", ["Xã"]),
]  # fmt: skip

PLACE_FIRST = [
    "An", "Bình", "Cam", "Đa", "Đông", "Gio", "Hải", "Hướng", "Hòa", "Khe", "Long", "Mỹ", "Nam", "Ơn",
    "Phú", "Quảng", "Tân", "Thạnh", "Triệu", "Ưu", "Vĩnh", "Xuân", "Bắc", "Tây",
]  # fmt: skip
PLACE_SECOND = [
    "Lăng", "Phong", "Lộ", "Hóa", "Krông", "Thành", "Lợi", "Hiệp", "Định", "Phước", "Thuận", "Sơn",
    "Hà", "Giang", "Lâm", "Khê", "Thủy", "Trung", "Quang", "Điền", "Ninh", "Đức", "Hưng", "Long",
]  # fmt: skip

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Đức", "Thanh", "Quang", "Ngọc", "Xuân", "Thu"]
GIVEN = [
    "An", "Bình", "Châu", "Dũng", "Đạt", "Giang", "Hà", "Hải", "Hương", "Khoa", "Lan", "Linh", "Lộc",
    "Mai", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Tuấn", "Uyên", "Vinh", "Yến",
]  # fmt: skip
LEADER_TITLES = {
    "so_nganh": "Trưởng phòng",
    "su_nghiep": "Giám đốc",
    "dang": "Trưởng ban",
    "doan_the": "Chủ tịch",
    "trung_uong": "Giám đốc",
    "doanh_nghiep": "Tổng Giám đốc",
    "dia_phuong": "Chủ tịch UBND",
}

# Scoring table: four groups of normal criteria (max points each), a bonus group and a penalty group.
CRITERIA_GROUPS = [
    ("I", "Thực hiện nhiệm vụ chính trị, chuyên môn", "3", [
        "Hoàn thành chỉ tiêu kế hoạch năm được giao", "Hoàn thành nhiệm vụ đột xuất được giao",
        "Thực hiện các chỉ tiêu đã đăng ký trong giao ước", "Cải cách hành chính",
        "Chuyển đổi số, dịch vụ công trực tuyến",
        "Giải quyết hồ sơ đúng hạn", "Thu ngân sách, tiết kiệm chi", "Chất lượng tham mưu văn bản",
        "Quản lý tài chính, tài sản công", "Thực hiện chế độ báo cáo thống kê", "Phòng, chống thiên tai",
        "An toàn, vệ sinh lao động", "Bảo vệ môi trường", "Ứng dụng khoa học, công nghệ",
    ]),
    ("II", "Tổ chức phong trào thi đua và công tác khen thưởng", "3", [
        "Ban hành kế hoạch thi đua năm", "Phát động thi đua theo chuyên đề", "Sơ kết, tổng kết phong trào",
        "Phát hiện, bồi dưỡng điển hình tiên tiến", "Tuyên truyền gương người tốt, việc tốt",
        "Khen thưởng kịp thời, đúng đối tượng", "Hồ sơ khen thưởng đúng quy trình", "Kiện toàn Hội đồng thi đua",
        "Tham gia phong trào «Cả nước chung tay vì người nghèo»", "Phong trào «Dân vận khéo»",
    ]),
    ("III", "Xây dựng tổ chức đảng, đoàn thể; kỷ luật, kỷ cương", "3", [
        "Tổ chức đảng trong sạch, vững mạnh", "Công đoàn vững mạnh", "Đoàn thanh niên vững mạnh",
        "Thực hành tiết kiệm, chống lãng phí", "Phòng, chống tham nhũng, tiêu cực", "Văn hóa công sở",
    ]),
    ("IV", "Tham gia hoạt động của Khối", "2.5", [
        "Dự đầy đủ các hội nghị của Khối", "Gửi báo cáo đúng hạn", "Tham gia hoạt động văn hóa, thể thao của Khối",
        "Ủng hộ các quỹ do Khối phát động",
    ]),
]  # fmt: skip
BONUS_ITEMS = [
    ("Có sáng kiến, mô hình mới được công nhận", "2"),
    ("Được tặng Cờ thi đua hoặc Bằng khen trong năm", "2"),
    ("Đăng cai hoạt động chung của Khối", "1"),
]
PENALTY_ITEMS = [
    ("Mỗi báo cáo gửi chậm", "10"),
    ("Có cán bộ bị kỷ luật từ khiển trách trở lên", "5"),
    ("Để xảy ra đơn thư khiếu nại vượt cấp", "5"),
]

PLEDGE_ARTICLES = [
    "Thi đua hoàn thành xuất sắc các chỉ tiêu, nhiệm vụ chính trị, chuyên môn được giao trong năm.",
    "Đẩy mạnh cải cách hành chính, chuyển đổi số; ứng dụng phần mềm quản lý văn bản và hồ sơ công việc.",
    "Thực hành tiết kiệm, chống lãng phí; xây dựng tổ chức đảng, đoàn thể trong sạch, vững mạnh.",
    "Tham gia đầy đủ các hoạt động do Khối tổ chức; phát hiện, bồi dưỡng và nhân rộng điển hình tiên tiến.",
]
PLEDGE_TARGETS = [
    ("100% đơn vị ký kết giao ước thi đua", "percent", "100", "signed"),
    ("100% đơn vị hoàn thành tốt nhiệm vụ trở lên", "percent", "100", "httnv_plus"),
    ("20% đơn vị đạt danh hiệu «Tập thể lao động xuất sắc»", "percent", "20", "htxsnv"),
    ("100% đơn vị có trang thông tin điện tử", "yes_no", "1", "manual"),
]
RETURN_REASONS = [
    "Thiếu biên bản họp bình xét có chữ ký của chủ trì và thư ký.",
    "Báo cáo thành tích chưa có xác nhận của cấp trình khen.",
    "Tỷ lệ phiếu bầu ghi trong tờ trình không khớp với biên bản.",
    "Đề nghị bổ sung số liệu cán bộ đạt «Lao động tiên tiến».",
]
REJECT_REASONS = [
    "Không đạt xếp loại Hoàn thành xuất sắc nhiệm vụ hai năm liên tục theo quy định.",
    "Vượt chỉ tiêu khen thưởng của Khối theo quy chế.",
]
