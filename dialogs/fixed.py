"""Fixed places: "🔁 Fast plads hver gang" on the card of a date of a series signs the person up
to every coming date of it (bot/store/fixed_places.py), and to each new date the daily job
makes. "Stop fast plads" on the card ends it and gives back the coming dates of the series, so
nobody keeps places they will not use and the waiting lists move up at once; the card then
offers the fixed place again (the way back). Giving back one date keeps the fixed place.

Who: users. Entry: a series date's card. Taps from the card: 1. Writes: fixed_place, signup.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot import callbacks
from bot.callbacks import Action, Route
from bot.context import BotContext
from bot.store.fixed_places import Stopped, Taken
from dialogs.browse import show_stale, view_screen
from dialogs.common import esc, peek, show

MAX_LISTED = 5  # waiting-list dates named in the answer; more are counted


def taken_notice(context: BotContext, taken: Taken, timezone: str) -> str:
    """What a fixed place gave: places, and the dates where the person waits."""
    _ = context._
    title = "<b>" + esc(taken.title) + "</b>"
    lines = [
        _("🔁 You now have a fixed place at {title}.", title=title),
        _.ngettext(
            "You are signed up for {n} date.", "You are signed up for {n} dates.", taken.confirmed
        ),
    ]
    if taken.waiting:
        lines.append(
            _.ngettext(
                "{n} date is full. There you are on the waiting list:",
                "{n} dates are full. There you are on the waiting list:",
                len(taken.waiting),
            )
        )
        now = context.now()
        lines += ["• " + esc(_.when(t, timezone, now)) for t in taken.waiting[:MAX_LISTED]]
        if len(taken.waiting) > MAX_LISTED:
            lines.append("…")
    lines.append(_("You get new dates by yourself. Can't come one day? Just cancel that date."))
    return "\n".join(lines)


def stopped_notice(context: BotContext, stopped: Stopped) -> str:
    """The kind words after a fixed place is stopped."""
    _ = context._
    title = "<b>" + esc(stopped.title) + "</b>"
    lines = [_("You no longer have a fixed place at {title}.", title=title)]
    if stopped.given_back:
        lines.append(
            _.ngettext(
                "We have given your {n} coming date to others.",
                "We have given your {n} coming dates to others.",
                stopped.given_back,
            )
        )
    lines.append(_("You are always welcome to sign up for a single date."))
    return "\n".join(lines)


async def on_fixed(update: Update, context: BotContext) -> None:
    ids = peek(update, 2)
    if ids is None:
        return await show_stale(update, context)
    activity_id, page = ids
    assert context.user is not None
    taken = await context.store.fixed_places.take(
        activity_id,
        context.user.id,
        context.now(),
        context.services.planner,
        context.config.programme.fixed_share,
    )
    view = await context.store.signups.view(activity_id, context.user.id)
    if taken is None or view is None:
        return await show_stale(update, context, view.activity if view else None)
    timezone = view.activity.timezone or context.config.bot.timezone
    screen = await view_screen(context, view, page, taken_notice(context, taken, timezone))
    if screen is None:
        return await show_stale(update, context, view.activity)
    await context.answer_query(update, context._("🔁 You have a fixed place now."))
    await show(update, context, screen)
    context.services.wake_dispatcher()  # reminders may be due soon


async def on_unfix(update: Update, context: BotContext) -> None:
    ids = peek(update, 2)
    if ids is None:
        return await show_stale(update, context)
    activity_id, page = ids
    assert context.user is not None
    stopped = await context.store.fixed_places.stop(
        activity_id, context.user.id, context.now(), context.services.planner
    )
    view = await context.store.signups.view(activity_id, context.user.id)
    if stopped is None or view is None:
        return await show_stale(update, context, view.activity if view else None)
    screen = await view_screen(context, view, page, stopped_notice(context, stopped))
    if screen is None:
        return await show_stale(update, context, view.activity)
    await context.answer_query(update, context._("Your fixed place has stopped."))
    await show(update, context, screen)
    context.services.wake_dispatcher()  # those who moved up are told


HANDLERS = [
    CallbackQueryHandler(on_fixed, pattern=callbacks.pattern(Route.ACTIVITY, Action.FIXED)),
    CallbackQueryHandler(on_unfix, pattern=callbacks.pattern(Route.ACTIVITY, Action.UNFIX)),
]
