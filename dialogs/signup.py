"""Sign-up: one tap joins an activity (or its waiting list), one tap gives the place back.

Who: users. Entry: "✅ Tilmeld mig" (full: "⏳ Skriv mig på ventelisten") / "❌ Afmeld" on an
activity card. Taps from /start: 3. Writes: signup (and promotes the waiting list in the same
transaction on cancel). Every tap gets words: a cancel held back as a double tap (at most 1 s
after signing up for the same activity) gets the toast "Tryk igen for at afmelde".
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot import callbacks
from bot.callbacks import Action, Route
from bot.context import BotContext
from bot.store.signups import CancelOutcome, CancelResult, JoinOutcome, JoinResult, SignupStatus
from dialogs.browse import show_stale, view_screen
from dialogs.common import peek, show


def left_notice(context: BotContext, result: CancelResult) -> str:
    """The thanks after someone gives a place (or a waiting-list spot) back."""
    if result.outcome is not CancelOutcome.CANCELLED:
        return ""
    if result.was is SignupStatus.WAITLISTED:
        return context._("You are off the waiting list. Thank you for letting us know.")
    return context._("You have given your place back. Thank you for letting us know.")


def join_toast(context: BotContext, result: JoinResult) -> str | None:
    """Words for a join that changed nothing (the screen may look just as before); None when
    the screen itself shows what happened."""
    if result.outcome is JoinOutcome.ALREADY_CONFIRMED:
        return context._("✅ You are signed up already.")
    if result.outcome is JoinOutcome.ALREADY_WAITLISTED:
        return context._("⏳ You are on the waiting list already.")
    return None


def cancel_toast(context: BotContext, result: CancelResult) -> str | None:
    """Words for a cancel that changed nothing: held back as a double tap, or done before."""
    if result.outcome is CancelOutcome.TOO_SOON:
        if result.view is not None and result.view.my_status is SignupStatus.WAITLISTED:
            return context._("Tap again to leave the waiting list.")
        return context._("Tap again to cancel.")
    if result.outcome is CancelOutcome.NOT_SIGNED_UP:
        return context._("✅ That is done already.")
    return None


async def on_join(update: Update, context: BotContext) -> None:
    ids = peek(update, 2)  # answered below, with words when the screen cannot show it
    if ids is None:
        return await show_stale(update, context)
    activity_id, page = ids
    assert context.user is not None
    result = await context.store.signups.join(
        activity_id,
        context.user.id,
        context.now(),
        context.services.planner,
        tapped_ms=context.services.clock.now_ms(),
    )
    screen = await view_screen(context, result.view, page)
    if result.outcome is JoinOutcome.UNAVAILABLE or screen is None:
        return await show_stale(update, context, result.view.activity if result.view else None)
    await context.answer_query(update, join_toast(context, result))
    await show(update, context, screen)
    context.services.wake_dispatcher()  # a reminder may be due soon: re-arm


async def on_leave(update: Update, context: BotContext) -> None:
    ids = peek(update, 2)  # answered below: a held-back tap gets a toast with words
    if ids is None:
        return await show_stale(update, context)
    activity_id, page = ids
    assert context.user is not None
    result = await context.store.signups.cancel(
        activity_id,
        context.user.id,
        context.now(),
        context.services.planner,
        tapped_ms=context.services.clock.now_ms(),
    )
    screen = await view_screen(context, result.view, page, left_notice(context, result))
    if result.outcome is CancelOutcome.UNAVAILABLE or screen is None:
        return await show_stale(update, context, result.view.activity if result.view else None)
    await context.answer_query(update, cancel_toast(context, result))
    await show(update, context, screen)
    context.services.wake_dispatcher()


HANDLERS = [
    CallbackQueryHandler(on_join, pattern=callbacks.pattern(Route.ACTIVITY, Action.JOIN)),
    CallbackQueryHandler(on_leave, pattern=callbacks.pattern(Route.ACTIVITY, Action.LEAVE)),
]
