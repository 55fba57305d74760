"""Fixed places: "🔁 Fast plads hver gang" on the card of a date of a series signs the person up
to every coming date of it (bot/store/fixed_places.py), and to each new date the daily job
makes. "Stop fast plads" always asks first ("Ja, stop den" / "Nej, behold den"), for the series of the
date even on an old card; "Ja" ends it and gives back the coming dates of the series, so the
waiting lists move up at once, and offers "↩️ Fortryd" (take it again). Giving back one date keeps the fixed place.

Who: users. Entry: a series date's card. Taps from the card: 1 to take, 2 to stop. Writes: fixed_place, signup.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot import callbacks
from bot.callbacks import Action, Route
from bot.context import BotContext
from bot.store.fixed_places import Holding, Stopped, Taken
from dialogs.browse import show_card, show_stale, view_screen
from dialogs.common import Screen, button, esc, keyboard, peek, show

MAX_LISTED = 5  # waiting-list dates named in the answer; more are counted


def taken_notice(context: BotContext, taken: Taken, timezone: str) -> str:
    """What a fixed place gave, in few lines: which day, how many dates, and where they wait."""
    _ = context._
    title, now = "<b>" + esc(taken.title) + "</b>", context.now()
    first = taken.first or (taken.waiting[0] if taken.waiting else None)
    if first is None:
        lines = [_("🔁 You now have a fixed place at {title}.", title=title)]
    else:
        weekday = _.day(datetime.fromtimestamp(first, ZoneInfo(timezone)).date()).split()[0]
        head = _(
            "🔁 You now have a fixed place at {title} every {weekday}.",
            title=title,
            weekday=weekday,
        )
        if taken.every_weeks == 2:
            head = _(
                "🔁 You now have a fixed place at {title} every other {weekday}.",
                title=title,
                weekday=weekday,
            )
        lines = [head]
    if taken.first is None:
        lines.append(
            _.ngettext(
                "You are signed up for {n} date.",
                "You are signed up for {n} dates.",
                taken.confirmed,
            )
        )
    else:
        lines.append(
            _.ngettext(
                "You are signed up for {n} date, from {day}.",
                "You are signed up for {n} dates, from {day}.",
                taken.confirmed,
                day=_.day(datetime.fromtimestamp(taken.first, ZoneInfo(timezone)).date()),
            )
        )
    if taken.waiting:
        lines.append(
            _.ngettext(
                "{n} date is full. There you are on the waiting list:",
                "{n} dates are full. There you are on the waiting list:",
                len(taken.waiting),
            )
        )
        lines += ["• " + esc(_.when(t, timezone, now)) for t in taken.waiting[:MAX_LISTED]]
        if len(taken.waiting) > MAX_LISTED:
            lines.append("…")
    lines.append(_("New dates are added for you."))
    return "\n".join(lines)


def stopped_notice(context: BotContext, stopped: Stopped) -> str:
    """The words after a fixed place is stopped: no claim of others when nobody waited."""
    _ = context._
    lines = [_("Your fixed place has stopped.")]
    if stopped.promoted:
        lines.append(
            _.ngettext(
                "Someone on the waiting list got your place on {n} date.",
                "Someone on the waiting list got your place on {n} dates.",
                len(stopped.promoted),
            )
        )
    lines.append(_("Was it a mistake? Tap ↩️ Undo."))
    return "\n".join(lines)


def _without(text: str, *drop: str) -> str:
    """The card's text without its own lines that the notice says again."""
    lines = [line for line in text.split("\n") if line not in drop]
    kept = [line for i, line in enumerate(lines) if line or (i and lines[i - 1])]
    return "\n".join(kept)


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
    _ = context._
    said = (_("✅ You're signed up. See you there!"), _("🔁 You have a fixed place every time."))
    screen = Screen(_without(screen.text, *said), screen.keyboard)
    await context.answer_query(update, context._("🔁 You have a fixed place now."))
    await show(update, context, screen)
    context.services.wake_dispatcher()  # reminders may be due soon


async def _not_held(
    update: Update, context: BotContext, holding: Holding | None, page: int
) -> None:
    """No fixed place (any more) on this series: say so in words, and show its next date."""
    if holding is None or holding.next_id is None:
        return await show_stale(update, context)
    title = "<b>" + esc(holding.title) + "</b>"
    notice = context._("You have no fixed place at {title}.", title=title)
    await context.answer_query(update, context._("You have no fixed place here."))
    await show_card(update, context, holding.next_id, page, notice)


async def on_unfix(update: Update, context: BotContext) -> None:
    """ "Stop fast plads": always ask first (a shaky or old tap must not end it), for the series
    of the date, even when the date on an old card is past."""
    ids = peek(update, 2)
    if ids is None:
        return await show_stale(update, context)
    activity_id, page = ids
    assert context.user is not None
    _ = context._
    holding = await context.store.fixed_places.holding(activity_id, context.user.id, context.now())
    if holding is None or not holding.held:
        return await _not_held(update, context, holding, page)
    title = "<b>" + esc(holding.title) + "</b>"
    lines = ["<b>" + _("Do you want to stop your fixed place at {title}?", title=title) + "</b>"]
    if holding.coming:
        lines.append(
            _.ngettext(
                "Then we pass your next {n} date on.",
                "Then we pass your next {n} dates on.",
                holding.coming,
            )
        )
    keep = button(_("No, keep it"), Route.ACTIVITY, Action.PAGE, page)
    if holding.next_id is not None:
        keep = button(_("No, keep it"), Route.ACTIVITY, Action.SHOW, holding.next_id, page)
    rows = [
        [button(_("Yes, stop it"), Route.ACTIVITY, Action.UNFIX_OK, activity_id, page)],
        [keep],
    ]
    await context.answer_query(update, _("Please tap Yes or No."))
    await show(update, context, Screen("\n".join(lines), keyboard(rows)))


async def on_unfix_ok(update: Update, context: BotContext) -> None:
    """ "Ja, stop den": end the fixed place, give back its coming dates, offer "↩️ Fortryd"."""
    ids = peek(update, 2)
    if ids is None:
        return await show_stale(update, context)
    activity_id, page = ids
    assert context.user is not None
    now = context.now()
    stopped = await context.store.fixed_places.stop(
        activity_id, context.user.id, now, context.services.planner
    )
    holding = await context.store.fixed_places.holding(activity_id, context.user.id, now)
    if stopped is None:
        return await _not_held(update, context, holding, page)
    context.services.wake_dispatcher()  # those who moved up are told
    _ = context._
    rows = []
    if holding is not None and holding.next_id is not None:
        rows.append([button(_("↩️ Undo"), Route.ACTIVITY, Action.FIXED, holding.next_id, page)])
    rows.append([button(_("⬅️ Back to the list"), Route.ACTIVITY, Action.PAGE, page)])
    await context.answer_query(update, _("Your fixed place has stopped."))
    await show(update, context, Screen(stopped_notice(context, stopped), keyboard(rows)))


HANDLERS = [
    CallbackQueryHandler(on_fixed, pattern=callbacks.pattern(Route.ACTIVITY, Action.FIXED)),
    CallbackQueryHandler(on_unfix, pattern=callbacks.pattern(Route.ACTIVITY, Action.UNFIX)),
    CallbackQueryHandler(on_unfix_ok, pattern=callbacks.pattern(Route.ACTIVITY, Action.UNFIX_OK)),
]
