"""Sign-up: one tap joins an activity (or its waiting list), one tap gives the place back.

Who: users. Entry: "✅ Tilmeld mig" / "❌ Afmeld" on an activity card. Taps from /start: 3.
Writes: signup (and promotes the waiting list in the same transaction on cancel).
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import CallbackQueryHandler

from bot import callbacks
from bot.callbacks import Action, Route
from bot.context import BotContext
from bot.db import CancelOutcome, CancelResult, JoinOutcome, Promotion, SignupStatus
from bot.i18n import translator
from dialogs.browse import show_stale, view_screen
from dialogs.common import button, esc, keyboard, show, tapped

logger = logging.getLogger(__name__)


def left_notice(context: BotContext, result: CancelResult) -> str:
    """The thanks after someone gives a place (or a waiting-list spot) back."""
    if result.outcome is not CancelOutcome.CANCELLED:
        return ""
    if result.was is SignupStatus.WAITLISTED:
        return context._("You are off the waiting list. Thank you for letting us know.")
    return context._("You have given your place back. Thank you for letting us know.")


async def on_join(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 2)
    if ids is None:
        return await show_stale(update, context)
    activity_id, page = ids
    assert context.user is not None
    result = await context.db.join_activity(activity_id, context.user.id, context.now())
    screen = view_screen(context, result.view, page)
    if result.outcome is JoinOutcome.UNAVAILABLE or screen is None:
        return await show_stale(update, context, result.view.activity if result.view else None)
    await show(update, context, screen)


async def on_leave(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 2)
    if ids is None:
        return await show_stale(update, context)
    activity_id, page = ids
    assert context.user is not None
    result = await context.db.cancel_signup(activity_id, context.user.id, context.now())
    screen = view_screen(context, result.view, page, left_notice(context, result))
    if result.outcome is CancelOutcome.UNAVAILABLE or screen is None:
        return await show_stale(update, context, result.view.activity if result.view else None)
    await show(update, context, screen)
    await notify_promoted(context, activity_id, result.promoted)


async def notify_promoted(
    context: BotContext, activity_id: int, promoted: tuple[Promotion, ...]
) -> None:
    """Tell each person who moved up from the waiting list that they now have a place."""
    activity = await context.db.get_activity(activity_id) if promoted else None
    if activity is None:
        return
    for person in promoted:
        _ = translator(person.locale or context.config.bot.default_locale)
        timezone = activity.timezone or context.config.bot.timezone
        text = _(
            "🎉 Good news! A place opened up for you at <b>{title}</b>, {when}."
            " You are now signed up.",
            title=esc(activity.title),
            when=esc(_.when(activity.starts_at, timezone, context.now())),
        )
        see = button(_("See the activity"), Route.ACTIVITY, Action.SHOW, activity_id, 0)
        try:
            await context.bot.send_message(person.user_id, text, reply_markup=keyboard([[see]]))
        except Forbidden:
            logger.info("user %s has blocked the bot; promotion not delivered", person.user_id)
        except TelegramError:
            logger.exception("promotion message to user %s failed", person.user_id)


HANDLERS = [
    CallbackQueryHandler(on_join, pattern=callbacks.pattern(Route.ACTIVITY, Action.JOIN)),
    CallbackQueryHandler(on_leave, pattern=callbacks.pattern(Route.ACTIVITY, Action.LEAVE)),
]
