"""A line to staff: a person writes one message; their centre's staff get it with a reply
button; the reply comes back as a message from the centre.

Who: users write or speak (a voice message) from ❓ Hjælp; staff who have it on (⚙️ Indstillinger)
read and reply. Staff of other centres never see it. A message no staff member can get yet is
kept, and goes out the next time a staff member of that centre (with messages on) uses the bot.
Kept 7 days (long enough to reply), then forgotten. At most 3 messages an hour per person.
Writes: draft, line_message.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence
from typing import Any

from telegram import InlineKeyboardButton, Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import callbacks, validate
from bot.callbacks import Action, Route
from bot.context import BotContext
from bot.i18n import translator
from bot.store.drafts import Draft
from bot.store.line import LineMessage
from dialogs.browse import show_stale
from dialogs.common import Screen, button, esc, keyboard, send, short, show, tapped
from dialogs.staff import deny

logger = logging.getLogger(__name__)

KEPT_S = 7 * 86400
PER_HOUR = 3
TEXT_MAX = 1000
CAPTION_MAX = 700  # of a voice message's own caption: with our heading it stays under 1,024


def abort_row(context: BotContext) -> list[InlineKeyboardButton]:
    return [button(context._("✖️ Stop"), Route.LINE, Action.ABORT)]


async def on_write(update: Update, context: BotContext) -> None:
    """'💬 Skriv til personalet' (help) or '💬 Skriv igen' (under an answer): choose the centre
    if there are several, then write. Under an answer the next screen is a new message, so the
    answer stays in the chat; the help question and the centre picker are replaced."""
    ids = await tapped(update, context, 1)
    if ids is None:
        return await show_stale(update, context)
    assert context.user is not None
    present = show if ids[0] == 0 or _is_line_screen(update) else _send_new
    centres = await context.store.people.centres(context.user.id)
    chosen = [c for c in centres if c.id == ids[0]] if ids[0] else centres
    if not chosen:
        text = context._("First choose your centre – then you can write to its staff.")
        pick = button(context._("🏠 Choose your centre"), Route.SETTINGS, Action.ADD)
        return await present(update, context, Screen(text, keyboard([[pick]])))
    if len(chosen) > 1:
        rows = [[button(short(c.name), Route.LINE, Action.WRITE, c.id)] for c in chosen]
        text = context._("Which centre's staff do you want to write to?")
        screen = Screen(text, keyboard(rows + [abort_row(context)]))
        return await present(update, context, screen)
    centre = chosen[0]
    await context.store.drafts.save(
        context.user.id,
        Draft("line", "message", {"centre": centre.id, "name": centre.name}),
        context.now(),
    )
    text = context._(
        "Write your message to the staff at {centre}. You can also send a voice message."
        " Only the staff can see it.",
        centre="<b>" + esc(centre.name) + "</b>",
    )
    if not await context.store.line.recipients(centre.id):
        # Said before they type: it is kept, not lost (see deliver_waiting).
        text += "\n\n" + context._(
            "Right now no one from the staff can get messages. They get yours as soon as one"
            " of them uses the bot."
        )
    await present(update, context, Screen(text, keyboard([abort_row(context)])))


def _is_line_screen(update: Update) -> bool:
    """Whether the tapped message is one of this dialog's own screens (it has ✖️ Stop)."""
    query = update.callback_query
    message = query.message if query is not None else None
    if not isinstance(message, Message) or message.reply_markup is None:
        return False
    stop = callbacks.encode(Route.LINE, Action.ABORT)
    return any(
        b.callback_data == stop for row in message.reply_markup.inline_keyboard for b in row
    )


async def _send_new(update: Update, context: BotContext, screen: Screen) -> None:
    await send(update, context, screen)


async def on_text(update: Update, context: BotContext, draft: Draft) -> None:
    """The typed message (to staff) or reply (to a person)."""
    assert update.message is not None and context.user is not None
    _, store = context._, context.store
    try:
        text = validate.clean_text(
            update.message.text or "", "description", TEXT_MAX, required=True
        )
    except ValueError:
        problem = _("Please write text, at most {n} characters.", n=TEXT_MAX)
        await send(update, context, Screen(problem, keyboard([abort_row(context)])))
        return
    await store.drafts.delete(context.user.id)
    if draft.kind == "reply":
        return await _send_reply(update, context, draft, text)
    await _pass_on(update, context, draft, text, None)


async def _pass_on(
    update: Update, context: BotContext, draft: Draft, text: str, voice: str | None
) -> None:
    """A typed message (or a voice message's file_id with its caption) to the centre's staff:
    sent now to those who can get it, else kept until one of them uses the bot."""
    assert context.user is not None
    _, store, now = context._, context.store, context.now()
    if await store.line.count_recent(context.user.id, now) >= PER_HOUR:
        notice = _(
            "You have written a lot this hour. Please wait a little, or talk to the staff"
            " at your centre."
        )
        await send(update, context, Screen(notice))
        return
    centre_id, name = draft.data["centre"], draft.data["name"]
    staff = await store.line.recipients(centre_id)
    message_id = await store.line.add(
        context.user.id, centre_id, text, now, voice=voice, delivered=bool(staff)
    )
    message = LineMessage(
        message_id, context.user.id, context.user.first_name, name, "", text, voice, now
    )
    reached = 0
    for staff_id in staff:
        reached += await _to_staff(context, staff_id, message, waited=False)
    if staff and not reached:
        await store.line.mark_waiting(message_id)  # nobody could get it: it waits for the next
    if reached:
        done = _(
            "✅ Sent to the staff at {centre}. They will answer here when they can.",
            centre=esc(name),
        )
    else:
        done = _(
            "📨 Your message is kept. The staff at {centre} get it as soon as one of them uses"
            " the bot.",
            centre=esc(name),
        )
    await send(update, context, Screen(done))


async def _to_staff(
    context: BotContext, staff_id: int, message: LineMessage, *, waited: bool
) -> bool:
    """One message to one staff member, with the reply button; whether it got there."""
    _ = translator(
        await context.store.people.locale(staff_id) or context.config.bot.default_locale
    )
    name, centre = esc(message.first_name), esc(message.centre)
    if message.voice:
        parts = [_("🎤 A voice message from {name} ({centre})", name=name, centre=centre)]
    else:
        parts = [_("💬 A message from {name} ({centre}):", name=name, centre=centre)]
    if message.text:
        parts.append(esc(message.text))
    if waited:
        timezone = message.timezone or context.config.bot.timezone
        sent = _.when(message.created_at, timezone, context.now())
        parts.append(_("🕐 Sent {when}.", when=sent))
    reply = keyboard([[button(_("↩️ Reply"), Route.LINE, Action.REPLY, message.id)]])
    try:
        if message.voice:
            await context.bot.send_voice(
                staff_id, message.voice, caption="\n\n".join(parts), reply_markup=reply
            )
        else:
            await context.bot.send_message(staff_id, "\n\n".join(parts), reply_markup=reply)
    except TelegramError as exc:
        logger.warning("a message to staff member %s could not be delivered: %s", staff_id, exc)
        return False
    return True


async def on_reply(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 1)
    found = await context.store.line.get(ids[0], context.now() - KEPT_S) if ids else None
    if ids is None or found is None:
        return await show_stale(update, context)
    _user_id, centre_id, first_name = found
    if not (await context.access()).can_manage(centre_id):
        return await deny(update, context)
    assert context.user is not None
    await context.store.drafts.save(
        context.user.id,
        Draft("reply", "message", {"message": ids[0], "centre": centre_id}),
        context.now(),
    )
    text = context._("Write your answer to {name}.", name=esc(first_name))
    if await context.store.line.replied(ids[0]):
        text = context._("Someone from the staff has answered already.") + "\n" + text
    await send(update, context, Screen(text, keyboard([abort_row(context)])))


async def _send_reply(update: Update, context: BotContext, draft: Draft, text: str) -> None:
    found = await context.store.line.get(draft.data["message"], context.now() - KEPT_S)
    if found is None or not (await context.access()).can_manage(found[1]):
        return await deny(update, context)
    user_id, centre_id, first_name = found
    centre = await context.store.centres.get(centre_id)
    _ = translator(await context.store.people.locale(user_id) or context.config.bot.default_locale)
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
    await context.store.line.mark_replied(draft.data["message"], context.now())
    await send(
        update,
        context,
        Screen(context._("✅ Your answer was sent to {name}.", name=esc(first_name))),
    )


async def on_abort(update: Update, context: BotContext) -> None:
    if await tapped(update, context, 0) is None:
        return await show_stale(update, context)
    assert context.user is not None
    await context.store.drafts.delete(context.user.id)
    await show(update, context, Screen(context._("OK – nothing was sent.")))


async def on_media(update: Update, context: BotContext) -> None:
    """Anything but text while a person writes to staff: a voice message is passed on (people
    who cannot write can speak); a photo or sticker gets a word on what works. With no message
    to staff being written, the update goes on to the other dialogs (announcements take photos
    and voice messages too)."""
    message = update.message
    if context.user is None or message is None:
        return
    draft = await context.store.drafts.get(context.user.id, context.now())
    if draft is None or draft.kind != "line":
        return
    if message.voice is None:
        only = context._(
            "I can pass on text or a voice message. Write a few words, or tap ✖️ Stop."
        )
        await send(update, context, Screen(only, keyboard([abort_row(context)])))
        raise ApplicationHandlerStop
    await context.store.drafts.delete(context.user.id)
    await _pass_on(update, context, draft, _caption(message.caption), message.voice.file_id)
    raise ApplicationHandlerStop


def _caption(text: str | None) -> str:
    """A voice message's own caption, cleaned and cut to fit under our heading."""
    clean = "".join(
        ch for ch in (text or "").strip() if ch == "\n" or unicodedata.category(ch) != "Cc"
    )
    return clean if len(clean) <= CAPTION_MAX else clean[: CAPTION_MAX - 1].rstrip() + "…"


async def deliver_waiting(update: object, context: BotContext) -> None:
    """After every update from a staff member: the kept messages for their centres (where they
    have messages on) go to them now, oldest first. Registered after the dialogs (group 1), so
    the answer to what they did comes first and the message is the newest in their chat."""
    if not isinstance(update, Update) or context.user is None:
        return
    if update.message is None and update.callback_query is None:
        return  # e.g. they blocked the bot
    now = context.now()
    waiting = await context.store.line.take_waiting(context.user.id, now - KEPT_S, now)
    for message in waiting:
        if not await _to_staff(context, context.user.id, message, waited=True):
            await context.store.line.mark_waiting(message.id)


# Registered in bot/app.py around the dialogs. Group -1 runs before the dialogs, next to the
# handler that ends a dialog on a command (text only: the two never compete for an update);
# group 1 runs after them.
HOOKS: dict[int, Sequence[BaseHandler[Any, BotContext, Any]]] = {
    -1: [MessageHandler(~filters.TEXT & ~filters.StatusUpdate.ALL, on_media)],
    1: [TypeHandler(Update, deliver_waiting)],
}

HANDLERS = [
    CallbackQueryHandler(on_write, pattern=callbacks.pattern(Route.LINE, Action.WRITE)),
    CallbackQueryHandler(on_reply, pattern=callbacks.pattern(Route.LINE, Action.REPLY)),
    CallbackQueryHandler(on_abort, pattern=callbacks.pattern(Route.LINE, Action.ABORT)),
]
