"""The demo loaded once for a whole test module, as ``tests/core/test_crawl.py`` and
``tests/plans/test_demo.py`` do: loading it takes 15–30 s, so a module whose tests each loaded
it spent minutes on the same rows.

``loaded_once(django_db_blocker, media, **options)`` loads it with ``load_demo_data(**options)``
(or with ``load()`` when given: ``shireito demo load``, say), in demo mode, its evidence files
under ``media``, inside a transaction that is rolled back when the module is done, so no other
module sees it. Each test still runs in its own transaction nested in that one (a savepoint,
rolled back after the test), so what a test writes, a reload of the demo included, is gone
before the next test: every test starts from the demo exactly as it was loaded.

A module fixture built on it is set up by the first test that asks for it and kept to the
module's end, so a test that must not see the demo belongs before the first that does (or in
another module).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import transaction
from django.test import TestCase, override_settings


@contextmanager
def loaded_once(
    django_db_blocker: Any,
    media: Path,
    load: Callable[[], object] | None = None,
    **options: bool,
) -> Iterator[None]:
    """The demo, loaded by ``load()`` or ``load_demo_data(**options)``, until the block ends."""
    from shireito.demo.dataset import load_demo_data

    with (
        django_db_blocker.unblock(),
        override_settings(DEMO_MODE=True, MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        # Evidence files are stored when the transaction commits; this one never does.
        with TestCase.captureOnCommitCallbacks(execute=True):
            if load is None:
                load_demo_data(**options)
            else:
                load()
        try:
            yield
        finally:
            transaction.set_rollback(True)
