"""A line to staff: a person writes one message; their centre's staff get it with a reply
button; the reply comes back as a message from the centre.

Who: users write (from ❓ Hjælp); staff who have it on (⚙️ Indstillinger) read and reply. Staff
of other centres never see it. Kept 7 days (long enough to reply), then forgotten. At most 3
messages an hour per person. Writes: draft, line_message.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler

from bot import callbacks, validate
from bot.callbacks import Action, Route
from bot.context import BotContext
from bot.db import Draft
from bot.i18n import translator
from dialogs.browse import show_stale
from dialogs.common import Screen, button, esc, keyboard, send, short, show, tapped
from dialogs.staff import deny

logger = logging.getLogger(__name__)

KEPT_S = 7 * 86400
PER_HOUR = 3
TEXT_MAX = 1000


def abort_row(context: BotContext) -> list[InlineKeyboardButton]:
    return [button(context._("✖️ Stop"), Route.LINE, Action.ABORT)]


async def on_write(update: Update, context: BotContext) -> None:
    """'💬 Skriv til personalet': choose the centre if there are several, then write."""
    ids = await tapped(update, context, 1)
    if ids is None:
        return await show_stale(update, context)
    assert context.user is not None
    centres = await context.db.list_user_centres(context.user.id)
    chosen = [c for c in centres if c.id == ids[0]] if ids[0] else centres
    if not chosen:
        text = context._("First choose your centre – then you can write to its staff.")
        pick = button(context._("🏠 Choose your centre"), Route.SETTINGS, Action.ADD)
        return await show(update, context, Screen(text, keyboard([[pick]])))
    if len(chosen) > 1:
        rows = [[button(short(c.name), Route.LINE, Action.WRITE, c.id)] for c in chosen]
        text = context._("Which centre's staff do you want to write to?")
        return await show(update, context, Screen(text, keyboard(rows + [abort_row(context)])))
    centre = chosen[0]
    await context.db.save_draft(
        context.user.id,
        Draft("line", "message", {"centre": centre.id, "name": centre.name}),
        context.now(),
    )
    text = context._(
        "Write your message to the staff at {centre}. Only the staff can see it.",
        centre="<b>" + esc(centre.name) + "</b>",
    )
    await show(update, context, Screen(text, keyboard([abort_row(context)])))


async def on_text(update: Update, context: BotContext, draft: Draft) -> None:
    """The typed message (to staff) or reply (to a person)."""
    assert update.message is not None and context.user is not None
    _, db, now = context._, context.db, context.now()
    try:
        text = validate.clean_text(
            update.message.text or "", "description", TEXT_MAX, required=True
        )
    except ValueError:
        problem = _("Please write text, at most {n} characters.", n=TEXT_MAX)
        await send(update, context, Screen(problem, keyboard([abort_row(context)])))
        return
    await db.delete_draft(context.user.id)
    if draft.kind == "reply":
        return await _send_reply(update, context, draft, text)
    if await db.count_line_messages(context.user.id, now) >= PER_HOUR:
        notice = _(
            "You have written a lot this hour. Please wait a little, or talk to the staff"
            " at your centre."
        )
        await send(update, context, Screen(notice))
        return
    centre_id, name = draft.data["centre"], draft.data["name"]
    staff = await db.line_recipients(centre_id)
    if not staff:
        notice = _(
            "The staff at {centre} cannot get messages here right now – please ask them"
            " at the centre.",
            centre=esc(name),
        )
        await send(update, context, Screen(notice))
        return
    message_id = await db.add_line_message(context.user.id, centre_id, text, now)
    for staff_id in staff:
        await _to_staff(context, staff_id, message_id, name, text)
    await send(
        update,
        context,
        Screen(
            _(
                "✅ Sent to the staff at {centre}. They will answer here when they can.",
                centre=esc(name),
            )
        ),
    )


async def _to_staff(
    context: BotContext, staff_id: int, message_id: int, centre: str, text: str
) -> None:
    assert context.user is not None
    _ = translator(await context.db.get_locale(staff_id) or context.config.bot.default_locale)
    head = _(
        "💬 A message from {name} ({centre}):",
        name=esc(context.user.first_name),
        centre=esc(centre),
    )
    reply = button(_("↩️ Reply"), Route.LINE, Action.REPLY, message_id)
    try:
        await context.bot.send_message(
            staff_id, f"{head}\n\n{esc(text)}", reply_markup=keyboard([[reply]])
        )
    except TelegramError as exc:
        logger.warning("a message to staff member %s could not be delivered: %s", staff_id, exc)


async def on_reply(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 1)
    found = await context.db.get_line_message(ids[0], context.now() - KEPT_S) if ids else None
    if ids is None or found is None:
        return await show_stale(update, context)
    _user_id, centre_id, first_name = found
    if not (await context.access()).can_manage(centre_id):
        return await deny(update, context)
    assert context.user is not None
    await context.db.save_draft(
        context.user.id,
        Draft("reply", "message", {"message": ids[0], "centre": centre_id}),
        context.now(),
    )
    text = context._("Write your answer to {name}.", name=esc(first_name))
    if await context.db.line_replied(ids[0]):
        text = context._("Someone from the staff has answered already.") + "\n" + text
    await send(update, context, Screen(text, keyboard([abort_row(context)])))


async def _send_reply(update: Update, context: BotContext, draft: Draft, text: str) -> None:
    found = await context.db.get_line_message(draft.data["message"], context.now() - KEPT_S)
    if found is None or not (await context.access()).can_manage(found[1]):
        return await deny(update, context)
    user_id, centre_id, first_name = found
    centre = await context.db.get_centre(centre_id)
    _ = translator(await context.db.get_locale(user_id) or context.config.bot.default_locale)
    head = _("💬 An answer from {centre}:", centre=esc(centre.name if centre else ""))
    again = button(_("💬 Write again"), Route.LINE, Action.WRITE, centre_id)
    try:
        await context.bot.send_message(
            user_id, f"{head}\n\n{esc(text)}", reply_markup=keyboard([[again]])
        )
    except TelegramError:
        notice = context._(
            "{name} could not get the answer (maybe they blocked the bot).", name=esc(first_name)
        )
        await send(update, context, Screen(notice))
        return
    await context.db.mark_replied(draft.data["message"], context.now())
    await send(
        update,
        context,
        Screen(context._("✅ Your answer was sent to {name}.", name=esc(first_name))),
    )


async def on_abort(update: Update, context: BotContext) -> None:
    if await tapped(update, context, 0) is None:
        return await show_stale(update, context)
    assert context.user is not None
    await context.db.delete_draft(context.user.id)
    await show(update, context, Screen(context._("OK – nothing was sent.")))


HANDLERS = [
    CallbackQueryHandler(on_write, pattern=callbacks.pattern(Route.LINE, Action.WRITE)),
    CallbackQueryHandler(on_reply, pattern=callbacks.pattern(Route.LINE, Action.REPLY)),
    CallbackQueryHandler(on_abort, pattern=callbacks.pattern(Route.LINE, Action.ABORT)),
]
