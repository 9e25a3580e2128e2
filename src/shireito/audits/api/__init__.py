"""Audits over the API: the engagement, its control results (read and written in bulk, or
imported from a file), findings, corrective actions, evidence and the exports. Every read goes
through the audit selectors, so a user who is no party to an audit gets 404 for all of it.

One module per entity, on one router; they are imported in this order so the operations keep
their order in the OpenAPI document.
"""

from shireito.audits.api import audits, evidence, exports, findings, results
from shireito.audits.api.common import router

__all__ = ["audits", "evidence", "exports", "findings", "results", "router"]
