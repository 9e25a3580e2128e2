"""Settings for the test suite: the real settings, with what only tests need changed."""

import os

os.environ.setdefault("SHIREITO_DATA_DIR", "var/test")

from shireito.settings import *  # noqa: F403

# Argon2 is the production hasher (a test checks that); tests hash with a fast one.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405
# No collectstatic before tests: serve straight from the apps' static folders.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PRODUCTION_PASSWORD_HASHERS = PASSWORD_HASHERS[1:]
# Django's flush after transactional tests empties the audit trail with DELETE on SQLite,
# which the trigger refuses everywhere else (PostgreSQL's test database opts in to TRUNCATE).
SHIREITO_AUDIT_DELETE_ALLOWED = True
# Tasks run where they are enqueued; the tests of the worker itself switch to the database.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# Posting limits out of the way of tests that post a lot; tests/cocreation/test_moderation*.py
# sets its own.
SHIREITO_COCREATION_RATE_LIMITS = {
    "threads_per_minute": 10_000,
    "threads_per_hour": 10_000,
    "posts_per_minute": 10_000,
    "posts_per_hour": 10_000,
}
