"""The official-format parts of the board's papers (Ban Thi đua - Khen thưởng tỉnh, part of Sở Nội vụ):
its two-line issuing body, and the province's place and date.

A summary sheet of the board carries no number (it goes with a letter that has one); the award
decision draft is the province's (or the Prime Minister's) and is drawn in reports/documents/decision.py.
"""

from datetime import date

from django.conf import settings

from reports.documents.base import DocumentMeta, Signature

BOARD_NAME = "Ban Thi đua - Khen thưởng tỉnh"


def board_meta(*, issued_on: date, signatures: list[Signature]) -> DocumentMeta:
    """ "SỞ NỘI VỤ TỈNH QUẢNG TRỊ / BAN THI ĐUA - KHEN THƯỞNG", no number, "Quảng Trị, ngày …"."""
    return DocumentMeta(
        parent_body=f"SỞ NỘI VỤ TỈNH {settings.PROVINCE_NAME.upper()}",
        # On a portrait page the name takes two lines: break it after the dash, not inside "KHEN THƯỞNG".
        issuer="BAN\u00a0THI\u00a0ĐUA\u00a0- KHEN\u00a0THƯỞNG",
        number=None,
        symbol="",
        place=settings.PROVINCE_NAME,
        issued_on=issued_on,
        signer_name="",
        signatures=signatures,
    )
