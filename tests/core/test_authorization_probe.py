"""The authorization probe: every page of the URL conf and every operation of the OpenAPI
document, read and changed by each kind of user with the keys of another organisation's
objects (the demo world: ministries, a municipality, an overseas partner). Every such request
is refused (403/404, 401 or the sign-in page for the anonymous), nothing in the database
changes, and every refusal is written to the request log (``shireito.request``: one line with
method, path and status). A route or operation missing from the table below fails the test, so
a new endpoint cannot escape the probe.

The table's kinds: ``OBJECT`` has an object of another organisation in its address (every
method is tried and must be refused); ``SHARED`` names shared reference data (catalogs,
sectors, regimes, governance models: reads answer, writes are refused); ``OWN`` has no key in
its address and answers from the user's own scope (read, and no key of the other
organisation's objects may appear in it; what it creates lands in the user's own organisation,
which the access tables in ``tests/*/test_access_table.py`` check). ``PUBLIC`` is answered to
everyone, each with its reason.
"""

from __future__ import annotations

import json
import logging
from importlib import import_module
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.test import Client, TestCase, override_settings

from tests.kit.figures import report
from tests.kit.probe import Keys, RefusalLog, database_digest, plausible, url_routes

OBJECT, SHARED, OWN = "object", "shared", "own"

# A user of each kind (the demo's), and the organisation whose objects they probe.
USERS = {
    "officer": "meti-officer",
    "organisation admin": "mhlw-officer",
    "auditor": "ipa-auditor",
    "incident handler": "meti-handler",
    "overseas liaison": "uk-ncsc-liaison",
    "local-government officer": "city-officer",
    "anonymous": None,
}

PUBLIC = {
    "healthz": "health check for load balancers",
    "health": "health check for load balancers (the same, by its other name)",
    "metrics": "Prometheus metrics: answered only to the metrics token or an allowed address, "
    "404 to everyone else (tests/core/test_operations.py)",
    "accounts/login/": "sign-in",
    "accounts/login/verify/": "sign-in's second factor",
    "accounts/logout/": "sign-out",
    "i18n/setlang/": "language switch (a cookie)",
    "open-data/": "open data, published to everyone",
    "open-data/systems.csv": "open data",
    "open-data/systems.json": "open data",
    "open-data/budget.csv": "open data",
    "open-data/budget.json": "open data",
    "open-data/statistics/": "open data",
    "open-data/statistics/<slug:key>/": "open data",
    "open-data/statistics/<slug:key>.<str:fmt>": "open data",
    "taxii2/^(?P<rest>.+)$": "TAXII's catch-all: 404 for every unknown address",
    "GET /api/v1/portfolio/open-data/systems": "open data",
    "GET /api/v1/portfolio/open-data/budget": "open data",
    "priority-plan/": "the published priority plan, open to everyone (principle ①)",
    "priority-plan/<int:published>/": "a published edition of the priority plan: published "
    "content, accepted values and reviewed ratings only (plans.selectors.publication)",
    "priority-plan/<int:published>/measures/<str:measure>/": "a measure of a published "
    "edition: published content, accepted values and reviewed ratings only",
    "open-data/plan/latest/<slug:table>.<str:fmt>": "open data: a redirect to the newest "
    "published edition's file",
    "open-data/plan/<int:published>/<slug:table>.<str:fmt>": "open data of a published "
    "edition of the priority plan",
    "GET /api/v1/plans/open-data/{published}/{table}": "open data of a published edition of "
    "the priority plan",
}

PAGES = {
    "": OWN,
    "accounts/password/": OWN,
    "accounts/tokens/": OWN,
    "accounts/tokens/<int:token_id>/revoke/": OBJECT,
    "jobs/<uuid:job_id>/": OBJECT,
    "jobs/<uuid:job_id>/file/": OBJECT,
    "accounts/two-factor/": OWN,
    "accounts/users/": OWN,
    "accounts/users/<str:username>/": OBJECT,
    "accounts/users/<str:username>/edit/": OBJECT,
    "accounts/users/new/": OWN,
    "audits/": OWN,
    "audits/<str:number>/": OBJECT,
    "audits/<str:number>/actions/<int:action>/": OBJECT,
    "audits/<str:number>/advance/": OBJECT,
    "audits/<str:number>/bundle.zip": OBJECT,
    "audits/<str:number>/edit/": OBJECT,
    "audits/<str:number>/evidence/": OBJECT,
    "audits/<str:number>/evidence/<int:evidence>/": OBJECT,
    "audits/<str:number>/evidence/<int:evidence>/r<int:revision>/download/": OBJECT,
    "audits/<str:number>/findings/<int:finding>/": OBJECT,
    "audits/<str:number>/findings/<int:finding>/actions/new/": OBJECT,
    "audits/<str:number>/findings/<int:finding>/edit/": OBJECT,
    "audits/<str:number>/findings/<int:finding>/follow-up/": OBJECT,
    "audits/<str:number>/findings/new/": OBJECT,
    "audits/<str:number>/next-cycle/": OBJECT,
    "audits/<str:number>/oscal-ar.json": OBJECT,
    "audits/<str:number>/oscal-poam.json": OBJECT,
    "audits/<str:number>/report.pdf": OBJECT,
    "audits/<str:number>/results.csv": OBJECT,
    "audits/<str:number>/findings.csv": OBJECT,
    "audits/<str:number>/actions.csv": OBJECT,
    "audits/<str:number>/workbook.xlsx": OBJECT,
    "audits/<str:number>/report/": OBJECT,
    "audits/<str:number>/results/": OBJECT,
    "audits/<str:number>/results/import/": OBJECT,
    "audits/<str:number>/results/<int:result>/": OBJECT,
    "audits/<str:number>/stages/<str:stage>/": OBJECT,
    "audits/<str:number>/widen/": OBJECT,
    "audits/actions/": OWN,
    "audits/findings/": OWN,
    "audits/new/": OWN,
    "audits/plan/": OWN,
    "governance/": OWN,
    "governance/compare/": OWN,
    "governance/models/<str:key>/": SHARED,
    "governance/questions/": OWN,
    "governance/roles/handover/": OWN,
    "governance/sectors/<str:code>/": OWN,
    "governance/settings/": OWN,
    "history/": OWN,
    "incidents/": OWN,
    "incidents/<report_number:number>/": OBJECT,
    "incidents/<report_number:number>/acknowledge/": OBJECT,
    "incidents/<report_number:number>/attachments/": OBJECT,
    "incidents/<report_number:number>/attachments/<int:attachment>/": OBJECT,
    "incidents/<report_number:number>/attachments/<int:attachment>/delete/": OBJECT,
    "incidents/<report_number:number>/close/": OBJECT,
    "incidents/<report_number:number>/comment/": OBJECT,
    "incidents/<report_number:number>/edit/": OBJECT,
    "incidents/<report_number:number>/forward/": OBJECT,
    "incidents/<report_number:number>/reply/<int:entry>/": OBJECT,
    "incidents/<report_number:number>/stages/<int:stage>/file/": OBJECT,
    "incidents/<report_number:number>/submit/": OBJECT,
    "incidents/new/": OWN,
    "incidents/notices/": OWN,
    "incidents/notices/read/": OWN,
    "incidents/regimes/": OWN,
    "incidents/regimes/<slug:key>/edit/": SHARED,
    "incidents/stix/<str:number>.json": OBJECT,
    "incidents/stix/<str:number>/publish/": OBJECT,
    "incidents/stix/import/": OWN,
    "organizations/": OWN,
    # The directory of organisations is the government's structure, readable by everyone
    # signed in; changing an organisation is the edit page's and the API's PATCH.
    "organizations/<str:code>/": SHARED,
    "organizations/<str:code>/edit/": OBJECT,
    "organizations/new/": OWN,
    # The priority plan: the list and a new edition are the user's own; every other page has
    # the Digital Agency's draft edition (unseen by others) in its address.
    # co-creation, part "finding": a space is open to all government staff (shared); every
    # proposal key is another organisation's draft proposal, seen by its author only.
    "cocreation/search/": OWN,
    "cocreation/<slug:space>/proposals/": SHARED,
    "cocreation/<slug:space>/proposals/<int:thread>/": OBJECT,
    "cocreation/<slug:space>/proposals/<int:thread>/decide/": OBJECT,
    "cocreation/<slug:space>/proposals/<int:thread>/support/": OBJECT,
    "cocreation/<slug:space>/proposals/<int:thread>/outcomes/new/": OBJECT,
    "cocreation/<slug:space>/proposals/<int:thread>/outcomes/<int:outcome>/remove/": OBJECT,
    "plans/": OWN,
    "plans/<int:edition>/": OBJECT,
    "plans/<int:edition>/areas/<str:area>/delete/": OBJECT,
    "plans/<int:edition>/areas/<str:area>/edit/": OBJECT,
    "plans/<int:edition>/areas/new/": OBJECT,
    "plans/<int:edition>/delete/": OBJECT,
    "plans/<int:edition>/diff.csv": OBJECT,
    "plans/<int:edition>/diff/": OBJECT,
    "plans/<int:edition>/edit/": OBJECT,
    "plans/<int:edition>/measures/<str:measure>/": OBJECT,
    "plans/<int:edition>/measures/<str:measure>/delete/": OBJECT,
    "plans/<int:edition>/measures/<str:measure>/edit/": OBJECT,
    "plans/<int:edition>/measures/<str:measure>/kpis/<str:kpi>/delete/": OBJECT,
    "plans/<int:edition>/measures/<str:measure>/kpis/<str:kpi>/edit/": OBJECT,
    "plans/<int:edition>/measures/<str:measure>/kpis/<str:kpi>/targets/": OBJECT,
    "plans/<int:edition>/measures/<str:measure>/kpis/new/": OBJECT,
    "plans/<int:edition>/measures/<str:measure>/links/": OBJECT,
    "plans/<int:edition>/measures/<str:measure>/links/budget/": OBJECT,
    "plans/<int:edition>/measures/<str:measure>/links/control/": OBJECT,
    "plans/<int:edition>/measures/<str:measure>/links/remove/": OBJECT,
    "plans/<int:edition>/measures/<str:measure>/links/system/": OBJECT,
    "plans/<int:edition>/measures/<str:measure>/milestones/<int:milestone>/delete/": OBJECT,
    "plans/<int:edition>/measures/<str:measure>/milestones/<int:milestone>/edit/": OBJECT,
    "plans/<int:edition>/measures/<str:measure>/milestones/new/": OBJECT,
    "plans/<int:edition>/measures/new/": OBJECT,
    "plans/<int:edition>/publish/": OBJECT,
    "plans/new/": OWN,
    # The plan's progress: the edition key is a draft none of these users may see; the lists
    # answer from the user's own scope (the Digital Agency's are refused to everyone else).
    "plans/<int:edition>/measures/<str:measure>/progress/": OBJECT,
    "plans/<int:edition>/measures/<str:measure>/reports/new/": OBJECT,
    "plans/<int:edition>/measures/<str:measure>/reports/<int:report>/": OBJECT,
    "plans/<int:edition>/measures/<str:measure>/kpis/<str:kpi>/measurements/new/": OBJECT,
    "plans/<int:edition>/measures/<str:measure>/measurements/<int:measurement>/review/": OBJECT,
    "plans/flags/": OWN,
    "plans/mine/": OWN,
    "plans/notices/": OWN,
    "plans/notices/read/": OWN,
    "notifications/": OWN,
    "notifications/read/": OWN,
    "notifications/settings/": OWN,
    "cocreation/following/": OWN,
    "cocreation/following/change/": OWN,
    "plans/reviews/": OWN,
    "shared/": OWN,
    "shared/<str:collection>/<str:stix_id>/": OBJECT,
    "shared/<str:collection>/<str:stix_id>/json/": OBJECT,
    "standards/": OWN,
    "standards/<str:key>/": SHARED,
    "standards/<str:key>/catalog.csv": SHARED,
    "standards/<str:key>/controls/<str:oscal_id>/": SHARED,
    "standards/<str:key>/oscal.json": SHARED,
    "standards/<str:key>/profile.json": SHARED,
    "standards/compare/": OWN,
    "standards/import/": OWN,
    "standards/mappings/": OWN,
    "standards/mappings/<str:key>/": SHARED,
    "standards/mappings/<str:key>/mapping.csv": SHARED,
    "standards/mappings/import/": OWN,
    "standards/template.csv": OWN,
    "standards/template.xlsx": OWN,
    "systems/": OWN,
    "systems/<str:code>/": OBJECT,
    "systems/<str:code>/budget/<int:year>/decide/": OBJECT,
    "systems/<str:code>/budget/<int:year>/execution/": OBJECT,
    "systems/<str:code>/budget/<int:year>/review/": OBJECT,
    "systems/<str:code>/budget/new/": OBJECT,
    "systems/<str:code>/edit/": OBJECT,
    "systems/<str:code>/rate/": OBJECT,
    "systems/budget/": OWN,
    "systems/export.csv": OWN,
    "systems/export.json": OWN,
    "systems/import/": OWN,
    "systems/migration/": OWN,
    "systems/migration/export.csv": OWN,
    "systems/new/": OWN,
    "systems/oversight/": OWN,
    "systems/oversight/schedule/": OWN,
    "systems/recommendations/": OWN,
    "systems/recommendations/<str:number>/": OBJECT,
    "systems/recommendations/<str:number>/answer/": OBJECT,
    "systems/recommendations/<str:number>/close/": OBJECT,
    "systems/recommendations/<str:number>/escalate/": OBJECT,
    "systems/recommendations/new/": OWN,
    "taxii2/^$": OWN,
    "taxii2/^(?P<root>[A-Za-z0-9_-]+)/?$": SHARED,
    "taxii2/^(?P<root>[A-Za-z0-9_-]+)/collections/(?P<collection_id>[^/]+)/?$": OBJECT,
    "taxii2/^(?P<root>[A-Za-z0-9_-]+)/collections/(?P<collection_id>[^/]+)/manifest/?$": OBJECT,
    "taxii2/^(?P<root>[A-Za-z0-9_-]+)/collections/(?P<collection_id>[^/]+)/objects/(?P<object_id>[^/]+)/?$": OBJECT,
    "taxii2/^(?P<root>[A-Za-z0-9_-]+)/collections/(?P<collection_id>[^/]+)/objects/(?P<object_id>[^/]+)/versions/?$": OBJECT,
    "taxii2/^(?P<root>[A-Za-z0-9_-]+)/collections/(?P<collection_id>[^/]+)/objects/?$": OBJECT,
    "taxii2/^(?P<root>[A-Za-z0-9_-]+)/collections/?$": SHARED,
    "taxii2/^(?P<root>[A-Za-z0-9_-]+)/status/(?P<status_id>[^/]+)/?$": OBJECT,
    "tower/<slug:section>/<slug:table>.csv": SHARED,
    # co-creation threads and posts: the space's host is another organisation, nobody probing
    # is a member, the thread is another user's draft (cocreation_keys)
    "cocreation/me/drafts/": OWN,
    "cocreation/<slug:space>/threads/new/": OBJECT,
    "cocreation/<slug:space>/threads/<int:thread>/": OBJECT,
    "cocreation/<slug:space>/threads/<int:thread>/posts/": OBJECT,
    "cocreation/<slug:space>/threads/<int:thread>/reply/": OBJECT,
    "cocreation/<slug:space>/threads/<int:thread>/posts/<int:post>/edit/": OBJECT,
    "cocreation/<slug:space>/threads/<int:thread>/posts/<int:post>/history/": OBJECT,
    "cocreation/<slug:space>/threads/<int:thread>/posts/<int:post>/publish/": OBJECT,
    "cocreation/<slug:space>/threads/<int:thread>/posts/<int:post>/react/": OBJECT,
    "cocreation/<slug:space>/threads/<int:thread>/posts/<int:post>/files/new/": OBJECT,
    "cocreation/<slug:space>/threads/<int:thread>/posts/<int:post>/files/<int:attachment>/": OBJECT,
    # plans: an edition's downloads and import (the draft's key is the Digital Agency's)
    "plans/import/": OWN,
    "plans/<int:edition>/import/": OBJECT,
    "plans/<int:edition>/export.xlsx": OBJECT,
    "plans/<int:edition>/export.zip": OBJECT,
    # cocreation: spaces and answers (the space's key is one not open to the user: for
    # government staff, who read every space, a short name no space has; cocreation_keys)
    "cocreation/": OWN,
    "cocreation/new/": OWN,
    "cocreation/official/": OWN,
    "cocreation/official/<int:answer>/approve/": OBJECT,
    "cocreation/official/<int:answer>/refuse/": OBJECT,
    "cocreation/faq/<str:org>/": SHARED,
    "cocreation/<slug:space>/": OBJECT,
    "cocreation/<slug:space>/edit/": OBJECT,
    "cocreation/<slug:space>/join/": OBJECT,
    "cocreation/<slug:space>/leave/": OBJECT,
    "cocreation/<slug:space>/members/": OBJECT,
    "cocreation/<slug:space>/<int:thread>/posts/<int:post>/accept/": OBJECT,
    "cocreation/<slug:space>/<int:thread>/unaccept/": OBJECT,
    "cocreation/<slug:space>/<int:thread>/posts/<int:post>/official/": OBJECT,
    # co-creation moderation: a space the user does not moderate, another user's draft post
    "cocreation/<slug:space>/moderation/": OBJECT,
    "cocreation/<slug:space>/posts/<int:post>/report/": OBJECT,
    "cocreation/<slug:space>/posts/<int:post>/hide/": OBJECT,
    "cocreation/<slug:space>/posts/<int:post>/unhide/": OBJECT,
    "cocreation/<slug:space>/posts/<int:post>/dismiss/": OBJECT,
}
OPERATIONS = {
    # co-creation moderation (keys: cocreation_keys)
    "GET /api/v1/cocreation/spaces/{space}/moderation": OBJECT,
    "GET /api/v1/cocreation/spaces/{space}/posts/{post}/moderation": OBJECT,
    "POST /api/v1/cocreation/spaces/{space}/posts/{post}/report": OBJECT,
    "POST /api/v1/cocreation/spaces/{space}/posts/{post}/hide": OBJECT,
    "POST /api/v1/cocreation/spaces/{space}/posts/{post}/unhide": OBJECT,
    "POST /api/v1/cocreation/spaces/{space}/posts/{post}/dismiss": OBJECT,
    "POST /api/v1/cocreation/personal-data-check": OWN,
    "GET /api/v1/accounts/me": OWN,
    "GET /api/v1/accounts/tokens": OWN,
    "POST /api/v1/accounts/tokens": OWN,
    "DELETE /api/v1/accounts/tokens/{token_id}": OBJECT,
    "GET /api/v1/accounts/users": OWN,
    "POST /api/v1/accounts/users": OWN,
    "GET /api/v1/accounts/users/{username}": OBJECT,
    "PATCH /api/v1/accounts/users/{username}": OBJECT,
    "GET /api/v1/audit-events": OWN,
    "GET /api/v1/audit-events/verification": OWN,
    "GET /api/v1/audits": OWN,
    "POST /api/v1/audits": OWN,
    "GET /api/v1/audits/plan": OWN,
    "GET /api/v1/audits/{number}": OBJECT,
    "PATCH /api/v1/audits/{number}": OBJECT,
    "GET /api/v1/audits/{number}/actions": OBJECT,
    "PATCH /api/v1/audits/{number}/actions/{action}": OBJECT,
    "POST /api/v1/audits/{number}/actions/{action}/verify": OBJECT,
    "GET /api/v1/audits/{number}/bundle": OBJECT,
    "GET /api/v1/audits/{number}/evidence": OBJECT,
    "POST /api/v1/audits/{number}/evidence": OBJECT,
    "DELETE /api/v1/audits/{number}/evidence/{evidence}": OBJECT,
    "GET /api/v1/audits/{number}/evidence/{evidence}/revisions/{revision}/download": OBJECT,
    "GET /api/v1/audits/{number}/export": OBJECT,
    "GET /api/v1/audits/{number}/findings": OBJECT,
    "POST /api/v1/audits/{number}/findings": OBJECT,
    "GET /api/v1/audits/{number}/findings/{finding}": OBJECT,
    "PATCH /api/v1/audits/{number}/findings/{finding}": OBJECT,
    "POST /api/v1/audits/{number}/findings/{finding}/actions": OBJECT,
    "POST /api/v1/audits/{number}/findings/{finding}/follow-up": OBJECT,
    "POST /api/v1/audits/{number}/next-cycle": OBJECT,
    "GET /api/v1/audits/{number}/results": OBJECT,
    "PATCH /api/v1/audits/{number}/results": OBJECT,
    "POST /api/v1/audits/{number}/results/import": OBJECT,
    "PATCH /api/v1/audits/{number}/results/{result}": OBJECT,
    "POST /api/v1/audits/{number}/scope": OBJECT,
    "POST /api/v1/audits/{number}/status": OBJECT,
    "GET /api/v1/audits/{number}/summary": OBJECT,
    "GET /api/v1/dashboard": OWN,
    "GET /api/v1/dashboard/{key}": SHARED,
    "GET /api/v1/governance/compare": OWN,
    "GET /api/v1/governance/models": OWN,
    "GET /api/v1/governance/models/{key}": SHARED,
    "GET /api/v1/governance/questions/builder": OWN,
    "GET /api/v1/governance/questions/may-audit": OWN,
    "GET /api/v1/governance/questions/report-route": OWN,
    "GET /api/v1/governance/role-holdings": OWN,
    "POST /api/v1/governance/role-holdings": OWN,
    "GET /api/v1/governance/sectors": OWN,
    "PATCH /api/v1/governance/sectors/{code}": OWN,
    "GET /api/v1/governance/settings": OWN,
    "PUT /api/v1/governance/settings": OWN,
    "GET /api/v1/incidents": OWN,
    "POST /api/v1/incidents": OWN,
    "GET /api/v1/incidents/notices": OWN,
    "POST /api/v1/incidents/notices/read": OWN,
    "GET /api/v1/incidents/regimes": OWN,
    "POST /api/v1/incidents/stix": OWN,
    "POST /api/v1/incidents/stix/upload": OWN,
    "GET /api/v1/incidents/{number}": OBJECT,
    "PATCH /api/v1/incidents/{number}": OBJECT,
    "POST /api/v1/incidents/{number}/acknowledge": OBJECT,
    "POST /api/v1/incidents/{number}/close": OBJECT,
    "POST /api/v1/incidents/{number}/comments": OBJECT,
    "POST /api/v1/incidents/{number}/filings": OBJECT,
    "POST /api/v1/incidents/{number}/forward": OBJECT,
    "POST /api/v1/incidents/{number}/publish": OBJECT,
    "POST /api/v1/incidents/{number}/replies": OBJECT,
    "GET /api/v1/incidents/{number}/routes": OBJECT,
    "GET /api/v1/incidents/{number}/stix": OBJECT,
    "POST /api/v1/incidents/{number}/submit": OBJECT,
    "GET /api/v1/organizations": OWN,
    "POST /api/v1/organizations": OWN,
    "DELETE /api/v1/organizations/{code}": OBJECT,
    "GET /api/v1/organizations/{code}": SHARED,
    "PATCH /api/v1/organizations/{code}": OBJECT,
    "GET /api/v1/plans/editions/{edition}/measures/{measure}/flags": OBJECT,
    "GET /api/v1/plans/editions/{edition}/measures/{measure}/kpis/{kpi}/measurements": OBJECT,
    "POST /api/v1/plans/editions/{edition}/measures/{measure}/kpis/{kpi}/measurements": OBJECT,
    "POST /api/v1/plans/editions/{edition}/measures/{measure}/measurements/{measurement}/review": OBJECT,
    "GET /api/v1/plans/editions/{edition}/measures/{measure}/ratings": OBJECT,
    "GET /api/v1/plans/editions/{edition}/measures/{measure}/reports": OBJECT,
    "POST /api/v1/plans/editions/{edition}/measures/{measure}/reports": OBJECT,
    "GET /api/v1/plans/editions/{edition}/measures/{measure}/reports/{report}": OBJECT,
    "PATCH /api/v1/plans/editions/{edition}/measures/{measure}/reports/{report}": OBJECT,
    "POST /api/v1/plans/editions/{edition}/measures/{measure}/reports/{report}/return": OBJECT,
    "POST /api/v1/plans/editions/{edition}/measures/{measure}/reports/{report}/review": OBJECT,
    "POST /api/v1/plans/editions/{edition}/measures/{measure}/reports/{report}/submit": OBJECT,
    "GET /api/v1/plans/flags": OWN,
    "GET /api/v1/plans/notices": OWN,
    "POST /api/v1/plans/notices/read": OWN,
    "GET /api/v1/notifications": OWN,
    "GET /api/v1/notifications/unread": OWN,
    "POST /api/v1/notifications/read": OWN,
    "GET /api/v1/notifications/preference": OWN,
    "PUT /api/v1/notifications/preference": OWN,
    "GET /api/v1/cocreation/follows": OWN,
    "POST /api/v1/cocreation/follows": OWN,
    "POST /api/v1/cocreation/follows/remove": OWN,
    "GET /api/v1/portfolio/budget/rollup": OWN,
    "GET /api/v1/portfolio/migration": OWN,
    "GET /api/v1/portfolio/oversight/due": OWN,
    "GET /api/v1/portfolio/recommendations": OWN,
    "POST /api/v1/portfolio/recommendations": OWN,
    "GET /api/v1/portfolio/recommendations/{number}": OBJECT,
    "POST /api/v1/portfolio/recommendations/{number}/answer": OBJECT,
    "POST /api/v1/portfolio/recommendations/{number}/close": OBJECT,
    "POST /api/v1/portfolio/recommendations/{number}/escalate": OBJECT,
    "GET /api/v1/portfolio/systems": OWN,
    "POST /api/v1/portfolio/systems": OWN,
    "GET /api/v1/portfolio/systems/export": OWN,
    "POST /api/v1/portfolio/systems/import": OWN,
    "GET /api/v1/portfolio/systems/{code}": OBJECT,
    "PATCH /api/v1/portfolio/systems/{code}": OBJECT,
    "GET /api/v1/portfolio/systems/{code}/budget": OBJECT,
    "POST /api/v1/portfolio/systems/{code}/budget": OBJECT,
    "POST /api/v1/portfolio/systems/{code}/budget/{year}/decision": OBJECT,
    "POST /api/v1/portfolio/systems/{code}/budget/{year}/execution": OBJECT,
    "POST /api/v1/portfolio/systems/{code}/budget/{year}/review": OBJECT,
    "GET /api/v1/portfolio/systems/{code}/ratings": OBJECT,
    "POST /api/v1/portfolio/systems/{code}/ratings": OBJECT,
    "GET /api/v1/standards/catalogs": OWN,
    "POST /api/v1/standards/catalogs": OWN,
    "GET /api/v1/standards/catalogs/compare": OWN,
    "GET /api/v1/standards/catalogs/{key}": SHARED,
    "GET /api/v1/standards/catalogs/{key}/nodes": SHARED,
    "GET /api/v1/standards/catalogs/{key}/nodes/{oscal_id}": SHARED,
    "GET /api/v1/standards/catalogs/{key}/oscal": SHARED,
    "GET /api/v1/standards/catalogs/{key}/profile": SHARED,
    "GET /api/v1/standards/mappings": OWN,
    "POST /api/v1/standards/mappings": OWN,
    "GET /api/v1/standards/mappings/{key}": SHARED,
    "GET /api/v1/standards/mappings/{key}/coverage": SHARED,
    "GET /api/v1/standards/mappings/{key}/csv": SHARED,
    # co-creation threads and posts: every domestic government body reads every space, so a
    # space's threads are listed to them (SHARED); writing takes membership, which none has
    "GET /api/v1/cocreation/spaces/{space}/threads": SHARED,
    "POST /api/v1/cocreation/spaces/{space}/threads": OBJECT,
    "GET /api/v1/cocreation/spaces/{space}/threads/{thread}": OBJECT,
    "POST /api/v1/cocreation/spaces/{space}/threads/{thread}/posts": OBJECT,
    "PATCH /api/v1/cocreation/spaces/{space}/threads/{thread}/posts/{post}": OBJECT,
    "GET /api/v1/cocreation/spaces/{space}/threads/{thread}/posts/{post}/history": OBJECT,
    "POST /api/v1/cocreation/spaces/{space}/threads/{thread}/posts/{post}/publish": OBJECT,
    "POST /api/v1/cocreation/spaces/{space}/threads/{thread}/posts/{post}/reactions": OBJECT,
    "POST /api/v1/cocreation/spaces/{space}/threads/{thread}/posts/{post}/attachments": OBJECT,
    "GET /api/v1/cocreation/spaces/{space}/threads/{thread}/posts/{post}/attachments/{attachment}": OBJECT,
    "GET /api/v1/cocreation/drafts": OWN,
    # co-creation, part "finding" (see the pages above)
    "GET /api/v1/cocreation/search": OWN,
    "GET /api/v1/cocreation/spaces/{space}/proposals": SHARED,
    "GET /api/v1/cocreation/spaces/{space}/proposals/{thread}": OBJECT,
    "POST /api/v1/cocreation/spaces/{space}/proposals/{thread}/decisions": OBJECT,
    "PUT /api/v1/cocreation/spaces/{space}/proposals/{thread}/support": OBJECT,
    "DELETE /api/v1/cocreation/spaces/{space}/proposals/{thread}/support": OBJECT,
    "POST /api/v1/cocreation/spaces/{space}/proposals/{thread}/outcomes": OBJECT,
    "DELETE /api/v1/cocreation/spaces/{space}/proposals/{thread}/outcomes/{outcome}": OBJECT,
    "GET /api/v1/cocreation/spaces/{space}/threads/{thread}/related": OBJECT,
    # plans: editions and their content (the draft's key is the Digital Agency's)
    "GET /api/v1/plans/editions": OWN,
    "POST /api/v1/plans/editions": OWN,
    "GET /api/v1/plans/editions/{edition}": OBJECT,
    "PATCH /api/v1/plans/editions/{edition}": OBJECT,
    "DELETE /api/v1/plans/editions/{edition}": OBJECT,
    "POST /api/v1/plans/editions/{edition}/publish": OBJECT,
    "GET /api/v1/plans/editions/{edition}/export": OBJECT,
    "GET /api/v1/plans/editions/{edition}/diff": OBJECT,
    "POST /api/v1/plans/editions/{edition}/import": OBJECT,
    "GET /api/v1/plans/editions/{edition}/areas": OBJECT,
    "POST /api/v1/plans/editions/{edition}/areas": OBJECT,
    "PATCH /api/v1/plans/editions/{edition}/areas/{area}": OBJECT,
    "DELETE /api/v1/plans/editions/{edition}/areas/{area}": OBJECT,
    "GET /api/v1/plans/editions/{edition}/measures": OBJECT,
    "POST /api/v1/plans/editions/{edition}/measures": OBJECT,
    "GET /api/v1/plans/editions/{edition}/measures/{measure}": OBJECT,
    "PATCH /api/v1/plans/editions/{edition}/measures/{measure}": OBJECT,
    "DELETE /api/v1/plans/editions/{edition}/measures/{measure}": OBJECT,
    "POST /api/v1/plans/editions/{edition}/measures/{measure}/kpis": OBJECT,
    "PATCH /api/v1/plans/editions/{edition}/measures/{measure}/kpis/{kpi}": OBJECT,
    "DELETE /api/v1/plans/editions/{edition}/measures/{measure}/kpis/{kpi}": OBJECT,
    "POST /api/v1/plans/editions/{edition}/measures/{measure}/milestones": OBJECT,
    "PATCH /api/v1/plans/editions/{edition}/measures/{measure}/milestones/{milestone}": OBJECT,
    "DELETE /api/v1/plans/editions/{edition}/measures/{measure}/milestones/{milestone}": OBJECT,
    # cocreation: spaces and answers
    "GET /api/v1/cocreation/spaces": OWN,
    "POST /api/v1/cocreation/spaces": OWN,
    "GET /api/v1/cocreation/spaces/{space}": OBJECT,
    "PATCH /api/v1/cocreation/spaces/{space}": OBJECT,
    "POST /api/v1/cocreation/spaces/{space}/join": OBJECT,
    "POST /api/v1/cocreation/spaces/{space}/leave": OBJECT,
    "GET /api/v1/cocreation/spaces/{space}/members": OBJECT,
    "PUT /api/v1/cocreation/spaces/{space}/members/{username}": OBJECT,
    "PUT /api/v1/cocreation/spaces/{space}/threads/{thread}/accepted": OBJECT,
    "POST /api/v1/cocreation/spaces/{space}/threads/{thread}/official": OBJECT,
    "GET /api/v1/cocreation/official/pending": OWN,
    "GET /api/v1/cocreation/official/{answer}": OBJECT,
    "POST /api/v1/cocreation/official/{answer}/approve": OBJECT,
    "POST /api/v1/cocreation/official/{answer}/refuse": OBJECT,
    "GET /api/v1/cocreation/faq/{org}": SHARED,
}

REFUSED = {401, 403, 404}
# A page answers a method it does not take with 405, before it looks at the object.
REFUSED_PAGE = {403, 404, 405}
# A write whose body the API cannot accept (a file upload sent as JSON, a value the document
# allows but the field refuses) is refused with 422 before any rule is asked: nothing is
# written all the same, which the digest checks; the probe counts them apart.
REFUSED_WRITE = {401, 403, 404, 422}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    from shireito.demo.dataset import load_demo_data
    from shireito.organizations.models import Sector

    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(DEMO_MODE=True, MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        sectors = import_module(
            "shireito.organizations.migrations.0003_critical_infrastructure_sectors"
        )
        for position, (code, name, name_en) in enumerate(sectors.SECTORS, start=1):
            Sector.objects.update_or_create(
                code=code, defaults={"name": name, "name_en": name_en, "position": position}
            )
        with TestCase.captureOnCommitCallbacks(execute=True):
            load_demo_data()
        yield
        transaction.set_rollback(True)


def other_keys(username: str | None) -> Keys:
    """Real keys of the objects of an organisation ``username`` has no mandate for: MHLW's
    (METI's for MHLW's own admin), incident reports none of whose parties is the user's
    organisation, and a TAXII collection it neither owns nor was given access to."""
    from shireito.accounts.models import ApiToken, User
    from shireito.accounts.services import api_token_create
    from shireito.audits.models import (
        Audit,
        AuditStage,
        ControlResult,
        CorrectiveAction,
        Evidence,
    )
    from shireito.core.choices import JobStatus
    from shireito.core.models import BackgroundJob
    from shireito.incidents.models import (
        Attachment,
        IncidentReport,
        RegimeStage,
        ReportingRegime,
        TimelineEntry,
    )
    from shireito.organizations.governance import available_model_keys
    from shireito.organizations.models import Organization, Sector
    from shireito.registry.models import BudgetLine, InformationSystem, Recommendation
    from shireito.sharing import conf
    from shireito.sharing.models import Collection, StixObject
    from shireito.standards.models import Catalog, CatalogMapping, CatalogNode

    mine = User.objects.get(username=username).organization if username else None
    other = Organization.objects.get(code="meti" if mine and mine.code == "mhlw" else "mhlw")
    victim = User.objects.filter(organization=other).first()
    if not ApiToken.objects.filter(user=victim).exists():
        api_token_create(actor=None, user=victim, name="theirs")
    job = BackgroundJob.objects.filter(user=victim).first() or BackgroundJob.objects.create(
        user=victim, kind="registry.systems_export", status=JobStatus.DONE, done=1, total=1
    )
    system = (
        InformationSystem.objects.filter(owner=other, budget_lines__isnull=False).first()
        or InformationSystem.objects.filter(owner=other).first()
    )
    line = BudgetLine.objects.filter(system=system).first()
    audits = Audit.objects.exclude(auditee=mine).exclude(auditor=mine) if mine else Audit.objects
    audit = (
        audits.filter(findings__actions__isnull=False, evidence__isnull=False).first()
        or audits.filter(auditee=other).first()
    )
    reports = IncidentReport.objects.exclude(parties__organization=mine) if mine else None
    report = (reports if reports is not None else IncidentReport.objects).filter(
        parties__organization=other
    ).first() or (reports if reports is not None else IncidentReport.objects).first()
    collections = Collection.objects.exclude(owner=mine).exclude(accesses__organization=mine)
    collection = collections.first() if mine else Collection.objects.first()
    evidence = Evidence.objects.filter(audit=audit).first()
    catalog = Catalog.objects.filter(nodes__isnull=False).first()
    regime = ReportingRegime.objects.first()
    keys = {
        "org": other.code,
        "username": victim.username,
        "token": str(ApiToken.objects.filter(user=victim).first().pk),
        "job": str(job.pk),
        "system": _key(system, "code"),
        "year": str(line.fiscal_year if line else 2026),
        "recommendation": _key(
            Recommendation.objects.filter(ministry=other).first()
            or Recommendation.objects.exclude(ministry=mine).first(),
            "number",
        ),
        "audit": _key(audit, "number"),
        "finding": _key(audit and audit.findings.first(), "number"),
        "action": str(_key(CorrectiveAction.objects.filter(finding__audit=audit).first(), "pk")),
        "evidence": str(_key(evidence, "pk")),
        "result": str(_key(ControlResult.objects.filter(audit=audit).first(), "pk")),
        "revision": str(_key(evidence and evidence.revisions.first(), "number")),
        "audit_stage": _key(AuditStage.objects.filter(audit=audit).first(), "stage"),
        "incident": _key(report, "number"),
        "entry": _key(TimelineEntry.objects.filter(report=report).first(), "pk"),
        "incident_stage": str(
            _key(RegimeStage.objects.filter(regime__in=report.regimes.all()).first(), "pk")
        ),
        "attachment": str(_key(Attachment.objects.filter(report=report).first(), "pk")),
        "collection": _key(collection, "pk"),
        "stix_id": _key(StixObject.objects.filter(collection=collection).first(), "stix_id"),
        "status": "00000000-0000-4000-8000-000000000000",
        "root": conf.api_root_name(),
        "sector": Sector.objects.first().code,
        "model": available_model_keys()[0],
        "catalog": _key(catalog, "key"),
        "oscal_id": _key(CatalogNode.objects.filter(catalog=catalog).first(), "oscal_id"),
        "mapping": _key(CatalogMapping.objects.first(), "key"),
        "regime": _key(regime, "key"),
        "statistic": "migration-by-prefecture",
        "section": "audits",
        "table": "results",
        "fmt": "csv",
        **plan_keys(mine, other),
        **cocreation_draft_keys(other),
        **finding_keys(other, victim),
        # the space and answer keys win: a space government staff may not read does not exist
        **cocreation_keys(mine),
    }
    secrets = [str(keys[name]) for name in ("audit", "incident", "recommendation")]
    secrets = [secret for secret in secrets if secret != "999999"]
    return Keys(values={name: str(value) for name, value in keys.items()}, secrets=secrets)


def plan_keys(mine, other) -> dict:
    """Keys of the priority plan's objects: the draft edition (the Digital Agency's, unseen by
    others), a measure of it led by ``other``, and that measure's KPI, milestone, report,
    measurement and flag; ``published`` is a published edition (everyone reads it)."""
    from shireito.plans.models import (
        Kpi,
        Measure,
        MeasureFlag,
        Measurement,
        Milestone,
        PlanArea,
        PlanEdition,
        ProgressReport,
    )

    # A draft is also read by the organisations responsible for a measure in it: the key is a
    # draft the user's organisation has no part in.
    drafts = PlanEdition.objects.filter(status="draft")
    if mine is not None:
        drafts = (
            drafts.exclude(author=mine)
            .exclude(measures__lead=mine)
            .exclude(measures__co_responsible=mine)
        )
    draft = drafts.first() or _draft_apart()
    published = PlanEdition.objects.filter(status="published").first()
    measures = Measure.objects.filter(lead=other)
    if mine is not None:
        measures = measures.exclude(co_responsible=mine)
    # one with a flag, so the flag's key is real too
    measure = (
        measures.filter(edition=published, flags__isnull=False).first()
        or measures.filter(edition=published).first()
        or measures.first()
    )
    kpi = Kpi.objects.filter(measure=measure).first()
    return {
        "edition": _key(draft, "year"),
        "published": _key(published, "year"),
        "area": _key(PlanArea.objects.filter(edition=draft).first(), "code"),
        "measure": _key(measure, "code"),
        "kpi": _key(kpi, "code"),
        "milestone": str(_key(Milestone.objects.filter(measure=measure).first(), "pk")),
        "report": str(_key(ProgressReport.objects.filter(measure=measure).first(), "pk")),
        "measurement": str(
            _key(Measurement.objects.filter(series__kpis=kpi).first() if kpi else None, "pk")
        ),
        "flag": str(_key(MeasureFlag.objects.filter(measure=measure).first(), "pk")),
    }


def cocreation_keys(mine) -> dict:
    """Keys of the co-creation platform: a space not open to ``mine`` (government staff read
    every space, so for them a short name no space has) and an
    official answer of another organisation that awaits approval or was refused (those only
    its own organisation reads)."""
    from shireito.cocreation.choices import OfficialStatus
    from shireito.cocreation.models import OfficialAnswer, Space
    from shireito.cocreation.scoping import GOVERNMENT_KINDS

    government = mine is not None and mine.kind in GOVERNMENT_KINDS
    spaces = Space.objects.none() if government else Space.objects.all()
    if mine is not None:
        spaces = spaces.exclude(host=mine).exclude(invited=mine)
    space = spaces.first()
    answers = OfficialAnswer.objects.filter(
        status__in=[OfficialStatus.PENDING, OfficialStatus.REFUSED]
    )
    if mine is not None:
        answers = answers.exclude(organization=mine)
        if not government:
            answers = answers.filter(thread__space__in=spaces)
    return {
        "space": _key(space, "slug"),
        "answer": str(_key(answers.first(), "pk")),
    }


def cocreation_draft_keys(other) -> dict:
    """Keys of a co-creation space hosted by ``other`` that invites nobody and has no member
    among the probing users, and of a draft thread in it (its opening post and a file of it)
    that only its author, a user of ``other``, reads."""
    from shireito.accounts.models import User
    from shireito.cocreation.models import Membership, PostAttachment, Space
    from shireito.cocreation.services.posts import thread_create

    author = User.objects.filter(organization=other, is_active=True).first()
    space = Space.objects.filter(slug="probe-space").first() or Space.objects.create(
        slug="probe-space", name="調査用の場", host=other
    )
    Membership.objects.get_or_create(space=space, user=author)
    thread = thread_create(
        actor=author, space=space, kind="discussion", title="下書き", body="下書き", draft=True
    )
    post = thread.posts.get()
    attachment = PostAttachment.objects.create(
        post=post, name="a.txt", sha256="0" * 64, size=1, content_type="text/plain"
    )
    return {
        "space": space.slug,
        "thread": str(thread.pk),
        "post": str(post.pk),
        "cocreation_attachment": str(attachment.pk),
    }


def finding_keys(other, victim) -> dict:
    """Keys of the co-creation platform's proposals: in a space of ``other``'s that invites
    nobody, a draft proposal of ``victim``'s (seen by its author only) with an
    outcome; started through the services, rolled back with the test."""
    from shireito.cocreation.choices import LinkKind, ThreadKind
    from shireito.cocreation.models import Membership, ProposalOutcome, Space
    from shireito.cocreation.services.posts import thread_create
    from shireito.cocreation.services.spaces import membership_join, space_create

    space = Space.objects.filter(slug="probe-proposals").first() or space_create(
        actor=None, slug="probe-proposals", name="検査用スペース", host=other
    )
    if not Membership.objects.filter(space=space, user=victim).exists():
        membership_join(actor=victim, space=space)
    thread = thread_create(
        actor=victim,
        space=space,
        kind=ThreadKind.PROPOSAL,
        title="下書きの提案",
        body="まだ書きかけ",
        draft=True,
    )
    outcome = ProposalOutcome.objects.create(thread=thread, kind=LinkKind.SYSTEM, key="x")
    return {"thread": str(thread.pk), "outcome": str(outcome.pk)}


def _draft_apart():
    """The demo's draft is a copy of the whole plan, so most ministries have a part in it and
    read it; for them the probe starts (through the services, rolled back with the test) a
    draft of the Digital Agency's own, as it would be while it is still being written."""
    from shireito.organizations.models import Organization
    from shireito.plans import services
    from shireito.plans.models import PlanArea, PlanEdition

    year = max(PlanEdition.objects.values_list("year", flat=True), default=2026) + 1
    draft = services.edition_create(
        actor=None,
        author=Organization.objects.get(code="digital-agency"),
        year=year,
        title="重点計画（作業中）",
        title_en="Priority plan (being written)",
    )
    services.content_create(
        actor=None, instance=PlanArea(edition=draft, code="1", name="作業中", name_en="Drafting")
    )
    return draft


def _key(found, attribute: str):
    """A found object's key; where the world holds none, a key no object has (404 all the
    same, which the probe then only shows is not a server error)."""
    return getattr(found, attribute) if found else 999999


def _document() -> dict:
    from shireito.api import api

    return json.loads(json.dumps(api.get_openapi_schema()))


def test_every_page_and_operation_is_in_the_probe_table():
    # given the URL conf and the OpenAPI document
    routes = set(url_routes())
    operations = {
        f"{method.upper()} {path}" for path, item in _document()["paths"].items() for method in item
    }

    # then each route and operation is in the table, and the table names nothing that is gone
    missing = sorted((routes | operations) - set(PAGES) - set(OPERATIONS) - set(PUBLIC))
    assert not missing, "add to the probe's table:\n" + "\n".join(missing)
    gone = sorted((set(PAGES) | set(OPERATIONS) | set(PUBLIC)) - routes - operations)
    assert not gone, "no longer in the URL conf or the API:\n" + "\n".join(gone)


def _refused(response, *, anonymous: bool, accepted: set[int]) -> bool:
    if anonymous and response.status_code == 302:
        return response["Location"].startswith("/accounts/login/")
    return response.status_code in accepted | ({401} if anonymous else set())


@pytest.mark.django_db
@pytest.mark.parametrize("kind", USERS)
def test_no_kind_of_user_reads_or_changes_another_organisations_objects(demo, kind):
    from shireito.accounts.models import User
    from shireito.accounts.services import api_token_create

    # given a user of the kind, signed in (and with an API token), and another
    # organisation's keys
    username = USERS[kind]
    keys = other_keys(username)
    client = Client()
    headers = {}
    if username:
        user = User.objects.get(username=username)
        client.force_login(user)
        _token, secret = api_token_create(actor=None, user=user, name="probe")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    document = _document()
    components = document["components"]["schemas"]
    log = RefusalLog()
    logging.getLogger("shireito.request").addHandler(log)
    problems: list[str] = []
    refusals: list[tuple[str, str, int]] = []
    probed = 0
    invalid: list[str] = []

    def check(method: str, url: str, response, expect: str) -> None:
        status = response.status_code
        if status >= 500:
            problems.append(f"{method} {url}: server error {status}")
        elif expect == "refused":
            if not url.startswith("/api/"):
                accepted = REFUSED_PAGE
            else:
                accepted = REFUSED if method == "GET" else REFUSED_WRITE
            if not _refused(response, anonymous=username is None, accepted=accepted):
                problems.append(f"{method} {url}: not refused ({status})")
            elif status >= 400:
                refusals.append((method, url.split("?")[0], status))
                invalid.extend([url] if status == 422 else [])
        elif not response.streaming and status == 200:
            body = response.content.decode(errors="replace")
            leaked = [secret for secret in keys.secrets if secret in body]
            if leaked:
                problems.append(f"{method} {url}: shows {leaked}")

    def page(route: str, what: str) -> None:
        url = keys.fill(route)
        check("GET", url, client.get(url, **headers), "refused" if what == OBJECT else "read")
        if what == OBJECT:
            check("POST", url, client.post(url, {}, **headers), "refused")
        elif what == SHARED:
            # Some read pages take a POST (a form that only shows): nothing may change.
            check("POST", url, client.post(url, {}, **headers), "read")

    def operation(method: str, path: str, what: str) -> None:
        url = keys.fill(path)
        spec = document["paths"][path][method.lower()]
        expect = "read" if method == "GET" and what != OBJECT else "refused"
        content = spec.get("requestBody", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        body = json.dumps(plausible(schema, components)) if schema else ""
        query = {
            parameter["name"]: plausible(parameter["schema"], components)
            for parameter in spec.get("parameters", [])
            if parameter["in"] == "query" and parameter.get("required")
        }
        if query:
            url = f"{url}?{urlencode(query)}"
        response = client.generic(method, url, body, content_type="application/json", **headers)
        check(method, url, response, expect)

    # when they read their own pages (which may keep their own state: a second factor being
    # set up), then read and change every page and operation with the other's keys
    calls = [(page, (route,), what) for route, what in PAGES.items()]
    calls += [
        (operation, tuple(key.split(" ", 1)), what)
        for key, what in OPERATIONS.items()
        if key.startswith("GET ") or what != OWN
    ]
    calls.sort(key=lambda call: call[2] != OWN)
    before: dict[str, str] = {}
    try:
        for call, arguments, what in calls:
            if what != OWN and not before:
                before = database_digest()
            probed += 1
            call(*arguments, what)
    finally:
        logging.getLogger("shireito.request").removeHandler(log)
    after = database_digest()
    missing = sorted(name for name, value in keys.values.items() if value == "999999")
    report(
        "authorization probe",
        f"as {kind}: {probed} endpoints, {len(refusals)} refusals logged and checked"
        f" ({len(invalid)} writes refused as invalid before any rule)",
    )
    report("authorization probe", f"keys the world lacks for {kind}: {missing}")

    # then every request was refused (or showed nothing of theirs), nothing changed, and each
    # refusal was logged
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
    changed = sorted(label for label in before if before[label] != after.get(label))
    assert not changed, f"tables changed: {changed}"
    unlogged = [r for r in refusals if r not in log.lines]
    assert not unlogged, f"refusals not logged: {unlogged[:20]}"
