"""Who created a STIX object, as TAXII writes see it: every organisation has one STIX
identity (a UUIDv5 of its code in our namespace), and the platform itself has one.

A write may only name its writer's organisation as an object's creator (``created_by_ref``),
so the ids are worked out here, below both the TAXII server and the incident reports that
publish through it.
"""

from __future__ import annotations

import uuid

# Our namespace for UUIDv5 ids (fixed forever: changing it changes every id we ever produced).
NAMESPACE = uuid.UUID("56fe2f6c-217a-4d56-997f-70cb5f38fe0c")

# The platform's own identity: the author of our extension definition only.
PLATFORM_IDENTITY_ID = f"identity--{uuid.uuid5(NAMESPACE, 'identity/shireito')}"

# The one type the platform's identity may be named as creator of on a write (the definition
# of our STIX extension travels with every publication, whoever publishes).
PLATFORM_CREATED_TYPES = frozenset({"extension-definition"})


def organization_identity_id(organization) -> str:
    """The STIX identity id of ``organization`` (anything with a ``code``)."""
    return f"identity--{uuid.uuid5(NAMESPACE, f'organization/{organization.code}')}"
