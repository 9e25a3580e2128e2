"""The priority plan over the API: editions and their content, import and export, tracking
(measurements, reports, reviews, flags). Every read goes through the plan's selectors.

One module per part, on one router; imported in this order so the operations keep their order
in the OpenAPI document.
"""

from shireito.plans.api import (
    open_data,  # noqa: F401 - adds its operations to the router
    tracking,  # noqa: F401 - adds its operations to the router
)
from shireito.plans.api.common import router

__all__ = ["router"]
