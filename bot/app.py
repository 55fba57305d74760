"""Application wiring: the routing table, start-up and shutdown, the error handler."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from telegram import BotCommand, InlineKeyboardMarkup, LinkPreviewOptions, Update
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

from bot import media
from bot.clock import Clock, SystemClock
from bot.config import Config
from bot.context import BotContext, Services, load_user
from bot.delivery import Delivery
from bot.i18n import N_, load_all, translator
from bot.reminders import Dispatcher, ReminderPolicy, Renderers
from bot.store import Store
from bot.store.broadcasts import BroadcastJob, BroadcastStatus
from bot.store.notifications import Notice
from dialogs import (
    attendance,
    broadcast,
    browse,
    card_edits,
    closures,
    counts,
    extras,
    fixed,
    line,
    menu,
    mine,
    notices,
    onboarding,
    privacy,
    roles,
    settings,
    signup,
    staff,
)
from dialogs.roles import USER_COMMANDS

logger = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
TICK_S = 30  # the dispatcher's safety tick: due rows go out even if an alarm was missed
STOP_GRACE_S = 3  # on SIGTERM, how long messages on their way may take to finish
RETENTION_EVERY_S = 86400  # forgetting inactive people and old announcements: daily
RETENTION_FIRST_S = 600  # ...starting ten minutes after start-up
SERIES_EVERY_S = 86400  # making weekly activities' dates on the window ahead: daily (and at start)

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
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    background: bool = True,
) -> Application:  # type: ignore[type-arg]
    """Build the bot: every handler in one ordered table, services, start-up and shutdown.

    `clock` and `sleep` are for tests; with `background=False` nothing runs on its own (tests
    call the dispatcher themselves).
    """
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
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
    )
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    app = builder.build()
    app.bot_data["services"] = Services(
        config=config, clock=clock or SystemClock(), planner=ReminderPolicy.from_config(config)
    )
    app.bot_data["options"] = (sleep, background)

    # Order matters. Group -3: only private chats with people go further.
    app.add_handlers(menu.GUARD_HANDLERS, group=-3)
    # Group -2: load the user (and their language) before any dialog.
    app.add_handler(TypeHandler(Update, load_user), group=-2)
    # Group -1: a command or menu button ends a staff dialog still waiting for typed text.
    app.add_handlers(menu.END_DIALOG_HANDLERS, group=-1)
    # The line to staff: a voice message to staff (group -1); kept messages out (group 1).
    app.add_handlers(line.HOOKS)
    # Group 0: the dialogs; the menu's catch-alls (stray text, old buttons) come last.
    dialogs = (
        onboarding,
        browse,
        signup,
        mine,
        settings,
        notices,
        staff,
        card_edits,
        broadcast,
        roles,
        counts,
        attendance,
        privacy,
        extras,
        line,
        closures,
        fixed,
    )
    for module in (*dialogs, menu):
        app.add_handlers(module.HANDLERS)
    app.add_error_handler(on_error)
    return app


async def _post_init(app: Application) -> None:  # type: ignore[type-arg]
    services: Services = app.bot_data["services"]
    sleep, background = app.bot_data["options"]
    config = services.config
    store = services.store = await Store.open(config.database.path)
    await store.set_setting("bot_username", app.bot.username)
    await _describe_bot(app, config)
    why_not = media.speech_available()
    services.speech = why_not is None
    if why_not:
        logger.warning("reading cards aloud is off: %s", why_not)
    unknown = await store.notifications.reset_interrupted()
    unknown += await store.broadcasts.reset_interrupted()
    if unknown:
        logger.warning("%d messages were being sent at the last stop: marked unknown", unknown)
    await extend_series(services)
    delivery = Delivery(app.bot, config.broadcast.rate_per_second, sleep=sleep)
    workers = max(4, math.ceil(config.broadcast.rate_per_second / 5))
    services.dispatcher = Dispatcher(
        store,
        delivery,
        services.clock,
        _renderer(config, services),
        workers=workers,
        admins=config.bot.admins,
    )
    if background:
        assert app.job_queue is not None
        app.job_queue.run_repeating(_wake, interval=TICK_S, first=TICK_S, name="notify-tick")
        app.job_queue.run_repeating(
            _retention, interval=RETENTION_EVERY_S, first=RETENTION_FIRST_S, name="retention"
        )
        app.job_queue.run_repeating(
            _series, interval=SERIES_EVERY_S, first=SERIES_EVERY_S, name="series"
        )
        arm = partial(_arm, app, services)
        app.bot_data["dispatcher_task"] = asyncio.create_task(
            services.dispatcher.run_forever(arm), name="dispatcher"
        )


def _renderer(config: Config, services: Services) -> Renderers:
    def notice(item: Notice) -> tuple[str, InlineKeyboardMarkup | None]:
        screen = notices.render(
            item, config.bot.default_locale, config.bot.timezone, services.clock.now()
        )
        return screen.text, screen.keyboard

    def progress(status: BroadcastStatus) -> tuple[str, InlineKeyboardMarkup | None]:
        screen = broadcast.render_progress(status)
        return screen.text, screen.keyboard

    def delivery(job: BroadcastJob) -> str:
        return broadcast.render_delivery(job, config.bot.default_locale)

    return Renderers(notice, delivery, progress)


def _arm(app: Application, services: Services, due: int | None) -> None:  # type: ignore[type-arg]
    """Wake the dispatcher at the next due instant (replacing the previous alarm)."""
    assert app.job_queue is not None
    for job in app.job_queue.get_jobs_by_name("notify-next"):
        job.schedule_removal()
    if due is not None:
        delay = max(due - services.clock.now(), 0)
        app.job_queue.run_once(_wake, when=delay, name="notify-next")


async def _wake(context: BotContext) -> None:
    context.services.wake_dispatcher()


async def _retention(context: BotContext) -> None:
    await privacy.run_retention(context.services)


async def extend_series(services: Services) -> int:
    """Make the weekly activities' dates up to `[programme] weeks_ahead` ahead (idempotent)."""
    assert services.store is not None
    made = await services.store.series.extend(
        services.clock.now(),
        services.config.programme.weeks_ahead,
        services.planner,
        services.config.programme.fixed_share,
    )
    if made:
        logger.info("series: made %d new dates", made)
    return made


async def _series(context: BotContext) -> None:
    await extend_series(context.services)


async def _post_stop(app: Application) -> None:  # type: ignore[type-arg]
    """Stop the background dispatcher: messages on their way get a few seconds to finish and
    be recorded; whatever is still unfinished then becomes 'unknown' at the next start."""
    task = app.bot_data.pop("dispatcher_task", None)
    services: Services = app.bot_data["services"]
    if task is None:
        return
    if services.dispatcher is not None:
        services.dispatcher.stop()
    try:
        await asyncio.wait_for(asyncio.shield(task), STOP_GRACE_S)
    except (TimeoutError, asyncio.CancelledError):
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _post_shutdown(app: Application) -> None:  # type: ignore[type-arg]
    await _post_stop(app)  # in case the application was never started or stopped
    services: Services = app.bot_data["services"]
    if services.store is not None:
        await services.store.close()
        services.store = None


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
