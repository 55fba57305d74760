"""Delivery: the one place that sends on behalf of background work (reminders, notices, later
broadcasts). Paced below Telegram's limits, waits out 429s, and is honest about timeouts.

Outcomes: SENT; BLOCKED (403: the person blocked the bot); FAILED (Telegram refused for good,
or it kept failing); UNKNOWN (a timeout after the request may have reached Telegram: the
message may have arrived, so it is never sent again).
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta

import httpx
from telegram import Bot, InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.warnings import PTBDeprecationWarning

from bot.store.notifications import Outcome

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Errors raised before the request left this machine: resending cannot duplicate anything.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class Delivery:
    """Send messages at most `rate_per_second` overall and one per `per_chat_s` to each chat."""

    def __init__(
        self,
        bot: Bot,
        rate_per_second: float,
        *,
        per_chat_s: float = 1.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._bot = bot
        self._rate = rate_per_second
        self._gap = 1.0 / rate_per_second
        self._window: collections.deque[list[float]] = collections.deque()
        self._per_chat = per_chat_s
        self._sleep = sleep
        self._monotonic = monotonic
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._chat_next: dict[int, float] = {}

    async def send(
        self,
        chat_id: int,
        text: str,
        reply_markup: InlineKeyboardMarkup | None = None,
        media: tuple[str, str] | None = None,
    ) -> tuple[Outcome, str]:
        """Send one message (or a photo or voice message, `media` = (kind, file_id), with `text`
        as its caption); return how it ended and, if not sent, why."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            stamp = await self._pace(chat_id)
            try:
                if media is None:
                    await self._bot.send_message(chat_id, text, reply_markup=reply_markup)
                elif media[0] == "photo":
                    await self._bot.send_photo(chat_id, media[1], caption=text)
                else:
                    await self._bot.send_voice(chat_id, media[1], caption=text)
                return Outcome.SENT, ""
            except RetryAfter as exc:
                # One 429 means the whole bot is over the limit: everyone waits.
                wait = _seconds(exc)
                self._paused_until = max(self._paused_until, self._monotonic() + wait)
                logger.warning("Telegram asked to wait %.0f s (attempt %d)", wait, attempt)
            except Forbidden as exc:
                return Outcome.BLOCKED, exc.message
            except BadRequest as exc:
                return Outcome.FAILED, exc.message
            except TimedOut as exc:
                if not isinstance(exc.__cause__, _NOT_SENT):
                    return Outcome.UNKNOWN, "timed out after sending"
                await self._sleep(min(2.0**attempt, 30.0))
            except NetworkError as exc:
                if exc.__cause__ is not None and not isinstance(exc.__cause__, _NOT_SENT):
                    return Outcome.UNKNOWN, f"connection lost: {type(exc.__cause__).__name__}"
                # Refused before sending, or Telegram answered 5xx (it did not take it): retry.
                await self._sleep(min(2.0**attempt, 30.0))
            finally:
                # Telegram counted the message somewhere between leaving and the answer; keeping
                # the later time makes the per-second window err on the safe side.
                stamp[0] = self._monotonic()
        return Outcome.FAILED, f"gave up after {MAX_ATTEMPTS} attempts"

    async def edit(
        self, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None
    ) -> None:
        """Update a message in place (a progress report); a failure is logged, not raised."""
        await self._pace(chat_id)
        try:
            await self._bot.edit_message_text(text, chat_id, message_id, reply_markup=markup)
        except TelegramError as exc:
            if "not modified" not in str(exc):
                logger.warning(
                    "could not update message %s in chat %s: %s", message_id, chat_id, exc
                )

    async def _pace(self, chat_id: int) -> list[float]:
        """Wait for this chat's turn, then for a slot in the overall rate; return the stamp
        that stands for this send in the per-second window."""
        now = self._monotonic()
        chat_at = max(now, self._chat_next.get(chat_id, 0.0))
        self._chat_next[chat_id] = chat_at + self._per_chat
        if len(self._chat_next) > 10_000:
            self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
        if chat_at > now:
            await self._sleep(chat_at - now)
        now = self._monotonic()
        slot = max(now, self._next_slot, self._paused_until)
        self._next_slot = slot + self._gap
        if slot > now:
            await self._sleep(slot - now)
        # Evenly spaced slots can still bunch when the event loop was busy; Telegram counts
        # per second, so also never let more than `rate` sends fall within one second.
        while True:
            now = self._monotonic()
            while self._window and self._window[0][0] <= now - 1.0:
                self._window.popleft()
            if len(self._window) < self._rate:
                break
            await self._sleep(self._window[0][0] + 1.0 - now)
        stamp = [now]
        self._window.append(stamp)
        return stamp


def _seconds(exc: RetryAfter) -> float:
    """How long Telegram asked us to wait (an int now, a timedelta in PTB 23)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        after = exc.retry_after
    return after.total_seconds() if isinstance(after, timedelta) else float(after)
