"""Every URL, every persona: exactly the access each role should have.

The table below must name every URL pattern of the project (a test checks that), so a new view
cannot be added without deciding who may use it.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import UserFactory

PERSONAS = ["anonymous", "viewer", "board", "secretary_a", "secretary_b", "officer_a"]
LOGIN = 302  # anonymous users are sent to the sign-in page


def _all(code):
    return dict.fromkeys(PERSONAS[1:], code)


def expect(anonymous=LOGIN, **codes):
    return {"anonymous": anonymous, **codes}


SIGNED_IN_200 = expect(**_all(200))
BOARD_ONLY = expect(viewer=403, board=200, secretary_a=403, secretary_b=403, officer_a=403)
BOARD_ONLY_POST = expect(viewer=403, board=302, secretary_a=403, secretary_b=403, officer_a=403)
BLOC_A_READ = expect(viewer=200, board=200, secretary_a=200, secretary_b=404, officer_a=200)
BLOC_A_STAFF_GET = expect(viewer=403, board=200, secretary_a=200, secretary_b=404, officer_a=403)
BLOC_A_STAFF_POST = expect(viewer=403, board=302, secretary_a=302, secretary_b=404, officer_a=403)
BOARD_ONLY_IN_A = expect(viewer=403, board=302, secretary_a=403, secretary_b=404, officer_a=403)
PROVINCE_READERS = expect(viewer=200, board=200, secretary_a=403, secretary_b=403, officer_a=403)
DOCUMENTS_READ = expect(viewer=200, board=200, secretary_a=200, secretary_b=404, officer_a=403)
JOB_READ = expect(viewer=404, board=200, secretary_a=404, secretary_b=404, officer_a=404)

# (url name, kwargs builder, method, POST data builder, expected status per persona)
CASES = [
    ("home", None, "get", None, SIGNED_IN_200),
    ("blocs:set_year", None, "post", lambda w: {"year": "2024", "next": "/"}, expect(**_all(302))),
    ("blocs:list", None, "get", None, SIGNED_IN_200),
    ("blocs:create", None, "get", None, BOARD_ONLY),
    ("blocs:copy_year", None, "post", lambda w: {"from_year": "2025", "to_year": "2026"}, BOARD_ONLY_POST),
    (
        "blocs:detail",
        lambda w: {"pk": w["bloc_a"].pk},
        "get",
        None,
        expect(viewer=200, board=200, secretary_a=200, secretary_b=404, officer_a=200),
    ),
    (
        "blocs:detail",
        lambda w: {"pk": w["bloc_b"].pk},
        "get",
        None,
        expect(viewer=200, board=200, secretary_a=404, secretary_b=200, officer_a=404),
    ),
    (
        "blocs:update",
        lambda w: {"pk": w["bloc_a"].pk},
        "get",
        None,
        expect(viewer=403, board=200, secretary_a=403, secretary_b=404, officer_a=403),
    ),
    (
        "blocs:membership_add",
        lambda w: {"pk": w["bloc_a"].pk},
        "post",
        lambda w: {"unit": w["spare"].pk, "role": "member"},
        expect(viewer=403, board=302, secretary_a=403, secretary_b=404, officer_a=403),
    ),
    (
        "blocs:bloc_copy_year",
        lambda w: {"pk": w["bloc_a"].pk},
        "post",
        lambda w: {"from_year": "2025", "to_year": "2026"},
        expect(viewer=403, board=302, secretary_a=403, secretary_b=404, officer_a=403),
    ),
    (
        "blocs:membership_change",
        lambda w: {"membership_pk": w["unit_a3"].memberships.get().pk},
        "post",
        lambda w: {"role": "member", "note": "", "version": "1"},
        expect(viewer=403, board=302, secretary_a=403, secretary_b=404, officer_a=403),
    ),
    ("blocs:unit_list", None, "get", None, SIGNED_IN_200),
    ("blocs:unit_create", None, "get", None, BOARD_ONLY),
    (
        "blocs:unit_detail",
        lambda w: {"pk": w["unit_a1"].pk},
        "get",
        None,
        expect(viewer=200, board=200, secretary_a=200, secretary_b=404, officer_a=404),
    ),
    (
        "blocs:unit_detail",
        lambda w: {"pk": w["unit_a3"].pk},
        "get",
        None,
        expect(viewer=200, board=200, secretary_a=200, secretary_b=404, officer_a=200),
    ),
    (
        "blocs:unit_update",
        lambda w: {"pk": w["unit_a3"].pk},
        "get",
        None,
        expect(viewer=403, board=200, secretary_a=403, secretary_b=404, officer_a=403),
    ),
    ("blocs:ruleset_list", None, "get", None, SIGNED_IN_200),
    ("blocs:ruleset_create", None, "post", lambda w: {"year": "2026"}, BOARD_ONLY_POST),
    ("blocs:ruleset_detail", lambda w: {"year": 2025}, "get", None, SIGNED_IN_200),
    ("blocs:ruleset_update", lambda w: {"year": 2025}, "get", None, BOARD_ONLY),
    ("blocs:registry_io", None, "get", None, PROVINCE_READERS),
    ("blocs:registry_template", None, "get", None, PROVINCE_READERS),
    ("blocs:registry_export", None, "get", None, PROVINCE_READERS),
    ("blocs:activity", None, "get", None, PROVINCE_READERS),
    ("blocs:registry_import", None, "post", lambda w: {}, BOARD_ONLY),
    ("blocs:user_list", None, "get", None, BOARD_ONLY),
    ("blocs:user_create", None, "get", None, BOARD_ONLY),
    ("blocs:user_detail", lambda w: {"pk": w["someone"].pk}, "get", None, BOARD_ONLY),
    ("blocs:user_update", lambda w: {"pk": w["someone"].pk}, "get", None, BOARD_ONLY),
    ("blocs:user_password", lambda w: {"pk": w["someone"].pk}, "get", None, BOARD_ONLY),
    (
        "blocs:role_add",
        lambda w: {"pk": w["someone"].pk},
        "post",
        lambda w: {"kind": "viewer"},
        BOARD_ONLY_POST,
    ),
    (
        "blocs:role_remove",
        lambda w: {"pk": w["someone"].pk, "role_pk": w["someone"].roles.get().pk},
        "post",
        lambda w: {},
        BOARD_ONLY_POST,
    ),
    # The year's records of bloc A (scoring table, overview, closing).
    ("blocs:year", lambda w: {"pk": w["bloc_a"].pk, "year": 2025}, "get", None, BLOC_A_READ),
    ("blocs:year_close", lambda w: {"pk": w["bloc_a"].pk, "year": 2025}, "post", lambda w: {}, BOARD_ONLY_IN_A),
    (
        "blocs:year_reopen",
        lambda w: {"pk": w["bloc_a"].pk, "year": 2025},
        "post",
        lambda w: {"reason": "Bổ sung hồ sơ"},
        BOARD_ONLY_IN_A,
    ),
    ("blocs:scoring_table", lambda w: {"pk": w["bloc_a"].pk, "year": 2025}, "get", None, BLOC_A_READ),
    (
        "blocs:scoring_table_create",
        lambda w: {"pk": w["bloc_a"].pk, "year": 2026},
        "post",
        lambda w: {"source": "template"},
        BLOC_A_STAFF_POST,
    ),
    (
        "blocs:scoring_table_settings",
        lambda w: {"pk": w["bloc_a"].pk, "year": 2025},
        "post",
        lambda w: {"name": "Bảng điểm", "bonus_cap": "5", "note": "", "version": "1"},
        BLOC_A_STAFF_POST,
    ),
    ("blocs:criterion_add", lambda w: {"pk": w["bloc_a"].pk, "year": 2025}, "get", None, BLOC_A_STAFF_GET),
    (
        "blocs:criterion_edit",
        lambda w: {"pk": w["bloc_a"].pk, "year": 2025, "cid": w["criterion"].pk},
        "get",
        None,
        BLOC_A_STAFF_GET,
    ),
    (
        "blocs:criterion_remove",
        lambda w: {"pk": w["bloc_a"].pk, "year": 2025, "cid": w["criterion"].pk},
        "post",
        lambda w: {"action": "remove"},
        BLOC_A_STAFF_POST,
    ),
    # Pledge and title registrations of bloc A (no pledge yet: editing sends back to the pledge page).
    ("blocs:pledge", lambda w: {"pk": w["bloc_a"].pk, "year": 2025}, "get", None, BLOC_A_READ),
    (
        "blocs:pledge_edit",
        lambda w: {"pk": w["bloc_a"].pk, "year": 2025},
        "get",
        None,
        expect(viewer=403, board=302, secretary_a=302, secretary_b=404, officer_a=403),
    ),
    (
        "blocs:pledge_copy",
        lambda w: {"pk": w["bloc_a"].pk, "year": 2025},
        "post",
        lambda w: {"source": "previous"},
        BLOC_A_STAFF_POST,
    ),
    (
        "blocs:pledge_sign",
        lambda w: {"pk": w["bloc_a"].pk, "year": 2025},
        "post",
        lambda w: {"unit": w["unit_a3"].pk, "signed_on": "2025-03-01", "signed_by": "Nguyễn Văn An", "state": ""},
        expect(viewer=403, board=302, secretary_a=302, secretary_b=404, officer_a=302),
    ),
    (
        "blocs:pledge_sign",
        lambda w: {"pk": w["bloc_a"].pk, "year": 2025},
        "post",
        lambda w: {"unit": w["unit_a1"].pk, "signed_on": "2025-03-01", "signed_by": "Nguyễn Văn An", "state": ""},
        BLOC_A_STAFF_POST,
    ),
    ("blocs:registrations", lambda w: {"pk": w["bloc_a"].pk, "year": 2025}, "get", None, BLOC_A_READ),
    (
        "blocs:registration_save",
        lambda w: {"pk": w["bloc_a"].pk, "year": 2025},
        "post",
        lambda w: {"unit": w["unit_a3"].pk, "state": ""},
        expect(viewer=403, board=302, secretary_a=302, secretary_b=404, officer_a=302),
    ),
    (
        "blocs:registration_save",
        lambda w: {"pk": w["bloc_a"].pk, "year": 2025},
        "post",
        lambda w: {"unit": w["unit_a1"].pk, "state": ""},
        BLOC_A_STAFF_POST,
    ),
    # Ranking and ratings (xếp loại) of bloc A; every year's ratings in Excel (province-wide).
    ("blocs:ranking", lambda w: {"pk": w["bloc_a"].pk, "year": 2025}, "get", None, BLOC_A_READ),
    ("blocs:ratings", lambda w: {"pk": w["bloc_a"].pk, "year": 2025}, "get", None, BLOC_A_READ),
    (
        "blocs:ratings",
        lambda w: {"pk": w["bloc_a"].pk, "year": 2025},
        "post",
        lambda w: {
            "xl-TOTAL_FORMS": "3",
            "xl-INITIAL_FORMS": "3",
            **{f"xl-{i}-unit": str(w[u].pk) for i, u in enumerate(["unit_a1", "unit_a2", "unit_a3"])},
            "xl-0-rating": "HTXSNV",
        },
        BLOC_A_STAFF_POST,
    ),
    ("blocs:ratings_import", None, "get", None, BOARD_ONLY),
    ("blocs:ratings_import", None, "post", lambda w: {}, BOARD_ONLY),
    ("blocs:ratings_template", None, "get", None, PROVINCE_READERS),
    ("blocs:ratings_export", None, "get", None, PROVINCE_READERS),
    # The score grid of bloc A (a scoring table is made on the fly if the world has none).
    (
        "blocs:score_grid",
        lambda w: {"pk": w["bloc_a"].pk, "year": 2025},
        "get",
        None,
        expect(viewer=200, board=200, secretary_a=200, secretary_b=404, officer_a=200),
    ),
    (
        "blocs:score_grid_save",
        lambda w: {"pk": w["bloc_a"].pk, "year": 2025},
        "post",
        lambda w: {},
        expect(viewer=403, board=302, secretary_a=302, secretary_b=404, officer_a=302),
    ),
    (
        "blocs:score_cell",
        lambda w: {"pk": w["bloc_a"].pk, "year": 2025},
        "post",
        lambda w: {
            "unit": w["unit_a3"].pk,
            "criterion": w["bloc_a"]
            .scoring_tables.get_or_create(year=2025, defaults={"name": "Bảng"})[0]
            .criteria.get_or_create(code="I.1", defaults={"title": "Tiêu chí", "max_points": 30})[0]
            .pk,
            "field": "assessed",
            "value": "5",
            "version": "0",
        },
        expect(viewer=403, board=200, secretary_a=200, secretary_b=404, officer_a=403),
    ),
    (
        "blocs:score_cell",
        lambda w: {"pk": w["bloc_a"].pk, "year": 2025},
        "post",
        lambda w: {
            "unit": w["unit_a3"].pk,
            "criterion": w["bloc_a"]
            .scoring_tables.get_or_create(year=2025, defaults={"name": "Bảng"})[0]
            .criteria.get_or_create(code="I.1", defaults={"title": "Tiêu chí", "max_points": 30})[0]
            .pk,
            "field": "self",
            "value": "5",
            "version": "0",
        },
        expect(viewer=403, board=200, secretary_a=200, secretary_b=404, officer_a=200),
    ),
    (
        "blocs:score_xlsx",
        lambda w: {
            "pk": w["bloc_a"].scoring_tables.get_or_create(year=2025, defaults={"name": "Bảng"})[0].bloc_id,
            "year": 2025,
        },
        "get",
        None,
        expect(viewer=200, board=200, secretary_a=200, secretary_b=404, officer_a=200),
    ),
    (
        "blocs:score_xlsx_upload",
        lambda w: {"pk": w["bloc_a"].pk, "year": 2025},
        "post",
        lambda w: {},
        expect(viewer=403, board=200, secretary_a=200, secretary_b=404, officer_a=200),
    ),
    # Ballots at a meeting of bloc A (tests/meetings/__init__.py: ballot_world).
    ("meetings:ballot_add", lambda w: {"meeting_pk": w["ballot_meeting"].pk}, "get", None, BLOC_A_STAFF_GET),
    (
        "meetings:ballot_add",
        lambda w: {"meeting_pk": w["ballot_meeting"].pk},
        "post",
        lambda w: {"purpose": "other", "title": "Biểu quyết thử", "seats": "1", "candidates": [w["unit_a1"].pk]},
        BLOC_A_STAFF_POST,
    ),
    (
        "meetings:ballot_counts",
        lambda w: {"meeting_pk": w["ballot_meeting"].pk, "ballot_pk": w["ballot"].pk},
        "get",
        None,
        BLOC_A_STAFF_GET,
    ),
    (
        "meetings:ballot_counts",
        lambda w: {"meeting_pk": w["ballot_meeting"].pk, "ballot_pk": w["ballot"].pk},
        "post",
        lambda w: {
            "entitled": "3",
            "issued": "3",
            "returned": "3",
            "valid": "3",
            "version": str(w["ballot"].version),
            **{f"votes_{w[u].pk}": v for u, v in (("unit_a1", "3"), ("unit_a2", "0"), ("unit_a3", "0"))},
        },
        BLOC_A_STAFF_POST,
    ),
    (
        "meetings:ballot_delete",
        lambda w: {"meeting_pk": w["ballot_meeting"].pk, "ballot_pk": w["ballot"].pk},
        "post",
        lambda w: {},
        BLOC_A_STAFF_POST,
    ),
    (
        "meetings:election_apply",
        lambda w: {"meeting_pk": w["ballot_meeting"].pk, "ballot_pk": w["election"].pk},
        "get",
        None,
        BLOC_A_STAFF_GET,
    ),
    (
        "meetings:election_apply",
        lambda w: {"meeting_pk": w["ballot_meeting"].pk, "ballot_pk": w["election"].pk},
        "post",
        lambda w: {"confirm": "1"},
        BLOC_A_STAFF_POST,
    ),
    # Meetings of bloc A: the year's list, one meeting (access_world["meeting"]) and its attachment.
    ("meetings:list", lambda w: {"pk": w["bloc_a"].pk, "year": 2025}, "get", None, BLOC_A_READ),
    ("meetings:create", lambda w: {"pk": w["bloc_a"].pk, "year": 2025}, "get", None, BLOC_A_STAFF_GET),
    (
        "meetings:create",
        lambda w: {"pk": w["bloc_a"].pk, "year": 2025},
        "post",
        lambda w: {
            "kind": "mid_year",
            "held_at_0": "2025-07-10",
            "held_at_1": "08:00",
            "place": "Sở Tư pháp",
            "chair": "Ông Nguyễn Văn A",
            "secretary": "Bà Trần Thị B",
        },
        BLOC_A_STAFF_POST,
    ),
    ("meetings:detail", lambda w: {"meeting_pk": w["meeting"].pk}, "get", None, BLOC_A_READ),
    ("meetings:update", lambda w: {"meeting_pk": w["meeting"].pk}, "get", None, BLOC_A_STAFF_GET),
    (
        "meetings:update",
        lambda w: {"meeting_pk": w["meeting"].pk},
        "post",
        lambda w: {
            "kind": "year_end",
            "title": w["meeting"].title,
            "held_at_0": "2025-12-28",
            "held_at_1": "14:00",
            "place": "Sở Tài chính",
            "chair": "Ông Nguyễn Văn A",
            "secretary": "Bà Trần Thị B",
            "version": "1",
        },
        BLOC_A_STAFF_POST,
    ),
    ("meetings:delete", lambda w: {"meeting_pk": w["meeting"].pk}, "post", lambda w: {}, BLOC_A_STAFF_POST),
    ("meetings:attendance", lambda w: {"meeting_pk": w["meeting"].pk}, "get", None, BLOC_A_READ),
    (
        "meetings:attendance",
        lambda w: {"meeting_pk": w["meeting"].pk},
        "post",
        lambda w: {
            "dh-TOTAL_FORMS": "3",
            "dh-INITIAL_FORMS": "3",
            "state": "",
            "all_present": "1",
            **{f"dh-{i}-unit": str(w[u].pk) for i, u in enumerate(["unit_a1", "unit_a2", "unit_a3"])},
        },
        BLOC_A_STAFF_POST,
    ),
    (
        "meetings:attachment_add",
        lambda w: {"meeting_pk": w["meeting"].pk},
        "post",
        lambda w: {"file": SimpleUploadedFile("Biên bản kiểm phiếu.pdf", b"%PDF-1.4\n%%EOF\n")},
        BLOC_A_STAFF_POST,
    ),
    (
        "meetings:attachment_download",
        lambda w: {"meeting_pk": w["meeting"].pk, "attachment_pk": w["attachment"].pk},
        "get",
        None,
        BLOC_A_READ,
    ),
    (
        "meetings:attachment_delete",
        lambda w: {"meeting_pk": w["meeting"].pk, "attachment_pk": w["attachment"].pk},
        "post",
        lambda w: {},
        BLOC_A_STAFF_POST,
    ),
    ("meetings:minutes", lambda w: {"meeting_pk": w["meeting"].pk}, "get", None, BLOC_A_READ),
    ("awards:bloc_list", lambda w: {"pk": w["bloc_a"].pk, "year": 2025}, "get", None, BLOC_A_READ),
    (
        "awards:create",
        lambda w: {"pk": w["bloc_a"].pk, "year": 2025},
        "post",
        lambda w: {"unit": w["unit_a2"].pk, "award_type": w["nomination"].award_type_id, "summary": ""},
        expect(viewer=403, board=403, secretary_a=302, secretary_b=404, officer_a=403),
    ),
    (
        "awards:create_from_ballot",
        lambda w: {"ballot_pk": w["ballot"].pk, "unit_pk": w["unit_a1"].pk},
        "post",
        lambda w: {},
        expect(viewer=403, board=403, secretary_a=302, secretary_b=404, officer_a=403),
    ),
    ("awards:detail", lambda w: {"nomination_pk": w["nomination"].pk}, "get", None, BLOC_A_READ),
    (
        "awards:update",
        lambda w: {"nomination_pk": w["nomination"].pk},
        "post",
        lambda w: {"summary": "Hoàn thành xuất sắc nhiệm vụ", "version": "1"},
        expect(viewer=403, board=403, secretary_a=302, secretary_b=404, officer_a=403),
    ),
    (
        "awards:transition",
        lambda w: {"nomination_pk": w["nomination"].pk},
        "post",
        lambda w: {"action": "start_review"},
        BOARD_ONLY_IN_A,
    ),
    (
        "awards:dossier_add",
        lambda w: {"nomination_pk": w["nomination"].pk},
        "post",
        lambda w: {"kind": "letter", "file": SimpleUploadedFile("Tờ trình.pdf", b"%PDF-1.4\n%%EOF\n")},
        expect(viewer=403, board=403, secretary_a=302, secretary_b=404, officer_a=403),
    ),
    (
        "awards:dossier_download",
        lambda w: {"nomination_pk": w["nomination"].pk, "file_pk": w["dossier"].pk},
        "get",
        None,
        BLOC_A_READ,
    ),
    (
        "awards:dossier_delete",
        lambda w: {"nomination_pk": w["nomination"].pk, "file_pk": w["dossier"].pk},
        "post",
        lambda w: {},
        expect(viewer=403, board=403, secretary_a=302, secretary_b=404, officer_a=403),
    ),
    # The board's review queue and side-by-side page: province readers read, the board acts (the access
    # world's nomination is a draft, so the action is refused on the page: 200 with the reason).
    ("awards:review_queue", None, "get", None, PROVINCE_READERS),
    (
        "awards:review_queue",
        None,
        "post",
        lambda w: {"thao_tac": "start_review", "chon": f"{w['nomination'].pk}:1"},
        expect(viewer=403, board=200, secretary_a=403, secretary_b=403, officer_a=403),
    ),
    ("awards:review", lambda w: {"nomination_pk": w["nomination"].pk}, "get", None, PROVINCE_READERS),
    (
        "awards:review",
        lambda w: {"nomination_pk": w["nomination"].pk},
        "post",
        lambda w: {"thao_tac": "start_review", "version": "1"},
        expect(viewer=403, board=200, secretary_a=403, secretary_b=403, officer_a=403),
    ),
    # Award decisions (province-wide: readers see them, the board records them) and the award history in Excel.
    ("awards:decision_list", None, "get", None, PROVINCE_READERS),
    ("awards:decision_create", None, "get", None, BOARD_ONLY),
    ("awards:decision_detail", lambda w: {"decision_pk": _decision().pk}, "get", None, PROVINCE_READERS),
    ("awards:decision_update", lambda w: {"decision_pk": _decision().pk}, "get", None, BOARD_ONLY),
    ("awards:decision_delete", lambda w: {"decision_pk": _decision().pk}, "post", lambda w: {}, BOARD_ONLY_POST),
    (
        "awards:decision_attach",
        lambda w: {"decision_pk": _decision().pk},
        "post",
        lambda w: {"nomination": [w["nomination"].pk], f"version-{w['nomination'].pk}": "1"},
        BOARD_ONLY_POST,
    ),
    ("awards:history_io", None, "get", None, PROVINCE_READERS),
    (
        "awards:history_import",
        None,
        "post",
        lambda w: {"file": SimpleUploadedFile("khen-thuong.xlsx", _history_template())},
        expect(viewer=403, board=200, secretary_a=403, secretary_b=403, officer_a=403),
    ),
    ("awards:history_template", None, "get", None, PROVINCE_READERS),
    ("awards:history_export", None, "get", None, PROVINCE_READERS),
    # Documents of bloc A's year (reports): read by bloc staff and province-wide roles, not by unit officers.
    ("reports:list", lambda w: {"pk": w["bloc_a"].pk, "year": 2025}, "get", None, DOCUMENTS_READ),
    ("reports:texts", lambda w: {"pk": w["bloc_a"].pk, "year": 2025}, "get", None, DOCUMENTS_READ),
    (
        "reports:texts",
        lambda w: {"pk": w["bloc_a"].pk, "year": 2025},
        "post",
        lambda w: {"strengths": "Đoàn kết, phối hợp tốt.", "version": ""},
        BLOC_A_STAFF_POST,
    ),
    (
        "reports:preview",
        lambda w: {"pk": w["bloc_a"].pk, "year": 2025, "kind": "bao-cao-tong-ket"},
        "get",
        None,
        DOCUMENTS_READ,
    ),
    (
        "reports:pdf",
        lambda w: {"pk": w["bloc_a"].pk, "year": 2025, "kind": "bao-cao-tong-ket"},
        "get",
        None,
        DOCUMENTS_READ,
    ),
    (
        "reports:docx",
        lambda w: {"pk": w["bloc_a"].pk, "year": 2025, "kind": "bao-cao-tong-ket"},
        "get",
        None,
        DOCUMENTS_READ,
    ),
    (
        "reports:xlsx",
        lambda w: {"pk": w["bloc_a"].pk, "year": 2025, "kind": "bao-cao-tong-ket"},
        "get",
        None,
        DOCUMENTS_READ,
    ),
    (
        "reports:draft",
        lambda w: {"pk": w["bloc_a"].pk, "year": 2025, "kind": "bao-cao-tong-ket"},
        "post",
        lambda w: {"number": "5", "symbol": "BC-KTĐ", "issued_on": "2025-12-30", "place": "Quảng Trị", "version": ""},
        BLOC_A_STAFF_POST,
    ),
    (
        "reports:issue",
        lambda w: {"pk": w["bloc_a"].pk, "year": 2025, "kind": "bao-cao-tong-ket"},
        "post",
        lambda w: {"number": "5", "symbol": "BC-KTĐ", "issued_on": "2025-12-30", "place": "Quảng Trị", "version": ""},
        BOARD_ONLY_IN_A,  # and the bloc head (tests/reports/test_pages.py)
    ),
    ("reports:issued_download", lambda w: {"doc_pk": _issued(w).pk}, "get", None, DOCUMENTS_READ),
    # Attaching an issued report to the nominations bloc A still holds: the bloc's staff (dossier work).
    (
        "reports:attach",
        lambda w: {"doc_pk": _issued(w).pk},
        "post",
        lambda w: {},
        expect(viewer=403, board=403, secretary_a=302, secretary_b=404, officer_a=403),
    ),
    # The board's papers: the review sheet and a decision's draft are read as the queue and the decisions are;
    # background jobs are the board's (a job is also its requester's; anyone else: 404).
    ("reports:review_sheet", None, "get", None, PROVINCE_READERS),
    ("reports:decision", lambda w: {"decision_pk": _listing_decision(w).pk}, "get", None, PROVINCE_READERS),
    ("reports:decision_pdf", lambda w: {"decision_pk": _listing_decision(w).pk}, "get", None, PROVINCE_READERS),
    ("reports:decision_docx", lambda w: {"decision_pk": _listing_decision(w).pk}, "get", None, PROVINCE_READERS),
    ("reports:decision_xlsx", lambda w: {"decision_pk": _listing_decision(w).pk}, "get", None, PROVINCE_READERS),
    ("reports:jobs", None, "get", None, BOARD_ONLY),
    ("reports:jobs", None, "post", lambda w: {"document": "review-xlsx", "year": "2025"}, BOARD_ONLY_POST),
    ("reports:job", lambda w: {"job_pk": _job(w).pk}, "get", None, JOB_READ),
    ("reports:job_download", lambda w: {"job_pk": _job(w).pk}, "get", None, JOB_READ),
    ("accounts:login", None, "get", None, expect(anonymous=200, **_all(302))),
    ("accounts:logout", None, "post", lambda w: {}, expect(anonymous=302, **_all(302))),
    ("accounts:password_change", None, "get", None, SIGNED_IN_200),
    ("accounts:password_change_done", None, "get", None, SIGNED_IN_200),
    ("accounts:ping", None, "get", None, SIGNED_IN_200),
]


def _decision():
    """One award decision (no nominations), the same on every call of a test."""
    from tests.factories import AwardDecisionFactory

    return AwardDecisionFactory(number="125/QĐ-UBND")


def _history_template() -> bytes:
    from awards.history_xlsx import build_template

    return build_template()


def _listing_decision(w):
    """The decision of _decision(), whose draft lists the access world's nomination (approved, waiting)."""
    from awards.models import Nomination

    Nomination.objects.filter(pk=w["nomination"].pk).update(state="approved")
    return _decision()


def _job(w):
    """A finished review-sheet job asked by a board reviewer (once per test)."""
    from reports.models import RenderJob
    from tests.factories import RoleFactory
    from tests.reports import done_job

    job = RenderJob.objects.filter(requested_by__username="tham-dinh-vien").first()
    if job is None:
        reviewer = UserFactory(username="tham-dinh-vien")
        RoleFactory(user=reviewer, kind="board_reviewer")
        job = done_job(reviewer)
    return job


def _issued(w):
    """Bloc A's 2025 report, issued (once per test: the access world is built afresh for each)."""
    from tests.reports import issued_document

    return issued_document(w["bloc_a"])


# Patterns with their own, Django-provided access control, tested separately below.
OUTSIDE_TABLE = {"admin", "set_language"}


def _pattern_names(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = entry.namespace
            if namespace in OUTSIDE_TABLE:
                continue
            yield from _pattern_names(entry, f"{prefix}{namespace}:" if namespace else prefix)
        elif isinstance(entry, URLPattern) and entry.name and entry.name not in OUTSIDE_TABLE:
            yield f"{prefix}{entry.name}"


def test_table_covers_every_url_pattern():
    assert set(_pattern_names()) == {case[0] for case in CASES}


@pytest.fixture
def access_world(world, personas, scoring, year_end_meeting, settings, tmp_path):
    from tests.awards import nomination_world
    from tests.factories import RoleFactory, UnitFactory
    from tests.meetings import ballot_world
    from tests.meetings.test_meetings import meeting_world

    someone = UserFactory(username="someone")
    RoleFactory(user=someone, kind="viewer")
    return {
        **world,
        "spare": UnitFactory(name="Sở Ngoại vụ", code="sngv"),
        "someone": someone,
        "criterion": scoring.criteria.get(code="I.1"),
        **ballot_world(world),
        **meeting_world(year_end_meeting, settings=settings, media=tmp_path / "media"),
        **nomination_world(world),
    }


@pytest.mark.parametrize(("name", "kwargs", "method", "data", "expected"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("persona", PERSONAS)
def test_access(persona, name, kwargs, method, data, expected, access_world, personas, client_for):
    url = reverse(name, kwargs=kwargs(access_world) if kwargs else None)
    client = client_for(personas[persona])
    response = client.get(url) if method == "get" else client.post(url, data(access_world))
    assert response.status_code == expected[persona], f"{persona} {method.upper()} {url}"
    if response.status_code == LOGIN and persona == "anonymous" and name != "accounts:logout":
        assert response.url.startswith(reverse("accounts:login"))


def test_admin_is_for_staff_only(client_for, board):
    assert client_for(None).get("/quan-tri/").status_code == 302
    assert client_for(board).get("/quan-tri/").status_code == 302  # not staff: sent to the admin sign-in
    board.is_staff = board.is_superuser = True
    board.save()
    assert client_for(board).get("/quan-tri/").status_code == 200


def test_lists_hide_other_blocs(client_for, secretary_a, officer_a, world):
    page = client_for(secretary_a).get(reverse("blocs:list")).content.decode()
    assert world["bloc_a"].name in page
    assert world["bloc_b"].name not in page
    units = client_for(officer_a).get(reverse("blocs:unit_list")).content.decode()
    assert world["unit_a3"].name in units
    assert world["unit_a1"].name not in units
    assert world["unit_b1"].name not in units
