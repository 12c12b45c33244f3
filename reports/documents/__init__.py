"""The kinds of documents, each a context builder and a template extending reports/shell.html."""

from reports.documents import minutes, pledge, submission, summary
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
BY_SLUG = {kind.slug: kind for kind in KINDS.values()}


def get_kind(code: str) -> Kind:
    """A kind by its code ("summary") or its slug ("bao-cao-tong-ket"); KeyError if there is none."""
    return KINDS.get(code) or BY_SLUG[code]


__all__ = ["BY_SLUG", "KINDS", "DocumentUnavailable", "Kind", "get_kind"]
