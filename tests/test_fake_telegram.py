"""The fake Bot API refuses what Telegram refuses (issue 11, "Telegram's own limits"), so a
message the real Telegram would reject fails a test instead of failing in production. One test
per rule, each through python-telegram-bot's real request layer, as the bot itself calls it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.fake_telegram import TOKEN, ApiError, FakeTelegram, check_html

CHAT = 42


@pytest.fixture
async def api() -> AsyncIterator[tuple[FakeTelegram, Bot]]:
    fake = FakeTelegram()
    fake.user(CHAT, "Lene")
    bot = Bot(TOKEN, request=fake.request())
    await bot.initialize()
    try:
        yield fake, bot
    finally:
        await bot.shutdown()


def refused(raw: str) -> str:
    with pytest.raises(ApiError) as caught:
        check_html(raw)
    return caught.value.description


# -- HTML parse mode ---------------------------------------------------------------------------


def test_every_tag_telegram_documents_is_accepted() -> None:
    raw = (
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s>"
        '<strike>k</strike><del>d</del><span class="tg-spoiler">p</span>'
        '<tg-spoiler>t</tg-spoiler><a href="https://example.org/?a=1&amp;b=2">a</a>'
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji><code>c</code><pre>p</pre>'
        '<pre><code class="language-python">x</code></pre><blockquote>q</blockquote>'
        '<blockquote expandable>x</blockquote><tg-time unix="1647531900" format="wDT">t</tg-time>'
        '<b>bold <i>italic bold <s>struck <span class="tg-spoiler">all</span></s></i></b>'
    )
    assert check_html(raw) == "bsieunskdpta👍cpxqxtbold italic bold struck all"


def test_only_telegrams_tags() -> None:
    assert 'Unsupported start tag "br"' in refused("one<br>two")
    assert 'Unsupported start tag "p"' in refused("<p>text</p>")
    assert 'Unsupported start tag "div"' in refused("<div>x</div>")


def test_tags_are_properly_nested_and_closed() -> None:
    assert "Unmatched end tag" in refused("<b><i>x</b></i>")
    assert "Can't find end tag" in refused("<b>x")
    assert "Unexpected end tag" in refused("x</b>")


def test_a_bare_less_than_or_ampersand_is_an_error() -> None:
    assert "Unexpected < or >" in refused("Kaffe & kage <3")
    assert "Unexpected < or >" in refused("2 < 3")
    assert "Unescaped &" in refused("Kaffe & kage")
    assert "Unescaped &" in refused("&nbsp;")  # only &lt; &gt; &amp; &quot; are named
    assert check_html("Kaffe &amp; kage &lt;3 &quot;ja&quot; &#229; &#xE6;") == (
        'Kaffe & kage <3 "ja" å æ'
    )


def test_attributes_as_telegram_reads_them() -> None:
    assert "tg-spoiler" in refused("<span>x</span>")
    assert "tg-spoiler" in refused('<span class="bold">x</span>')
    assert "href" in refused("<a>x</a>")
    assert "emoji" in refused('<tg-emoji emoji-id="x">👍</tg-emoji>')
    assert "tg-time" in refused('<tg-time unix="1" format="x">t</tg-time>')
    assert "language" in refused('<code class="language-python">x</code>')  # only in <pre>
    assert check_html('<a href="https://t.me/x" target="_blank">x</a>') == "x"  # ignored


def test_nesting_restrictions_of_the_documentation() -> None:
    assert "inside pre or code" in refused("<code><b>x</b></code>")
    assert "inside pre or code" in refused("<pre><i>x</i></pre>")
    assert "nested" in refused("<blockquote>a<blockquote>b</blockquote></blockquote>")
    assert "inside a" in refused('<a href="https://a.dk"><code>x</code></a>')
    assert check_html('<blockquote><b>a <a href="https://a.dk">b</a></b></blockquote>') == "a b"


# -- lengths, through the real request layer ----------------------------------------------------


async def test_text_is_1_to_4096_characters_after_parsing(api: tuple[FakeTelegram, Bot]) -> None:
    fake, bot = api
    # 4096 characters once parsed, though the HTML is far longer: accepted.
    await bot.send_message(CHAT, "<b>" + "&amp;" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    assert len(fake.messages[CHAT][-1].text) == 4096
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(CHAT, "x" * 4097, parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="too long"):  # an emoji is two UTF-16 units
        await bot.send_message(CHAT, "👍" * 2049)
    with pytest.raises(BadRequest, match="empty"):
        await bot.send_message(CHAT, "<b> </b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="parse entities"):
        await bot.send_message(CHAT, "Kaffe & kage", parse_mode=ParseMode.HTML)


async def test_an_edit_obeys_the_same_limits(api: tuple[FakeTelegram, Bot]) -> None:
    _fake, bot = api
    message = await bot.send_message(CHAT, "Hej")
    with pytest.raises(BadRequest, match="too long"):
        await bot.edit_message_text("x" * 4097, CHAT, message.message_id)
    with pytest.raises(BadRequest, match="parse entities"):
        await bot.edit_message_text("<3", CHAT, message.message_id, parse_mode=ParseMode.HTML)


async def test_a_caption_is_at_most_1024_characters(api: tuple[FakeTelegram, Bot]) -> None:
    _fake, bot = api
    await bot.send_document(CHAT, b"data", caption="&amp;" * 1024, parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="caption is too long"):
        await bot.send_document(CHAT, b"data", caption="x" * 1025)
    with pytest.raises(BadRequest, match="caption is too long"):
        await bot.send_voice(CHAT, b"ogg", caption="x" * 1025)
    with pytest.raises(BadRequest, match="caption is too long"):
        await bot.send_photo(CHAT, b"png", caption="x" * 1025)


async def test_callback_data_is_1_to_64_bytes(api: tuple[FakeTelegram, Bot]) -> None:
    _fake, bot = api

    def markup(data: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[InlineKeyboardButton("Tryk", callback_data=data)]])

    await bot.send_message(CHAT, "ok", reply_markup=markup("x" * 64))
    with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(CHAT, "for lang", reply_markup=markup("x" * 65))
    with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):  # æ is two bytes
        await bot.send_message(CHAT, "for lang", reply_markup=markup("æ" * 33))


async def test_a_toast_is_at_most_200_characters(api: tuple[FakeTelegram, Bot]) -> None:
    fake, bot = api
    fake.open_queries |= {"q1", "q2"}
    with pytest.raises(BadRequest, match="(?i)MESSAGE_TOO_LONG"):
        await bot.answer_callback_query("q1", text="x" * 201)
    assert await bot.answer_callback_query("q2", text="x" * 200)


async def test_command_names_and_descriptions_as_telegram_allows(
    api: tuple[FakeTelegram, Bot],
) -> None:
    _fake, bot = api
    assert await bot.set_my_commands([BotCommand("mine_data", "Det ved vi om dig")])
    for bad in ("Start", "slet-mig", "sprog!", "x" * 33, "æ"):
        with pytest.raises(BadRequest, match="(?i)BOT_COMMAND_INVALID"):
            await bot.set_my_commands([BotCommand(bad, "beskrivelse")])
    for description in ("", "x" * 257):
        with pytest.raises(BadRequest, match="(?i)BOT_COMMAND_DESCRIPTION_INVALID"):
            await bot.set_my_commands([BotCommand("start", description)])
    many = [BotCommand(f"c{i}", "x") for i in range(101)]
    with pytest.raises(BadRequest, match="(?i)BOT_COMMANDS_TOO_MUCH"):
        await bot.set_my_commands(many)
    assert await bot.set_my_commands(many[:100])


async def test_bot_descriptions_are_at_most_512_and_120_characters(
    api: tuple[FakeTelegram, Bot],
) -> None:
    _fake, bot = api
    assert await bot.set_my_description("x" * 512)
    with pytest.raises(BadRequest):
        await bot.set_my_description("x" * 513)
    assert await bot.set_my_short_description("x" * 120)
    with pytest.raises(BadRequest):
        await bot.set_my_short_description("x" * 121)


async def test_the_bots_own_commands_and_descriptions_pass(bot: object) -> None:
    """Every locale's commands and descriptions, as the bot sets them at start-up, are valid
    (the `bot` fixture starts it against the fake, which would have refused them)."""
    from tests.conftest import Harness

    assert isinstance(bot, Harness)
    commands = [c for (kind, _l), c in bot.fake.bot_settings.items() if kind == "commands"]
    assert commands and all(len(c) <= 100 for c in commands)
