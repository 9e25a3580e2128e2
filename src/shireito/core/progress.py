"""A progress line for management commands: a bar redrawn in place on a terminal, one line per
finished step elsewhere (logs, tests), so a long backup or restore shows it is moving."""

from __future__ import annotations

from typing import Protocol

BAR_WIDTH = 24


class Stream(Protocol):
    def write(self, text: str, /) -> object: ...

    def flush(self) -> object: ...

    def isatty(self) -> bool: ...


def bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    """``[#####.....]``: the share of ``total`` done, never past full."""
    filled = width if total <= 0 else min(width, width * done // total)
    return "[" + "#" * filled + "." * (width - filled) + "]"


class ProgressLine:
    """Called as ``progress(stage, label, done, total)``."""

    def __init__(self, stream: Stream) -> None:
        self.stream = stream
        self.interactive = stream.isatty()
        self.redrawn = False

    def __call__(self, stage: str, label: str, done: int, total: int) -> None:
        line = f"{stage:<8} {bar(done, total)} {done}/{total} {label}"
        if self.interactive:
            self.stream.write("\r\033[K" + line[:120])
            self.redrawn = True
            if done >= total:
                self.stream.write("\n")
                self.redrawn = False
        elif done >= total:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.redrawn:
            self.stream.write("\n")
            self.stream.flush()
