"""An incident report as a STIX 2.1 bundle: the whole report for the parties on its route, or the
sanitised one the national centre publishes.

What goes in:

* ``marking-definition``: the report's TLP as both the TLP 1.0 definition (the STIX 2.1
  specification's fixed object) and the TLP 2.0 one (OASIS's extension); AMBER+STRICT has no
  1.0 equivalent, so only the 2.0 one. Every other object carries both in
  ``object_marking_refs``.
* ``identity``: Shireitō (the author of our extension definition); in the whole report the
  reporting organisation and every organisation the report has reached; in the sanitised one
  the national centre (publisher) and an anonymous reporter that says only what kind of body
  it is and its sector.
* ``extension-definition``: our property extension (``EXTENSION_ID``), which carries what STIX
  2.1 has no property for. The 2.1 ``incident`` is a stub (``name``, ``description``,
  ``kill_chain_phases``), so category, impact, the detected/aware times and the rest go into
  the extension rather than into ``x_`` custom properties (which the 2.1 validator flags).
* ``incident``, one ``indicator`` per indicator (a STIX pattern built from its kind and value),
  the cyber-observable the indicator names (``ipv4-addr`` …, ``file`` with its hash) inside an
  ``observed-data``, a ``sighting`` of each indicator where the reporter saw it, ``note``s
  (the whole report: the reporter's updates, the route's questions and assessments; the
  sanitised one: the centre's shared summary only), and a ``report`` that refers to all of it.

Ids are UUIDv5 on ``NAMESPACE`` and the report (its number and creation time, so two
deployments' reports never collide), so a second export or publication of the same report
produces the same ids; ``created`` stays, ``modified`` moves when the content it comes from
changed. Cyber-observables use the STIX 2.1 deterministic ids (stix2 computes them).

The sanitised bundle carries only ``SHARED_FIELDS``: see there.

Built in ``build`` (the whole report) and ``sanitise`` (the published one) from the pieces in
``objects`` and ``indicators``; the public names are re-exported here.
"""

from shireito.incidents.stix.build import report_bundle
from shireito.incidents.stix.indicators import (
    indicator_of,
    observable_of,
    pattern_of,
    pattern_problem,
)
from shireito.incidents.stix.objects import (
    EXTENSION_ID,
    EXTENSION_SCHEMA,
    NAMESPACE,
    NOT_FOLLOWED,
    SOFTWARE_IDENTITY_ID,
    STIX_MEDIA_TYPE,
    bundle_versions,
    content_hash,
    dumps,
    marking_definitions,
    organization_identity_id,
    parse_stamp,
    report_key,
    stamp,
    stix_id,
    validation_errors,
)
from shireito.incidents.stix.sanitise import (
    SHARED_FIELDS,
    last_published_versions,
    shared_kind,
)

__all__ = [
    "EXTENSION_ID",
    "EXTENSION_SCHEMA",
    "NAMESPACE",
    "NOT_FOLLOWED",
    "SHARED_FIELDS",
    "SOFTWARE_IDENTITY_ID",
    "STIX_MEDIA_TYPE",
    "bundle_versions",
    "content_hash",
    "dumps",
    "indicator_of",
    "last_published_versions",
    "marking_definitions",
    "observable_of",
    "organization_identity_id",
    "parse_stamp",
    "pattern_of",
    "pattern_problem",
    "report_bundle",
    "report_key",
    "shared_kind",
    "stamp",
    "stix_id",
    "validation_errors",
]
