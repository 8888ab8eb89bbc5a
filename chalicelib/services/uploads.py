"""Files a browser uploaded straight to the bucket, checked before a message names them: the
chat's and the customer portal's (both pre-signed into ``attachment_prefix``'s folder)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..domain.chat import ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES
from ..domain.errors import UnprocessableError
from ..domain.tickets import Attachment


def uploaded_attachments(
    describe: Callable[[str], tuple[int, str] | None], keys: Iterable[str], prefix: str, how_to_upload: str
) -> tuple[Attachment, ...]:
    """Each key once, in order: in the uploader's own folder (``prefix``), there, and of an
    allowed size and type, as the bucket says (not as the upload request claimed)."""
    found = []
    for key in dict.fromkeys(keys):
        described = describe(key) if key.startswith(prefix) else None
        if described is None:
            raise UnprocessableError(f"Upload the file first ({how_to_upload}), then send.",
                                     code="attachment_not_found", details={"key": key})
        size, content_type = described
        if size > MAX_ATTACHMENT_BYTES or content_type not in ATTACHMENT_TYPES:
            raise UnprocessableError("That file is too large or of a type the desk does not take.",
                                     code="attachment_refused", details={"key": key})
        found.append(Attachment(key, key.rsplit("/", 1)[-1], content_type, size))
    return tuple(found)
