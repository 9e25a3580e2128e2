"""The test kit: factories per app built through the services (``tests.kit.factories``) and
the access-table helper (``tests.kit.access``) that checks a model's pages and API alike."""
