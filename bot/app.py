"""Application wiring: the routing table, start-up and shutdown, the error handler."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    BaseUpdateProcessor,
    ContextTypes,
    Defaults,
    TypeHandler,
)
from telegram.request import BaseRequest

from bot.clock import Clock, SystemClock
from bot.config import Config
from bot.context import BotContext, Services, load_user
from bot.db import Database
from bot.i18n import N_, load_all, translator
from dialogs import browse, menu, mine, onboarding, settings, signup

logger = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]

# The user command menu: (Danish command, English command, description).
USER_COMMANDS = (
    ("aktiviteter", "activities", N_("See what's on")),
    ("mine", "my", N_("My sign-ups")),
    ("sprog", "language", N_("Language and centres")),
    ("hjaelp", "help", N_("Help")),
)
DESCRIPTION = N_(
    "Hi! I show you what's on at your centre (værested) and across the country."
    " Sign up with one tap, and I will remind you. Press Start to begin."
)
SHORT_DESCRIPTION = N_("See what's on at your centre and sign up with one tap.")


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Updates of one chat run in order; different chats run in parallel."""

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = 0
        if isinstance(update, Update) and update.effective_chat is not None:
            key = update.effective_chat.id
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._locks[key]

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


def build_application(
    config: Config,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    clock: Clock | None = None,
) -> Application:  # type: ignore[type-arg]
    """Build the bot: every handler in one ordered table, services, start-up and shutdown."""
    load_all(config.bot.locales)
    # httpx logs every request URL at INFO, and the URL contains the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    builder = (
        Application.builder()
        .token(config.telegram.token)
        .base_url(config.telegram.base_url)
        .base_file_url(config.telegram.base_file_url)
        .context_types(ContextTypes(context=BotContext))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .concurrent_updates(PerChatUpdateProcessor())
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    app = builder.build()
    app.bot_data["services"] = Services(config=config, clock=clock or SystemClock())

    # Order matters. Group -2: only private chats with people go further.
    app.add_handlers(menu.GUARD_HANDLERS, group=-2)
    # Group -1: load the user (and their language) before any dialog.
    app.add_handler(TypeHandler(Update, load_user), group=-1)
    # Group 0: the dialogs; the menu's catch-alls (stray text, old buttons) come last.
    for module in (onboarding, browse, signup, mine, settings, menu):
        app.add_handlers(module.HANDLERS)
    app.add_error_handler(on_error)
    return app


async def _post_init(app: Application) -> None:  # type: ignore[type-arg]
    services: Services = app.bot_data["services"]
    services.database = await Database.open(services.config.database.path)
    await services.database.set_setting("bot_username", app.bot.username)
    await _describe_bot(app, services.config)


async def _post_shutdown(app: Application) -> None:  # type: ignore[type-arg]
    services: Services = app.bot_data["services"]
    if services.database is not None:
        await services.database.close()
        services.database = None


async def _describe_bot(app: Application, config: Config) -> None:  # type: ignore[type-arg]
    """Set what a person sees before pressing Start, and the command menu, in each language."""
    for locale in config.bot.locales:
        _ = translator(locale)
        # The default language also serves every Telegram language we have no catalogue for.
        code = None if locale == config.bot.default_locale else locale
        commands = [
            BotCommand(da if locale == "da" else en, _(text)) for da, en, text in USER_COMMANDS
        ]
        try:
            await app.bot.set_my_commands(commands, language_code=code)
            await app.bot.set_my_description(_(DESCRIPTION), language_code=code)
            await app.bot.set_my_short_description(_(SHORT_DESCRIPTION), language_code=code)
        except TelegramError as exc:
            logger.warning("could not set the bot's menu and description (%s): %s", locale, exc)


def describe(update: object) -> str:
    """A log-safe summary of an update: ids and kind, never the text a person wrote."""
    if not isinstance(update, Update):
        return repr(type(update).__name__)
    user = update.effective_user.id if update.effective_user else None
    if update.callback_query is not None:
        kind = f"button {update.callback_query.data!r}"
    elif update.message is not None and update.message.text is not None:
        kind = "command" if update.message.text.startswith("/") else "text"
    else:
        kind = "other"
    return f"update {update.update_id} from user {user} ({kind})"


async def on_error(update: object, context: BotContext) -> None:
    """Log with context, then tell the person kindly; never let a handler fail silently."""
    logger.error("%s failed", describe(update), exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != ChatType.PRIVATE:
        return
    try:
        await context.bot.send_message(
            update.effective_chat.id, context._("Something went wrong – please try again.")
        )
    except TelegramError as exc:
        logger.warning("could not tell the user about the error: %s", exc)
    if update.callback_query is not None:
        # The error handler gets a fresh context, so it cannot know whether the tap was answered.
        try:
            await update.callback_query.answer()
        except TelegramError:
            pass  # answered already: nothing is lost
