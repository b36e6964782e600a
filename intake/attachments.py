"""Attachments: size and type checked by content, stored under their SHA-256 outside the web root."""

import hashlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import filetype
from django.conf import settings
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from casework.errors import DomainError, InvalidInput

# What a reporter may send: PDF, images, Office documents, audio (extension → MIME type as detected).
ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "heic": "image/heic",
    "bmp": "image/bmp",
    "tif": "image/tiff",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "wav": "audio/x-wav",
    "amr": "audio/amr",
    "ogg": "audio/ogg",
    "aac": "audio/aac",
    "flac": "audio/x-flac",
}
# Evidence may also be a video recording (视听资料: e.g. a recorded inspection or interview).
EVIDENCE_TYPES = {
    **ALLOWED_TYPES,
    "mp4": "video/mp4",
    "m4v": "video/x-m4v",
    "mov": "video/quicktime",
    "avi": "video/x-msvideo",
    "wmv": "video/x-ms-wmv",
    "mkv": "video/x-matroska",
    "webm": "video/webm",
    "mpg": "video/mpeg",
    "flv": "video/x-flv",
    "3gp": "video/3gpp",
}
CHUNK = 1024 * 1024
# Office files are zip archives: their type shows in member names within the first entries.
HEAD_BYTES = 64 * 1024


class AttachmentTooLarge(DomainError):
    status = 413

    def __init__(self, name: str, max_bytes: int | None = None):
        max_bytes = settings.ATTACHMENT_MAX_BYTES if max_bytes is None else max_bytes
        super().__init__(
            message=_("An attachment is larger than %(size)d MB.") % {"size": max_bytes // 2**20},
            errors={"files": [_("%(name)s is too large.") % {"name": name}]},
        )


@dataclass(frozen=True)
class CheckedFile:
    path: Path  # a temporary copy until stored
    sha256: str
    size: int
    content_type: str
    extension: str
    original_name: str


def clean_name(name: str) -> str:
    """The file's own name for display only: no directories, control characters or overlong text."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    return re.sub(r"\s+", " ", name).strip()[:120]


def detect_type(head: bytes, allowed: dict[str, str] | None = None) -> tuple[str, str] | None:
    """(extension, MIME type) of an allowed type judged from the first bytes, or None."""
    allowed = ALLOWED_TYPES if allowed is None else allowed
    kind = filetype.guess(head)
    if kind is None:
        return None
    extension = kind.extension
    if extension not in allowed:
        return None
    return extension, allowed[extension]


def check_uploads(files, *, allowed: dict[str, str] | None = None, max_bytes: int | None = None) -> list[CheckedFile]:
    """Check uploaded files (Django UploadedFile); raise before anything is stored.

    allowed maps extension to MIME type and max_bytes caps each file: reports use the defaults
    (ALLOWED_TYPES, ATTACHMENT_MAX_BYTES), evidence EVIDENCE_TYPES and EVIDENCE_MAX_BYTES.
    """
    files = list(files)
    if len(files) > settings.ATTACHMENT_MAX_FILES:
        raise InvalidInput(
            errors={"files": [_("At most %(count)d attachments at a time.") % {"count": settings.ATTACHMENT_MAX_FILES}]}
        )
    checked = []
    try:
        for upload in files:
            checked.append(_check_one(upload, allowed, max_bytes or settings.ATTACHMENT_MAX_BYTES))
    except DomainError:
        discard(checked)
        raise
    return checked


def _check_one(upload, allowed: dict[str, str] | None, max_bytes: int) -> CheckedFile:
    name = clean_name(getattr(upload, "name", "")) or _("attachment")
    if upload.size is not None and upload.size > max_bytes:
        raise AttachmentTooLarge(name, max_bytes)
    if upload.size == 0:
        raise InvalidInput(errors={"files": [_("%(name)s is empty.") % {"name": name}]})
    digest, size = hashlib.sha256(), 0
    handle, temp_name = tempfile.mkstemp(prefix="upload-", dir=_ensure_dir(_root() / "tmp"))
    head = b""
    with os.fdopen(handle, "wb") as out:
        for chunk in upload.chunks(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                out.close()
                os.unlink(temp_name)
                raise AttachmentTooLarge(name, max_bytes)
            if len(head) < HEAD_BYTES:
                head += chunk[: HEAD_BYTES - len(head)]
            digest.update(chunk)
            out.write(chunk)
    detected = detect_type(head, allowed)
    if detected is None:
        os.unlink(temp_name)
        if allowed is None or allowed is ALLOWED_TYPES:
            message = _("%(name)s is not a PDF, image, Office document or audio recording.")
        else:
            message = _("%(name)s is not a PDF, image, Office document, audio or video recording.")
        raise InvalidInput(errors={"files": [message % {"name": name}]})
    extension, content_type = detected
    return CheckedFile(Path(temp_name), digest.hexdigest(), size, content_type, extension, name)


def store(checked: CheckedFile) -> Path:
    """Move a checked file to its content address; identical files are stored once."""
    target = stored_path(checked.sha256)
    _ensure_dir(target.parent)
    if target.exists():
        checked.path.unlink(missing_ok=True)
    else:
        os.replace(checked.path, target)
        target.chmod(0o640)
    return target


def discard(checked: list[CheckedFile]) -> None:
    for item in checked:
        item.path.unlink(missing_ok=True)


def stored_path(sha256: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise ValueError("not a SHA-256")
    return _root() / sha256[:2] / sha256[2:4] / sha256


def _root() -> Path:
    return Path(settings.PRIVATE_ROOT) / "attachments"


def _ensure_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o750)
    return path


def download_response(*, sha256: str, filename: str, content_type: str) -> FileResponse:
    """A stored file as a download the browser neither sniffs nor caches; 404 when the file is gone.

    Call only after an access check: this serves whatever the hash names.
    """
    path = stored_path(sha256)
    if not path.exists():
        raise Http404
    response = FileResponse(open(path, "rb"), as_attachment=True, filename=filename, content_type=content_type)  # noqa: SIM115 (FileResponse closes it)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
