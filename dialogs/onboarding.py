"""Onboarding: /start, deep links, and choosing a centre.

Who: users. Entry: /start, /start c-<slug> (the centre's QR poster), /start a-<id> (an
activity's poster), "➕" in settings. Taps from /start: choosing a centre (1) shows its
activities at once. Writes: user (by the middleware), membership.
"""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.callbacks import Action, Route
from bot.context import BotContext
from bot.db import Centre
from bot.i18n import Translator
from dialogs import privacy, roles
from dialogs.browse import gone_notice, list_screen, show_stale, view_screen
from dialogs.common import (
    Screen,
    button,
    esc,
    keyboard,
    language_buttons,
    pager,
    send,
    short,
    show,
    tapped,
)

PAGE_SIZE = 6
_CENTRE_LINK = re.compile(r"^c-([a-z0-9][a-z0-9-]{0,39})$")
_ACTIVITY_LINK = re.compile(r"^a-(\d{1,12})$")
_INVITATION_LINK = re.compile(r"^s-([A-Za-z0-9_-]{8,40})$")


def render_picker(
    centres: list[Centre],
    page: int,
    has_next: bool,
    locales: tuple[str, ...],
    _: Translator,
    notice: str = "",
) -> Screen:
    """The centre picker: centres alphabetically, 'national' always, paging, a language switch."""
    lines = [notice, ""] if notice else []
    lines.append("<b>" + _("Which centre do you go to?") + "</b>")
    lines.append(_("Tap your centre. You can choose more later in ⚙️ Settings."))
    rows = [[button("🏠 " + short(c.name), Route.CENTRE, Action.JOIN, c.id)] for c in centres]
    rows.append([button(_("🌍 National – for all centres"), Route.CENTRE, Action.NATIONAL)])
    rows.append(pager(Route.CENTRE, page, has_next, _))
    rows.append(language_buttons(locales, _.locale, back="c"))
    return Screen("\n".join(lines), keyboard(rows))


async def picker_screen(context: BotContext, page: int, notice: str = "") -> Screen:
    """Load one page of centres and render the picker."""
    centres = await context.db.list_centres(page * PAGE_SIZE, PAGE_SIZE + 1)
    if not centres and page > 0:
        page, centres = 0, await context.db.list_centres(0, PAGE_SIZE + 1)
    has_next = len(centres) > PAGE_SIZE
    locales = context.config.bot.locales
    return render_picker(centres[:PAGE_SIZE], page, has_next, locales, context._, notice)


async def cmd_start(update: Update, context: BotContext) -> None:
    assert context.user is not None
    payload = context.args[0] if context.args else ""
    hello = context._("Hi {name}! 👋", name=esc(context.user.first_name))
    intro = context._("Here you can see what's on at your centre and sign up with one tap.")
    welcome = f"{hello}\n{intro}"
    if await context.db.mark_notice_shown(context.user.id):  # the first /start only
        welcome += "\n\n" + privacy.notice_text(context)
    await send(update, context, Screen(welcome), menu=True)
    if match := _CENTRE_LINK.match(payload):
        centre = await context.db.get_centre_by_slug(match.group(1))
        if centre is not None:
            return await _joined(update, context, centre)
        notice = context._("I can't find that centre. Please choose it here:")
        return await show(update, context, await picker_screen(context, 0, notice))
    if match := _ACTIVITY_LINK.match(payload):
        return await _open_activity(update, context, int(match.group(1)))
    if match := _INVITATION_LINK.match(payload):
        return await roles.accept(update, context, match.group(1))
    if (await context.access()).may_count:  # staff, coordinators, admins
        await roles.set_staff_menu(context, context.user.id, context._.locale)
    if context.user.onboarded:
        return await show(
            update, context, await list_screen(context, 0, extra=_offer(context, update))
        )
    await show(update, context, await picker_screen(context, 0))


def _offer(context: BotContext, update: Update) -> list[list[InlineKeyboardButton]]:
    """A language button on the first screen for someone whose phone is not in our language."""
    assert context.user is not None and update.effective_user is not None
    phone = (update.effective_user.language_code or "").split("-")[0]
    if phone == context._.locale or context.user.locale != context.config.bot.default_locale:
        return []
    return [language_buttons(context.config.bot.locales, context._.locale, back="l")]


async def _joined(update: Update, context: BotContext, centre: Centre) -> None:
    assert context.user is not None
    await context.db.join_centre(context.user.id, centre.id, context.now())
    notice = context._(
        "Welcome to {centre}! Here is what's on:", centre="<b>" + esc(centre.name) + "</b>"
    )
    extra = _offer(context, update) if update.message else []
    await show(update, context, await list_screen(context, 0, notice, extra))


async def _open_activity(update: Update, context: BotContext, activity_id: int) -> None:
    assert context.user is not None
    activity = await context.db.get_activity(activity_id)
    if activity is not None and activity.centre_id is not None:
        await context.db.join_centre(context.user.id, activity.centre_id, context.now())
    view = await context.db.get_activity_view(activity_id, context.user.id)
    screen = await view_screen(context, view, 0)
    if screen is None:
        notice = gone_notice(context, activity, link=True)
        return await show(update, context, await list_screen(context, 0, notice))
    await show(update, context, screen)


async def on_page(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 1)
    if ids is None:
        return await show_stale(update, context)
    await show(update, context, await picker_screen(context, ids[0]))


async def on_join(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 1)
    centre = await context.db.get_centre(ids[0]) if ids else None
    if centre is None:
        return await show_stale(update, context)
    await _joined(update, context, centre)


async def on_national(update: Update, context: BotContext) -> None:
    if await tapped(update, context, 0) is None:
        return await show_stale(update, context)
    assert context.user is not None
    await context.db.choose_national(context.user.id)
    notice = context._("Here are the national activities – for everyone, from all centres:")
    await show(update, context, await list_screen(context, 0, notice))


HANDLERS = [
    CommandHandler("start", cmd_start),
    CallbackQueryHandler(on_page, pattern=callbacks.pattern(Route.CENTRE, Action.PAGE)),
    CallbackQueryHandler(on_join, pattern=callbacks.pattern(Route.CENTRE, Action.JOIN)),
    CallbackQueryHandler(on_national, pattern=callbacks.pattern(Route.CENTRE, Action.NATIONAL)),
]
