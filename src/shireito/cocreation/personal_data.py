"""Likely personal data in what someone is about to publish: an individual number (マイナンバー,
12 digits), telephone numbers, e-mail addresses and postal addresses, in a post's text and in
its attachments' names. It warns before publishing and never blocks: a municipality's public
switchboard number or a help-desk address is often what a post is meant to say, so the author
decides. The forms and the API call ``warnings_for`` and show what it found.

Patterns, not certainty: a 12-digit number is named an individual number whatever its check
digit (a mistyped one is still somebody's), and an address needs a prefecture or a postal code
next to block and house numbers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

INDIVIDUAL_NUMBER = "individual_number"
PHONE = "phone"
EMAIL = "email"
ADDRESS = "address"

KIND_LABELS = {
    INDIVIDUAL_NUMBER: _("an individual number (My Number)"),
    PHONE: _("a telephone number"),
    EMAIL: _("an e-mail address"),
    ADDRESS: _("a postal address"),
}

_PATTERNS = (
    # 12 digits, alone or as 4-4-4 with spaces or hyphens; not part of a longer number (a
    # corporate number has 13 digits).
    (INDIVIDUAL_NUMBER, re.compile(r"(?<![\d-])\d{4}[- ]?\d{4}[- ]?\d{4}(?![\d-])")),
    (EMAIL, re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.ASCII)),
    # Japanese numbers: 0 and 9 or 10 digits, with hyphens or brackets; or +81.
    (
        PHONE,
        re.compile(
            r"(?<![\d-])(?:\+81[- ]?|0)"
            r"(?:\d{1,4}[-( )]{1,2}\d{1,4}[-) ]{1,2}\d{3,4}|\d{9,10})(?![\d-])"
        ),
    ),
    (
        ADDRESS,
        re.compile(
            r"(?:〒\s?\d{3}-?\d{4})"
            r"|(?:(?:東京都|北海道|(?:京都|大阪)府|[^\s、。]{2,3}県)[^\s、。]{1,12}?[市区町村郡]"
            r"[^\s、。]{0,12}?\d{1,4}(?:丁目|番地?|[-－‐]\d{1,4}))"
        ),
    ),
)


@dataclass(frozen=True)
class Finding:
    kind: str
    where: str  # "text", or the attachment's name
    excerpt: str  # what matched, partly masked

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def message(self) -> str:
        if self.where == "text":
            return str(
                _("The text seems to contain %(what)s (%(excerpt)s).")
                % {"what": self.label, "excerpt": self.excerpt}
            )
        return str(
            _("The file name “%(name)s” seems to contain %(what)s (%(excerpt)s).")
            % {"name": self.where, "what": self.label, "excerpt": self.excerpt}
        )


def _mask(found: str) -> str:
    """Enough to find it again in one's text, not enough to repeat it on the screen."""
    keep = 3 if len(found) > 6 else 1
    return found[:keep] + "…"


def findings_in(text: str, where: str = "text") -> list[Finding]:
    # Full-width digits and letters (０９０, ＠) are read as their ASCII forms.
    normal = unicodedata.normalize("NFKC", text or "")
    found: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(normal):
            span = match.span()
            if any(start < span[1] and span[0] < end for start, end in taken):
                continue
            taken.append(span)
            found.append(Finding(kind=kind, where=where, excerpt=_mask(match.group())))
    return found


def warnings_for(text: str = "", names: Iterable[str] = ()) -> list[Finding]:
    """What looks like personal data in a post's text and its attachments' names, each kind
    named once per place."""
    findings = findings_in(text)
    for name in names:
        findings.extend(findings_in(name, where=name))
    seen: set[tuple[str, str]] = set()
    unique = []
    for finding in findings:
        if (finding.kind, finding.where) not in seen:
            seen.add((finding.kind, finding.where))
            unique.append(finding)
    return unique
