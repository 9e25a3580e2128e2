"""Every user-facing string is in the Japanese catalog, translated."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

import shireito

PACKAGE = Path(shireito.__file__).parent
CATALOG = PACKAGE / "locale" / "ja" / "LC_MESSAGES" / "django.po"


def test_japanese_catalog_is_complete():
    catalog = polib.pofile(str(CATALOG))
    assert catalog.untranslated_entries() == []
    assert catalog.fuzzy_entries() == []
    assert len(catalog.translated_entries()) > 100


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_catalog_holds_every_string_in_the_source(tmp_path):
    """Extract the strings afresh from a copy of the source and compare with the catalog."""
    copy = tmp_path / "shireito"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "--locale",
            "ja",
            "--no-obsolete",
            "--no-location",
            "--ignore",
            "static/*",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(Path(__file__).parents[2]),
            "SHIREITO_DATA_DIR": str(tmp_path / "var"),
        },
    )
    fresh = {e.msgid for e in polib.pofile(str(copy / "locale/ja/LC_MESSAGES/django.po"))}
    ours = {e.msgid for e in polib.pofile(str(CATALOG)) if not e.obsolete}
    assert fresh - ours == set(), "run `make messages` and translate the new strings"
