"""Checking an uploaded file by what it contains, not by what it is called or what the browser says.

Accepted: PDF, Word (.docx), Excel (.xlsx), JPG and PNG, up to settings.UPLOAD_MAX_MB. The file's
own first bytes decide its kind (a text file renamed "biên bản.pdf" is refused), and its name must
end with an extension of that kind, so that whoever downloads it opens it with the right program.
Pure Python and the standard library; meetings' attachments and the awards' dossier files use it.
"""

import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from units.text import clean_text


@dataclass(frozen=True)
class FileKind:
    code: str
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileKind("pdf", "PDF", "application/pdf", (".pdf",))
DOCX = FileKind(
    "docx", "Word (.docx)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)
)
XLSX = FileKind(
    "xlsx", "Excel (.xlsx)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)
)
JPG = FileKind("jpg", "JPG", "image/jpeg", (".jpg", ".jpeg"))
PNG = FileKind("png", "PNG", "image/png", (".png",))
KINDS = (PDF, DOCX, XLSX, JPG, PNG)
ACCEPT = ",".join(ext for kind in KINDS for ext in kind.extensions)  # for <input type="file" accept=…>

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPG_MAGIC = b"\xff\xd8\xff"
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class CheckedUpload:
    """What the check found: the kind, and the file's name made safe to keep and to send back."""

    kind: FileKind
    filename: str
    size: int

    @property
    def extension(self) -> str:
        return PurePath(self.filename).suffix.lower()


def max_bytes() -> int:
    return settings.UPLOAD_MAX_MB * 1024 * 1024


def detect_kind(head: bytes, file=None) -> FileKind | None:
    """The kind of a file from its first bytes; an Office file is a zip holding its main part.

    `file` (seekable) is only read for zips, and only its table of contents: nothing is unpacked.
    """
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(_PNG_MAGIC):
        return PNG
    if head.startswith(_JPG_MAGIC):
        return JPG
    if head.startswith(_ZIP_MAGIC) and file is not None:
        file.seek(0)
        try:
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            file.seek(0)
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    return None


def safe_filename(name: str) -> str:
    """The last path part of a client-sent name, NFC, without control or path characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in '<>:"|?*')
    return clean_text(name).strip(". ")[:200]


def check_upload(upload) -> CheckedUpload:
    """Accept an uploaded file (Django's UploadedFile) or raise ValidationError with a Vietnamese message."""
    filename = safe_filename(getattr(upload, "name", "") or "")
    limit = settings.UPLOAD_MAX_MB
    if upload.size > max_bytes():
        raise ValidationError(
            _("Tệp «%(name)s» dung lượng %(size)s MB, vượt quá mức tối đa %(limit)s MB.")
            % {"name": filename, "size": _megabytes(upload.size), "limit": limit},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("Tệp «%(name)s» rỗng.") % {"name": filename}, code="empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = detect_kind(head, upload)
    accepted = ", ".join(k.label for k in KINDS)
    if kind is None:
        raise ValidationError(
            _(
                "Tệp «%(name)s» không đúng định dạng cho phép (%(accepted)s): hệ thống kiểm tra theo nội dung "
                "tệp, không theo tên tệp."
            )
            % {"name": filename, "accepted": accepted},
            code="bad_content",
        )
    suffix = PurePath(filename).suffix.lower()
    if suffix not in kind.extensions:
        raise ValidationError(
            _(
                "Tệp «%(name)s» có nội dung là %(kind)s nhưng tên tệp không có đuôi %(ext)s: "
                "hãy đổi tên tệp rồi gửi lại."
            )
            % {"name": filename, "kind": kind.label, "ext": " / ".join(kind.extensions)},
            code="bad_extension",
        )
    return CheckedUpload(kind=kind, filename=filename, size=upload.size)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")
