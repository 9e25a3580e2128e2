"""schemathesis against the API's own OpenAPI document, as an editor, an organisation admin and
the platform admin: every operation through the coverage, fuzzing and stateful phases, with no
server error and every answer as the document says (status code documented, body of the
documented schema, content type).

The demo world is loaded (committed: the engine calls the app from its own threads) and
flushed after; the app is called in-process through WSGI. ``SHIREITO_SCHEMATHESIS_EXAMPLES``
scales the fuzzing phase (examples per operation) and the stateful phase's steps, and from 5 on
adds the coverage phase's invalid inputs; the default (2) keeps the run to a few minutes. The number of cases run is printed per user and in all.
"""

from __future__ import annotations

import os
from importlib import import_module

import pytest
import schemathesis
from django.test import TestCase, override_settings
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema

from tests.kit.figures import report

EXAMPLES = int(os.environ.get("SHIREITO_SCHEMATHESIS_EXAMPLES", "2"))
# The coverage phase's invalid inputs (every boundary of every field broken) are four fifths
# of its cases: run from 5 examples per operation up, where a run may take its time.
COVERAGE_MODE = "all" if EXAMPLES >= 5 else "positive"
USERS = {
    "editor": "meti-officer",
    "organisation admin": "mhlw-officer",
    "platform admin": "da-admin",
}
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
]
# Findings known and accepted, each naming why (operation label, text searched in the failure,
# the reason): none today; a new entry needs a reason a reviewer accepts.
KNOWN: list[tuple[str, str, str]] = []


def _config(secret: str) -> SchemathesisConfig:
    checks = {"enabled": False, **{name: {"enabled": True} for name in CHECKS}}
    generation = {"max-examples": EXAMPLES}
    return SchemathesisConfig.from_dict(
        {
            "seed": 16,
            "headers": {"Authorization": f"Bearer {secret}"},
            "workers": 1,
            "checks": checks,
            "phases": {
                "examples": {"enabled": False},
                # Methods an operation does not have are the probe's and the crawl's business.
                "coverage": {
                    "enabled": True,
                    "unexpected-methods": [],
                    "generation": {"mode": COVERAGE_MODE},
                },
                "fuzzing": {"enabled": True, "generation": generation},
                "stateful": {"enabled": True, "max-steps": 10 * EXAMPLES},
            },
            "suppress-health-check": ["all"],
            "cache": {"enabled": False},
        }
    )


@pytest.fixture
def demo_world(transactional_db, tmp_path):
    from shireito.demo.dataset import load_demo_data
    from shireito.organizations.models import Sector

    sectors = import_module(
        "shireito.organizations.migrations.0003_critical_infrastructure_sectors"
    )
    for position, (code, name, name_en) in enumerate(sectors.SECTORS, start=1):
        Sector.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "position": position}
        )
    with override_settings(DEMO_MODE=True, MEDIA_ROOT=tmp_path):
        with TestCase.captureOnCommitCallbacks(execute=True):
            load_demo_data()
        yield


def _run(username: str) -> tuple[dict[str, int], list[str]]:
    from django.core.wsgi import get_wsgi_application

    from shireito.accounts.models import User
    from shireito.accounts.services import api_token_create

    user = User.objects.get(username=username)
    _token, secret = api_token_create(actor=None, user=user, name="schemathesis")
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", get_wsgi_application(), config=_config(secret)
    )
    cases: dict[str, int] = {}
    failures: list[str] = []
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            phase = event.phase.name.lower()
            cases[phase] = cases.get(phase, 0) + len(event.recorder.cases)
            for case_id, checks in event.recorder.checks.items():
                for check in checks:
                    if check.status.name != "FAILURE" or check.failure_info is None:
                        continue
                    text = f"{event.recorder.label} [{event.phase.name}]: {check.failure_info.failure.title}"
                    case = event.recorder.cases[case_id].value
                    text += f"\n    {check.failure_info.failure.message[:300]}\n    {case.method} {case.formatted_path} query={case.query} body={str(case.body)[:600]}"
                    known = any(label in text and needle in text for label, needle, _ in KNOWN)
                    if not known:
                        failures.append(text)
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            failures.append(f"error: {event}")
    return cases, failures


@pytest.mark.long
def test_the_api_answers_every_generated_request_as_its_document_says(demo_world):
    # given the demo world and a token for each kind of user
    totals: dict[str, int] = {}
    found: list[str] = []
    # when schemathesis runs its phases over every operation as each of them
    for kind, username in USERS.items():
        cases, failures = _run(username)
        totals[kind] = sum(cases.values())
        found += [f"{kind}: {failure}" for failure in failures]
        phases = ", ".join(f"{phase} {count}" for phase, count in cases.items())
        report("schemathesis", f"as {kind} ({username}): {totals[kind]} cases ({phases})")
    report("schemathesis", f"in all: {sum(totals.values())} cases")

    # then no answer is a server error or departs from the document
    assert all(totals.values())
    assert not found, f"{len(found)} failures:\n" + "\n".join(dict.fromkeys(found))
