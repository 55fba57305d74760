"""What every dialog shares: the menu keyboard, the Screen type, showing a screen, reading a tap."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from babel import Locale
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest

from bot import callbacks
from bot.callbacks import Action, Route
from bot.context import BotContext
from bot.i18n import N_, Translator, translator

# The four menu buttons, always the same and in the same place.
MENU_ACTIVITIES = N_("📅 Activities")
MENU_MINE = N_("✅ My sign-ups")
MENU_SETTINGS = N_("⚙️ Settings")
MENU_HELP = N_("❓ Help")
MENU = ((MENU_ACTIVITIES, MENU_MINE), (MENU_SETTINGS, MENU_HELP))

LABEL_MAX = 40  # characters of a title on a button: more does not fit a small phone

esc = html.escape
_FLAGS = {"da": "🇩🇰", "en": "🇬🇧"}


@dataclass(frozen=True)
class Screen:
    """One message: HTML text and its inline buttons."""

    text: str
    keyboard: InlineKeyboardMarkup | None = None


def menu_keyboard(_: Translator) -> ReplyKeyboardMarkup:
    """The persistent main menu in the user's language."""
    return ReplyKeyboardMarkup(
        [[KeyboardButton(_(label)) for label in row] for row in MENU],
        resize_keyboard=True,
        is_persistent=True,
    )


def menu_action(text: str, locales: Sequence[str]) -> str | None:
    """Which menu button a text is (in any language), or None."""
    for locale in locales:
        tr = translator(locale)
        for row in MENU:
            for label in row:
                if text.strip() == tr(label):
                    return label
    return None


def button(label: str, route: Route, action: Action, *args: int | str) -> InlineKeyboardButton:
    """An inline button carrying encoded callback data."""
    return InlineKeyboardButton(label, callback_data=callbacks.encode(route, action, *args))


def short(title: str) -> str:
    """A title cut to fit on a button."""
    return title if len(title) <= LABEL_MAX else title[: LABEL_MAX - 1].rstrip() + "…"


def keyboard(rows: Sequence[Sequence[InlineKeyboardButton]]) -> InlineKeyboardMarkup | None:
    """Inline keyboard from rows, leaving out empty rows; None if nothing is left."""
    rows = [list(r) for r in rows if r]
    return InlineKeyboardMarkup(rows) if rows else None


def pager(route: Route, page: int, has_next: bool, _: Translator) -> list[InlineKeyboardButton]:
    """The Previous/Next row of a paged list."""
    row = []
    if page > 0:
        row.append(button(_("◀️ Previous"), route, Action.PAGE, page - 1))
    if has_next:
        row.append(button(_("Next ▶️"), route, Action.PAGE, page + 1))
    return row


async def tapped(update: Update, context: BotContext, count: int) -> tuple[int, ...] | None:
    """Answer the tap and return its ids; None if the button is stale, forged or malformed."""
    args = await tapped_args(update, context)
    return callbacks.ints(args, count) if args is not None else None


def peek(update: Update, count: int) -> tuple[int, ...] | None:
    """The tap's ids, without answering it yet (for handlers that may answer with a toast)."""
    cb = callbacks.decode(update.callback_query.data if update.callback_query else None)
    return cb.ints(count) if cb else None


async def tapped_args(update: Update, context: BotContext) -> tuple[str, ...] | None:
    """Answer the tap and return its raw arguments; None if it does not decode."""
    assert update.callback_query is not None
    await context.answer_query(update)
    cb = callbacks.decode(update.callback_query.data)
    return cb.args if cb else None


async def show(update: Update, context: BotContext, screen: Screen) -> None:
    """Edit the tapped message into `screen`, or send it as a new message."""
    await shown(update, context, screen)


async def shown(update: Update, context: BotContext, screen: Screen) -> bool:
    """`show`, and whether anything changed: False when the message already showed just this
    (a double tap), so a tap not yet answered needs words in its toast."""
    query = update.callback_query
    if query is not None and isinstance(query.message, Message):
        try:
            await query.message.edit_text(screen.text, reply_markup=screen.keyboard)
            return True
        except BadRequest as exc:
            if "not modified" in exc.message.lower():
                return False  # a double tap: the screen already shows this
            if not _edit_impossible(exc):
                raise
    await send(update, context, screen)
    return True


async def reply(update: Update, context: BotContext, screen: Screen) -> None:
    """Answer in place after a tap (edit the message), or with a new message after typing."""
    if update.callback_query is not None:
        await show(update, context, screen)
    else:
        await send(update, context, screen)


async def send(
    update: Update, context: BotContext, screen: Screen, *, menu: bool = False
) -> Message:
    """Send `screen` as a new message; with `menu`, (re)attach the main menu keyboard."""
    chat = update.effective_chat
    assert chat is not None
    markup = menu_keyboard(context._) if menu else screen.keyboard
    return await context.bot.send_message(chat.id, screen.text, reply_markup=markup)


def _edit_impossible(exc: BadRequest) -> bool:
    text = exc.message.lower()
    return "message to edit not found" in text or "can't be edited" in text


def language_name(locale: str) -> str:
    """A language's name in that language: 'Dansk', 'English'."""
    return (Locale.parse(locale).get_display_name(locale) or locale).capitalize()


def language_buttons(
    locales: Sequence[str], current: str, back: str
) -> list[InlineKeyboardButton]:
    """One button per other language, named in that language; `back` says where to return."""
    return [
        button(
            f"{_FLAGS.get(loc, '🌐')} {language_name(loc)}",
            Route.SETTINGS,
            Action.LANGUAGE,
            loc,
            back,
        )
        for loc in locales
        if loc != current
    ]


# Telegram's limit for a message's text: "1-4096 characters after entities parsing" (Bot API,
# sendMessage). Every message whose length depends on data is capped or summarised to fit.
MESSAGE_MAX = 4096
_ANY_TAG = re.compile(r"<[^>]*>")


def plain_length(html_text: str) -> int:
    """How long Telegram counts an HTML text: tags dropped, entities read, in UTF-16 units."""
    text = html.unescape(_ANY_TAG.sub("", html_text))
    return len(text.encode("utf-16-le")) // 2


def summarise(items: Sequence[str], room: int, _: Translator, separator: str = ", ") -> str:
    """As many of `items` (HTML) as fit in `room` characters, then "og 38 andre" for the rest;
    "40 i alt" when not even one fits. A list made from data then never breaks the limit."""
    worst_tail = plain_length(" " + _.ngettext("and {n} other", "and {n} others", len(items)))
    kept: list[str] = []
    used = 0
    for number, item in enumerate(items):
        step = plain_length(item) + (len(separator) if kept else 0)
        last = number == len(items) - 1
        if used + step + (0 if last else worst_tail) > room:
            break
        kept.append(item)
        used += step
    rest = len(items) - len(kept)
    if not kept:
        return _("{n} in all", n=rest)
    text = separator.join(kept)
    if rest:
        text += " " + _.ngettext("and {n} other", "and {n} others", rest)
    return text
