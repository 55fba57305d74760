"""Browse: the list of upcoming activities and one activity's card.

Who: users. Entry: "📅 Aktiviteter", /aktiviteter, after joining a centre, /start a-<id>.
Taps from /start: the list is shown right after choosing a centre; one tap opens a card.
Writes: nothing. Also owns the stale-button screen, which is this list with a notice.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.callbacks import Action, Route
from bot.context import BotContext
from bot.db import Activity, ActivityView, SignupStatus
from bot.i18n import Translator
from dialogs.common import Screen, button, esc, keyboard, pager, short, show, tapped

PAGE_SIZE = 5
_MARK = {SignupStatus.CONFIRMED: " ✅", SignupStatus.WAITLISTED: " ⏳"}


def where(activity: Activity, context: BotContext) -> str:
    """The time zone an activity's times are shown in."""
    return activity.timezone or context.config.bot.timezone


def render_list(
    items: list[tuple[Activity, SignupStatus, str]],
    page: int,
    has_next: bool,
    _: Translator,
    notice: str = "",
) -> Screen:
    """The list screen: numbered activities in the text, one numbered button each."""
    lines = [notice, ""] if notice else []
    if not items:
        lines.append(_("There are no activities coming up right now. Have a look again soon."))
        return Screen("\n".join(lines), keyboard([pager(Route.ACTIVITY, page, False, _)]))
    lines.append("<b>" + _("What's on") + "</b>")
    lines.append(_("Tap an activity to see more and sign up."))
    rows = []
    for number, (activity, status, when) in enumerate(items, start=page * PAGE_SIZE + 1):
        mark = _MARK.get(status, "")
        lines.append("")
        lines.append(f"{number}. <b>{esc(activity.title)}</b>{mark}")
        lines.append(esc(when))
        label = f"{number}. {short(activity.title)}{mark}"
        rows.append([button(label, Route.ACTIVITY, Action.SHOW, activity.id, page)])
    rows.append(pager(Route.ACTIVITY, page, has_next, _))
    return Screen("\n".join(lines), keyboard(rows))


def render_card(
    view: ActivityView, when: str, page: int, _: Translator, notice: str = ""
) -> Screen:
    """The activity card: what, when, where, places, the user's own state and one clear button."""
    a = view.activity
    lines = [f"<b>{esc(a.title)}</b>", "📅 " + esc(when)]
    if a.place:
        lines.append("📍 " + esc(a.place))
    lines.append("🏠 " + esc(a.centre_name or _("National – for all centres")))
    if a.description:
        lines += ["", esc(a.description)]
    lines += ["", "👥 " + _seats(view, _)]
    signed_up = view.my_status in (SignupStatus.CONFIRMED, SignupStatus.WAITLISTED)
    if view.my_status is SignupStatus.CONFIRMED:
        lines += ["", _("✅ You're signed up. See you there!")]
    elif view.my_status is SignupStatus.WAITLISTED:
        lines += [
            "",
            _("⏳ You're number {n} on the waiting list.", n=view.my_position),
            _("We'll write to you if a place opens up."),
        ]
    if notice:
        lines += ["", notice]
    if signed_up:
        main = button(_("❌ Cancel my place"), Route.ACTIVITY, Action.LEAVE, a.id, page)
    else:
        main = button(_("✅ Sign me up"), Route.ACTIVITY, Action.JOIN, a.id, page)
    back = button(_("⬅️ Back to the list"), Route.ACTIVITY, Action.PAGE, page)
    return Screen("\n".join(lines), keyboard([[main], [back]]))


def _seats(view: ActivityView, _: Translator) -> str:
    left = view.seats_left
    if left is None:
        return _("Everyone is welcome – there is no limit.")
    if left > 0:
        return _.ngettext("{n} place left", "{n} places left", left)
    if view.my_status in (SignupStatus.CONFIRMED, SignupStatus.WAITLISTED):
        return _("All places are taken.")
    return _("All places are taken – sign up to join the waiting list.")


async def list_screen(context: BotContext, page: int, notice: str = "") -> Screen:
    """Load one page of the user's upcoming activities and render it."""
    assert context.user is not None
    rows = await context.db.list_upcoming_for_user(
        context.user.id, context.now(), page * PAGE_SIZE, PAGE_SIZE + 1
    )
    items = [(a, s, context._.when(a.starts_at, where(a, context))) for a, s in rows]
    return render_list(items[:PAGE_SIZE], page, len(items) > PAGE_SIZE, context._, notice)


async def card_screen(
    context: BotContext, activity_id: int, page: int, notice: str = ""
) -> Screen | None:
    """Load and render an activity card; None if it is gone, cancelled or has started."""
    assert context.user is not None
    view = await context.db.get_activity_view(activity_id, context.user.id)
    return view_screen(context, view, page, notice)


def view_screen(
    context: BotContext, view: ActivityView | None, page: int, notice: str = ""
) -> Screen | None:
    """Render a loaded activity card; None if it is gone, cancelled or has started."""
    if view is None or not is_open(view.activity, context.now()):
        return None
    when = context._.when(view.activity.starts_at, where(view.activity, context))
    return render_card(view, when, page, context._, notice)


def is_open(activity: Activity, now: int) -> bool:
    """Whether users can still see, join or leave the activity."""
    return activity.status == "scheduled" and activity.starts_at > now


async def show_stale(update: Update, context: BotContext) -> None:
    """A button that no longer means anything: say so kindly and show the fresh list."""
    await context.answer_query(update)
    notice = context._("That button is out of date – here is what's on now.")
    await show(update, context, await list_screen(context, 0, notice))


async def show_card(update: Update, context: BotContext, activity_id: int, page: int) -> None:
    """Show an activity card, or the stale screen if it is no longer open."""
    screen = await card_screen(context, activity_id, page)
    if screen is None:
        await show_stale(update, context)
    else:
        await show(update, context, screen)


async def cmd_activities(update: Update, context: BotContext) -> None:
    await show(update, context, await list_screen(context, 0))


async def on_page(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 1)
    if ids is None or ids[0] > 1000:
        return await show_stale(update, context)
    await show(update, context, await list_screen(context, ids[0]))


async def on_show(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 2)
    if ids is None:
        return await show_stale(update, context)
    await show_card(update, context, *ids)


HANDLERS = [
    CommandHandler(["aktiviteter", "activities"], cmd_activities),
    CallbackQueryHandler(on_page, pattern=callbacks.pattern(Route.ACTIVITY, Action.PAGE)),
    CallbackQueryHandler(on_show, pattern=callbacks.pattern(Route.ACTIVITY, Action.SHOW)),
]
