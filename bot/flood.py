"""Flood protection: one person sending more than `limit` updates in `window` seconds is paused,
so nobody can slow the bot down for everyone else."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class FloodGuard:
    """Counts each person's updates in a sliding window (in memory: it only has to be fair)."""

    def __init__(
        self, limit: int = 20, window: float = 10.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._seen: dict[int, deque[float]] = {}
        self._warned: dict[tuple[int, bool], float] = {}

    def check(self, user_id: int, message: bool = False) -> str:
        """'ok', 'warn' (over the limit: tell them once) or 'drop' (over it, already told).
        A dropped message (not a tap) is told apart, once a window too: what they wrote or said
        was not read, and must be sent again — a tap's warning does not say so."""
        now = self._clock()
        times = self._seen.setdefault(user_id, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        times.append(now)
        if len(self._seen) > 50_000:  # forget the quiet ones now and then
            self._seen = {u: t for u, t in self._seen.items() if t and t[-1] > now - self.window}
            self._warned = {k: t for k, t in self._warned.items() if t > now - self.window}
        if len(times) <= self.limit:
            return "ok"
        if now - self._warned.get((user_id, message), -self.window) >= self.window:
            self._warned[(user_id, message)] = now
            return "warn"
        return "drop"
