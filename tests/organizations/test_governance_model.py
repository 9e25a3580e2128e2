"""Model files are validated on load with errors that say where."""

from io import StringIO

import pytest
from django.core.management import call_command

from shireito.organizations.governance import (
    MODELS_DIR,
    GovernanceModelError,
    available_model_keys,
    load_model,
    parse_model,
)

MINIMAL = """
key = "test"
version = 1
title = "試験"
title_en = "Test"
"""


def problems(text: str) -> dict[str, str]:
    with pytest.raises(GovernanceModelError) as error:
        parse_model(MINIMAL + text, source="test.toml")
    return {p.path: p.message for p in error.value.problems}


def test_the_built_in_models_load():
    assert available_model_keys() == ["current", "digital-agency"]
    for key in available_model_keys():
        assert load_model(key).key == key


@pytest.mark.parametrize(
    ("text", "path", "words"),
    [
        (
            '[[audits]]\nkey="a"\nkind="security_audit"\nauditor="role:nobody"\nauditees=["kind:ministry"]\ncategories=["ministry_system"]\n',
            "audits[0].auditor",
            "'role:nobody' is not a selector",
        ),
        (
            '[[audits]]\nkey="a"\nkind="security_audit"\nauditor="role:ipa"\nauditees=["kind:ministry"]\ncategories=[]\n',
            "audits[0].categories",
            "at least 1",
        ),
        (
            '[[audits]]\nkey="a"\nkind="entrusted_security_audit"\nauditor="role:ipa"\nauditees=["kind:ministry"]\ncategories=["ministry_system"]\n',
            "audits[0]",
            "entrusted_to",
        ),
        (
            '[[report_routes]]\nreporter="kind:ministry"\ndefault="nope"\nroutes=[{key="direct", hops=["role:national_cyber_centre"]}]\n',
            "report_routes[0]",
            "default 'nope'",
        ),
        (
            '[[standards]]\nkey="s"\nname="n"\nname_en="n"\nauthor="role:ipa"\nderived_from=["missing"]\n',
            "",
            "no standard 'missing'",
        ),
        (
            '[[builds]]\ncategory="spaceship"\nbuilder="owner"\n',
            "builds[0].category",
            "Input should be",
        ),
        ("surprise = 1\n", "surprise", "Extra inputs"),
        (
            '[[report_routes]]\nreporter="level:village"\ndefault="d"\nroutes=[{key="d", hops=["role:ipa"]}]\n',
            "report_routes[0].reporter",
            "'level:village' is not a selector",
        ),
    ],
)
def test_problems_name_their_path(text, path, words):
    found = problems(text)
    assert path in found, found
    assert words in found[path]


def test_broken_toml_is_reported_as_such():
    with pytest.raises(GovernanceModelError) as error:
        parse_model("key = ", source="broken.toml")
    assert "not valid TOML" in str(error.value)


def test_governance_check_command_lists_problems_and_fails(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(
        MINIMAL + '[[builds]]\ncategory="spaceship"\nbuilder="owner"\n', encoding="utf-8"
    )
    err = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("governance", "check", str(path), stderr=err)
    assert exit_.value.code == 1
    assert "mine.toml: builds[0].category" in err.getvalue()
    ok = StringIO()
    call_command("governance", "check", str(MODELS_DIR / "current.toml"), stdout=ok)
    assert "valid model 'current'" in ok.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_governance_show_prints_the_relations(fmt):
    import json

    out = StringIO()
    call_command(
        "governance", "show", "--model", "current", "--format", fmt, "--language", "en", stdout=out
    )
    if fmt == "json":
        data = json.loads(out.getvalue())
        assert data["key"] == "current"
        assert {
            "relation": "liaises",
            "subject": "role:national_cyber_centre",
            "object": "kind:overseas_counterpart",
            "detail": "",
        } in data["relations"]
    else:
        assert "Before the Digital Agency" in out.getvalue()
        assert "liaises with" in out.getvalue()
