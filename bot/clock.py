"""Time: one injectable clock, so tests and background work agree on what "now" is."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> int:
        """Seconds since the epoch (UTC)."""
        ...

    def now_ms(self) -> int:
        """Milliseconds since the epoch (UTC): for telling a double tap from a second tap."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> int:
        return int(time.time())

    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000


class FixedClock:
    """A clock that only moves when told to: for tests, benchmarks and the demo."""

    def __init__(self, now: float) -> None:
        self._ms = round(now * 1000)  # whole milliseconds: 0.6 + 0.4 is exactly 1 s here

    def now(self) -> int:
        return self._ms // 1000

    def now_ms(self) -> int:
        # From now(), so a test that replaces now() moves this along; plus the fraction.
        return self.now() * 1000 + self._ms % 1000

    def advance(self, seconds: float) -> None:
        """Move on; a fraction of a second (0.6) is for taps in quick succession."""
        self._ms += round(seconds * 1000)
