"""The one check for documents people attach (enquiry messages, a project stage's deliverables
…): how many, how large, which types.

A file is accepted only if its extension is on the list AND its first bytes are what that type
starts with, so a renamed executable is refused whatever it is called. Everything is checked
before anything is written (nothing half-saved).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from jieli.core.errors import InvalidInput

ZIP = (b"PK\x03\x04",)
# extension -> the signatures its content may start with (empty: plain text, checked below)
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "docx": ZIP,
    "xlsx": ZIP,
    "pptx": ZIP,
    "txt": (),
}
MAX_FILES = 5


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, fields={"files": [message]})


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:  # a multi-byte character cut at the end is fine
        return exc.start >= len(head) - 3
    return True


def check_documents(
    files: Sequence[UploadedFile], *, max_files: int = MAX_FILES
) -> list[tuple[str, UploadedFile]]:
    """The files with their cleaned names, or InvalidInput (field ``files``) naming the first
    file refused. Each file at most ``JIELI_DOCUMENT_MAX_BYTES``."""
    if len(files) > max_files:
        raise _refuse(_("At most {n} files at a time.").format(n=max_files))
    limit = settings.JIELI_DOCUMENT_MAX_BYTES
    out = []
    for upload in files:
        name = os.path.basename(upload.name or "").strip()[:200] or "file"
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if ext not in SIGNATURES:
            raise _refuse(
                _("“{name}”: this type of file is not accepted (allowed: {types}).").format(
                    name=name, types=", ".join(SIGNATURES)
                )
            )
        size = upload.size or 0
        if size == 0:
            raise _refuse(_("“{name}” is empty.").format(name=name))
        if size > limit:
            raise _refuse(
                _("“{name}” is too large ({size} bytes); the limit is {limit} bytes.").format(
                    name=name, size=size, limit=limit
                )
            )
        upload.seek(0)
        head = upload.read(512)
        upload.seek(0)
        signatures = SIGNATURES[ext]
        ok = any(head.startswith(s) for s in signatures) if signatures else _looks_like_text(head)
        if not ok:
            raise _refuse(
                _("“{name}” is not a valid {type} file.").format(name=name, type=ext.upper())
            )
        out.append((name, upload))
    return out
