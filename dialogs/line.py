"""A line to staff: a person writes one message; their centre's staff get it with a reply
button; the reply comes back as a message from the centre.

Who: users write or speak (a voice message) from ❓ Hjælp; staff who have it on (⚙️ Indstillinger)
read and reply. Staff of other centres never see it. A message no staff member can get yet is
kept, and goes out the next time a staff member of that centre (with messages on) uses the bot.
Kept 7 days (long enough to reply), then forgotten. At most 3 messages an hour per person, said
at the tap (before they type); one that passes it anyway (two phones) is kept, never lost. An
answer quotes the message it answers; staff see who answered last and its first words.
Writes: draft, line_message.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

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
from bot.store.line import Asked, LineMessage
from dialogs.browse import show_stale
from dialogs.common import (
    MENU_ACTIVITIES,
    Screen,
    button,
    esc,
    keyboard,
    plain_length,
    send,
    short,
    show,
    tapped,
)
from dialogs.staff_steps import deny

logger = logging.getLogger(__name__)

KEPT_S = 7 * 86400
PER_HOUR = 3
TEXT_MAX = 1000
# Bot API, sendVoice: "caption: 0-1024 characters after entities parsing" (counted, like a
# message's text, in UTF-16 code units: an emoji is 2). A voice message's own caption is cut to
# the room our heading leaves, when it is sent (dialogs/common.py plain_length counts it).
CAPTION_LIMIT = 1024
QUOTE_MAX = 60  # characters of a message quoted above its answer, and of an answer's start


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
    if await context.store.line.count_recent(context.user.id, context.now()) >= PER_HOUR:
        # Said at the tap, before anything is typed: nothing written is thrown away.
        return await present(update, context, await _limit_screen(context, chosen[0].timezone))
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
            "Right now no one from the staff can get messages. We keep yours, and they get it"
            " when they look in here next time."
        )
    await present(update, context, Screen(text, keyboard([abort_row(context)])))


async def _limit_screen(context: BotContext, timezone: str) -> Screen:
    """The hour's messages are used up: how many, from what time they can write again, and that
    the staff get what they wrote; a button on to what's on (the menu stays, too)."""
    assert context.user is not None
    _, now = context._, context.now()
    n = await context.store.line.count_recent(context.user.id, now)
    free = await context.store.line.free_at(context.user.id, now, PER_HOUR) or now
    at = datetime.fromtimestamp(-(-free // 60) * 60, ZoneInfo(timezone))  # the next minute
    text = " ".join(
        [
            _.ngettext(
                "You have written {n} message in the last hour.",
                "You have written {n} messages in the last hour.",
                n,
            ),
            _("You can write again at {time}.", time=_.clock(at.hour, at.minute)),
            _("The staff get all your messages. If it is urgent, talk to them."),
        ]
    )
    on = button(_(MENU_ACTIVITIES), Route.ACTIVITY, Action.PAGE, 0)
    return Screen(text, keyboard([[on]]))


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
    sent now to those who can get it, else kept until one of them uses the bot. Over the hour's
    limit (reached since the tap, e.g. from a second phone) it is kept too, never thrown away:
    it goes with the kept ones, the next time a staff member uses the bot."""
    assert context.user is not None
    _, store, now = context._, context.store, context.now()
    over = await store.line.count_recent(context.user.id, now) >= PER_HOUR
    centre_id, name = draft.data["centre"], draft.data["name"]
    staff = [] if over else await store.line.recipients(centre_id)
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
    elif over:
        done = _(
            "📨 Your message is kept. You have written a lot in the last hour, so the staff at"
            " {centre} get it when they look in here next time.",
            centre=esc(name),
        )
    else:
        done = _(
            "📨 Your message is kept. The staff at {centre} get it when they look in here next"
            " time.",
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
        head = _("🎤 A voice message from {name} ({centre})", name=name, centre=centre)
    else:
        head = _("💬 A message from {name} ({centre}):", name=name, centre=centre)
    tail = []
    if waited:
        timezone = message.timezone or context.config.bot.timezone
        sent = _.when(message.created_at, timezone, context.now())
        tail.append(_("🕐 Sent {when}.", when=sent))
    text = message.text
    if message.voice:  # the caption's limit, as Telegram counts it: what is left for the words
        text = _fit(text, CAPTION_LIMIT - plain_length("\n\n".join([head, *tail, ""])))
    parts = [head, *([esc(text)] if text else []), *tail]
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
    asked = await context.store.line.get(ids[0], context.now() - KEPT_S) if ids else None
    if ids is None or asked is None:
        return await show_stale(update, context)
    if not (await context.access()).can_manage(asked.centre_id):
        return await deny(update, context)
    assert context.user is not None
    await context.store.drafts.save(
        context.user.id,
        Draft("reply", "message", {"message": ids[0], "centre": asked.centre_id}),
        context.now(),
    )
    text = context._("Write your answer to {name}.", name=esc(asked.first_name))
    if asked.replied:
        text = _answered(context, asked) + "\n" + text
    await send(update, context, Screen(text, keyboard([abort_row(context)])))


def _answered(context: BotContext, asked: Asked) -> str:
    """Who answered the message last and how it began, so a second staff member knows whether
    to write too."""
    _ = context._
    if asked.reply_start is None:  # answered before answers were remembered
        return _("Someone from the staff has answered already.")
    start = esc(asked.reply_start)
    if context.user is not None and asked.reply_by == context.user.id:
        return _("You have answered already: «{answer}»", answer=start)
    if asked.reply_name is not None:
        return _(
            "{name} has answered already: «{answer}»", name=esc(asked.reply_name), answer=start
        )
    return _("Someone from the staff has answered already: «{answer}»", answer=start)


async def _send_reply(update: Update, context: BotContext, draft: Draft, text: str) -> None:
    asked = await context.store.line.get(draft.data["message"], context.now() - KEPT_S)
    if asked is None or not (await context.access()).can_manage(asked.centre_id):
        return await deny(update, context)
    assert context.user is not None
    centre = await context.store.centres.get(asked.centre_id)
    locale = await context.store.people.locale(asked.user_id)
    _ = translator(locale or context.config.bot.default_locale)
    where = esc(centre.name if centre else "")
    # The answer says what it answers: the message quoted, or which voice message.
    if not asked.text:
        when = _.when(asked.created_at, asked.timezone, context.now())
        head = _(
            "💬 An answer from {centre} to your voice message of {when}:", centre=where, when=when
        )
    elif asked.voice:
        quote = esc(_quote(asked.text))
        head = _(
            "💬 An answer from {centre} to your voice message «{quote}»:",
            centre=where,
            quote=quote,
        )
    else:
        quote = esc(_quote(asked.text))
        head = _(
            "💬 An answer from {centre} to your message «{quote}»:", centre=where, quote=quote
        )
    again = button(_("💬 Write again"), Route.LINE, Action.WRITE, asked.centre_id)
    try:
        await context.bot.send_message(
            asked.user_id, f"{head}\n\n{esc(text)}", reply_markup=keyboard([[again]])
        )
    except TelegramError:
        notice = context._(
            "{name} could not get the answer (maybe they blocked the bot).",
            name=esc(asked.first_name),
        )
        await send(update, context, Screen(notice))
        return
    await context.store.line.mark_replied(
        draft.data["message"], context.now(), context.user.id, _quote(text)
    )
    await send(
        update,
        context,
        Screen(context._("✅ Your answer was sent to {name}.", name=esc(asked.first_name))),
    )


def _quote(text: str) -> str:
    """The start of a text on one line, cut after a word: «Må jeg tage min hund med?»."""
    line = " ".join(text.split())
    if len(line) <= QUOTE_MAX:
        return line
    cut = line[: QUOTE_MAX - 1]
    if " " in cut[QUOTE_MAX // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,.;:-–") + "…"


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
    """A voice message's own caption, cleaned (at most a caption's length: Telegram's own limit;
    `_to_staff` cuts it to the room under our heading)."""
    clean = "".join(
        ch for ch in (text or "").strip() if ch == "\n" or unicodedata.category(ch) != "Cc"
    )
    return _fit(clean, CAPTION_LIMIT)


def _fit(text: str, room: int) -> str:
    """Plain `text`, cut with "…" so that once escaped it takes at most `room` of a caption as
    Telegram counts it (UTF-16 code units after entities: an emoji is 2, "&amp;" is 1)."""
    if plain_length(esc(text)) <= room:
        return text
    kept: list[str] = []
    used = 1  # the "…"
    for ch in text:
        used += plain_length(esc(ch))
        if used > room:
            break
        kept.append(ch)
    return "".join(kept).rstrip() + "…" if room > 0 else ""


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
