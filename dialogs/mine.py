"""My sign-ups: the user's upcoming places and waiting-list spots, each with a cancel button.

Who: users. Entry: "✅ Mine tilmeldinger", /mine. Taps to cancel: 2 from the menu; a slip
is undone with one more tap, by the card's undo rule (dialogs/signup.py: "↩️ Fortryd" while
the place is still free). Writes: signup (cancel, promoting the waiting list; undo).
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.callbacks import Action, Route
from bot.context import BotContext
from bot.i18n import Translator
from bot.store.activities import Activity
from bot.store.signups import CancelOutcome, JoinOutcome, SignupStatus
from dialogs.browse import join_button, show_stale, when
from dialogs.common import Screen, button, esc, keyboard, pager, peek, short, show, tapped
from dialogs.signup import cancel_toast, join_toast, take_back, way_back

PAGE_SIZE = 5


def render_mine(
    items: list[tuple[Activity, SignupStatus, int, str]],
    page: int,
    has_next: bool,
    _: Translator,
    notice: str = "",
    undo: InlineKeyboardButton | None = None,
    fixed: frozenset[int] = frozenset(),
) -> Screen:
    """The list of the user's sign-ups with one cancel button each. A fixed place (activity ids
    in `fixed`: the next date of each) is one line per series, its button opens that date."""
    lines = [notice, ""] if notice else []
    # Undo goes last: where the tapped cancel button was, a second tap must not land on it.
    last = [undo] if undo else []
    if not items and page == 0:
        lines.append(_("You are not signed up for anything right now."))
        lines.append(_("Tap 📅 Activities to see what's on."))
        return Screen("\n".join(lines), keyboard([last]))
    rows = []
    lines.append("<b>" + _("My sign-ups") + "</b>")
    for number, (activity, status, position, starts) in enumerate(items, page * PAGE_SIZE + 1):
        title = short(activity.title)
        if status is SignupStatus.CONFIRMED:
            state = _("✅ You have a place")
            label = _("❌ Cancel {number}. {title}", number=number, title=title)
        else:
            state = _("⏳ Number {n} on the waiting list", n=position)
            # The card's words (LEAVE_WAITING_LIST), with which one it is.
            label = _("❌ Leave the waiting list: {number}. {title}", number=number, title=title)
        if activity.id in fixed:
            starts = _("🔁 Fixed place every time. Next time: {when}", when=starts)
            label = _("🔁 {number}. {title}", number=number, title=title)
            tap = button(label, Route.ACTIVITY, Action.SHOW, activity.id, 0)
        else:
            tap = button(label, Route.MINE, Action.LEAVE, activity.id, page)
        lines += ["", f"{number}. <b>{esc(activity.title)}</b>", esc(starts), state]
        rows.append([tap])
    rows.append(pager(Route.MINE, page, has_next, _))
    rows.append(last)
    return Screen("\n".join(lines), keyboard(rows))


async def mine_screen(
    context: BotContext, page: int, notice: str = "", undo: InlineKeyboardButton | None = None
) -> Screen:
    """Load and render one page of the user's sign-ups."""
    assert context.user is not None
    rows = await context.store.signups.of_user(context.user.id, context.now())
    # A fixed place is one line per series (its next date), not one per date.
    series_of = await context.store.fixed_places.dates_of(context.user.id, context.now())
    seen: set[int] = set()
    kept, fixed = [], set()
    for row in rows:
        series_id = series_of.get(row[0].id)
        if series_id is not None:
            if series_id in seen:
                continue
            seen.add(series_id)
            fixed.add(row[0].id)
        kept.append(row)
    rows = kept
    chunk = rows[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    if not chunk and page > 0:
        page, chunk = 0, rows[:PAGE_SIZE]
    items = [(a, s, pos, when(context, a)) for a, s, pos in chunk]
    has_next = len(rows) > (page + 1) * PAGE_SIZE
    return render_mine(items, page, has_next, context._, notice, undo, frozenset(fixed))


async def cmd_mine(update: Update, context: BotContext) -> None:
    await show(update, context, await mine_screen(context, 0))


async def on_page(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 1)
    if ids is None:
        return await show_stale(update, context)
    await show(update, context, await mine_screen(context, ids[0]))


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
        after_cancel=True,  # the list moves up: the next cancel button slides under the finger
    )
    activity = result.view.activity if result.view else None
    if result.outcome is CancelOutcome.UNAVAILABLE or activity is None:
        return await show_stale(update, context, activity)
    await context.answer_query(update, cancel_toast(context, result))
    notice, undo = "", None
    if result.outcome is CancelOutcome.CANCELLED:
        title = "<b>" + esc(activity.title) + "</b>"
        if result.was is SignupStatus.WAITLISTED:
            notice = context._("You are off the waiting list for {title}.", title=title)
        else:
            notice = context._("You are no longer signed up for {title}.", title=title)
        notice += " " + context._("Thank you for letting us know.")
        undo = button(context._("↩️ Undo"), Route.MINE, Action.JOIN, activity_id, page)
        words, undo = way_back(context, result, undo)
        if words:
            notice += " " + words
    await show(update, context, await mine_screen(context, page, notice, undo))
    context.services.wake_dispatcher()


async def on_undo(update: Update, context: BotContext) -> None:
    """Take the place back right after a cancel by mistake, if it is still free (the card's
    rule); if someone has it now, say so and offer the waiting list."""
    ids = peek(update, 2)
    if ids is None:
        return await show_stale(update, context)
    activity_id, page = ids
    result, notice = await take_back(context, activity_id, named=True)
    if result.outcome is JoinOutcome.UNAVAILABLE or result.view is None:
        return await show_stale(update, context, result.view.activity if result.view else None)
    await context.answer_query(update, join_toast(context, result))
    offer = join_button(result.view, 0, context._) if result.outcome is JoinOutcome.FULL else None
    await show(update, context, await mine_screen(context, page, notice, offer))


HANDLERS = [
    CommandHandler(["mine", "my"], cmd_mine),
    CallbackQueryHandler(on_page, pattern=callbacks.pattern(Route.MINE, Action.PAGE)),
    CallbackQueryHandler(on_leave, pattern=callbacks.pattern(Route.MINE, Action.LEAVE)),
    CallbackQueryHandler(on_undo, pattern=callbacks.pattern(Route.MINE, Action.JOIN)),
]
