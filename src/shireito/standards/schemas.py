import datetime as dt

from ninja import Field, Schema

from shireito.core.schemas import ReadAsOut
from shireito.standards.choices import CatalogFormat, NodeKind
from shireito.standards.selectors import catalog_visible


class CatalogOut(Schema):
    key: str
    title: str
    title_en: str
    edition: str
    published_on: dt.date | None
    owner: str | None
    source_format: str
    derived_from: list[str]
    nodes: int

    @staticmethod
    def resolve_owner(obj) -> str | None:
        return obj.owner.code if obj.owner_id else None

    @staticmethod
    def resolve_derived_from(obj) -> list[str]:
        return sorted(c.key for c in obj.derived_from.all())

    @staticmethod
    def resolve_nodes(obj) -> int:
        count = getattr(obj, "node_count", None)
        return obj.nodes.count() if count is None else count


def _visible_catalog_ids(request) -> set[int]:
    """Computed once per request: a source in a catalog the caller cannot see is not named."""
    if not hasattr(request, "_visible_catalog_ids"):
        request._visible_catalog_ids = set(
            catalog_visible(request.auth).values_list("pk", flat=True)
        )
    return request._visible_catalog_ids


class NodeRef(Schema):
    catalog: str
    oscal_id: str
    label: str


class NodeOut(Schema):
    oscal_id: str
    label: str
    kind: NodeKind
    is_group: bool
    title: str
    statement: str
    guidance: str
    parent: str | None
    params: list[dict]
    source: NodeRef | None

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent.oscal_id if obj.parent_id else None

    @staticmethod
    def resolve_source(obj, context) -> dict | None:
        if not obj.source_id:
            return None
        source = obj.source
        if source.catalog_id not in _visible_catalog_ids(context["request"]):
            return None
        return {"catalog": source.catalog.key, "oscal_id": source.oscal_id, "label": source.label}


class NodeFilters(Schema):
    search: str | None = None
    parent: str | None = None


class NodeChangeOut(Schema):
    label: str
    fields: list[str]


class CatalogDiffOut(Schema):
    old: str
    new: str
    added: list[str]
    removed: list[str]
    changed: list[NodeChangeOut]


class CatalogImportIn(Schema):
    format: CatalogFormat = CatalogFormat.OSCAL
    key: str
    title: str = ""
    edition: str = ""
    owner: str | None = None
    against: str | None = None


class CatalogImportOut(ReadAsOut):
    catalog: CatalogOut
    nodes: int
    controls: int | None
    merged_duplicates: int
    profile: bool


class MappingOut(Schema):
    key: str
    title: str
    source: str
    target: str
    owner: str | None
    entries: int

    @staticmethod
    def resolve_source(obj) -> str:
        return obj.source.key

    @staticmethod
    def resolve_target(obj) -> str:
        return obj.target.key

    @staticmethod
    def resolve_owner(obj) -> str | None:
        return obj.owner.code if obj.owner_id else None

    @staticmethod
    def resolve_entries(obj) -> int:
        count = getattr(obj, "entry_count", None)
        return obj.entries.count() if count is None else count


class MappingImportOut(MappingOut, ReadAsOut):
    """A mapping just imported, and how its file was read."""


class CoverageOut(Schema):
    target: str
    label: str
    state: str
    sources: list[str]


# A form field with NUL, which PostgreSQL cannot store or even look up, is refused as invalid.
_STORABLE = r"^[^\x00]*$"


class MappingImportIn(Schema):
    key: str = Field(pattern=_STORABLE)
    title: str = Field("", pattern=_STORABLE)
    source: str = Field(pattern=_STORABLE)
    target: str = Field(pattern=_STORABLE)
    owner: str | None = Field(None, pattern=_STORABLE)
