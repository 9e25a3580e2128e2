"""Structured logs: one JSON object per line, with the request id of the request being served.

``settings.LOGGING`` uses ``JsonFormatter`` unless ``SHIREITO_LOG_FORMAT=plain``. A record
about a 4xx answer (a routine 403 or 404, a refused host) never carries a traceback: only
server errors do, so the log is one line per routine refusal.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from shireito.core.context import current_request_id

# Extra attributes that the request line and Django's own records carry.
_EXTRA_FIELDS = (
    "client_request_id",
    "method",
    "path",
    "status",
    "duration_ms",
    "user",
)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", "") or current_request_id()
        if request_id:
            entry["request_id"] = request_id
        for name in _EXTRA_FIELDS:
            value = getattr(record, name, None)
            if value not in (None, ""):
                entry[name] = value
        status = getattr(record, "status_code", None)  # Django's request and security loggers
        if isinstance(status, int):
            entry.setdefault("status", status)
        server_error = not isinstance(status, int) or status >= 500
        if record.exc_info and server_error:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_info and record.exc_info[1] is not None:
            entry["error"] = type(record.exc_info[1]).__name__
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
