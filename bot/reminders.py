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
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.access import Access
from bot.clock import Clock
from bot.config import Config
from bot.delivery import Delivery
from bot.store import Store
from bot.store.broadcasts import BroadcastJob, BroadcastStatus
from bot.store.notifications import Notice, Outcome
from bot.store.roles import RoleName

logger = logging.getLogger(__name__)

Message = tuple[str, InlineKeyboardMarkup | None]
REPORT_EVERY_S = 5  # a running announcement's progress message changes at most this often


@dataclass(frozen=True)
class Renderers:
    """How each kind of message is written (by the dialogs, in the person's language)."""

    notice: Callable[[Notice], Message]
    delivery: Callable[[BroadcastJob], str]
    progress: Callable[[BroadcastStatus], Message]


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
    """Sends due notifications, then announcements, through Delivery; woken by the JobQueue
    and after each write. Notifications go first: they are due at a time."""

    def __init__(
        self,
        store: Store,
        delivery: Delivery,
        clock: Clock,
        render: Renderers,
        *,
        workers: int = 8,
        admins: Collection[int] = (),
    ) -> None:
        self._store = store
        self._admins = frozenset(admins)  # the config's national admins
        self._delivery = delivery
        self._clock = clock
        self._render = render
        self._workers = workers
        self._wake = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        """Look for due notifications now (something was just written)."""
        self._wake.set()

    async def run_due(self) -> int:
        """Send everything that is due; return how many notifications were handled."""
        await self._store.notifications.skip_unwanted(self._clock.now())
        handled = 0

        async def worker() -> None:
            nonlocal handled
            while not self._stopping:
                if (
                    notice := await self._store.notifications.claim(self._clock.now())
                ) is not None:
                    await self._send_notice(notice)
                elif (
                    job := await self._store.broadcasts.claim_delivery(self._clock.now())
                ) is not None:
                    await self._send_delivery(job)
                else:
                    return
                handled += 1

        await asyncio.gather(*(worker() for _ in range(self._workers)))
        for broadcast_id in await self._store.broadcasts.running():
            await self._report(broadcast_id)
        return handled

    async def _send_notice(self, notice: Notice) -> None:
        try:
            text, markup = self._render.notice(notice)
            outcome, error = await self._delivery.send(notice.user_id, text, markup)
        except Exception as exc:  # a bug, not Telegram: whether it went out is unknown
            logger.exception("notification %s failed unexpectedly", notice.id)
            outcome, error = Outcome.UNKNOWN, type(exc).__name__
        await self._store.notifications.finish(notice.id, outcome, self._clock.now(), error)

    async def _send_delivery(self, job: BroadcastJob) -> None:
        media = (job.media_kind, job.media_id) if job.media_kind and job.media_id else None
        try:
            text = self._render.delivery(job)
            outcome, error = await self._delivery.send(job.user_id, text, None, media)
        except Exception as exc:
            logger.exception("announcement %s to a user failed unexpectedly", job.broadcast_id)
            outcome, error = Outcome.UNKNOWN, type(exc).__name__
        now = self._clock.now()
        await self._store.broadcasts.finish_delivery(
            job.broadcast_id, job.user_id, outcome, now, error
        )
        await self._report(job.broadcast_id)

    async def _report(self, broadcast_id: int) -> None:
        """Update the staff member's progress message: when done (once), or every few seconds."""
        now = self._clock.now()
        status = await self._store.broadcasts.status(broadcast_id)
        if status is None or status.report_chat is None or status.report_msg is None:
            return
        if status.open == 0:
            if not await self._store.broadcasts.finish(broadcast_id, now):
                return
            status = await self._store.broadcasts.status(broadcast_id)
        elif not await self._store.broadcasts.claim_report(broadcast_id, now, REPORT_EVERY_S):
            return
        assert status is not None and status.report_chat is not None
        chat, message = status.report_chat, status.report_msg or 0
        if (status.missed or status.unsure) and not await self._may_see_names(status):
            status = replace(status, missed=(), unsure=())  # the report gives counts only
        text, markup = self._render.progress(status)
        await self._delivery.edit(chat, message, text, markup)

    async def _may_see_names(self, status: BroadcastStatus) -> bool:
        """Whether the author (whose chat has the report) may still see the names of the
        centre's people: bot.access.can_see_names, with roles as load_access reads them."""
        roles = await self._store.roles.of(status.author_id)
        admin = status.author_id in self._admins or any(
            r.role is RoleName.ADMIN and r.centre_id is None for r in roles
        )
        centres = frozenset(r.centre_id for r in roles if r.centre_id is not None)
        return Access(admin, centres, frozenset(), False).can_see_names(status.centre_id)

    def stop(self) -> None:
        """Claim nothing more; messages already on their way finish and are recorded."""
        self._stopping = True
        self._wake.set()

    async def run_forever(self, arm: Callable[[int | None], None]) -> None:
        """The background loop: send what is due, arm the next wake-up, sleep until woken."""
        while not self._stopping:
            self._wake.clear()
            try:
                await self.run_due()
            except Exception:
                logger.exception("dispatching notifications failed; retrying at the next tick")
            arm(await self._store.notifications.next_due())
            await self._wake.wait()
