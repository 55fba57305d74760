"""The main menu and everything that is not a known button: help, stray text, old buttons, groups.

Who: everyone. Entry: the four menu buttons, /hjaelp, any unknown command or text, any
button that no longer decodes. Writes: nothing. Nobody is ever left without a next step.
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.access import Access
from bot.callbacks import Action, Route
from bot.context import BotContext
from bot.store.centres import fold
from bot.store.drafts import Draft
from dialogs import (
    broadcast,
    browse,
    closures,
    line,
    mine,
    onboarding,
    settings,
    staff,
    staff_steps,
)
from dialogs.common import (
    MENU_ACTIVITIES,
    MENU_HELP,
    MENU_MINE,
    MENU_SETTINGS,
    Screen,
    button,
    esc,
    keyboard,
    menu_action,
    send,
)


def render_help(context: BotContext, access: Access) -> Screen:
    """What the four buttons do, in as few words as we can (and the staff's commands)."""
    _ = context._
    lines = [
        "<b>" + _("Help") + "</b>",
        "",
        _("📅 Activities – see what's on and sign up."),
        _("✅ My sign-ups – see your places, or cancel one."),
        _("⚙️ Settings – change language or centre."),
        "",
        _("You only need to type to write to the staff. Everything else works with the buttons."),
        _("If you are unsure, ask the staff at your centre."),
    ]
    if access.is_staff:
        lines += [
            "",
            "<b>" + _("For staff") + "</b>",
            _("/ny_aktivitet – make an activity."),
            _("/besked – write to the users."),
            _("/plakat – a poster with a QR code for your centre."),
            _("/ugeprogram – the week's programme for the wall."),
            _("/lukket – 🏖️ Closed days: close the centre for some days."),
            _(
                "On an activity's card: change the time, place or places, sign up someone without"
                " a phone, or cancel it."
            ),
        ]
    if access.may_count:
        lines += [
            "",
            "<b>" + _("Numbers") + "</b>",
            _("/tal – sign-ups today and the next 14 days; tick attendance on the card."),
            _("/tal uge, /tal måned – figures; /tal graf – a chart."),
            _("/eksport – a spreadsheet for Excel."),
        ]
    if access.admin:
        lines.append(_("/inviter – a link that makes someone staff."))
    return Screen("\n".join(lines))


async def cmd_help(update: Update, context: BotContext) -> None:
    await send(update, context, render_help(context, await context.access()), menu=True)
    # The menu keyboard and inline buttons cannot share a message: the line to staff follows.
    write = button(context._("💬 Write to the staff"), Route.LINE, Action.WRITE, 0)
    question = context._("Do you want to ask the staff something?")
    await send(update, context, Screen(question, keyboard([[write]])))


async def end_dialog(update: Update, context: BotContext) -> None:
    """A command or a menu button ends any dialog, so later typing is not taken as its answer
    (the new command may start another). It says so first, then the command runs."""
    message = update.message
    if context.user is None or message is None or not message.text:
        return
    command = message.text.split()[0].split("@")[0] if message.text.startswith("/") else ""
    if command in LOOK_ONLY:
        return
    if command or menu_action(message.text, context.config.bot.locales):
        draft = await context.store.drafts.get(context.user.id, context.now())
        await context.store.drafts.delete(context.user.id)
        said = stopped(context, draft) if draft is not None else None
        if said:
            await send(update, context, Screen(said))


def stopped(context: BotContext, draft: Draft) -> str | None:
    """What a command or menu button stopped, and that nothing of it was kept; None for a
    draft that holds nothing to lose (e.g. the centre picker's search)."""
    _ = context._
    if draft.kind == staff_steps.NEW:
        return _("I have stopped the new activity: it is not saved.")
    if draft.kind == staff_steps.EDIT:
        title = esc(draft.data.get("title") or "")
        if draft.data.get("field") == "g":
            return _(
                "I have stopped the sign-up for {title}: nobody new is signed up.", title=title
            )
        return _("I have stopped the change to {title}: nothing is changed.", title=title)
    if draft.kind == broadcast.KIND:
        return _("I have stopped the message: it is not sent.")
    if draft.kind == "line":
        return _("I have stopped your message to the staff: it is not sent.")
    if draft.kind == closures.KIND and draft.step in ("reason", "preview"):
        return _("I have stopped the closed days: nothing is closed.")
    if draft.kind == "reply":
        return _("I have stopped your answer: it is not sent.")
    return None


# Commands that only show something: /mine_data must show a half-made dialog, not end it.
LOOK_ONLY = ("/mine_data", "/my_data")


async def on_text(update: Update, context: BotContext) -> None:
    """A menu button, or text we cannot act on: answer with the menu and one line of help."""
    assert update.message is not None and update.message.text is not None
    action = menu_action(update.message.text, context.config.bot.locales)
    if action == MENU_ACTIVITIES:
        return await browse.cmd_activities(update, context)
    if action == MENU_MINE:
        return await mine.cmd_mine(update, context)
    if action == MENU_SETTINGS:
        return await settings.cmd_settings(update, context)
    if action == MENU_HELP:
        return await cmd_help(update, context)
    if await _to_draft(update, context):
        return
    text = update.message.text
    if HELP_WORDS & set(fold(text).split()):
        return await cmd_help(update, context)
    # "hvornår er fodbold" deserves the answer: when football is, and its button.
    named = await browse.named_screen(context, text)
    if named is not None:
        await send(update, context, named)
        return
    hint = context._("I only understand the buttons 🙂 Here is what's on:")
    await _send_with_buttons(update, context, hint)


# Typed words that ask for help (as `fold` writes them: "hjælp" is "hjaelp").
HELP_WORDS = frozenset({"hjaelp", "hjalp", "help", "hjelp"})


async def _to_draft(update: Update, context: BotContext) -> bool:
    """Hand a message (text, or anything else) to the dialog waiting for it, if there is one.
    Each dialog answers what it cannot take by asking for its step again: /besked takes a photo
    or a voice message, staff dialogs ask for text (dialogs/staff.py on_text). A message to
    staff never gets here unless it is text: dialogs/line.py on_media takes the rest first."""
    assert context.user is not None
    draft = await context.store.drafts.get(context.user.id, context.now())
    if draft is None:
        return False
    if draft.kind == onboarding.PICK:  # the centre picker is open: typed text searches it
        if update.message is None or not update.message.text:
            return False
        await onboarding.on_search(update, context, draft)
    elif draft.kind == broadcast.KIND:
        await broadcast.on_message(update, context, draft)
    elif draft.kind == closures.KIND:
        await closures.on_text(update, context, draft)
    elif draft.kind in ("line", "reply"):
        if update.message is None or not update.message.text:
            only = context._("I can only pass on written text – write a few words, or tap ✖️ Stop.")
            await send(update, context, Screen(only))
            return True
        await line.on_text(update, context, draft)
    else:
        await staff.on_text(update, context, draft)
    return True


async def on_other_message(update: Update, context: BotContext) -> None:
    """A photo, sticker, voice message…: for the dialog waiting for an answer, or a pointer."""
    if await _to_draft(update, context):
        return
    # Something to tap on the same message: the list (or, with no centre yet, the picker).
    hint = context._("I only understand the buttons 🙂 Tap one of them below.")
    await _send_with_buttons(update, context, hint)


async def _send_with_buttons(update: Update, context: BotContext, hint: str) -> None:
    """The hint above the list (or the picker), so there is something to tap; the menu
    keyboard when the list has no button at all."""
    screen = await browse.list_screen(context, 0, hint, intro=True)
    await send(update, context, screen, menu=screen.keyboard is None)


async def on_unknown_button(update: Update, context: BotContext) -> None:
    """Any button data no handler claimed: out of date, or never ours."""
    await browse.show_stale(update, context)


async def on_not_private(update: Update, context: BotContext) -> None:
    """The bot talks to people in private chats only: point groups there, ignore the rest."""
    chat, user = update.effective_chat, update.effective_user
    if chat is not None and chat.type == ChatType.PRIVATE and user is not None and not user.is_bot:
        message = update.message is not None  # typed, spoken or sent: not a tap
        verdict = context.services.flood.check(user.id, message)
        if verdict == "ok":
            return  # the normal case: go on to the dialogs
        if verdict == "warn" and message:  # what they wrote or said is not read: say so
            text = context._(
                "Whoa, that was a lot at once 🙂 Your last message did not get through."
                " Wait a moment, then send it again."
            )
            await context.bot.send_message(chat.id, text)
        elif verdict == "warn":
            text = context._(
                "Whoa, that was a lot at once 🙂 Wait a moment, then I'm ready again."
            )
            await context.bot.send_message(chat.id, text)
        # A tap still gets words (an empty toast looks like a dead button).
        await context.answer_query(update, context._("Wait a moment, then I'm ready again."))
        raise ApplicationHandlerStop
    if update.callback_query is not None:
        await context.answer_query(update, context._("Please write to me in a private chat."))
    elif user is not None and not user.is_bot and update.message and update.message.text:
        link = f"https://t.me/{context.bot.username}"
        text = context._("Please write to me in a private chat: {link}", link=link)
        await update.message.reply_text(text)
    raise ApplicationHandlerStop


# Registered before every other handler, in their own groups (see bot/app.py).
GUARD_HANDLERS = [TypeHandler(Update, on_not_private)]
END_DIALOG_HANDLERS = [MessageHandler(filters.TEXT, end_dialog)]

HANDLERS = [
    CommandHandler(["hjaelp", "help"], cmd_help),
    MessageHandler(filters.COMMAND, cmd_help),  # an unknown command gets help
    MessageHandler(filters.TEXT, on_text),
    MessageHandler(filters.ALL & ~filters.StatusUpdate.ALL, on_other_message),
    CallbackQueryHandler(on_unknown_button),  # last: everything no dialog claimed
]
