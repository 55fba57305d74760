"""Staff invitations and the staff's own command menu.

Who: admins invite; the invited person becomes staff. Entry: /inviter (admins), the link
/start s-<token> (one use, valid 7 days). Writes: invitation, role.
"""

from __future__ import annotations

import logging
import secrets

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.access import load_access
from bot.callbacks import Action, Route
from bot.context import BotContext
from bot.i18n import N_, translator
from dialogs.browse import show_stale
from dialogs.common import Screen, button, esc, keyboard, pager, send, short, show, tapped
from dialogs.staff import deny

logger = logging.getLogger(__name__)

VALID_S = 7 * 86400
PAGE_SIZE = 8
USER_COMMANDS = (
    ("aktiviteter", "activities", N_("See what's on")),
    ("mine", "my", N_("My sign-ups")),
    ("sprog", "language", N_("Language and centres")),
    ("hjaelp", "help", N_("Help")),
    ("mine_data", "my_data", N_("What we know about you")),
    ("slet_mig", "delete_me", N_("Erase your data")),
)
STAFF_COMMANDS = (
    ("ny_aktivitet", "new_activity", N_("New activity")),
    ("besked", "broadcast", N_("Write to users")),
    ("plakat", "poster", N_("A poster with a QR code")),
)
COORDINATOR_COMMANDS = (
    ("tal", "counts", N_("Sign-ups and attendance")),
    ("eksport", "export", N_("Spreadsheet for Excel")),
)
ADMIN_COMMANDS = (("inviter", "invite", N_("Invite new staff")),)


async def set_staff_menu(context: BotContext, user_id: int, locale: str) -> None:
    """Show the commands of this person's roles in their Telegram menu (their chat only)."""
    _ = translator(locale)
    access = await load_access(context.db, context.config, user_id)
    entries: tuple[tuple[str, str, str], ...] = USER_COMMANDS
    if access.is_staff:
        entries += STAFF_COMMANDS
    if access.may_count:
        entries += COORDINATOR_COMMANDS
    if access.admin:
        entries += ADMIN_COMMANDS
    commands = [BotCommand(da if locale == "da" else en, _(text)) for da, en, text in entries]
    try:
        await context.bot.set_my_commands(commands, scope=BotCommandScopeChat(user_id))
    except TelegramError as exc:
        logger.warning("could not set the staff menu for user %s: %s", user_id, exc)


async def accept(update: Update, context: BotContext, token: str) -> None:
    """/start s-<token>: become staff of the invitation's centre."""
    assert context.user is not None
    centre = await context.db.use_invitation(token, context.user.id, context.now())
    if centre is None:
        text = context._("This invitation has been used or has expired. Ask for a new one.")
        await send(update, context, Screen(text))
        return
    await set_staff_menu(context, context.user.id, context._.locale)
    text = context._(
        "You are now staff at {centre}. Make an activity with /ny_aktivitet, or write to the"
        " users with /besked. On an activity's card you can change it or sign up a guest.",
        centre="<b>" + esc(centre.name) + "</b>",
    )
    await send(update, context, Screen(text))


async def _centres_screen(context: BotContext, page: int) -> Screen:
    access = await context.access()
    centres = [c for c in await context.db.list_centres() if access.can_manage(c.id)]
    chunk = centres[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    rows = [[button(short(c.name), Route.STAFF, Action.INVITE, c.id)] for c in chunk]
    rows.append(pager(Route.STAFF, page, len(centres) > (page + 1) * PAGE_SIZE, context._))
    text = context._("Which centre should the new staff member work at?")
    return Screen(text, keyboard(rows))


async def cmd_invite(update: Update, context: BotContext) -> None:
    access = await context.access()
    if not access.admin:
        return await deny(update, context)
    await send(update, context, await _centres_screen(context, 0))


async def on_page(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 1)
    if ids is None:
        return await show_stale(update, context)
    if not (await context.access()).admin:
        return await deny(update, context)
    await show(update, context, await _centres_screen(context, ids[0]))


async def on_invite(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 1)
    centre = await context.db.get_centre(ids[0]) if ids else None
    if centre is None:
        return await show_stale(update, context)
    if not (await context.access()).admin:
        return await deny(update, context)
    assert context.user is not None
    token = secrets.token_urlsafe(12)
    await context.db.create_invitation(token, centre.id, context.user.id, context.now() + VALID_S)
    link = f"https://t.me/{context.bot.username}?start=s-{token}"
    text = context._(
        "Send this link to the new staff member at {centre}. It works once, for 7 days:\n{link}",
        centre="<b>" + esc(centre.name) + "</b>",
        link=link,
    )
    await show(update, context, Screen(text))


HANDLERS = [
    CommandHandler(["inviter", "invite"], cmd_invite),
    CallbackQueryHandler(on_invite, pattern=callbacks.pattern(Route.STAFF, Action.INVITE)),
    CallbackQueryHandler(on_page, pattern=callbacks.pattern(Route.STAFF, Action.PAGE)),
]
