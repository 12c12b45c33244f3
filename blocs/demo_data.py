"""The demo province that `manage.py seed_demo` builds: plain data, and the membership plan derived from it.

A Quảng Trị-style province after the 2025 merger, from the facts in the seed articles: the
nine units of "Khối các cơ quan Tham mưu - Tổng hợp" (seed 002), the Party bloc (seed 001), the
centres and boards under departments (seed 000), an economic bloc (seed 003), central agencies
based in the province (seed 004), and a cluster of wards. The people are invented.

Each unit belongs to its home bloc (the bloc it is listed under) every year, except as CHANGES say;
heads and deputies rotate: in YEARS[i] the head is ROTATION[i] and the deputy ROTATION[i + 1], so
each year's head is the previous year's deputy.
"""

from blocs import defaults

PROVINCE = "UBND tỉnh Quảng Trị"
YEARS = (2024, 2025, 2026)

# Unit kinds, as units.models.UnitKind values (plain strings, so that this file stays data).
SO_NGANH, DANG, DOAN_THE, TRUNG_UONG, SU_NGHIEP, DIA_PHUONG = (
    "so_nganh",
    "dang",
    "doan_the",
    "trung_uong",
    "su_nghiep",
    "dia_phuong",
)

# Each bloc: code, name, kind ("khoi" or "cum"), description, rotation (unit codes, one per year
# plus next year's deputy), and units as (code, name, short name, kind, leader title, leader name).
BLOCS = [
    {
        "code": "tham-muu-tong-hop",
        "name": "Khối các cơ quan Tham mưu - Tổng hợp",
        "kind": "khoi",
        "description": (
            "Các cơ quan tham mưu cho Tỉnh ủy, HĐND, UBND tỉnh trong chỉ đạo, điều hành phát triển kinh tế - "
            "xã hội, công tác tư pháp, nội vụ, thanh tra, giải quyết khiếu nại, tố cáo và phòng, chống tham nhũng."
        ),
        "rotation": ["stc", "snv", "thanh-tra", "sngv"],
        "units": [
            ("thanh-tra", "Thanh tra tỉnh", "TTr tỉnh", SO_NGANH, "Chánh Thanh tra tỉnh", "Võ Văn Dũng"),
            ("vp-ubnd", "Văn phòng UBND tỉnh", "VP UBND tỉnh", SO_NGANH, "Chánh Văn phòng", "Nguyễn Văn Hải"),
            ("stc", "Sở Tài chính", "STC", SO_NGANH, "Giám đốc Sở", "Hồ Thị Thanh Hà"),
            ("snv", "Sở Nội vụ", "SNV", SO_NGANH, "Giám đốc Sở", "Lê Quang Thắng"),
            ("stp", "Sở Tư pháp", "STP", SO_NGANH, "Giám đốc Sở", "Trương Công Định"),
            ("sngv", "Sở Ngoại vụ", "SNgV", SO_NGANH, "Giám đốc Sở", "Phan Thị Thu Hương"),
            ("skhdt", "Sở Kế hoạch và Đầu tư", "SKHĐT", SO_NGANH, "Giám đốc Sở", "Đoàn Minh Tuấn"),
            (
                "vp-doan-dbqh-hdnd",
                "Văn phòng Đoàn ĐBQH & HĐND tỉnh",
                "VP Đoàn ĐBQH & HĐND",
                SO_NGANH,
                "Chánh Văn phòng",
                "Ngô Thị Bích Liên",
            ),
            ("bdt", "Ban Dân tộc tỉnh", "BDT", SO_NGANH, "Trưởng ban", "Hồ Văn Thương"),
        ],
    },
    {
        "code": "co-quan-dang",
        "name": "Khối các cơ quan Đảng",
        "kind": "khoi",
        "description": "Các ban, cơ quan tham mưu, giúp việc và đơn vị sự nghiệp trực thuộc Tỉnh ủy.",
        "rotation": ["btc-tu", "ubkt-tu", "vp-tu", "bnc-tu"],
        "units": [
            ("btc-tu", "Ban Tổ chức Tỉnh ủy", "BTC Tỉnh ủy", DANG, "Trưởng ban", "Nguyễn Đăng Khoa"),
            ("btg-tu", "Ban Tuyên giáo Tỉnh ủy", "BTG Tỉnh ủy", DANG, "Trưởng ban", "Hoàng Thị Kim Oanh"),
            ("bdv-tu", "Ban Dân vận Tỉnh ủy", "BDV Tỉnh ủy", DANG, "Trưởng ban", "Lê Thị Thu Hằng"),
            ("ubkt-tu", "Ủy ban Kiểm tra Tỉnh ủy", "UBKT Tỉnh ủy", DANG, "Chủ nhiệm", "Trần Đình Phúc"),
            ("vp-tu", "Văn phòng Tỉnh ủy", "VP Tỉnh ủy", DANG, "Chánh Văn phòng", "Nguyễn Hữu Lộc"),
            ("bnc-tu", "Ban Nội chính Tỉnh ủy", "BNC Tỉnh ủy", DANG, "Trưởng ban", "Phạm Văn Thành"),
            (
                "truong-chinh-tri",
                "Trường Chính trị Lê Duẩn",
                "Trường CT Lê Duẩn",
                DANG,
                "Hiệu trưởng",
                "Lê Minh Tâm",
            ),
            ("bao-qt", "Báo Quảng Trị", "Báo QT", DANG, "Tổng Biên tập", "Trần Thị Diệu Linh"),
        ],
    },
    {
        "code": "trung-tam-ban-quan-ly",
        "name": "Khối các trung tâm, ban quản lý thuộc sở",
        "kind": "khoi",
        "description": "Các trung tâm, ban quản lý là đơn vị sự nghiệp trực thuộc các sở, ngành.",
        "rotation": ["tt-khuyen-nong", "cdc", "tt-dvvl", "tt-ptqd"],
        "units": [
            ("tt-khuyen-nong", "Trung tâm Khuyến nông tỉnh", "TT Khuyến nông", SU_NGHIEP, "Giám đốc", "Nguyễn Văn Sơn"),
            ("cdc", "Trung tâm Kiểm soát bệnh tật tỉnh", "CDC Quảng Trị", SU_NGHIEP, "Giám đốc", "Lê Thị Hoài Thu"),
            ("tt-dvvl", "Trung tâm Dịch vụ việc làm tỉnh", "TT DVVL", SU_NGHIEP, "Giám đốc", "Hoàng Anh Tuấn"),
            ("tt-ptqd", "Trung tâm Phát triển quỹ đất tỉnh", "TT PTQĐ", SU_NGHIEP, "Giám đốc", "Trần Quốc Bảo"),
            (
                "tt-cntt",
                "Trung tâm Công nghệ thông tin và Truyền thông",
                "TT CNTT&TT",
                SU_NGHIEP,
                "Giám đốc",
                "Nguyễn Thành Trung",
            ),
            (
                "tt-quan-trac",
                "Trung tâm Quan trắc tài nguyên và môi trường",
                "TT Quan trắc",
                SU_NGHIEP,
                "Giám đốc",
                "Phan Văn Hòa",
            ),
            (
                "tt-nuoc-sach",
                "Trung tâm Nước sạch và Vệ sinh môi trường nông thôn",
                "TT NS&VSMTNT",
                SU_NGHIEP,
                "Giám đốc",
                "Đặng Văn Lực",
            ),
            (
                "bqlr-hh-dk",
                "Ban Quản lý rừng phòng hộ Hướng Hóa - Đakrông",
                "BQL RPH HH-ĐK",
                SU_NGHIEP,
                "Trưởng ban",
                "Hồ Văn Lai",
            ),
            (
                "tt-xuc-tien",
                "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch",
                "TT Xúc tiến",
                SU_NGHIEP,
                "Giám đốc",
                "Lê Thị Ngọc Yến",
            ),
            (
                "tt-phvhcc",
                "Trung tâm Phục vụ hành chính công tỉnh",
                "TT PVHCC",
                SU_NGHIEP,
                "Giám đốc",
                "Nguyễn Thị Kim Chi",
            ),
        ],
    },
    {
        "code": "kinh-te-nganh",
        "name": "Khối Kinh tế ngành và các Ban quản lý",
        "kind": "khoi",
        "description": "Các sở quản lý ngành kinh tế, Ban Quản lý Khu kinh tế và các ban quản lý dự án của tỉnh.",
        "rotation": ["sct", "sxd", "snnmt", "bql-kkt"],
        "units": [
            ("snnmt", "Sở Nông nghiệp và Môi trường", "SNN&MT", SO_NGANH, "Giám đốc Sở", "Trần Văn Quang"),
            ("sxd", "Sở Xây dựng", "SXD", SO_NGANH, "Giám đốc Sở", "Nguyễn Đức Thịnh"),
            ("sct", "Sở Công Thương", "SCT", SO_NGANH, "Giám đốc Sở", "Lê Văn Hùng"),
            ("skhcn", "Sở Khoa học và Công nghệ", "SKH&CN", SO_NGANH, "Giám đốc Sở", "Võ Thị Mỹ Hạnh"),
            ("bql-kkt", "Ban Quản lý Khu kinh tế tỉnh", "BQL KKT", SO_NGANH, "Trưởng ban", "Phạm Ngọc Ánh"),
            (
                "bqlda-dd-cn",
                "Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp tỉnh",
                "BQLDA DD&CN",
                SU_NGHIEP,
                "Giám đốc",
                "Hoàng Văn Khánh",
            ),
            (
                "bqlda-gt",
                "Ban Quản lý dự án đầu tư xây dựng các công trình giao thông tỉnh",
                "BQLDA Giao thông",
                SU_NGHIEP,
                "Giám đốc",
                "Ngô Quang Vinh",
            ),
            ("quy-dtpt", "Quỹ Đầu tư phát triển tỉnh", "Quỹ ĐTPT", SU_NGHIEP, "Giám đốc", "Đỗ Thị Phương Thảo"),
        ],
    },
    {
        "code": "trung-uong",
        "name": "Khối các cơ quan Trung ương đóng trên địa bàn",
        "kind": "khoi",
        "description": "Các cơ quan ngành dọc của Trung ương đóng trên địa bàn tỉnh.",
        "rotation": ["kbnn", "cuc-thue", "bhxh", "nhnn"],
        "units": [
            ("kbnn", "Kho bạc Nhà nước Quảng Trị", "KBNN", TRUNG_UONG, "Giám đốc", "Nguyễn Văn Thuận"),
            ("cuc-thue", "Cục Thuế tỉnh Quảng Trị", "Cục Thuế", TRUNG_UONG, "Cục trưởng", "Trần Minh Đức"),
            ("cuc-qltt", "Cục Quản lý thị trường tỉnh Quảng Trị", "Cục QLTT", TRUNG_UONG, "Cục trưởng", "Lê Đình Nam"),
            ("bhxh", "Bảo hiểm xã hội tỉnh Quảng Trị", "BHXH tỉnh", TRUNG_UONG, "Giám đốc", "Phan Thị Lệ Thủy"),
            (
                "nhnn",
                "Ngân hàng Nhà nước chi nhánh tỉnh Quảng Trị",
                "NHNN chi nhánh",
                TRUNG_UONG,
                "Giám đốc",
                "Hoàng Thị Minh Nguyệt",
            ),
            (
                "cuc-hai-quan",
                "Cục Hải quan tỉnh Quảng Trị",
                "Cục Hải quan",
                TRUNG_UONG,
                "Cục trưởng",
                "Nguyễn Quang Huy",
            ),
            (
                "cuc-thong-ke",
                "Cục Thống kê tỉnh Quảng Trị",
                "Cục Thống kê",
                TRUNG_UONG,
                "Cục trưởng",
                "Trương Thị Hồng Nhung",
            ),
            (
                "cuc-thads",
                "Cục Thi hành án dân sự tỉnh Quảng Trị",
                "Cục THADS",
                TRUNG_UONG,
                "Cục trưởng",
                "Lê Văn Phước",
            ),
        ],
    },
    {
        "code": "van-hoa-xa-hoi",
        "name": "Khối Văn hóa - Xã hội",
        "kind": "khoi",
        "description": "Các sở, đơn vị hoạt động trong lĩnh vực giáo dục, y tế, văn hóa, thông tin và đào tạo.",
        "rotation": ["syt", "sgddt", "svhttdl", "bvdk"],
        "units": [
            ("sgddt", "Sở Giáo dục và Đào tạo", "SGD&ĐT", SO_NGANH, "Giám đốc Sở", "Nguyễn Thị Thanh Tâm"),
            ("syt", "Sở Y tế", "SYT", SO_NGANH, "Giám đốc Sở", "Lê Văn Bình"),
            ("svhttdl", "Sở Văn hóa, Thể thao và Du lịch", "SVHTT&DL", SO_NGANH, "Giám đốc Sở", "Hồ Sỹ Nguyên"),
            (
                "dai-ptth",
                "Đài Phát thanh - Truyền hình Quảng Trị",
                "Đài PT-TH",
                SU_NGHIEP,
                "Giám đốc",
                "Trần Hữu Tình",
            ),
            ("bvdk", "Bệnh viện Đa khoa tỉnh Quảng Trị", "BVĐK tỉnh", SU_NGHIEP, "Giám đốc", "Nguyễn Văn Nhân"),
            (
                "cd-ky-thuat",
                "Trường Cao đẳng Kỹ thuật Quảng Trị",
                "CĐ Kỹ thuật",
                SU_NGHIEP,
                "Hiệu trưởng",
                "Phạm Xuân Trường",
            ),
            (
                "phan-hieu-dh-hue",
                "Phân hiệu Đại học Huế tại Quảng Trị",
                "PH ĐH Huế",
                SU_NGHIEP,
                "Giám đốc Phân hiệu",
                "Đinh Thị Hải Yến",
            ),
        ],
    },
    {
        "code": "mat-tran-doan-the",
        "name": "Khối Mặt trận, đoàn thể",
        "kind": "khoi",
        "description": "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh và các tổ chức chính trị - xã hội, hội cấp tỉnh.",
        "rotation": ["ubmttq", "hlhpn", "tinh-doan", "hnd"],
        "units": [
            ("ubmttq", "Ủy ban MTTQ Việt Nam tỉnh", "UBMTTQ tỉnh", DOAN_THE, "Chủ tịch", "Nguyễn Thị Hương Giang"),
            ("tinh-doan", "Tỉnh đoàn Quảng Trị", "Tỉnh đoàn", DOAN_THE, "Bí thư", "Lê Anh Tuấn"),
            ("hlhpn", "Hội Liên hiệp Phụ nữ tỉnh", "Hội LHPN tỉnh", DOAN_THE, "Chủ tịch", "Trần Thị Thanh Bình"),
            ("hnd", "Hội Nông dân tỉnh", "HND tỉnh", DOAN_THE, "Chủ tịch", "Nguyễn Văn Cường"),
            ("hccb", "Hội Cựu chiến binh tỉnh", "HCCB tỉnh", DOAN_THE, "Chủ tịch", "Hoàng Văn Toàn"),
            ("ldld", "Liên đoàn Lao động tỉnh", "LĐLĐ tỉnh", DOAN_THE, "Chủ tịch", "Phan Văn Sỹ"),
            ("hctd", "Hội Chữ thập đỏ tỉnh", "Hội CTĐ tỉnh", DOAN_THE, "Chủ tịch", "Võ Thị Kim Loan"),
        ],
    },
    {
        "code": "cum-cac-phuong",
        "name": "Cụm thi đua các phường",
        "kind": "cum",
        "description": "Các phường của tỉnh sau sắp xếp đơn vị hành chính cấp xã năm 2025.",
        "rotation": ["p-dong-ha", "p-quang-tri", "p-nam-dong-ha", "p-dong-hoi"],
        "units": [
            ("p-dong-ha", "Phường Đông Hà", "P. Đông Hà", DIA_PHUONG, "Chủ tịch UBND phường", "Nguyễn Minh Hoàng"),
            (
                "p-nam-dong-ha",
                "Phường Nam Đông Hà",
                "P. Nam Đông Hà",
                DIA_PHUONG,
                "Chủ tịch UBND phường",
                "Trần Thị Như Quỳnh",
            ),
            ("p-quang-tri", "Phường Quảng Trị", "P. Quảng Trị", DIA_PHUONG, "Chủ tịch UBND phường", "Lê Hữu Phước"),
            ("p-dong-hoi", "Phường Đồng Hới", "P. Đồng Hới", DIA_PHUONG, "Chủ tịch UBND phường", "Hoàng Minh Châu"),
            ("p-dong-thuan", "Phường Đồng Thuận", "P. Đồng Thuận", DIA_PHUONG, "Chủ tịch UBND phường", "Phạm Thị Hà"),
            ("p-dong-son", "Phường Đồng Sơn", "P. Đồng Sơn", DIA_PHUONG, "Chủ tịch UBND phường", "Nguyễn Văn Tiến"),
            ("p-ba-don", "Phường Ba Đồn", "P. Ba Đồn", DIA_PHUONG, "Chủ tịch UBND phường", "Đinh Văn Hiếu"),
            ("p-bac-gianh", "Phường Bắc Gianh", "P. Bắc Gianh", DIA_PHUONG, "Chủ tịch UBND phường", "Trần Quang Khải"),
        ],
    },
]

# What set some units apart from their home bloc. From "year" on, the unit is in bloc "to" (None:
# in no bloc); a unit whose change has "from" None was in no bloc before that year.
CHANGES = [
    {
        "unit": "dai-ptth",
        "year": 2025,
        "from": "van-hoa-xa-hoi",
        "to": "co-quan-dang",
        "note": "Chuyển từ Khối Văn hóa - Xã hội sang theo phương án sắp xếp tổ chức bộ máy năm 2025.",
    },
    {
        "unit": "tt-phvhcc",
        "year": 2025,
        "from": None,
        "to": "trung-tam-ban-quan-ly",
        "note": "Đơn vị thành lập năm 2025, bổ sung vào Khối từ năm 2025.",
    },
    {
        "unit": "tt-xuc-tien",
        "year": 2026,
        "from": "trung-tam-ban-quan-ly",
        "to": None,
        "note": "Ngừng hoạt động từ năm 2026 do sắp xếp lại đơn vị sự nghiệp.",
    },
]

# Unit fields beyond the tuple in BLOCS.
UNIT_EXTRAS = {
    "dai-ptth": {"note": "Từ năm 2025 thuộc Khối các cơ quan Đảng (trước đó: Khối Văn hóa - Xã hội)."},
    "tt-phvhcc": {"note": "Thành lập năm 2025; thành viên Khối các trung tâm, ban quản lý thuộc sở từ năm 2025."},
    "tt-xuc-tien": {"active": False, "note": "Ngừng hoạt động từ năm 2026 do sắp xếp lại đơn vị sự nghiệp."},
}

# Legal basis per year where it differs from the defaults: Nghị định 98/2023 governed 2024;
# Nghị định 152/2025 replaced it from 1 July 2025 (the defaults cite it).
RULE_SET_LEGAL_BASIS = {
    2024: "\n".join(
        [
            "Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15/6/2022",
            "Nghị định số 98/2023/NĐ-CP ngày 31/12/2023 của Chính phủ quy định chi tiết thi hành một số điều "
            "của Luật Thi đua, khen thưởng",
            "Quy chế tổ chức và hoạt động của cụm, khối thi đua do UBND tỉnh ban hành",
        ]
    ),
    2025: defaults.LEGAL_BASIS,
    2026: defaults.LEGAL_BASIS,
}

# One account per role. Scope: "bloc" or "unit" code for the roles that need one.
ACCOUNTS = [
    {
        "username": "bankt",
        "full_name": "Nguyễn Thị Hồng",
        "position": "Trưởng phòng Nghiệp vụ, Ban Thi đua - Khen thưởng (Sở Nội vụ)",
        "role": "board_admin",
        "admin": True,
    },
    {
        "username": "thamdinh",
        "full_name": "Trần Văn Minh",
        "position": "Chuyên viên thẩm định, Ban Thi đua - Khen thưởng (Sở Nội vụ)",
        "role": "board_reviewer",
    },
    {
        "username": "xem",
        "full_name": "Hoàng Văn Nam",
        "position": "Ủy viên Hội đồng Thi đua - Khen thưởng tỉnh",
        "role": "viewer",
    },
    {
        "username": "thuky",
        "full_name": "Phạm Thị Thu Trang",
        "position": "Chuyên viên Thanh tra tỉnh, thư ký Khối các cơ quan Tham mưu - Tổng hợp",
        "role": "bloc_secretary",
        "bloc": "tham-muu-tong-hop",
    },
    {
        "username": "khoitruong",
        "full_name": "Võ Văn Dũng",
        "position": "Chánh Thanh tra tỉnh, Khối trưởng Khối các cơ quan Tham mưu - Tổng hợp",
        "role": "bloc_head",
        "bloc": "tham-muu-tong-hop",
    },
    {
        "username": "canbo",
        "full_name": "Đặng Thị Lan",
        "position": "Chuyên viên Văn phòng Sở Tư pháp, phụ trách công tác thi đua, khen thưởng",
        "role": "unit_officer",
        "unit": "stp",
    },
    {
        "username": "thukydang",
        "full_name": "Bùi Thị Ngọc Ánh",
        "position": "Chuyên viên Văn phòng Tỉnh ủy, thư ký Khối các cơ quan Đảng",
        "role": "bloc_secretary",
        "bloc": "co-quan-dang",
    },
]


def units() -> list[dict]:
    """Every unit as a dict of Unit fields (code first), in the order of BLOCS."""
    result = []
    for bloc in BLOCS:
        for code, name, short_name, kind, leader_title, leader_name in bloc["units"]:
            row = {
                "code": code,
                "name": name,
                "short_name": short_name,
                "kind": kind,
                "leader_title": leader_title,
                "leader_name": leader_name,
                "active": True,
                "note": "",
            }
            row.update(UNIT_EXTRAS.get(code, {}))
            result.append(row)
    return result


def membership_plan() -> dict[int, dict[str, list[tuple[str, str, str]]]]:
    """{year: {bloc code: [(unit code, role, note), ...]}} for every year of YEARS.

    Roles are "head", "deputy" or "member" (blocs.models.MemberRole values).
    """
    home = {unit[0]: bloc["code"] for bloc in BLOCS for unit in bloc["units"]}
    plan: dict[int, dict[str, list[tuple[str, str, str]]]] = {}
    for index, year in enumerate(YEARS):
        where = dict(home)
        notes: dict[str, str] = {}
        for change in sorted(CHANGES, key=lambda c: c["year"]):
            if change["year"] <= year:
                where[change["unit"]] = change["to"]
                if change["year"] == year:
                    notes[change["unit"]] = change["note"]
            elif change["from"] is None:
                where[change["unit"]] = None
        by_bloc: dict[str, list[tuple[str, str, str]]] = {}
        for bloc in BLOCS:
            head, deputy = bloc["rotation"][index], bloc["rotation"][index + 1]
            rows = []
            for unit_code, bloc_code in where.items():
                if bloc_code != bloc["code"]:
                    continue
                if unit_code == head:
                    role, note = "head", f"Khối trưởng năm {year}, bầu tại hội nghị tổng kết năm {year - 1}."
                elif unit_code == deputy:
                    role, note = "deputy", f"Khối phó năm {year}, bầu tại hội nghị tổng kết năm {year - 1}."
                else:
                    role, note = "member", ""
                rows.append((unit_code, role, notes.get(unit_code, note)))
            by_bloc[bloc["code"]] = rows
        plan[year] = by_bloc
    return plan
