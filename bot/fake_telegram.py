"""An in-process fake of the Telegram Bot API at the HTTP boundary, for tests, benchmarks and demos.

python-telegram-bot's real request layer talks to it through `httpx.MockTransport`, so PTB's
encoding, defaults and error mapping all run. The fake keeps chats and messages, applies edits,
and checks what Telegram checks, each rule quoted from the Bot API documentation
(https://core.telegram.org/bots/api) where it is enforced: HTML parsed as Telegram parses it, text
1–4096 characters and captions ≤ 1024 after parsing, callback data 1–64 bytes, toasts ≤ 200
characters, command names and descriptions, at most 100 buttons a keyboard, every button tap
answered exactly once, "message is not modified", no text edit of a voice message, file or
photo. It can be told to fail.

People speak through `FakeUser`: `await alice.send("/start")`, `await alice.tap("Tilmeld mig")`,
`alice.last_text()`.
"""

from __future__ import annotations

import asyncio
import collections
import html
import itertools
import json
import random
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx
from telegram import Update
from telegram.ext import Application
from telegram.request import HTTPXRequest

TOKEN = "123456:TEST-TOKEN"
BOT_ID = 1000
BOT_USERNAME = "vaerested_test_bot"
CHAOS_METHODS = {
    "sendMessage",
    "editMessageText",
    "answerCallbackQuery",
    "sendPhoto",
    "sendVoice",
    "sendDocument",
}
# Bot API, "Formatting options" → "HTML style": "The following tags are currently supported:
# <b>, <strong>, <i>, <em>, <u>, <ins>, <s>, <strike>, <del>, <span class="tg-spoiler">,
# <tg-spoiler>, <a href="…">, <tg-emoji emoji-id="…">, <tg-time unix="…" format="…">, <code>,
# <pre>, <pre><code class="language-…">, <blockquote>, <blockquote expandable>" and "Only the tags
# mentioned above are currently supported."
_FORMATTING = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler"}
_OTHER = {"a", "code", "pre", "tg-emoji", "tg-time"}
_TAGS = _FORMATTING | _OTHER | {"blockquote"}
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>")
_ATTRIBUTE = re.compile(
    r"\s+([a-zA-Z][a-zA-Z0-9-]*)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?"
)
# "All numerical HTML entities are supported." and "The API currently supports only the
# following named HTML entities: &lt;, &gt;, &amp; and &quot;."
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
# "Date-time entity formatting": the format "must adhere to the regular expression r|w?[dD]?[tT]?"
_TIME_FORMAT = re.compile(r"r|w?[dD]?[tT]?")
# sendMessage: "text: Text of the message to be sent, 1-4096 characters after entities parsing";
# sendPhoto/sendVoice/sendDocument: "caption: … 0-1024 characters after entities parsing".
TEXT_MAX = 4096
CAPTION_MAX = 1024
# answerCallbackQuery: "text: Text of the notification. If not specified, nothing will be shown
# to the user, 0-200 characters".
TOAST_MAX = 200
# InlineKeyboardButton: "callback_data: Data to be sent in a callback query to the bot when the
# button is pressed, 1-64 bytes".
CALLBACK_DATA_MAX = 64
# InlineKeyboardMarkup/ReplyKeyboardMarkup: Telegram takes at most 100 buttons in one keyboard
# (tginfo/Telegram-Limits, "Keyboard buttons number: up to 100 entities"); over it the Bot API
# answers "Bad Request: reply markup is too long".
KEYBOARD_BUTTONS_MAX = 100
# BotCommand: "command: Text of the command; 1-32 characters. Can contain only lowercase English
# letters, digits and underscores." "description: Description of the command; 1-256 characters."
# setMyCommands: "commands: … At most 100 commands can be specified."
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
COMMAND_DESCRIPTION_MAX = 256
COMMANDS_MAX = 100
# setMyDescription: "description: New bot description; 0-512 characters."
# setMyShortDescription: "short_description: New short description for the bot; 0-120
# characters."
DESCRIPTION_MAX = 512
SHORT_DESCRIPTION_MAX = 120


class ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after


@dataclass
class FakeMessage:
    chat_id: int
    message_id: int
    html: str
    text: str
    reply_markup: dict[str, Any] | None
    from_bot: bool
    kind: str = "text"
    file_id: str = ""
    file_bytes: bytes = b""

    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback data) of every inline button, top to bottom."""
        if not self.reply_markup or "inline_keyboard" not in self.reply_markup:
            return []
        return [
            (b["text"], b.get("callback_data", ""))
            for row in self.reply_markup["inline_keyboard"]
            for b in row
        ]


@dataclass
class Failure:
    code: int
    description: str
    retry_after: int | None = None
    exception: type[Exception] | None = None


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    url: str


def _entities_error(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: can't parse entities: {reason}")


def _open_tag(tag: str, attributes: str, stack: list[str]) -> None:
    """Check a start tag, its attributes and where it stands, as the HTML style allows."""
    values: dict[str, str] = {}
    rest = _ATTRIBUTE.sub("", attributes).strip().removesuffix("/").strip()
    if rest:
        raise _entities_error(f'Can\'t parse attributes of the tag "{tag}"')
    for match in _ATTRIBUTE.finditer(attributes):
        values[match.group(1).lower()] = html.unescape((match.group(2) or "").strip("\"'"))
    if tag == "span" and values.get("class") != "tg-spoiler":
        raise _entities_error('Tag "span" must have class "tg-spoiler"')
    if tag == "a" and not values.get("href"):
        raise _entities_error('Tag "a" must have an href')  # <a href="http://…">inline URL</a>
    if tag == "tg-emoji" and not (values.get("emoji-id", "").isdigit()):
        raise _entities_error("Invalid custom emoji identifier specified")
    if tag == "tg-time" and not (
        values.get("unix", "").isdigit() and _TIME_FORMAT.fullmatch(values.get("format", ""))
    ):
        raise _entities_error('Tag "tg-time" needs unix="…" and a valid format')
    # "Use nested pre and code tags, to define programming language for pre entity." and
    # "Programming language can't be specified for standalone code tags."
    if (
        tag == "code"
        and "class" in values
        and (not values["class"].startswith("language-") or stack[-1:] != ["pre"])
    ):
        raise _entities_error("Programming language can be given only to <pre><code>")
    # "Message entities can be nested, providing following restrictions are met: … bold,
    # italic, underline, strikethrough, and spoiler entities can contain and can be part of any
    # other entities, except pre and code. blockquote and expandable_blockquote entities can't
    # be nested. All other entities can't contain each other."
    inside = set(stack)
    if inside & {"pre", "code"} and not (tag == "code" and stack[-1:] == ["pre"]):
        raise _entities_error(f'Tag "{tag}" can\'t be inside pre or code')
    if tag == "blockquote" and "blockquote" in inside:
        raise _entities_error("blockquote entities can't be nested")
    if tag in _OTHER and inside & _OTHER and not (tag == "code" and stack[-1:] == ["pre"]):
        raise _entities_error(f'Tag "{tag}" can\'t be inside {min(inside & _OTHER)}')


def check_html(raw: str) -> str:
    """Parse Telegram HTML strictly; return the plain text or raise ApiError like Telegram.

    Bot API, "HTML style": only the supported tags, properly nested ("If two entities have
    common characters, then one of them is fully contained inside another."); "All <, > and &
    symbols that are not a part of a tag or an HTML entity must be replaced with the
    corresponding HTML entities"."""
    stack: list[str] = []
    plain: list[str] = []
    pos = 0
    for match in _TAG.finditer(raw):
        plain.append(raw[pos : match.start()])
        pos = match.end()
        closing, tag, attributes = match.group(1) == "/", match.group(2).lower(), match.group(3)
        if tag not in _TAGS:
            raise _entities_error(f'Unsupported start tag "{tag}"')
        if closing:
            if attributes.strip():
                raise _entities_error(f'Unexpected attributes in end tag "{tag}"')
            if not stack:
                raise _entities_error(f'Unexpected end tag "{tag}"')
            if stack[-1] != tag:
                raise _entities_error(
                    f'Unmatched end tag, expected "</{stack[-1]}>", found "</{tag}>"'
                )
            stack.pop()
        else:
            _open_tag(tag, attributes, stack)
            stack.append(tag)
    plain.append(raw[pos:])
    if stack:
        raise _entities_error(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    text = "".join(plain)
    if "<" in text or ">" in text:
        raise _entities_error("Unexpected < or > in text: write &lt; and &gt;")
    if "&" in _ENTITY.sub("", text):
        raise _entities_error("Unescaped & in text: write &amp;")
    return html.unescape(text)


def length(text: str) -> int:
    """Characters as Telegram counts them (UTF-16 code units: an emoji may be two)."""
    return len(text.encode("utf-16-le")) // 2


class FakeTelegram:
    """The fake Bot API server; hand `request()` objects to build_application."""

    def __init__(
        self, token: str = TOKEN, *, rate_limit: float | None = None, latency: float = 0.0
    ) -> None:
        self.token = token
        self.latency = latency  # seconds each request takes, as over a network
        # Like Telegram: more than `rate_limit` messages in any second get 429 retry_after 1.
        self.rate_limit = rate_limit
        self._recent: collections.deque[float] = collections.deque()
        self.too_many = 0
        self.sent_times: list[float] = []  # perf_counter() of each message sent, for benchmarks
        self.chaos_rate = 0.0  # the share of requests that fail at random (see `chaos`)
        self._chaos = random.Random(0)
        self.chaos_log: list[tuple[str, str]] = []
        self.calls: list[Call] = []
        self.messages: dict[int, list[FakeMessage]] = {}
        self.reply_keyboards: dict[int, dict[str, Any]] = {}
        self.blocked: set[int] = set()
        self.chats: dict[int, dict[str, Any]] = {}
        self.open_queries: set[str] = set()
        self.failures: dict[str, list[Failure]] = {}
        self.bot_settings: dict[tuple[str, Any], Any] = {}
        self.touched: dict[int, list[FakeMessage]] = {}
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(1)
        self._pending: list[dict[str, Any]] = []
        self._new_update = asyncio.Event()
        self.app: Application | None = None  # type: ignore[type-arg]

    # -- wiring ---------------------------------------------------------------------------

    def request(self) -> HTTPXRequest:
        """A PTB request object whose HTTP goes to this fake."""
        return HTTPXRequest(
            connection_pool_size=64,
            httpx_kwargs={"transport": httpx.MockTransport(self.handle)},
        )

    def attach(self, app: Application) -> None:  # type: ignore[type-arg]
        """Deliver updates to `app` directly, through its update processor."""
        self.app = app

    def user(self, user_id: int, first_name: str = "Jens", language_code: str = "da") -> FakeUser:
        """A person with a private chat with the bot."""
        self.chats[user_id] = {"id": user_id, "type": "private", "first_name": first_name}
        self.messages.setdefault(user_id, [])
        return FakeUser(self, user_id, first_name, language_code)

    def fail(
        self,
        method: str,
        code: int = 400,
        description: str = "Bad Request: injected",
        *,
        retry_after: int | None = None,
        exception: type[Exception] | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls of `method` fail like Telegram (or raise `exception`)."""
        self.failures.setdefault(method, []).extend(
            Failure(code, description, retry_after, exception) for _ in range(times)
        )

    def chaos(self, rate: float, seed: int = 1) -> None:
        """Fail `rate` of the sending requests at random: 500s, 429s, refused connections and
        timeouts (half of which Telegram had carried out anyway)."""
        self.chaos_rate = rate
        self._chaos = random.Random(seed)

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    # -- the HTTP side --------------------------------------------------------------------

    async def handle(self, request: httpx.Request) -> httpx.Response:
        prefix = f"/bot{self.token}/"
        path = request.url.path
        if prefix not in path:
            return _response(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        method = path.split(prefix, 1)[1]
        params = _params(request)
        if self.latency and method != "getUpdates":
            await asyncio.sleep(self.latency)
        self.calls.append(Call(method, params, str(request.url)))
        if self.chaos_rate and method in CHAOS_METHODS and self._chaos.random() < self.chaos_rate:
            kind = self._chaos.choice(("500", "429", "timeout", "refused"))
            self.chaos_log.append((method, kind))
            if kind == "timeout":  # the request may have been processed: Telegram did it
                if self._chaos.random() < 0.5:
                    handler = getattr(self, "_api_" + method, None)
                    try:
                        result = handler(params) if handler else None
                        if asyncio.iscoroutine(result):
                            await result
                    except ApiError:
                        pass
                raise httpx.ReadTimeout("chaos")
            if kind == "refused":
                raise httpx.ConnectError("chaos")
            if kind == "429":
                return _error(ApiError(429, "Too Many Requests: retry after 1", retry_after=1))
            return _error(ApiError(500, "Internal Server Error"))
        queue = self.failures.get(method)
        if queue:
            failure = queue.pop(0)
            if failure.exception is not None:
                raise failure.exception("injected")
            return _error(ApiError(failure.code, failure.description, failure.retry_after))
        handler = getattr(self, "_api_" + method, None)
        if handler is None:
            return _response(200, {"ok": True, "result": True})
        try:
            result = handler(params)
            if asyncio.iscoroutine(result):
                result = await result
        except ApiError as exc:
            return _error(exc)
        return _response(200, {"ok": True, "result": result})

    def _api_getMe(self, p: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Værestedet",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _chat(self, p: dict[str, Any]) -> int:
        chat_id = int(p["chat_id"])
        if chat_id not in self.chats:
            raise ApiError(400, "Bad Request: chat not found")
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    def _markup(self, p: dict[str, Any], chat_id: int) -> dict[str, Any] | None:
        markup = p.get("reply_markup")
        if markup is None:
            return None
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        if sum(len(row) for row in rows) > KEYBOARD_BUTTONS_MAX:
            raise ApiError(400, "Bad Request: reply markup is too long")
        if "inline_keyboard" in markup:
            for row in markup["inline_keyboard"]:
                for b in row:
                    if not b.get("text"):
                        raise ApiError(400, "Bad Request: text buttons are unallowed")
                    data = b.get("callback_data")
                    if data is not None and not 1 <= len(data.encode()) <= CALLBACK_DATA_MAX:
                        raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            return dict(markup)
        if "keyboard" in markup:
            self.reply_keyboards[chat_id] = markup
        return None

    def _text(self, p: dict[str, Any], key: str = "text") -> tuple[str, str]:
        raw = str(p.get(key, ""))
        plain = check_html(raw) if p.get("parse_mode") == "HTML" else raw
        if key == "text" and not plain.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if key == "text" and length(plain) > TEXT_MAX:
            raise ApiError(400, "Bad Request: message is too long")
        if key == "caption" and length(plain) > CAPTION_MAX:
            raise ApiError(400, "Bad Request: message caption is too long")
        return raw, plain

    def _store(self, msg: FakeMessage) -> dict[str, Any]:
        self.messages.setdefault(msg.chat_id, []).append(msg)
        self.touched.setdefault(msg.chat_id, []).append(msg)
        return self._message_json(msg)

    def _message_json(self, msg: FakeMessage) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": msg.message_id,
            "date": int(time.time()),
            "chat": self.chats.get(msg.chat_id, {"id": msg.chat_id, "type": "private"}),
        }
        if msg.kind == "text":
            data["text"] = msg.text
        elif msg.text:  # a photo, voice message or file has a caption, never a text
            data["caption"] = msg.text
        if msg.kind == "photo":
            data["photo"] = [
                {"file_id": msg.file_id, "file_unique_id": "u", "width": 1, "height": 1}
            ]
        elif msg.kind == "document":
            data["document"] = {"file_id": msg.file_id, "file_unique_id": "u"}
        elif msg.kind == "voice":
            data["voice"] = {"file_id": msg.file_id, "file_unique_id": "u", "duration": 1}
        if msg.from_bot:
            data["from"] = self._api_getMe({})
        if msg.reply_markup:
            data["reply_markup"] = msg.reply_markup
        return data

    def _api_sendMessage(self, p: dict[str, Any]) -> dict[str, Any]:
        self._limit()
        chat_id = self._chat(p)
        raw, plain = self._text(p)
        markup = self._markup(p, chat_id)
        self.sent_times.append(time.perf_counter())
        return self._store(FakeMessage(chat_id, next(self._ids), raw, plain, markup, True))

    def _limit(self) -> None:
        if self.rate_limit is None:
            return
        now = time.monotonic()
        while self._recent and self._recent[0] <= now - 1.0:
            self._recent.popleft()
        if len(self._recent) >= self.rate_limit:
            self.too_many += 1
            raise ApiError(429, "Too Many Requests: retry after 1", retry_after=1)
        self._recent.append(now)

    def _media(self, p: dict[str, Any], kind: str) -> dict[str, Any]:
        self._limit()
        chat_id = self._chat(p)
        raw, plain = self._text(p, "caption")
        markup = self._markup(p, chat_id)
        self.sent_times.append(time.perf_counter())
        msg = FakeMessage(chat_id, next(self._ids), raw, plain, markup, True, kind=kind)
        media = p.get(kind, "")
        if isinstance(media, str) and media.startswith("attach://"):
            media = p.get(media.removeprefix("attach://"), b"")
        if isinstance(media, bytes):  # an upload: keep the bytes, give it an id
            msg.file_bytes, msg.file_id = media, f"upload-{msg.message_id}"
        else:
            msg.file_id = str(media)
        return self._store(msg)

    def _api_sendPhoto(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._media(p, "photo")

    def _api_sendVoice(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._media(p, "voice")

    def _api_sendDocument(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._media(p, "document")

    def _find(self, p: dict[str, Any]) -> FakeMessage:
        chat_id = self._chat(p)
        message_id = int(p["message_id"])
        for msg in self.messages.get(chat_id, []):
            if msg.message_id == message_id:
                return msg
        raise ApiError(400, "Bad Request: message to edit not found")

    def _api_editMessageText(self, p: dict[str, Any]) -> dict[str, Any]:
        msg = self._find(p)
        if not msg.from_bot:
            raise ApiError(400, "Bad Request: message can't be edited")
        # Bot API, editMessageText: "Use this method to edit text and game messages." A voice
        # message, file or photo has no text (a caption is not one): Telegram refuses.
        if msg.kind != "text":
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        raw, plain = self._text(p)
        markup = self._markup(p, msg.chat_id)
        if raw == msg.html and markup == msg.reply_markup:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message"
                " content and reply markup are exactly the same as a current"
                " content and reply markup of the message",
            )
        msg.html, msg.text, msg.reply_markup = raw, plain, markup
        self.touched.setdefault(msg.chat_id, []).append(msg)
        return self._message_json(msg)

    def _api_answerCallbackQuery(self, p: dict[str, Any]) -> bool:
        query_id = str(p["callback_query_id"])
        if query_id not in self.open_queries:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired"
                " or query ID is invalid",
            )
        if length(str(p.get("text") or "")) > TOAST_MAX:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self.open_queries.discard(query_id)
        return True

    def _api_setMyCommands(self, p: dict[str, Any]) -> bool:
        commands = p["commands"]
        if len(commands) > COMMANDS_MAX:
            raise ApiError(400, "Bad Request: BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not _COMMAND.fullmatch(str(command.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= length(str(command.get("description", ""))) <= COMMAND_DESCRIPTION_MAX:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.bot_settings[("commands", p.get("language_code"))] = commands
        return True

    def _api_setMyDescription(self, p: dict[str, Any]) -> bool:
        if length(str(p.get("description") or "")) > DESCRIPTION_MAX:
            raise ApiError(400, "Bad Request: BOT_ABOUT_TOO_LONG")
        self.bot_settings[("description", p.get("language_code"))] = p.get("description")
        return True

    def _api_setMyShortDescription(self, p: dict[str, Any]) -> bool:
        if length(str(p.get("short_description") or "")) > SHORT_DESCRIPTION_MAX:
            raise ApiError(400, "Bad Request: BOT_ABOUT_TOO_LONG")
        self.bot_settings[("short_description", p.get("language_code"))] = p.get(
            "short_description"
        )
        return True

    async def _api_getUpdates(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(p.get("offset", 0) or 0)
        self._pending = [u for u in self._pending if u["update_id"] >= offset]
        if not self._pending:
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), float(p.get("timeout", 0) or 0))
            except TimeoutError:
                pass
        return list(self._pending)

    # -- the people's side ----------------------------------------------------------------

    async def deliver(self, data: dict[str, Any]) -> None:
        """Hand an update to the attached application (or queue it for getUpdates)."""
        data["update_id"] = next(self._update_ids)
        if self.app is None:
            self._pending.append(data)
            self._new_update.set()
            return
        update = Update.de_json(data, self.app.bot)
        await self.app.update_processor.process_update(update, self.app.process_update(update))

    def messages_from_bot(self) -> list[FakeMessage]:
        """Every message the bot sent, in every chat."""
        return [m for msgs in self.messages.values() for m in msgs if m.from_bot]

    def unanswered(self) -> set[str]:
        """Button taps the bot never answered (the phone would show a spinner)."""
        return set(self.open_queries)


@dataclass
class FakeUser:
    fake: FakeTelegram
    id: int
    first_name: str
    language_code: str = "da"
    is_bot: bool = False
    _queries: itertools.count = field(default_factory=itertools.count)  # type: ignore[type-arg]

    @property
    def _from(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "is_bot": self.is_bot,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }

    def _message(self, text: str, chat: dict[str, Any]) -> dict[str, Any]:
        msg: dict[str, Any] = {
            "message_id": next(self.fake._ids),
            "date": int(time.time()),
            "chat": chat,
            "from": self._from,
            "text": text,
        }
        if text.startswith("/"):
            msg["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        return msg

    async def send(self, text: str) -> None:
        """Type and send a text (or a /command) in the private chat."""
        msg = self._message(text, self.fake.chats[self.id])
        self.fake.messages[self.id].append(
            FakeMessage(self.id, msg["message_id"], text, text, None, False)
        )
        await self.fake.deliver({"message": msg})

    async def block(self, status: str = "kicked") -> None:
        """Block the bot or delete the chat (`kicked`), or unblock it (`member`): Telegram then
        sends a `my_chat_member` update, not a message."""
        bot_user = {"id": BOT_ID, "is_bot": True, "first_name": "V", "username": BOT_USERNAME}
        new: dict[str, Any] = {"status": status, "user": bot_user}
        old: dict[str, Any] = {"status": "kicked" if status == "member" else "member"}
        for member in (new, old):
            member["user"] = bot_user
            if member["status"] == "kicked":
                member["until_date"] = 0
        await self.fake.deliver(
            {
                "my_chat_member": {
                    "chat": self.fake.chats[self.id],
                    "from": self._from,
                    "date": int(time.time()),
                    "old_chat_member": old,
                    "new_chat_member": new,
                }
            }
        )

    async def send_sticker(self) -> None:
        """Send something that is not text."""
        msg = self._message("", self.fake.chats[self.id])
        del msg["text"]
        msg["sticker"] = {
            "file_id": "s1",
            "file_unique_id": "s1",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
        await self.fake.deliver({"message": msg})

    async def send_photo(self, caption: str = "", file_id: str = "photo-1") -> None:
        """Send a photo (with a caption) in the private chat."""
        msg = self._message("", self.fake.chats[self.id])
        del msg["text"]
        msg["photo"] = [{"file_id": file_id, "file_unique_id": "p", "width": 9, "height": 9}]
        if caption:
            msg["caption"] = caption
        await self.fake.deliver({"message": msg})

    async def send_voice(self, caption: str = "", file_id: str = "voice-1") -> None:
        """Send a voice message (with a caption) in the private chat."""
        msg = self._message("", self.fake.chats[self.id])
        del msg["text"]
        msg["voice"] = {"file_id": file_id, "file_unique_id": "v", "duration": 3}
        if caption:
            msg["caption"] = caption
        await self.fake.deliver({"message": msg})

    async def send_in_group(self, text: str, group_id: int = -100) -> None:
        """Write in a group the bot is a member of."""
        chat = {"id": group_id, "type": "group", "title": "Værested-gruppen"}
        self.fake.chats.setdefault(group_id, chat)
        self.fake.messages.setdefault(group_id, [])
        await self.fake.deliver({"message": self._message(text, chat)})

    async def press(self, label: str) -> None:
        """Press a button of the menu keyboard under the text field."""
        keyboard = self.fake.reply_keyboards.get(self.id)
        labels = [
            b["text"] if isinstance(b, dict) else b
            for row in (keyboard or {}).get("keyboard", [])
            for b in row
        ]
        if label not in labels:
            raise AssertionError(f"no menu button {label!r}; the menu has {labels}")
        await self.send(label)

    async def tap(self, label: str, message: FakeMessage | None = None) -> None:
        """Tap the inline button whose label contains `label` (on the newest message having one)."""
        candidates = [message] if message else reversed(self.bot_messages())
        for msg in candidates:
            found = [data for text, data in msg.buttons() if label in text]
            if len(found) > 1:
                raise AssertionError(f"{len(found)} buttons match {label!r}: {msg.buttons()}")
            if found:
                return await self.tap_data(found[0], msg)
        raise AssertionError(
            f"no button {label!r}; last screen: {self.last_text()!r}"
            f" {self.last_message().buttons() if self.bot_messages() else ''}"
        )

    async def tap_data(self, data: str, message: FakeMessage | None = None) -> None:
        """Send a button tap with any data (forged, stale) on a message (default: the last)."""
        msg = message or self.bot_messages()[-1]
        query_id = f"{self.id}-{next(self._queries)}"
        self.fake.open_queries.add(query_id)
        await self.fake.deliver(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self._from,
                    "chat_instance": str(self.id),
                    "data": data,
                    "message": self.fake._message_json(msg),
                }
            }
        )

    def bot_messages(self) -> list[FakeMessage]:
        return [m for m in self.fake.messages.get(self.id, []) if m.from_bot]

    def last_message(self) -> FakeMessage:
        """The bot message most recently sent or edited in this chat."""
        touched = self.fake.touched.get(self.id)
        if not touched:
            raise AssertionError("the bot has not written to this user")
        return touched[-1]

    def last_text(self) -> str:
        return self.last_message().text

    def texts(self) -> list[str]:
        """Every bot message's current text, oldest first."""
        return [m.text for m in self.bot_messages()]

    def menu(self) -> list[str]:
        """The labels of the menu keyboard the user currently has."""
        keyboard = self.fake.reply_keyboards.get(self.id, {})
        return [
            b["text"] if isinstance(b, dict) else b
            for row in keyboard.get("keyboard", [])
            for b in row
        ]


async def serve(fake: FakeTelegram, host: str = "127.0.0.1", port: int = 0) -> asyncio.Server:
    """Serve the fake over real HTTP on this machine, for a bot running as its own process
    (`[telegram] base_url = "http://127.0.0.1:<port>/bot"`)."""

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target, _version = lines[0].split(" ", 2)
                headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
                length = int(headers.get("Content-Length") or headers.get("content-length") or 0)
                body = await reader.readexactly(length) if length else b""
                request = httpx.Request(
                    method, f"http://{host}{target}", headers=headers, content=body
                )
                try:
                    response = await fake.handle(request)
                    status, content = response.status_code, response.content
                except httpx.TransportError:  # an injected network failure: hang up
                    writer.close()
                    return
                writer.write(
                    f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(content)}\r\n\r\n".encode()
                    + content
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        except asyncio.CancelledError:
            # Shutting down mid long-poll. Not re-raised: Python 3.11's stream server would
            # log the cancelled task as an error.
            pass
        finally:
            writer.close()

    return await asyncio.start_server(connection, host, port)


def _params(request: httpx.Request) -> dict[str, Any]:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/"):
        return _multipart(request)
    pairs = parse_qsl(request.content.decode(), keep_blank_values=True)
    return {k: _json_or_str(v) for k, v in pairs}


def _multipart(request: httpx.Request) -> dict[str, Any]:
    boundary = request.headers["content-type"].split("boundary=", 1)[1].encode()
    params: dict[str, Any] = {}
    for part in request.content.split(b"--" + boundary):
        head, _, body = part.partition(b"\r\n\r\n")
        name = re.search(rb'name="([^"]+)"', head)
        if not name:
            continue
        body = body.removesuffix(b"\r\n")
        if b"filename=" in head:
            params[name.group(1).decode()] = body
        else:
            params[name.group(1).decode()] = _json_or_str(body.decode())
    return params


def _json_or_str(value: str) -> Any:
    if value[:1] in "{[" or value in ("true", "false") or re.fullmatch(r"-?\d+", value):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _response(status: int, body: dict[str, Any]) -> httpx.Response:
    return httpx.Response(status, json=body)


def _error(exc: ApiError) -> httpx.Response:
    body: dict[str, Any] = {"ok": False, "error_code": exc.code, "description": exc.description}
    if exc.retry_after is not None:
        body["parameters"] = {"retry_after": exc.retry_after}
    return _response(exc.code, body)
