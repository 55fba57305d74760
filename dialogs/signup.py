"""Sign-up: one tap joins an activity (or its waiting list), one tap gives the place back.

Who: users. Entry: "✅ Tilmeld mig" (full: "⏳ Skriv mig på ventelisten") / "❌ Afmeld" on an
activity card. Taps from /start: 3. Writes: signup (and promotes the waiting list in the same
transaction on cancel). Every tap gets words: a cancel held back as a double tap (at most 1 s
after signing up for the same activity) gets the toast "Tryk igen for at afmelde".

The one undo rule, here for the card, My sign-ups and a notice's "Ja, giv den videre": after a
place is given back, "↩️ Fortryd" while it is still free; when someone on the waiting list got it
at once, say so kindly and offer the waiting list. Fortryd takes the place back only if one is
free (whoever moved up keeps theirs); otherwise it says so and offers the waiting list.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, Update
from telegram.ext import CallbackQueryHandler

from bot import callbacks
from bot.callbacks import Action, Route
from bot.context import BotContext
from bot.store.signups import CancelOutcome, CancelResult, JoinOutcome, JoinResult, SignupStatus
from dialogs.browse import join_button, show_stale, view_screen
from dialogs.common import Screen, button, esc, keyboard, peek, show, shown


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


def way_back(
    context: BotContext, result: CancelResult, undo: InlineKeyboardButton, page: int = 0
) -> tuple[str, InlineKeyboardButton | None]:
    """After a place was given back: a sentence and the one button back. `undo` (↩️ Fortryd)
    while the place is still free; else the waiting list (someone moved up at once, or it was
    a waiting-list spot: back in line, at the end)."""
    view = result.view
    if result.outcome is not CancelOutcome.CANCELLED or view is None:
        return "", None
    _ = context._
    if result.was is SignupStatus.CONFIRMED and view.seats_left != 0:
        return _("Tapped by mistake? Then tap ↩️ Undo."), undo
    if result.was is SignupStatus.CONFIRMED:
        words = _(
            "Tapped by mistake? Someone on the waiting list has the place now."
            " You can join the waiting list."
        )
        return words, join_button(view, page, _)
    return "", join_button(view, page, _)


async def take_back(
    context: BotContext, activity_id: int, *, named: bool = False
) -> tuple[JoinResult, str]:
    """ "↩️ Fortryd": the place back only if one is free (no waiting list); and the words for
    it, `named` with the activity's title where the screen does not show it."""
    assert context.user is not None
    services = context.services
    result = await context.store.signups.join(
        activity_id,
        context.user.id,
        context.now(),
        services.planner,
        tapped_ms=services.clock.now_ms(),
        waitlist=False,
    )
    _ = context._
    view = result.view
    title = "<b>" + esc(view.activity.title) + "</b>" if named and view else ""
    if result.outcome is JoinOutcome.FULL:
        if title:
            notice = _(
                "😔 Sorry – someone else has the place for {title} now."
                " You can join the waiting list.",
                title=title,
            )
        else:
            notice = _("😔 Sorry – someone else has the place now. You can join the waiting list.")
    elif result.outcome is JoinOutcome.CONFIRMED:
        if title:
            notice = _("You are signed up for {title} again.", title=title)
        else:
            notice = _("↩️ You have your place again.")
        services.wake_dispatcher()  # a reminder may be due soon: re-arm
    else:
        notice = ""
    return result, notice


async def answer_shown(
    update: Update, context: BotContext, screen: Screen, again: str, toast: str | None = None
) -> None:
    """Show `screen`, then answer the tap: with `toast`, or with `again` when the message
    already showed just this (a double tap), so no tap goes without words."""
    changed = await shown(update, context, screen)
    await context.answer_query(update, toast or (None if changed else again))


async def take_back_on_card(
    update: Update, context: BotContext, activity_id: int, page: int = 0
) -> None:
    """ "↩️ Fortryd" under the card or a notice: take the place back if free; show the card."""
    result, notice = await take_back(context, activity_id)
    screen = await view_screen(context, result.view, page, notice)
    if result.outcome is JoinOutcome.UNAVAILABLE or screen is None:
        return await show_stale(update, context, result.view.activity if result.view else None)
    toast = join_toast(context, result)
    again = notice or context._("✅ That is done already.")
    await answer_shown(update, context, screen, again, toast)


def with_main(screen: Screen, main: InlineKeyboardButton) -> Screen:
    """The card with another main button (its first row, where the finger just was)."""
    if screen.keyboard is None:
        return screen
    rows = [list(row) for row in screen.keyboard.inline_keyboard]
    rows[0] = [main]
    return Screen(screen.text, keyboard(rows))


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
    undo = button(context._("↩️ Undo"), Route.ACTIVITY, Action.REJOIN, activity_id, page)
    words, back = way_back(context, result, undo, page)
    notice = " ".join(part for part in (left_notice(context, result), words) if part)
    screen = await view_screen(context, result.view, page, notice)
    if result.outcome is CancelOutcome.UNAVAILABLE or screen is None:
        return await show_stale(update, context, result.view.activity if result.view else None)
    if back is not None:  # Fortryd where "Afmeld" was; the waiting-list button is the card's own
        screen = with_main(screen, back)
    await context.answer_query(update, cancel_toast(context, result))
    await show(update, context, screen)
    context.services.wake_dispatcher()


async def on_undo(update: Update, context: BotContext) -> None:
    ids = peek(update, 2)  # answered below, with words when the screen cannot show it
    if ids is None:
        return await show_stale(update, context)
    await take_back_on_card(update, context, *ids)


HANDLERS = [
    CallbackQueryHandler(on_join, pattern=callbacks.pattern(Route.ACTIVITY, Action.JOIN)),
    CallbackQueryHandler(on_leave, pattern=callbacks.pattern(Route.ACTIVITY, Action.LEAVE)),
    CallbackQueryHandler(on_undo, pattern=callbacks.pattern(Route.ACTIVITY, Action.REJOIN)),
]
