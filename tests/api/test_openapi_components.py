"""The OpenAPI document names each schema once: django-ninja files every model under its class
name in one namespace and silently lets the last one of a name win, so two apps' ``RouteOut``
left one endpoint answering differently from its documented schema."""

import json

import jsonschema
import pytest
from ninja.openapi.schema import OpenAPISchema

from shireito.api import api as ninja_api
from tests.factories import make_user
from tests.organizations.conftest import government  # noqa: F401 - the same small government


def _definitions_by_name(monkeypatch) -> dict[str, set[str]]:
    """Every definition ninja files while building the document, by the component name it
    files it under (as canonical JSON, so two different bodies of one name are told apart)."""
    seen: dict[str, set[str]] = {}
    filed = OpenAPISchema.add_schema_definitions

    def record(self, definitions: dict) -> None:
        for name, definition in definitions.items():
            seen.setdefault(name, set()).add(json.dumps(definition, sort_keys=True))
        filed(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", record)
    ninja_api.get_openapi_schema()
    return seen


def test_no_two_schemas_share_a_component_name(monkeypatch):
    # given the whole API's document, built with every definition recorded as ninja files it
    seen = _definitions_by_name(monkeypatch)

    # then no component name was given two different schemas (one would silently replace
    # the other)
    assert seen, "no schema definitions were recorded: the check no longer sees ninja's"
    collisions = {name: len(bodies) for name, bodies in seen.items() if len(bodies) > 1}
    assert collisions == {}


@pytest.mark.parametrize(
    ("component", "properties"),
    [
        ("GovernanceRouteOut", {"key", "default", "complete", "hops"}),
        ("GovernanceHopOut", {"place", "organization_code"}),
        ("RouteOut", {"key", "default", "complete", "hops"}),
        ("RouteHopOut", {"place", "organization", "name", "hidden"}),
    ],
)
def test_each_route_schema_documents_its_own_fields(component, properties):
    # given the document
    schemas = ninja_api.get_openapi_schema()["components"]["schemas"]

    # then the governance question's route and the incident routes each keep their own shape
    assert set(schemas[component]["properties"]) == properties


def test_the_report_route_question_answers_as_its_schema_says(api, government):  # noqa: F811
    # given the schema the document gives the answer of the report-route question
    document = api_document()
    operation = document["paths"]["/api/v1/governance/questions/report-route"]["get"]
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
    user = make_user(organization=government["mhlw"])

    # when the question is asked
    response = api(user, "get", "/api/v1/governance/questions/report-route", reporter="power")

    # then the answer validates against it, routes and hops included
    assert response.status_code == 200
    assert response.json()["routes"][0]["hops"]
    jsonschema.validate(response.json(), {**answer, "components": document["components"]})


def api_document() -> dict:
    return json.loads(json.dumps(ninja_api.get_openapi_schema()))
