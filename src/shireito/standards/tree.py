"""What every reader of a catalog file shares: the error it raises, the checks on a new key,
and the tree of groups and controls it builds, with OSCAL ids made from published ones."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shireito.core.problems import Problem, ProblemsError
from shireito.standards.models import key_validator

TOKEN = re.compile(r"^[_A-Za-z][\w.\-]*$")
KIND_NS = "urn:shireito:oscal"  # namespace of the property that keeps a node's kind

# The upload form's own fields: a problem named by one of these is about the form, not the file.
UPLOAD_FIELDS = frozenset(
    {"key", "format", "title", "edition", "owner", "against", "source", "target"}
)


class CatalogImportError(ProblemsError):
    """A catalog, profile or mapping file with problems; nothing was written."""

    form_fields = UPLOAD_FIELDS

    def __init__(self, problems: list[Problem]):
        super().__init__(problems, location="file")


def key_problems(key: str, *, reserved: set[str], taken: bool, taken_message: str) -> list[Problem]:
    """What is wrong with the key a new catalog or mapping is to have: its shape, a name its
    pages' addresses use (``reserved``), or another's (``taken``)."""
    problems = []
    try:
        key_validator(key)
    except ValidationError as exc:
        problems.append(Problem("key", exc.messages[0]))
    if key in reserved:
        problems.append(Problem("key", _("This key is reserved; choose another.")))
    elif taken:
        problems.append(Problem("key", taken_message))
    return problems


@dataclass
class NodeSpec:
    """A group or control read from a file, before it is written."""

    kind: str
    oscal_id: str
    label: str
    title: str = ""
    statement: str = ""
    guidance: str = ""
    is_group: bool = False
    oscal_class: str = ""
    params: list = field(default_factory=list)
    props: list = field(default_factory=list)
    links: list = field(default_factory=list)
    parts: list = field(default_factory=list)
    children: list[NodeSpec] = field(default_factory=list)


def token_for(label: str, prefix: str = "") -> str:
    """A valid OSCAL id token for a published id: ``2.1.1(1)(a)`` → ``cs-2.1.1_1_a``."""
    text = re.sub(r"[()\s]+", "_", label).strip("_")
    text = re.sub(r"[^\w.\-]", "_", text)
    token = f"{prefix}{text}" if prefix else text
    return token if TOKEN.match(token) else f"id-{token}"


def prose_parts(token: str, statement: str, guidance: str) -> list[dict]:
    """Statement and guidance as OSCAL parts, as an OSCAL export would carry them."""
    parts = []
    if statement:
        parts.append({"id": f"{token}_smt", "name": "statement", "prose": statement})
    if guidance:
        parts.append({"id": f"{token}_gdn", "name": "guidance", "prose": guidance})
    return parts
