"""The request pipeline: private caching, the server's request id and one structured log line
per request."""

from __future__ import annotations

import json
import logging

import pytest

from shireito.core.logs import JsonFormatter

pytestmark = pytest.mark.django_db


# --- Caching --------------------------------------------------------------------------------


SIGNED_IN_PAGES = [
    "/",
    "/organizations/",
    "/history/",
    "/accounts/tokens/",
    "/open-data/statistics/",
    "/open-data/systems.csv",
    "/no-such-page/",
]


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_pages_for_a_signed_in_user_are_never_stored(signed_in, viewer, client, path):
    signed_in(viewer)
    response = client.get(path)
    assert "no-store" in response["Cache-Control"], (path, response.status_code)


@pytest.mark.parametrize(
    "path", ["/api/v1/organizations", "/api/v1/audit-events", "/api/v1/portfolio/open-data/systems"]
)
def test_api_answers_are_never_stored(api, viewer, path):
    response = api(viewer, "get", path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("path", ["/accounts/login/", "/healthz", "/no-such-page/"])
def test_anonymous_pages_are_not_stored_either(client, path):
    assert "no-store" in client.get(path)["Cache-Control"]


@pytest.mark.parametrize(
    ("signed_in_user", "authorization", "kept"),
    [(False, "", True), (True, "", False), (False, "Bearer abc", False)],
    ids=["anonymous", "session-user", "api-token"],
)
def test_an_answer_declared_public_stays_public_only_for_anonymous_readers(
    rf, viewer, signed_in_user, authorization, kept
):
    # given a view that declares its answer public (as the open statistics do)
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from shireito.core.middleware import PrivateNoStoreMiddleware

    def public_view(request):
        response = HttpResponse("open data")
        response["Cache-Control"] = "public, max-age=300"
        return response

    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    request = rf.get("/open-data/statistics/x.csv", **headers)
    request.user = viewer if signed_in_user else AnonymousUser()

    # when it passes the middleware
    response = PrivateNoStoreMiddleware(public_view)(request)

    # then caching stays only for someone anonymous
    expected = "public, max-age=300" if kept else "no-store"
    assert response["Cache-Control"] == expected


# --- Request id and logs --------------------------------------------------------------------


def test_every_answer_carries_the_servers_own_request_id(client):
    first = client.get("/healthz", HTTP_X_REQUEST_ID="chosen-by-client")
    second = client.get("/healthz", HTTP_X_REQUEST_ID="chosen-by-client")
    assert first["X-Request-ID"] != "chosen-by-client"
    assert first["X-Request-ID"] != second["X-Request-ID"]


def _request_lines(caplog):
    return [record for record in caplog.records if record.name == "shireito.request"]


def test_each_request_logs_one_json_line_with_its_request_id(signed_in, viewer, client, caplog):
    # given a signed-in user
    signed_in(viewer)
    caplog.clear()

    # when a page is served
    with caplog.at_level(logging.INFO):
        response = client.get("/organizations/", HTTP_X_REQUEST_ID="upstream-7")

    # then one line says who (pseudonymously), what, the answer and how long, with the ids
    (record,) = _request_lines(caplog)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == response["X-Request-ID"]
    assert line["client_request_id"] == "upstream-7"
    assert line["method"] == "GET"
    assert line["path"] == "/organizations/"
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert len(line["user"]) == 16
    assert viewer.username not in json.dumps(line)


@pytest.mark.parametrize(
    ("path", "status"), [("/no-such-page/", 404), ("/api/v1/no-such-thing", 404)]
)
def test_a_routine_404_logs_one_line_without_a_traceback(client, caplog, path, status):
    with caplog.at_level(logging.DEBUG):
        response = client.get(path)
    assert response.status_code == status
    assert len(caplog.records) == 1
    line = JsonFormatter().format(caplog.records[0])
    assert json.loads(line)["status"] == status
    assert "Traceback" not in line
    assert "\n" not in line


def test_a_routine_403_logs_one_line_without_a_traceback(signed_in, viewer, client, caplog):
    signed_in(viewer)
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        response = client.get("/api/v1/audit-events/verification", HTTP_ACCEPT="application/json")
    assert response.status_code in (401, 403)
    records = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert len(records) == 1
    assert "Traceback" not in JsonFormatter().format(records[0])


@pytest.mark.urls("tests.core.error_urls")
@pytest.mark.parametrize("status", [403, 404])
def test_a_refusal_raised_in_a_view_logs_one_line(signed_in, viewer, client, caplog, status):
    # given a view that raises PermissionDenied or Http404 (Django logs these with a traceback)
    signed_in(viewer)
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        response = client.get(f"/systems/fail/{status}/")
    assert response.status_code == status
    formatted = [JsonFormatter().format(r) for r in caplog.records if r.levelno >= logging.INFO]
    assert len(formatted) == 1
    assert "Traceback" not in formatted[0]


def test_a_server_error_keeps_its_traceback():
    # given a record of a 500 with the exception
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal", (), sys.exc_info()
        )
    record.status_code = 500
    line = json.loads(JsonFormatter().format(record))
    assert "Traceback" in line["exception"]
    assert line["status"] == 500
