"""Notices: reminders before an activity, and word that a place opened up, the activity moved,
or it was cancelled. Written here, sent by bot/reminders.py through bot/delivery.py.

Who: users. Entry: a reminder's "👍 Jeg kommer" / "Jeg kan ikke komme" (also under "🎉 Godt
nyt" and a change: a place one did not choose just now). It asks once ("Vil du give din plads
til en anden?" – Ja, giv den videre / Nej, jeg kommer); "Ja" gives the place back, promotes the
waiting list and thanks, no blame, and offers "↩️ Fortryd" by the card's undo rule
(dialogs/signup.py). Old buttons show the card when there is no place any more. A reminder
says "i dag" / "i morgen" as of the moment it is sent. Also follows whether a person blocked
the bot (my_chat_member). Writes: signup, user.active.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.lists import format_list
from telegram import ChatMember, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, ChatMemberHandler

from bot import callbacks
from bot.callbacks import Action, Route
from bot.context import BotContext
from bot.i18n import Translator, translator
from bot.store.notifications import Notice, NoticeKind
from bot.store.signups import ActivityView, CancelOutcome, SignupStatus
from dialogs.browse import card_lines, is_open, list_screen, show_stale, view_screen, when
from dialogs.common import Screen, button, esc, keyboard, peek
from dialogs.signup import (
    answer_shown,
    cancel_toast,
    left_notice,
    take_back_on_card,
    way_back,
)


def render(notice: Notice, default_locale: str, default_timezone: str, now: int) -> Screen:
    """The message for one notice, in the person's language."""
    _ = translator(notice.locale or default_locale)
    a = notice.activity
    starts = _.when(a.starts_at, a.timezone or default_timezone, now)
    title = "<b>" + esc(a.title) + "</b>"
    see = button(_("See the activity"), Route.ACTIVITY, Action.SHOW, a.id, 0)
    # Signed up without choosing it just now (moved up, or the time moved): a kind way out.
    cannot = button(_("I can't come"), Route.REMINDER, Action.NOT_COMING, a.id)
    if notice.kind is NoticeKind.REMINDER:
        day = _.day_when(a.starts_at, a.timezone or default_timezone, now)
        first = _("⏰ Reminder: {title} {when}.", title=title, when=esc(day))
        text = "\n".join([first, ""] + card_lines(a, starts, _))
        return Screen(text, reminder_buttons(a.id, _))
    if notice.kind is NoticeKind.PROMOTED and notice.closure_id is not None:  # closure removed
        text = reopened_text(notice, a.timezone or default_timezone, now, _)
        return Screen(text, keyboard([[see], [cannot]]))
    if notice.kind is NoticeKind.PROMOTED and notice.fixed_wait:
        text = _(
            "⏳ {title}, {when}, is full. With your fixed place you are on the waiting list."
            " We'll write to you if a place opens up.",
            title=title,
            when=esc(starts),
        )
        return Screen(text, keyboard([[see]]))
    if notice.kind is NoticeKind.PROMOTED and len(notice.promoted_dates) > 1:
        days = dates_text(notice.promoted_dates, a.timezone or default_timezone, _)
        text = _("🎉 Good news! You got a place at {title}: {dates}.", title=title, dates=days)
        return Screen(text, keyboard([[see], [cannot]]))
    if notice.kind is NoticeKind.PROMOTED:
        text = _(
            "🎉 Good news! A place opened up for you at {title}, {when}. You are now signed up.",
            title=title,
            when=esc(starts),
        )
        return Screen(text, keyboard([[see], [cannot]]))
    if notice.series_id is not None:  # "Denne og alle de næste": all their dates, once
        return series_notice(notice, a.timezone or default_timezone, see, cannot, _)
    if notice.kind is NoticeKind.CHANGED:
        what = change_lines(notice, a.timezone or default_timezone, now, _)
        if what:
            lines = [_("📅 There is a change:"), *what, ""]
        else:  # a row from before notices said what changed
            lines = [_("📅 There is a change – here is how it is now:"), ""]
        return Screen("\n".join(lines + card_lines(a, starts, _)), keyboard([[see], [cannot]]))
    if notice.closed:
        text = closed_text(notice, a.timezone or default_timezone, now, _)
    else:
        text = _("😔 {title} ({when}) is cancelled. Sorry!", title=title, when=esc(starts))
    others = button(_("📅 See other activities"), Route.ACTIVITY, Action.PAGE, 0)
    return Screen(text, keyboard([[others]]))


def series_notice(
    notice: Notice,
    timezone: str,
    see: InlineKeyboardButton,
    cannot: InlineKeyboardButton,
    _: Translator,
) -> Screen:
    """A series changed or stopped from the person's first date of it on: "Fællesspisning
    flytter til kl. 18.00 fra torsdag 10. december"."""
    a, tz = notice.activity, ZoneInfo(timezone)
    title = "<b>" + esc(a.title) + "</b>"
    day = esc(_.day(datetime.fromtimestamp(a.starts_at, tz).date()))
    if notice.kind is NoticeKind.CANCELLED:
        text = _("😔 {title} stops. It is cancelled from {day}. Sorry!", title=title, day=day)
        others = button(_("📅 See other activities"), Route.ACTIVITY, Action.PAGE, 0)
        return Screen(text, keyboard([[others]]))
    lines = []
    if notice.new_starts_at is not None:
        new = datetime.fromtimestamp(notice.new_starts_at, tz)
        at = esc(_.clock(new.hour, new.minute))
        lines.append(_("🕐 {title} moves to {time} from {day}.", title=title, time=at, day=day))
    if notice.new_place is not None:
        place = esc(notice.new_place)
        lines.append(
            _("📍 {title} moves to {place} from {day}.", title=title, place=place, day=day)
        )
    lines += ["", _("This applies to your dates from that day.")]
    return Screen("\n".join(lines), keyboard([[see], [cannot]]))


SHOWN_DATES = 5  # a longer list ends "og 3 datoer mere"


def dates_text(starts: tuple[int, ...], timezone: str, _: Translator) -> str:
    """ "torsdag 10. december, torsdag 17. december og torsdag 24. december" (escaped)."""
    tz = ZoneInfo(timezone)
    days = [esc(_.day(datetime.fromtimestamp(s, tz).date())) for s in starts]
    if len(days) <= SHOWN_DATES + 1:
        return format_list(days, locale=_.locale)
    more = len(days) - SHOWN_DATES
    shown = ", ".join(days[:SHOWN_DATES])
    return _.ngettext("{days} and {n} more date", "{days} and {n} more dates", more, days=shown)


def closed_text(notice: Notice, timezone: str, now: int, _: Translator) -> str:
    """Closed days: every date of the person's that the closure cancelled, in one message,
    and the staff's reason."""
    centre = "<b>" + esc(notice.activity.centre_name or "") + "</b>"
    dates = [d for d in notice.closed if not d.back] or list(notice.closed)
    first, last = dates[0].first, dates[0].last
    n = len(dates)
    if first is None or last is None:
        head = _.ngettext(
            "😔 {centre} is closed. This date is cancelled:",
            "😔 {centre} is closed. These dates are cancelled:",
            n,
            centre=centre,
        )
    elif first == last:
        # The days are written before the call: pybabel loses a plural whose arguments call _.
        day = esc(_.day(first))
        head = _.ngettext(
            "😔 {centre} is closed on {day}. This date is cancelled:",
            "😔 {centre} is closed on {day}. These dates are cancelled:",
            n,
            centre=centre,
            day=day,
        )
    else:
        since, until = esc(_.day(first)), esc(_.day(last))
        head = _.ngettext(
            "😔 {centre} is closed from {first} to {last}. This date is cancelled:",
            "😔 {centre} is closed from {first} to {last}. These dates are cancelled:",
            n,
            centre=centre,
            first=since,
            last=until,
        )
    lines = [head] + [
        "• <b>" + esc(d.title) + "</b>, " + esc(_.when(d.starts_at, timezone, now)) for d in dates
    ]
    if any(d.fixed for d in dates):
        lines.append(_("Your fixed place goes on after that."))
    if notice.reason:
        lines += ["", _("💬 The staff write: {reason}", reason=esc(notice.reason))]
    return "\n".join(lines)


def reopened_text(notice: Notice, timezone: str, now: int, _: Translator) -> str:
    """A closure was removed: the dates where the person has their place again, once."""
    centre = "<b>" + esc(notice.activity.centre_name or "") + "</b>"
    lines = [_("Good news: {centre} is open after all. You have your place again:", centre=centre)]
    lines += [
        "• <b>" + esc(d.title) + "</b>, " + esc(_.when(d.starts_at, timezone, now))
        for d in notice.closed
        if d.back
    ]
    return "\n".join(lines)


def change_lines(notice: Notice, timezone: str, now: int, _: Translator) -> list[str]:
    """What changed, new beside old: "🕐 Nyt tidspunkt: torsdag kl. 18.00 (før kl. 17.30)"; the
    whole date on both sides when the day changed too. Local time of the activity's centre."""
    lines = []
    if notice.old_starts_at is not None and notice.new_starts_at is not None:
        tz = ZoneInfo(timezone)
        old = datetime.fromtimestamp(notice.old_starts_at, tz)
        new = datetime.fromtimestamp(notice.new_starts_at, tz)
        if old.date() == new.date():
            weekday = format_date(new, "EEEE", locale=_.locale)
            now_text = _("{day} at {time}", day=weekday, time=_.clock(new.hour, new.minute))
            was_text = _("at {time}", time=_.clock(old.hour, old.minute))
        else:
            now_text = _.when(notice.new_starts_at, timezone, now)
            was_text = _.when(notice.old_starts_at, timezone, now)
        lines.append(_("🕐 New time: {new} (was {old})", new=esc(now_text), old=esc(was_text)))
    if notice.new_place is not None:
        if notice.old_place:
            line = _(
                "📍 New place: {new} (was {old})",
                new=esc(notice.new_place),
                old=esc(notice.old_place),
            )
        else:
            line = _("📍 New place: {new}", new=esc(notice.new_place))
        lines.append(line)
    return lines


def reminder_buttons(activity_id: int, _: Translator) -> InlineKeyboardMarkup | None:
    return keyboard(
        [
            [button(_("👍 I'm coming"), Route.REMINDER, Action.COMING, activity_id)],
            [button(_("I can't come"), Route.REMINDER, Action.NOT_COMING, activity_id)],
        ]
    )


async def _open_view(update: Update, context: BotContext) -> ActivityView | None:
    """The tapped activity as the person sees it; None (having said why) when it is gone."""
    ids = peek(update, 1)
    assert context.user is not None
    view = await context.store.signups.view(ids[0], context.user.id) if ids else None
    if view is None or not is_open(view.activity, context.now()):
        await show_stale(update, context, view.activity if view else None)
        return None
    return view


async def _no_place(update: Update, context: BotContext, view: ActivityView) -> None:
    """An old reminder's button, after the place was given back: the card, to join again."""
    if view.my_status is SignupStatus.WAITLISTED:
        notice, again = "", context._("⏳ You are on the waiting list already.")
    else:
        notice = again = context._("You have no place at the moment.")
    screen = await view_screen(context, view, 0, notice)
    if screen is None:
        return await show_stale(update, context, view.activity)
    await answer_shown(update, context, screen, again)


async def on_coming(update: Update, context: BotContext) -> None:
    """ "👍 Jeg kommer", or "Nej, jeg kommer" after "Jeg kan ikke komme": warm words, and
    everything stays as it is."""
    view = await _open_view(update, context)
    if view is None:
        return
    if view.my_status is not SignupStatus.CONFIRMED:
        return await _no_place(update, context, view)
    lovely = context._("👍 Lovely – see you!")
    lines = card_lines(view.activity, when(context, view.activity), context._) + ["", lovely]
    await answer_shown(update, context, Screen("\n".join(lines)), lovely)


async def on_not_coming(update: Update, context: BotContext) -> None:
    """ "Jeg kan ikke komme": ask once before the place goes (one shaky tap must not lose it)."""
    view = await _open_view(update, context)
    if view is None:
        return
    if view.my_status is not SignupStatus.CONFIRMED:
        return await _no_place(update, context, view)
    _, a = context._, view.activity
    question = "<b>" + _("Do you want to give your place to someone else?") + "</b>"
    assert context.user is not None
    if await context.store.fixed_places.held(a.id, context.user.id):  # the fixed place stays
        day = _.day_when(a.starts_at, a.timezone or context.config.bot.timezone, context.now())
        question = "<b>" + _("Do you want to give your place {day} to someone else?", day=day)
        question += "</b>\n" + _("Your fixed place continues.")
    lines = card_lines(a, when(context, a), _) + ["", question]
    # "Ja" on top: a second tap on "Jeg kan ikke komme" (the lower button) lands on "Nej".
    rows = [
        [button(_("Yes, pass it on"), Route.REMINDER, Action.GIVE_AWAY, a.id)],
        [button(_("No, I'm coming"), Route.REMINDER, Action.COMING, a.id)],
    ]
    screen = Screen("\n".join(lines), keyboard(rows))
    await answer_shown(update, context, screen, _("Please tap Yes or No."))


async def on_give_away(update: Update, context: BotContext) -> None:
    """ "Ja, giv den videre": the place goes (to the first in line, if any); thanks, no blame,
    and "↩️ Fortryd" while the place is still free."""
    ids = peek(update, 1)
    if ids is None:
        return await show_stale(update, context)
    assert context.user is not None
    services = context.services
    result = await context.store.signups.cancel(
        ids[0],
        context.user.id,
        context.now(),
        services.planner,
        tapped_ms=services.clock.now_ms(),
    )
    view = result.view
    if result.outcome is CancelOutcome.UNAVAILABLE or view is None:
        return await show_stale(update, context, view.activity if view else None)
    if result.outcome is CancelOutcome.TOO_SOON:
        return await context.answer_query(update, cancel_toast(context, result))
    services.wake_dispatcher()
    _, a = context._, view.activity
    if result.was is SignupStatus.WAITLISTED:
        text = left_notice(context, result)
    else:
        text = _(
            "Thank you for letting us know. Your place for {title} goes to someone else."
            " Hope to see you another time! 🙂",
            title="<b>" + esc(a.title) + "</b>",
        )
    undo = button(_("↩️ Undo"), Route.REMINDER, Action.REJOIN, a.id)
    words, back = way_back(context, result, undo)
    if words:
        text += "\n" + words
    screen = await list_screen(context, 0, text, [[back]] if back else [])
    done = _("✅ That is done already.")
    await answer_shown(update, context, screen, done, cancel_toast(context, result))


async def on_rejoin(update: Update, context: BotContext) -> None:
    """ "↩️ Fortryd" after giving the place away: take it back only if a place is free (whoever
    moved up from the waiting list keeps theirs); otherwise say so and offer the waiting list."""
    ids = peek(update, 1)
    if ids is None:
        return await show_stale(update, context)
    await take_back_on_card(update, context, ids[0])


async def on_my_chat_member(update: Update, context: BotContext) -> None:
    """Someone blocked (or unblocked) the bot: write to them only while they let us."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    blocked = change.new_chat_member.status in (ChatMember.BANNED, ChatMember.LEFT)
    await context.store.people.set_active(change.chat.id, not blocked)


HANDLERS = [
    CallbackQueryHandler(on_coming, pattern=callbacks.pattern(Route.REMINDER, Action.COMING)),
    CallbackQueryHandler(
        on_not_coming, pattern=callbacks.pattern(Route.REMINDER, Action.NOT_COMING)
    ),
    CallbackQueryHandler(
        on_give_away, pattern=callbacks.pattern(Route.REMINDER, Action.GIVE_AWAY)
    ),
    CallbackQueryHandler(on_rejoin, pattern=callbacks.pattern(Route.REMINDER, Action.REJOIN)),
    ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER),
]
