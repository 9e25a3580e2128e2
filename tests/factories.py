"""Test data made through the services, so it carries an audit trail like real data.

The builders live in ``tests.kit.factories`` (one module per app); this module keeps the
import path the older tests use."""

from tests.kit.factories import PASSWORD, make_organization, make_user

__all__ = ["PASSWORD", "make_organization", "make_user"]


def pdf_bytes(text: str = "evidence") -> bytes:
    """A real one-page PDF holding ``text`` (uploads of PDFs are parsed, not only sniffed)."""
    from shireito.audits.demo_kit import pdf

    return pdf([text])
