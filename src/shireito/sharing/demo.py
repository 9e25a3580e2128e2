"""Demo sharing: the national centre's collection, which its incident handlers read and write,
IPA reads and writes up to TLP:AMBER, and the overseas counterparts read up to TLP:GREEN (so
``uk-ncsc-liaison`` sees the shared DDoS report but not the AMBER one). Idempotent."""

from __future__ import annotations

from shireito.organizations.models import Organization
from shireito.sharing.models import Collection
from shireito.sharing.services import collection_access_set, collection_create

ALIAS = "national-sharing"
READERS = [("uk-ncsc", False, "green"), ("us-cisa", False, "green"), ("ipa", True, "amber")]


def demo_collection() -> Collection:
    collection = Collection.objects.filter(alias=ALIAS).first()
    if collection is not None:
        return collection
    nisc = Organization.objects.get(code="nisc")
    collection = collection_create(
        actor=None,
        title="国内外インシデント共有",
        owner=nisc,
        description="国家サイバー統括室が公開する、無害化したインシデント情報。",
        max_tlp="amber",
        alias=ALIAS,
    )
    for code, write, tlp in READERS:
        organization = Organization.objects.filter(code=code).first()
        if organization is not None:
            collection_access_set(
                actor=None,
                collection=collection,
                organization=organization,
                can_read=True,
                can_write=write,
                max_tlp=tlp,
            )
    return collection
