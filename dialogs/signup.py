"""Sign-up: one tap joins an activity (or its waiting list), one tap gives the place back.

Who: users. Entry: "✅ Tilmeld mig" / "❌ Afmeld" on an activity card. Taps from /start: 3.
Writes: signup (and promotes the waiting list in the same transaction on cancel).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot import callbacks
from bot.callbacks import Action, Route
from bot.context import BotContext
from bot.db import CancelOutcome, CancelResult, JoinOutcome, SignupStatus
from dialogs.browse import show_stale, view_screen
from dialogs.common import show, tapped


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
    result = await context.db.join_activity(
        activity_id, context.user.id, context.now(), context.services.planner
    )
    screen = await view_screen(context, result.view, page)
    if result.outcome is JoinOutcome.UNAVAILABLE or screen is None:
        return await show_stale(update, context, result.view.activity if result.view else None)
    await show(update, context, screen)
    context.services.wake_dispatcher()  # a reminder may be due soon: re-arm


async def on_leave(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 2)
    if ids is None:
        return await show_stale(update, context)
    activity_id, page = ids
    assert context.user is not None
    result = await context.db.cancel_signup(
        activity_id, context.user.id, context.now(), context.services.planner
    )
    screen = await view_screen(context, result.view, page, left_notice(context, result))
    if result.outcome is CancelOutcome.UNAVAILABLE or screen is None:
        return await show_stale(update, context, result.view.activity if result.view else None)
    await show(update, context, screen)
    context.services.wake_dispatcher()


HANDLERS = [
    CallbackQueryHandler(on_join, pattern=callbacks.pattern(Route.ACTIVITY, Action.JOIN)),
    CallbackQueryHandler(on_leave, pattern=callbacks.pattern(Route.ACTIVITY, Action.LEAVE)),
]
