"""The two-machine layout of docs/deployment.md: its Compose file is untested (no docker
here), so at least its YAML is valid and names what the document describes."""

import re
from pathlib import Path

import pytest

from shireito import settings as shireito_settings

yaml = pytest.importorskip("yaml", reason="PyYAML reads the Compose file")

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_the_compose_file_has_two_apps_a_worker_postgresql_and_a_balancer():
    # given the Compose file
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    # then two app machines serve, a worker works, PostgreSQL has a replica, a balancer fronts
    assert {"app1", "app2", "worker", "db", "db-replica", "balancer", "files"} <= set(services)
    assert services["app1"]["command"][:2] == ["shireito", "serve"]
    assert services["app2"]["command"][:2] == ["shireito", "serve"]
    assert services["worker"]["command"] == ["shireito", "worker"]
    # and the apps reach the primary and the replica, and keep files in the S3-compatible store
    env = services["app1"]["environment"]
    assert env["SHIREITO_DATABASE_URL"].startswith("postgresql://")
    assert env["SHIREITO_DATABASE_REPLICA_URL"].startswith("postgresql://")
    assert env["SHIREITO_FILE_STORAGE"] == "s3"


def test_the_balancer_sends_to_both_app_machines():
    conf = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    assert re.findall(r"server (app\d):8000", conf) == ["app1", "app2"]


def test_the_compose_files_storage_and_replica_settings_are_read_by_the_settings():
    # given the settings' source
    source = Path(shireito_settings.__file__).read_text(encoding="utf-8")
    compose = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    # then every database, replica and S3 variable the Compose file sets is read there
    names = set(re.findall(r"(SHIREITO_(?:DATABASE|S3|FILE)_[A-Z_]+):", compose))
    assert names and all(f'"{name}"' in source for name in names)
