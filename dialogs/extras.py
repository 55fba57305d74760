"""Lower the entrance: an activity into the phone's calendar, a card read aloud, a poster.

Who: users (calendar, read aloud), staff (posters). Entry: "📆 Til min kalender" and
"🔊 Læs op" on an activity card; "🖨️ Plakat" on the staff card; /plakat (/poster) for the
centre's poster, with "🖨️ Ugeprogram" below it; /ugeprogram (/week) for the week's programme
on A4 (bot/week_poster.py). Writes: nothing.
"""

from __future__ import annotations

import asyncio
import logging
import re
import subprocess
from datetime import date, datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ChatAction
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks, media, week_poster
from bot.callbacks import Action, Route
from bot.context import BotContext
from bot.i18n import translator
from bot.store.activities import Activity
from bot.store.centres import Centre
from dialogs.browse import is_open, join_button, show_stale, when
from dialogs.common import Screen, button, esc, keyboard, send, tapped
from dialogs.staff_steps import deny

logger = logging.getLogger(__name__)


async def _open_activity(update: Update, context: BotContext) -> Activity | None:
    ids = await tapped(update, context, 1)
    activity = await context.store.activities.get(ids[0]) if ids else None
    if activity is None or not is_open(activity, context.now()):
        await show_stale(update, context, activity)
        return None
    return activity


async def on_calendar(update: Update, context: BotContext) -> None:
    activity = await _open_activity(update, context)
    if activity is None:
        return
    timezone = activity.timezone or context.config.bot.timezone
    alarm = context._("{title} starts in 2 hours", title=activity.title)
    data = media.ics(
        f"a-{activity.id}@{context.bot.username}",
        activity.title,
        activity.starts_at,
        activity.ends_at,
        activity.place,
        activity.description,
        timezone,
        alarm,
    )
    assert update.effective_chat is not None
    caption, buttons = await _follow_up(context, activity)
    caption = context._("Tap the file to put it in your calendar.") + caption
    await context.bot.send_document(
        update.effective_chat.id,
        InputFile(data, f"{_file_name(activity.title)}.ics"),
        caption=caption,
        reply_markup=buttons,
    )


async def _follow_up(
    context: BotContext, activity: Activity
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Below a file or voice message, the card's one clear next step again (it is out of
    sight above): a line about the person's place, and the sign-up (or back) button."""
    assert context.user is not None
    view = await context.store.signups.view(activity.id, context.user.id)
    back = button(context._("⬅️ Back to the list"), Route.ACTIVITY, Action.PAGE, 0)
    if view is not None and view.my_status in ("confirmed", "waitlisted"):
        return "", keyboard([[back]])
    if view is not None:  # full: the card's "⏳ Skriv mig på ventelisten", not "Tilmeld mig"
        join = join_button(view, 0, context._)
    else:
        join = button(context._("✅ Sign me up"), Route.ACTIVITY, Action.JOIN, activity.id, 0)
    return "\n" + context._("You are not signed up yet."), keyboard([[join], [back]])


def _file_name(title: str) -> str:
    return re.sub(r"[^\w-]+", "-", title.lower()).strip("-")[:40] or "aktivitet"


def spoken(activity: Activity, starts: str, context: BotContext) -> str:
    """The card read aloud: what card_lines shows, taken from the activity's plain text (never
    from the card's HTML, whose "&amp;" would be said aloud)."""
    _ = context._
    centre = activity.centre_name or _("National – for all centres")
    parts = [activity.title, starts, activity.place, centre, activity.description]
    return media.spoken_text(parts, _.locale)


async def on_speak(update: Update, context: BotContext) -> None:
    activity = await _open_activity(update, context)
    if activity is None:
        return
    assert update.effective_chat is not None
    if not context.services.speech:
        await send(update, context, Screen(context._("Reading aloud is not available.")))
        return
    await context.bot.send_chat_action(update.effective_chat.id, ChatAction.RECORD_VOICE)
    try:
        voice = await media.speak(
            spoken(activity, when(context, activity), context), context._.locale
        )
    except (OSError, subprocess.SubprocessError):
        logger.exception("reading a card aloud failed")
        await send(update, context, Screen(context._("Something went wrong – please try again.")))
        return
    caption, buttons = await _follow_up(context, activity)
    await context.bot.send_voice(
        update.effective_chat.id,
        InputFile(voice, "kort.ogg"),
        caption=esc(activity.title) + caption,
        reply_markup=buttons,
    )


async def send_poster(
    update: Update,
    context: BotContext,
    heading: str,
    link: str,
    line: str = "",
    buttons: InlineKeyboardMarkup | None = None,
) -> None:
    pdf = media.poster(heading, line or context._("Scan and see what's on"), link, "pdf")
    assert update.effective_chat is not None
    caption = context._("Print it on A4 and hang it where people see it.")
    await context.bot.send_document(
        update.effective_chat.id,
        InputFile(pdf, "plakat.pdf"),
        caption=caption,
        reply_markup=buttons,
    )


async def on_poster(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 1)
    activity = await context.store.activities.get(ids[0]) if ids else None
    if activity is None:
        return await show_stale(update, context)
    if not (await context.access()).can_manage(activity.centre_id):
        return await deny(update, context)
    link = f"https://t.me/{context.bot.username}?start=a-{activity.id}"
    line = when(context, activity) + (f" · {activity.place}" if activity.place else "")
    await send_poster(update, context, activity.title, link, line)


async def cmd_poster(update: Update, context: BotContext) -> None:
    access = await context.access()
    centres = sorted(access.staff_of)
    if not centres:
        return await deny(update, context)
    for centre_id in centres:
        centre = await context.store.centres.get(centre_id)
        if centre is not None:
            link = f"https://t.me/{context.bot.username}?start=c-{centre.slug}"
            monday = week_poster.monday_of(week_poster.today(centre, context.now()))
            buttons = keyboard([[week_button(context._("🖨️ Week programme"), centre, monday)]])
            await send_poster(update, context, centre.name, link, buttons=buttons)


def week_button(label: str, centre: Centre, monday: date) -> InlineKeyboardButton:
    return button(label, Route.STAFF, Action.WEEK, centre.id, int(monday.strftime("%Y%m%d")))


async def send_week(update: Update, context: BotContext, centre: Centre, monday: date) -> None:
    """The week's programme of a centre as a PDF to print, in the bot's default language (it
    is for the wall); or, for a week with nothing on, a message saying so (no empty sheet)."""
    assert update.effective_chat is not None
    _ = context._
    week = await week_poster.week_of(context.store, centre, monday)
    later = keyboard([[week_button(_("🖨️ Next week"), centre, monday + timedelta(days=7))]])
    name = esc(centre.name)
    if not week.activities:
        text = _(
            "Nothing is on at {centre} in week {week}. Make an activity with /ny_aktivitet.",
            centre=name,
            week=week.number,
        )
        await send(update, context, Screen(text, later))
        return
    await context.bot.send_chat_action(update.effective_chat.id, ChatAction.UPLOAD_DOCUMENT)
    link = f"https://t.me/{context.bot.username}?start=c-{centre.slug}"
    wall = translator(context.config.bot.default_locale)
    pdf = await asyncio.to_thread(week_poster.sheet, week, centre, link, wall, "pdf")
    caption = _(
        "The programme for week {week} at {centre}. Print it on A4 and hang it where people"
        " see it.",
        week=week.number,
        centre=name,
    )
    await context.bot.send_document(
        update.effective_chat.id,
        InputFile(pdf, f"ugeprogram-{week.number}.pdf"),
        caption=caption,
        reply_markup=later,
    )


async def cmd_week(update: Update, context: BotContext) -> None:
    """/ugeprogram: this week's programme of each centre the staff member works at."""
    centres = sorted((await context.access()).staff_of)
    if not centres:
        return await deny(update, context)
    for centre_id in centres:
        centre = await context.store.centres.get(centre_id)
        if centre is not None:
            today = week_poster.today(centre, context.now())
            await send_week(update, context, centre, week_poster.monday_of(today))


async def on_week(update: Update, context: BotContext) -> None:
    """ "🖨️ Ugeprogram" / "🖨️ Næste uge": a week's sheet. A week that is over is a stale
    button."""
    ids = await tapped(update, context, 2)
    centre = await context.store.centres.get(ids[0]) if ids else None
    monday = _monday(ids[1]) if ids else None
    if centre is None or monday is None:
        return await show_stale(update, context)
    if not (await context.access()).can_manage(centre.id):
        return await deny(update, context)
    if monday + timedelta(days=6) < week_poster.today(centre, context.now()):
        return await show_stale(update, context)
    await send_week(update, context, centre, monday)


def _monday(number: int) -> date | None:
    try:
        day = datetime.strptime(str(number), "%Y%m%d").date()
    except ValueError:
        return None
    return day if day.weekday() == 0 else None


HANDLERS = [
    CommandHandler(["plakat", "poster"], cmd_poster),
    CommandHandler(["ugeprogram", "week"], cmd_week),
    CallbackQueryHandler(on_calendar, pattern=callbacks.pattern(Route.ACTIVITY, Action.CALENDAR)),
    CallbackQueryHandler(on_speak, pattern=callbacks.pattern(Route.ACTIVITY, Action.SPEAK)),
    CallbackQueryHandler(on_poster, pattern=callbacks.pattern(Route.STAFF, Action.POSTER)),
    CallbackQueryHandler(on_week, pattern=callbacks.pattern(Route.STAFF, Action.WEEK)),
]
