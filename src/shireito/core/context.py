"""Per-request context that services read without views having to pass it down."""

from __future__ import annotations

import contextvars

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def current_request_id() -> str:
    return request_id_var.get()


# The X-Request-ID a client or proxy sent, when well-formed; kept beside the server's own id.
client_request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar(
    "client_request_id", default=""
)


def current_client_request_id() -> str:
    return client_request_id_var.get()
