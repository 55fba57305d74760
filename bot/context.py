"""Per-update context: typed access to the services and to the current user and language."""

from __future__ import annotations

from dataclasses import dataclass, field

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.access import NOBODY, Access, load_access
from bot.clock import Clock
from bot.config import Config
from bot.flood import FloodGuard
from bot.i18n import Translator, translator
from bot.reminders import Dispatcher, ReminderPolicy
from bot.store import Store
from bot.store.people import User


@dataclass
class Services:
    """What every handler may use; the database and dispatcher are set up in post_init."""

    config: Config
    clock: Clock
    planner: ReminderPolicy
    store: Store | None = field(default=None)
    dispatcher: Dispatcher | None = field(default=None)
    flood: FloodGuard = field(default_factory=FloodGuard)
    speech: bool = False  # espeak-ng and opusenc are here: cards can be read aloud

    def wake_dispatcher(self) -> None:
        """Something due now was written (a promotion, a notice): send it without waiting."""
        if self.dispatcher is not None:
            self.dispatcher.wake()


class BotContext(
    CallbackContext[ExtBot[None], dict[object, object], dict[object, object], dict[str, object]]
):
    """CallbackContext with the services, the user (set by the middleware) and their `_`."""

    def __init__(
        self,
        application: Application,  # type: ignore[type-arg]
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id, user_id)
        self.user: User | None = None
        self._tr: Translator | None = None
        self._answered = False
        self._access: Access | None = None

    @property
    def services(self) -> Services:
        services = self.bot_data["services"]
        assert isinstance(services, Services)
        return services

    @property
    def config(self) -> Config:
        return self.services.config

    @property
    def store(self) -> Store:
        store = self.services.store
        if store is None:
            raise RuntimeError("database is not open")
        return store

    def now(self) -> int:
        return self.services.clock.now()

    @property
    def _(self) -> Translator:
        if self._tr is None:
            locale = self.user.locale if self.user else self.config.bot.default_locale
            if locale not in self.config.bot.locales:
                locale = self.config.bot.default_locale
            self._tr = translator(locale)
        return self._tr

    async def access(self) -> Access:
        """What the current user may do, read from the database once per update."""
        if self._access is None:
            if self.user is None:
                return NOBODY
            self._access = await load_access(self.store, self.config, self.user.id)
        return self._access

    async def answer_query(self, update: Update, toast: str | None = None) -> None:
        """Answer the update's button tap, once (Telegram refuses a second answer); a `toast`
        pops up briefly on the phone without changing any message."""
        if update.callback_query is not None and not self._answered:
            self._answered = True
            await update.callback_query.answer(toast)

    def set_locale(self, locale: str) -> None:
        """Switch this update's language (after the user chose another)."""
        self._tr = translator(locale)


async def load_user(update: object, context: BotContext) -> None:
    """Middleware: load the person behind an update before any dialog runs. Only a message or a
    tap creates a person: Telegram also sends `my_chat_member` when someone blocks the bot or
    deletes the chat (often right after /slet_mig), and that must not store them again."""
    if not isinstance(update, Update) or update.effective_user is None:
        return
    person = update.effective_user
    if update.message is None and update.callback_query is None:
        context.user = await context.store.people.find(person.id)
        return
    context.user = await context.store.people.touch(
        person.id,
        (person.first_name or "")[:64],
        context.config.bot.default_locale,
        context.now(),
    )
