"""Files attached to a post: checked (size, the declared type against the file's own bytes),
stored once by SHA-256 in the file store's ``cocreation`` area (``core.filestore``) once the
transaction that records them has committed, and served only through a scoped lookup.

The post's author attaches files while they may edit the post, and must confirm the file holds
no personal data beyond what the thread needs (``personal_data_confirmed``)."""

from __future__ import annotations

from pathlib import Path
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from shireito.cocreation import permissions
from shireito.cocreation.models import Post, PostAttachment
from shireito.core import filestore as store
from shireito.core.services import Rules, audited_create, is_unstorable

if TYPE_CHECKING:
    from shireito.accounts.models import User

AREA = "cocreation"
# Documents, images and data: no archives (nobody can check inside them for personal data).
ACCEPTED = {name: kind for name, kind in store.ACCEPTED.items() if name != "zip"}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_PER_POST = 10


def store_root() -> Path:
    return store.store_root(AREA)


def max_bytes() -> int:
    """``SHIREITO_COCREATION_FILE_MAX_BYTES`` if set, else 10 MB (never over the platform's
    own limit)."""
    limit = getattr(settings, "SHIREITO_COCREATION_FILE_MAX_BYTES", None)
    return min(int(limit) if limit else DEFAULT_MAX_BYTES, store.max_bytes())


def may_attach(actor: User | None, post: Post) -> bool:
    return permissions.may_edit_post(actor, post)


def attachment_add(
    *, actor: User, post: Post, upload, personal_data_confirmed: bool
) -> PostAttachment:
    """Attach a file to one's post: every problem at once, then all or nothing."""
    if not may_attach(actor, post):
        raise PermissionDenied
    rules = Rules()
    filename = Path(getattr(upload, "name", "") or "").name[:255] if upload else ""
    if not filename:
        rules.add("file", _("Choose a file."))
    elif is_unstorable(filename):
        rules.add("file", _("Null characters and unpaired surrogates are not allowed."))
    if not personal_data_confirmed:
        rules.add(
            "personal_data_confirmed",
            _("Confirm that the file holds no personal data beyond what the thread needs."),
        )
    if post.attachments.count() >= MAX_PER_POST:
        rules.add("file", _("A post has at most %(count)s files.") % {"count": MAX_PER_POST})
    rules.raise_all()
    root = store_root()
    received = store.receive(upload, root=root, limit=max_bytes())
    try:
        content_type = store.check_file(filename, received.head, ACCEPTED, path=received.temporary)
        with transaction.atomic():
            attachment = audited_create(
                actor=actor,
                instance=PostAttachment(
                    post=post,
                    name=filename,
                    sha256=received.sha256,
                    size=received.size,
                    content_type=content_type,
                    uploaded_by=actor,
                    personal_data_confirmed=True,
                ),
            )
            transaction.on_commit(lambda: store.place(received, root))
    except BaseException:
        store.discard(received.temporary)
        raise
    return attachment


def open_blob(attachment: PostAttachment) -> IO[bytes] | None:
    """The stored file, opened for reading (the caller scoped the lookup), or None."""
    return store.open_blob(attachment.sha256, store_root())
