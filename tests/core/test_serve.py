"""`shireito serve` starts in seconds: static files collected once per version of their
sources, the address printed once gunicorn listens, the demo's sign-in names printed once."""

import os
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from shireito.core.management.commands.serve import announce_when_ready, gunicorn_options
from shireito.core.static_files import STAMP_NAME, collect_static_if_changed
from shireito.demo.dataset import USERS


@pytest.fixture
def static_dirs(settings, tmp_path):
    """One source directory of our own, collected by the plain storage into a fresh root."""
    source, root = tmp_path / "source", tmp_path / "collected"
    (source / "site").mkdir(parents=True)
    (source / "site" / "app.css").write_text("body { color: black; }\n", encoding="utf-8")
    root.mkdir()
    settings.STATICFILES_DIRS = [source]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATIC_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return SimpleNamespace(source=source / "site" / "app.css", collected=root / "site" / "app.css")


def test_static_files_are_collected_at_the_first_start(static_dirs):
    # when a start finds nothing collected yet
    ran = collect_static_if_changed()

    # then it collects, and stamps what it collected from
    assert ran
    assert static_dirs.collected.read_text(encoding="utf-8") == "body { color: black; }\n"
    assert (static_dirs.collected.parent.parent / STAMP_NAME).is_file()


def test_an_unchanged_source_is_not_collected_again(static_dirs):
    # given a first start that collected, and a collected copy gone since
    collect_static_if_changed()
    static_dirs.collected.unlink()

    # when the server starts again with the same sources
    ran = collect_static_if_changed()

    # then nothing is collected: the copy stays gone
    assert not ran
    assert not static_dirs.collected.exists()


def test_a_changed_source_is_collected_again(static_dirs):
    # given a first start that collected
    collect_static_if_changed()
    before = static_dirs.source.stat()

    # when a source file changes
    static_dirs.source.write_text("body { color: navy; }\n", encoding="utf-8")
    os.utime(static_dirs.source, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    ran = collect_static_if_changed()

    # then the next start collects it
    assert ran
    assert static_dirs.collected.read_text(encoding="utf-8") == "body { color: navy; }\n"


def test_an_added_source_is_collected(static_dirs):
    # given a first start that collected
    collect_static_if_changed()

    # when a file is added to the sources
    (static_dirs.source.parent / "new.js").write_text("// new\n", encoding="utf-8")

    # then the next start collects
    assert collect_static_if_changed()
    assert (static_dirs.collected.parent / "new.js").is_file()


def test_the_address_is_printed_by_gunicorns_when_ready_hook():
    from gunicorn.config import Config

    # given gunicorn configured as `serve` configures it
    out = StringIO()
    config = Config()
    for name, value in gunicorn_options("127.0.0.1:8123", 1, out).items():
        config.set(name, value)

    # then nothing is printed until gunicorn calls the hook, after it binds its socket
    assert out.getvalue() == ""
    config.when_ready(SimpleNamespace())
    assert out.getvalue() == "Shireitō: http://127.0.0.1:8123/ (Ctrl+C stops)\n"


def test_the_hook_prints_the_address_it_was_given():
    # given the hook for another address
    out = StringIO()
    hook = announce_when_ready("0.0.0.0:9000", out)

    # when gunicorn is ready
    hook(object())

    # then it names that address, once
    assert out.getvalue().count("http://0.0.0.0:9000/") == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_mode")
def test_demo_serve_prints_the_sign_in_names_once(monkeypatch):
    # given a server that would start (replaced: the test only reads what is printed)
    served = []
    real_call_command = call_command

    def fake(name, *args, **options):
        if name == "serve":
            served.append(options["bind"])
            return None
        return real_call_command(name, *args, **options)

    monkeypatch.setattr("shireito.demo.management.commands.demo.call_command", fake)

    # when `make run`'s command runs on an empty database, then again
    first, second = StringIO(), StringIO()
    call_command("demo", "serve", "--bind", "127.0.0.1:8123", stdout=first)
    call_command("demo", "serve", "--bind", "127.0.0.1:8123", stdout=second)

    # then each run prints the sign-in table once, loads the demo only the first time, and
    # serves on the address asked for
    for out in (first.getvalue(), second.getvalue()):
        assert out.count("Demo sign-in names") == 1
        assert out.count(f"  {USERS[0][0]} ") == 1
    assert "Demo data loaded" in first.getvalue()
    assert "Demo data already loaded" in second.getvalue()
    assert served == ["127.0.0.1:8123", "127.0.0.1:8123"]
