"""Reminders and notices: when they are due, and the dispatcher that sends the due ones.

The database is the truth and jobs are disposable: notification rows are written in the same
transaction as the sign-up, cancellation or change that causes them. PTB's JobQueue
(APScheduler) only wakes the dispatcher at the next due instant, plus a safety tick; the
dispatcher claims a row (state 'sending') before sending it and records the outcome after, so
a crash in between leaves it 'unknown' — never sent twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.clock import Clock
from bot.config import Config
from bot.db import Database, Notice, Outcome
from bot.delivery import Delivery

logger = logging.getLogger(__name__)

Render = Callable[[Notice], tuple[str, InlineKeyboardMarkup | None]]


@dataclass(frozen=True)
class ReminderPolicy:
    """When reminders go out: offsets before the start, moved out of quiet hours."""

    offsets: tuple[int, ...]
    quiet_hours: tuple[int, int] | None  # minutes after local midnight: start, end
    default_timezone: str

    @classmethod
    def from_config(cls, config: Config) -> ReminderPolicy:
        return cls(config.reminders.before, config.reminders.quiet_hours, config.bot.timezone)

    def plan(self, starts_at: int, timezone: str | None, now: int) -> list[tuple[int, int]]:
        """(offset, due instant) for each reminder still worth sending for a start time."""
        tz = ZoneInfo(timezone or self.default_timezone)
        planned = []
        for offset in self.offsets:
            # On the UTC instant: 24 h before is 24 h, also across a daylight-saving change.
            due = starts_at - offset
            if due <= now:
                continue  # that moment has passed: the person just signed up, they know
            due = self._outside_quiet_hours(due, starts_at, tz)
            if now < due < starts_at:
                planned.append((offset, due))
        return planned

    def _outside_quiet_hours(self, due: int, starts_at: int, tz: ZoneInfo) -> int:
        """A due time in quiet hours moves to their end, or if that is too late, to just before."""
        if self.quiet_hours is None:
            return due
        begin, end = self.quiet_hours
        local = datetime.fromtimestamp(due, tz)
        minute = local.hour * 60 + local.minute
        inside = begin <= minute < end if begin < end else minute >= begin or minute < end
        if not inside:
            return due
        quiet_end = _local(local.date(), end, tz)
        if quiet_end <= due:
            quiet_end = _local(local.date() + timedelta(days=1), end, tz)
        if quiet_end < starts_at:
            return quiet_end
        quiet_begin = _local(local.date(), begin, tz)
        if quiet_begin > due:
            quiet_begin = _local(local.date() - timedelta(days=1), begin, tz)
        return quiet_begin - 60


def _local(day: date, minutes: int, tz: ZoneInfo) -> int:
    """The instant of a local wall-clock time (minutes after midnight) on a day."""
    return int(datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=tz).timestamp())


class Dispatcher:
    """Sends due notifications through Delivery; woken by the JobQueue and after each write."""

    def __init__(
        self, db: Database, delivery: Delivery, clock: Clock, render: Render, *, workers: int = 8
    ) -> None:
        self._db = db
        self._delivery = delivery
        self._clock = clock
        self._render = render
        self._workers = workers
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Look for due notifications now (something was just written)."""
        self._wake.set()

    async def run_due(self) -> int:
        """Send everything that is due; return how many notifications were handled."""
        await self._db.skip_unwanted_notifications(self._clock.now())
        handled = 0

        async def worker() -> None:
            nonlocal handled
            while (notice := await self._db.claim_notification(self._clock.now())) is not None:
                try:
                    text, markup = self._render(notice)
                    outcome, error = await self._delivery.send(notice.user_id, text, markup)
                except Exception as exc:  # a bug, not Telegram: whether it went out is unknown
                    logger.exception("notification %s failed unexpectedly", notice.id)
                    outcome, error = Outcome.UNKNOWN, type(exc).__name__
                await self._db.finish_notification(notice.id, outcome, self._clock.now(), error)
                handled += 1

        await asyncio.gather(*(worker() for _ in range(self._workers)))
        return handled

    async def run_forever(self, arm: Callable[[int | None], None]) -> None:
        """The background loop: send what is due, arm the next wake-up, sleep until woken."""
        while True:
            self._wake.clear()
            try:
                await self.run_due()
            except Exception:
                logger.exception("dispatching notifications failed; retrying at the next tick")
            arm(await self._db.next_notification_due())
            await self._wake.wait()
