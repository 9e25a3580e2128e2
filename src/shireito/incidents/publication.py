"""Kept for ``incidents/demo.py`` (moving to ``shireito/demo/``): publication now lives in
``incidents.services.publication`` and its rule in ``incidents.permissions``."""

from shireito.incidents.permissions import may_publish
from shireito.incidents.selectors import national_centres
from shireito.incidents.services.publication import report_publish

__all__ = ["may_publish", "national_centres", "report_publish"]
