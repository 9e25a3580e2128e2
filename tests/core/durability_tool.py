"""The durability run's helper, run as ``python -m tests.core.durability_tool ACTION``
against the run's own database: ``seed`` makes two organisations, an auditor, a reporter, an
audit in fieldwork and their API tokens (printed as JSON); ``check FILE`` reads the writes the
clients sent and saw acknowledged, and prints what is missing (as JSON); ``launch BIND``
starts `shireito serve` afresh for each line it reads."""

from __future__ import annotations

import json
import os
import sys


def seed() -> dict:
    from shireito.accounts.services import api_token_create
    from shireito.organizations.services import role_holding_ensure
    from tests.kit.factories import make_organization, make_user
    from tests.kit.factories.audits import make_audit
    from tests.kit.factories.registry import make_system
    from tests.kit.factories.standards import make_catalog

    make_organization(code="cabinet", kind="cabinet")
    nisc = make_organization(code="nisc", kind="national_cyber_centre")
    mhlw = make_organization(code="mhlw", kind="ministry")
    role_holding_ensure(
        actor=None, role="national_cyber_centre", organization=nisc, valid_from=None
    )
    auditor = make_user(username="auditor", organization=nisc, roles=["auditor"])
    reporter = make_user(username="reporter", organization=mhlw, roles=["editor"])
    system = make_system(owner=mhlw)
    audit = make_audit(
        actor=auditor, auditee=mhlw, systems=[system], baseline=make_catalog(owner=nisc)
    )
    _, auditor_token = api_token_create(actor=None, user=auditor, name="durability")
    _, reporter_token = api_token_create(actor=None, user=reporter, name="durability")
    return {
        "auditor_token": auditor_token,
        "reporter_token": reporter_token,
        "audit": audit.number,
        "results": sorted(audit.results.values_list("id", flat=True)),
    }


def check(path: str) -> dict:
    """Every acknowledged incident exists with its title; every acknowledged result write is
    in the audit trail, and each result holds its last acknowledged note or one sent later
    (a write whose answer was lost in a kill may have committed)."""
    from shireito.audits.models import ControlResult
    from shireito.core.models import AuditEvent
    from shireito.incidents.models import IncidentReport

    with open(path, encoding="utf-8") as handle:
        log = [json.loads(line) for line in handle if line.strip()]
    missing: list[str] = []
    incidents = [e for e in log if e["kind"] == "incident" and e["acked"]]
    titles = dict(
        IncidentReport.objects.filter(number__in=[e["number"] for e in incidents]).values_list(
            "number", "title"
        )
    )
    for entry in incidents:
        if titles.get(entry["number"]) != entry["title"]:
            missing.append(f"incident {entry['number']} {entry['title']}")
    # A results write is one event on its audit, its changes naming each result's old and new
    # values: the unique notes are looked for in the whole trail's changes.
    trail = "\n".join(
        json.dumps(changes, ensure_ascii=False)
        for changes in AuditEvent.objects.values_list("changes", flat=True)
    )
    results = [e for e in log if e["kind"] == "result"]
    final = dict(
        ControlResult.objects.filter(id__in={e["id"] for e in results}).values_list("id", "note")
    )
    by_result: dict[int, list[dict]] = {}
    for entry in results:
        by_result.setdefault(entry["id"], []).append(entry)
    for result_id, entries in by_result.items():
        acked = [e for e in entries if e["acked"]]
        for entry in acked:
            if entry["note"] not in trail:
                missing.append(f"result {result_id} note {entry['note']} not in the trail")
        if acked and len({e.get("by") for e in entries}) == 1:  # written by one client only
            last = entries.index(acked[-1])
            allowed = {e["note"] for e in entries[last:]}
            if final.get(result_id) not in allowed:
                missing.append(f"result {result_id} holds {final.get(result_id)!r}")
    return {
        "incidents_checked": len(incidents),
        "results_checked": sum(1 for e in results if e["acked"]),
        "missing": missing,
    }


def launch(bind: str) -> None:
    """Start ``shireito serve`` afresh for each line read, printing its process id: each is
    forked from this process, which has imported Django and the URL configuration once, so a
    restart after a kill takes a fraction of a second instead of the imports' seconds. Each
    server leads its own process group (its gunicorn workers with it), to be killed whole."""
    import signal

    from django.core.management import call_command
    from django.db import connections
    from django.urls import get_resolver

    from shireito.wsgi import application  # noqa: F401 - imported once, before the forks

    get_resolver().url_patterns  # noqa: B018 - loads the URL configuration
    connections.close_all()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # killed servers are reaped at once
    for _line in sys.stdin:
        pid = os.fork()
        if pid == 0:
            os.setsid()
            os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stdout carries only the ids
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            try:
                call_command("serve", bind=bind, workers=2, no_collectstatic=True)
            finally:
                os._exit(0)
        print(pid, flush=True)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shireito.settings")
    import django

    django.setup()
    if sys.argv[1] == "seed":
        print(json.dumps(seed()))
    elif sys.argv[1] == "launch":
        launch(sys.argv[2])
    else:
        print(json.dumps(check(sys.argv[2])))


if __name__ == "__main__":
    main()
