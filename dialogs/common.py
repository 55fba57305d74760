"""What every dialog shares: the menu keyboard, the Screen type, showing a screen, reading a tap."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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


def pager(
    route: Route,
    page: int,
    has_next: bool,
    _: Translator,
    *,
    action: Action = Action.PAGE,
    prefix: Sequence[int | str] = (),
) -> list[InlineKeyboardButton]:
    """The Previous/Next row of a paged list (its buttons: route, action, *prefix, page)."""
    row = []
    if page > 0:
        row.append(button(_("◀️ Previous"), route, action, *prefix, page - 1))
    if has_next:
        row.append(button(_("Next ▶️"), route, action, *prefix, page + 1))
    return row


# Telegram takes at most 100 buttons in one keyboard (tginfo/Telegram-Limits: "Keyboard buttons
# number: up to 100"; over it "Bad Request: reply markup is too long"): a staff step that lists
# centres (an admin has 200) shows PAGE_SIZE at a time, or what typing part of a name found.
PAGE_SIZE = 6
CENTRE_PAGE, CENTRE_FOUND = "centre_page", "centre_found"  # the keys in a draft's data


def centre_choices(
    centres: Sequence[Sequence[Any]],
    data: Mapping[str, Any],
    _: Translator,
    choice: Callable[[int, str], InlineKeyboardButton],
    paging: tuple[Route, Action, tuple[int | str, ...]],
) -> tuple[list[str], list[list[InlineKeyboardButton]]]:
    """Lines and button rows to choose one of `centres` ((id, name) pairs): all of them when
    few; else a page at a time (`data[CENTRE_PAGE]`; paging buttons: route, action, *prefix,
    page), or the centres a typed search found (`data[CENTRE_FOUND]`) and "Tilbage til listen"
    (page 0; a page tap ends the search)."""
    route, action, prefix = paging
    found = data.get(CENTRE_FOUND)
    if found is not None:
        shown = [c for c in centres if c[0] in found]
        rows = [[choice(cid, name)] for cid, name in shown[:PAGE_SIZE]]
        rows.append([button(_("⬅️ Back to the list"), route, action, *prefix, 0)])
        more = len(shown) > PAGE_SIZE
        return ([_("Write a bit more of the name or town.")] if more else []), rows
    if len(centres) <= PAGE_SIZE:
        return [], [[choice(cid, name)] for cid, name in centres]
    last = (len(centres) - 1) // PAGE_SIZE
    page = min(max(int(data.get(CENTRE_PAGE) or 0), 0), last)  # an old page past the end: last
    on_page = centres[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    rows = [[choice(cid, name)] for cid, name in on_page]
    rows.append(pager(route, page, page < last, _, action=action, prefix=prefix))
    return [_("Tap the centre, or write part of its name or town.")], rows


async def search_centres(
    context: BotContext, text: str, data: Mapping[str, Any]
) -> tuple[dict[str, Any], str]:
    """Typed text at a step that lists `data["centres"]`: the draft's data now showing those
    whose name or town holds it (all, when none does), and a line saying what was found."""
    allowed = {c[0] for c in data["centres"]}
    found = [c.id for c in await context.store.centres.search(text) if c.id in allowed]
    asked = "<b>" + esc(short(text.strip())) + "</b>"
    if not found:
        line1 = context._("I can't find a centre with {text} in its name or town.", text=asked)
        notice = line1 + "\n" + context._("Try another word, or tap the buttons.")
        return turn_page(data, int(data.get(CENTRE_PAGE) or 0)), notice
    notice = context._("This is what I found for {text}:", text=asked)
    return {**turn_page(data, 0), CENTRE_FOUND: found}, notice


def turn_page(data: Mapping[str, Any], page: int | None) -> dict[str, Any]:
    """The draft's data showing page `page` of its centres (a search ends)."""
    return {**{k: v for k, v in data.items() if k != CENTRE_FOUND}, CENTRE_PAGE: page or 0}


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
    # Only a text message can be edited into a screen: under a voice message, a file or a
    # photo (read aloud, calendar file; a caption is no text) Telegram refuses
    # ("there is no text in the message to edit"), so the screen comes as a new message.
    if query is not None and isinstance(query.message, Message) and query.message.text is not None:
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
