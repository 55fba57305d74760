"""Time: one injectable clock, so tests and background work agree on what "now" is."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> int:
        """Seconds since the epoch (UTC)."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> int:
        return int(time.time())


class FixedClock:
    """A clock that only moves when told to: for tests, benchmarks and the demo."""

    def __init__(self, now: int) -> None:
        self._now = now

    def now(self) -> int:
        return self._now

    def advance(self, seconds: int) -> None:
        self._now += seconds
