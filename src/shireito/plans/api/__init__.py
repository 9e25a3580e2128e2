"""The priority plan over the API: editions and their content, import and export, tracking
(measurements, reports, reviews, flags). Every read goes through the plan's selectors.

One module per part, on one router; imported in this order so the operations keep their order
in the OpenAPI document.
"""

from shireito.plans.api import (  # noqa: F401 - each adds its operations to the router
    content,
    diff,
    editions,
    open_data,
    tracking,
)
from shireito.plans.api.common import router

__all__ = ["router"]
