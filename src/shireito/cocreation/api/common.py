"""The co-creation platform's one router."""

from ninja import Router

router = Router(tags=["co-creation"])
