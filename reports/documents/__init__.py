"""The kinds of documents, each a context builder and a template extending reports/shell.html.

KINDS are a bloc's documents for a year (listed on the bloc-year's documents page, issued by the
bloc); PROVINCE_KINDS are the board's papers: the review sheet of a year, the draft of an award
decision, and the bundle of every bloc's year-end report (with its contents page).
"""

from reports.documents import bundle, decision, minutes, pledge, review, submission, summary
from reports.documents.base import DocumentUnavailable, Kind
from reports.models import DocumentKind

KINDS: dict[str, Kind] = {
    kind.code: kind
    for kind in (
        Kind(
            code=DocumentKind.SUMMARY,
            slug="bao-cao-tong-ket",
            label=DocumentKind.SUMMARY.label,
            type_symbol="BC",
            template="reports/documents/summary.html",
            build=summary.build,
        ),
        Kind(
            code=DocumentKind.MINUTES,
            slug="bien-ban",
            label=DocumentKind.MINUTES.label,
            type_symbol="BB",
            template="reports/documents/minutes.html",
            build=minutes.build,
            signed_by_head=False,
        ),
        Kind(
            code=DocumentKind.SUBMISSION,
            slug="to-trinh",
            label=DocumentKind.SUBMISSION.label,
            type_symbol="TTr",
            template="reports/documents/submission.html",
            build=submission.build,
        ),
        Kind(
            code=DocumentKind.PLEDGE,
            slug="giao-uoc",
            label=DocumentKind.PLEDGE.label,
            type_symbol="GƯTĐ",
            template="reports/documents/pledge.html",
            build=pledge.build,
            signed_by_head=False,
        ),
    )
}
PROVINCE_KINDS: dict[str, Kind] = {
    kind.code: kind
    for kind in (
        Kind(
            code="review",
            slug="tong-hop-tham-dinh",
            label="Bảng tổng hợp kết quả thẩm định hồ sơ đề nghị khen thưởng",
            type_symbol="",
            template="reports/documents/review.html",
            build=review.build,
            signed_by_head=False,
            has_docx=False,
            scope="province",
            landscape=True,
        ),
        Kind(
            code="decision",
            slug="du-thao-quyet-dinh",
            label="Dự thảo quyết định khen thưởng",
            type_symbol="QĐ",
            template="reports/documents/decision.html",
            build=decision.build,
            signed_by_head=False,
            scope="province",
        ),
        Kind(
            code="bundle",
            slug="tap-bao-cao-tong-ket",
            label="Tập báo cáo tổng kết của các khối, cụm thi đua",
            type_symbol="",
            template="",
            build=bundle.contents,
            signed_by_head=False,
            has_docx=False,
            scope="province",
            compose=bundle.compose,
        ),
        Kind(
            code="bundle_contents",
            slug="muc-luc-tap-bao-cao",
            label="Mục lục tập báo cáo tổng kết",
            type_symbol="",
            template="reports/documents/bundle_contents.html",
            build=bundle.contents,
            signed_by_head=False,
            has_docx=False,
            scope="province",
        ),
    )
}
BY_SLUG = {kind.slug: kind for kind in (*KINDS.values(), *PROVINCE_KINDS.values())}


def get_kind(code: str) -> Kind:
    """A kind by its code ("summary", "review") or its slug ("bao-cao-tong-ket"); KeyError if there is none."""
    return KINDS.get(code) or PROVINCE_KINDS.get(code) or BY_SLUG[code]


__all__ = ["BY_SLUG", "KINDS", "PROVINCE_KINDS", "DocumentUnavailable", "Kind", "get_kind"]
