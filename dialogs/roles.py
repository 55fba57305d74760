"""Staff invitations and the staff's own command menu.

Who: admins invite; the invited person becomes staff. Entry: /inviter (admins), the link
/start s-<token> (one use, valid 7 days, only while its maker is an admin). Under /inviter an
admin also sees their own open links and withdraws one. Writes: invitation, role.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.access import load_access
from bot.callbacks import Action, Route
from bot.context import BotContext
from bot.i18n import N_, translator
from bot.store.roles import Invitation, InvitationOutcome
from dialogs.browse import show_stale
from dialogs.common import (
    Screen,
    button,
    esc,
    keyboard,
    pager,
    send,
    short,
    show,
    tapped,
    tapped_args,
)
from dialogs.staff_steps import deny

logger = logging.getLogger(__name__)

VALID_S = 7 * 86400
PAGE_SIZE = 8
TAG_LEN = 12  # hex digits of a token's hash on a withdraw button (the token may not fit)
_TAG = re.compile(rf"^[0-9a-f]{{{TAG_LEN}}}$")
USER_COMMANDS = (
    ("aktiviteter", "activities", N_("See what's on")),
    ("mine", "my", N_("My sign-ups")),
    ("indstillinger", "settings", N_("Settings")),
    ("hjaelp", "help", N_("Help")),
    ("mine_data", "my_data", N_("What we know about you")),
    ("slet_mig", "delete_me", N_("Erase your data")),
)
STAFF_COMMANDS = (
    ("ny_aktivitet", "new_activity", N_("New activity")),
    ("besked", "broadcast", N_("Write to users")),
    ("plakat", "poster", N_("A poster with a QR code")),
    ("ugeprogram", "week", N_("The week's programme for the wall")),
    ("lukket", "closed", N_("🏖️ Closed days")),
)
COORDINATOR_COMMANDS = (
    ("tal", "counts", N_("Sign-ups and attendance")),
    ("eksport", "export", N_("Spreadsheet for Excel")),
)
ADMIN_COMMANDS = (("inviter", "invite", N_("Invite new staff")),)


async def set_staff_menu(context: BotContext, user_id: int, locale: str) -> None:
    """Show the commands of this person's roles in their Telegram menu (their chat only)."""
    _ = translator(locale)
    access = await load_access(context.store, context.config, user_id)
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
    result = await context.store.roles.use_invitation(
        token, context.user.id, context.now(), admins=context.config.bot.admins
    )
    centre = result.centre
    if result.outcome is not InvitationOutcome.ACCEPTED or centre is None:
        if result.outcome is InvitationOutcome.USED:
            text = context._("This invitation link has been used already. Ask for a new one.")
        elif result.outcome is InvitationOutcome.EXPIRED:
            text = context._("This invitation has been used or has expired. Ask for a new one.")
        else:  # unknown, withdrawn, or its maker is no admin any more
            text = context._("This invitation link no longer works. Ask for a new one.")
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
    centres = [c for c in await context.store.centres.all() if access.can_manage(c.id)]
    chunk = centres[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    rows = [[button(short(c.name), Route.STAFF, Action.INVITE, c.id)] for c in chunk]
    rows.append(pager(Route.STAFF, page, len(centres) > (page + 1) * PAGE_SIZE, context._))
    rows.append([button(context._("↩️ Withdraw a link"), Route.STAFF, Action.INVITES, 0)])
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
    centre = await context.store.centres.get(ids[0]) if ids else None
    if centre is None:
        return await show_stale(update, context)
    if not (await context.access()).admin:
        return await deny(update, context)
    assert context.user is not None
    token = secrets.token_urlsafe(12)
    while token.startswith("-"):  # would read as an option in `role invitations --withdraw`
        token = secrets.token_urlsafe(12)
    await context.store.roles.create_invitation(
        token, centre.id, context.user.id, context.now() + VALID_S
    )
    link = f"https://t.me/{context.bot.username}?start=s-{token}"
    text = context._(
        "Send this link to the new staff member at {centre}. It works once, for 7 days:\n{link}",
        centre="<b>" + esc(centre.name) + "</b>",
        link=link,
    )
    await show(update, context, Screen(text))


def tag(token: str) -> str:
    """A short id of an invitation for button data (a hash of the token: it proves nothing,
    the tap is checked against the tapper's own open links)."""
    return hashlib.sha256(token.encode()).hexdigest()[:TAG_LEN]


async def _own_links(context: BotContext) -> list[Invitation]:
    assert context.user is not None
    return await context.store.roles.open_invitations(context.now(), created_by=context.user.id)


async def _links_screen(context: BotContext, page: int, notice: str = "") -> Screen:
    """The admin's own open links, by centre and expiry, one button each to withdraw it."""
    _ = context._
    links = await _own_links(context)
    pages = max((len(links) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(page, pages - 1)
    chunk = links[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    lines = [notice, ""] if notice else []
    if not links:
        lines.append(_("You have no open invitation links."))
    else:
        lines.append(_("Your open invitation links. Tap one to withdraw it:"))
    rows = []
    for number, link in enumerate(chunk, start=page * PAGE_SIZE + 1):
        when = _.when(link.expires_at, link.centre.timezone, context.now())
        lines.append(
            _(
                "{number}. {centre} – works until {when}",
                number=number,
                centre=esc(link.centre.name),
                when=esc(when),
            )
        )
        label = f"{number}. {short(link.centre.name)}"
        rows.append([button(label, Route.STAFF, Action.WITHDRAW, tag(link.token))])
    nav = []
    if page > 0:
        nav.append(button(_("◀️ Previous"), Route.STAFF, Action.INVITES, page - 1))
    if page + 1 < pages:
        nav.append(button(_("Next ▶️"), Route.STAFF, Action.INVITES, page + 1))
    rows.append(nav)
    rows.append([button(_("⬅️ Back"), Route.STAFF, Action.PAGE, 0)])
    return Screen("\n".join(lines), keyboard(rows))


async def on_links(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 1)
    if ids is None:
        return await show_stale(update, context)
    if not (await context.access()).admin:
        return await deny(update, context)
    await show(update, context, await _links_screen(context, ids[0]))


async def _tapped_link(update: Update, context: BotContext) -> Invitation | None:
    """The tapper's own open link a withdraw tap names; None when the tap has been answered
    otherwise (stale or forged data, no admin any more, a link no longer open)."""
    args = await tapped_args(update, context)
    if args is None or len(args) != 1 or not _TAG.match(args[0]):
        await show_stale(update, context)
        return None
    if not (await context.access()).admin:
        await deny(update, context)
        return None
    for link in await _own_links(context):
        if tag(link.token) == args[0]:
            return link
    notice = context._(
        "That link is not open any more. It has been used, has expired or was withdrawn."
    )
    await show(update, context, await _links_screen(context, 0, notice))
    return None


async def on_withdraw(update: Update, context: BotContext) -> None:
    """Ask before withdrawing one of the admin's own open links."""
    link = await _tapped_link(update, context)
    if link is None:
        return
    _ = context._
    text = _(
        "Withdraw the link to {centre}? It works until {when}. After this, nobody can use it.",
        centre="<b>" + esc(link.centre.name) + "</b>",
        when=esc(_.when(link.expires_at, link.centre.timezone, context.now())),
    )
    rows = [
        [button(_("Yes, withdraw it"), Route.STAFF, Action.WITHDRAW_OK, tag(link.token))],
        [button(_("⬅️ Back"), Route.STAFF, Action.INVITES, 0)],
    ]
    await show(update, context, Screen(text, keyboard(rows)))


async def on_withdraw_ok(update: Update, context: BotContext) -> None:
    """Withdraw it: the row goes, so the link answers like an unknown one."""
    link = await _tapped_link(update, context)
    if link is None:
        return
    assert context.user is not None
    if await context.store.roles.withdraw_invitation(link.token, context.now(), context.user.id):
        logger.info("user %s withdrew an invitation to centre %s", context.user.id, link.centre.id)
        notice = context._("✅ The link is withdrawn. It no longer works.")
    else:  # used or withdrawn a moment ago
        notice = context._(
            "That link is not open any more. It has been used, has expired or was withdrawn."
        )
    await show(update, context, await _links_screen(context, 0, notice))


HANDLERS = [
    CommandHandler(["inviter", "invite"], cmd_invite),
    CallbackQueryHandler(on_links, pattern=callbacks.pattern(Route.STAFF, Action.INVITES)),
    CallbackQueryHandler(on_withdraw, pattern=callbacks.pattern(Route.STAFF, Action.WITHDRAW)),
    CallbackQueryHandler(
        on_withdraw_ok, pattern=callbacks.pattern(Route.STAFF, Action.WITHDRAW_OK)
    ),
    CallbackQueryHandler(on_invite, pattern=callbacks.pattern(Route.STAFF, Action.INVITE)),
    CallbackQueryHandler(on_page, pattern=callbacks.pattern(Route.STAFF, Action.PAGE)),
]
