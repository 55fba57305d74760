"""A line to staff: one message to the centre's staff, an answer back; nobody else sees it."""

import json
import sqlite3

from bot.fake_telegram import FakeUser
from bot.flood import FloodGuard
from bot.store.roles import RoleName
from dialogs.privacy import run_retention
from tests.conftest import NOW, Harness

DAY = 86400


async def setup(bot: Harness) -> tuple[FakeUser, FakeUser, FakeUser]:
    parasollen = await bot.centre()
    kofoed = await bot.centre("kofoed", "Kofoeds Skole")
    await bot.store.roles.grant(50, RoleName.STAFF, parasollen.id, NOW)
    await bot.store.roles.grant(60, RoleName.STAFF, kofoed.id, NOW)
    lene, ole, jens = bot.user(50, "Lene"), bot.user(60, "Ole"), bot.user(1, "Jens")
    for person in (lene, ole):
        await person.send("/start")
    await jens.send("/start c-parasollen")
    return jens, lene, ole


async def write(jens: FakeUser, text: str) -> None:
    await jens.send("/hjaelp")
    await jens.tap("Skriv til personalet")
    await jens.send(text)


async def test_a_message_reaches_the_centres_staff_and_the_answer_comes_back(
    bot: Harness,
) -> None:
    jens, lene, ole = await setup(bot)
    await jens.send("/hjaelp")
    assert jens.last_text() == "Vil du spørge personalet om noget?"
    await jens.tap("Skriv til personalet")
    assert jens.last_text() == (
        "Skriv din besked til personalet på Café Parasollen. Du kan også sende en talebesked."
        " Kun personalet kan se den."
    )
    await jens.send("Kan jeg få en sovepose?")
    assert jens.last_text() == (
        "✅ Sendt til personalet på Café Parasollen. De svarer her, når de kan."
    )
    assert lene.last_text() == (
        "💬 En besked fra Jens (Café Parasollen):\n\nKan jeg få en sovepose?"
    )
    assert not any("sovepose" in t for t in ole.texts())
    await lene.tap("Svar")
    assert lene.last_text() == "Skriv dit svar til Jens."
    await lene.send("Ja, kom forbi i morgen kl. 10.")
    assert lene.last_text() == "✅ Dit svar er sendt til Jens."
    assert jens.last_text() == (
        "💬 Et svar fra Café Parasollen på din besked «Kan jeg få en sovepose?»:"
        "\n\nJa, kom forbi i morgen kl. 10."
    )


async def test_staff_of_another_centre_cannot_answer(bot: Harness) -> None:
    jens, lene, ole = await setup(bot)
    await write(jens, "Hej")
    reply = next(d for label, d in lene.last_message().buttons() if "Svar" in label)
    await ole.tap_data(reply)
    assert ole.last_text() == "Det har du ikke adgang til."


async def test_at_most_three_messages_an_hour_said_at_the_tap_before_typing(
    bot: Harness,
) -> None:
    """Walk-through 1: Jens's 4th message in an hour is not thrown away after he typed it —
    the tap says so, and when he can write again; nothing waits for his typing."""
    jens, lene, _ole = await setup(bot)
    centre = await bot.store.centres.by_slug("parasollen")
    assert centre is not None
    await bot.activity(centre, "Fodbold")
    for n in range(3):
        await write(jens, f"Besked {n}")
        bot.clock.advance(600)  # 10.00, 10.10, 10.20
    await jens.send("/hjaelp")
    await jens.tap("Skriv til personalet")
    limit = jens.last_message()
    assert limit.text == (
        "Du har sendt 3 beskeder den sidste time. Du kan skrive igen kl. 11.01."
        " Personalet får alle dine beskeder. Haster det, så tal med dem."
    )
    assert [label for label, _ in limit.buttons()] == ["📅 Aktiviteter"]
    await jens.send("Besked 4")  # no message is being written: this is not taken as one
    assert not any("Besked 4" in t for t in lene.texts())
    await jens.tap("Aktiviteter", limit)  # a way on, and the tap is answered with a screen
    assert any("Fodbold" in label for label, _ in limit.buttons())  # what's on
    bot.clock.advance(1860)  # 11.01: the first of the three is an hour old
    await write(jens, "Besked 5")
    assert jens.last_text().startswith("✅ Sendt til personalet")
    assert "Besked 5" in lene.last_text()


async def test_over_the_limit_since_the_tap_is_kept_not_thrown_away(bot: Harness) -> None:
    """Walk-through 1: the limit reached between tap and send (a second phone): the typed text
    is kept, and goes to the staff with the kept ones when one of them next uses the bot."""
    jens, lene, _ole = await setup(bot)
    centre = await bot.store.centres.by_slug("parasollen")
    assert centre is not None
    for n in range(2):
        await write(jens, f"Besked {n}")
    await jens.send("/hjaelp")
    await jens.tap("Skriv til personalet")
    assert jens.last_text().startswith("Skriv din besked til personalet")
    await bot.store.line.add(1, centre.id, "Fra den anden telefon", bot.clock.now())
    await jens.send("Må jeg tage min hund med?")
    assert jens.last_text() == (
        "📨 Din besked er gemt. Du har sendt mange beskeder den sidste time. Derfor får"
        " personalet på Café Parasollen den, når de kigger her næste gang."
    )
    assert not any("hund" in t for t in lene.texts())
    await lene.send("/start")
    assert lene.last_text().startswith(
        "💬 En besked fra Jens (Café Parasollen):\n\nMå jeg tage min hund med?"
    )


async def test_staff_who_turned_it_off_get_nothing_and_the_user_is_told(bot: Harness) -> None:
    jens, lene, _ole = await setup(bot)
    await lene.press("⚙️ Indstillinger")
    await lene.tap("Stop beskeder fra brugerne")
    assert lene.last_text().startswith("💬 Nu får du ikke besked, når en bruger skriver.")
    await write(jens, "Hallo?")
    assert jens.last_text() == (
        "📨 Din besked er gemt. Personalet på Café Parasollen får den, når de kigger her"
        " næste gang."
    )
    assert not any("Hallo?" in t for t in lene.texts())


async def test_messages_are_forgotten_after_seven_days(bot: Harness) -> None:
    jens, lene, _ole = await setup(bot)
    await write(jens, "Hej")
    bot.clock.advance(8 * DAY)
    await run_retention(bot.services)
    await lene.tap("Svar")
    assert "gammel" in lene.last_text()


async def test_no_centre_yet_offers_the_picker(bot: Harness) -> None:
    await bot.centre()
    maria = bot.user(2, "Maria")
    await maria.send("/hjaelp")
    await maria.tap("Skriv til personalet")
    assert maria.last_text() == "Vælg først dit værested – så kan du skrive til personalet der."


async def test_a_second_answer_is_warned_and_the_person_can_write_again(bot: Harness) -> None:
    jens, lene, _ole = await setup(bot)
    centre = await bot.store.centres.by_slug("parasollen")
    assert centre is not None
    await bot.store.roles.grant(51, RoleName.STAFF, centre.id, NOW)
    kim = bot.user(51, "Kim")
    await kim.send("/start")
    await write(jens, "Hej")
    await lene.tap("Svar")
    await lene.send("Hej Jens")
    await kim.tap("Svar")  # walk-through 4: who answered, and what, so Kim knows
    assert kim.last_text() == "Lene har svaret: «Hej Jens»\nSkriv dit svar til Jens."
    await jens.tap("Skriv igen")
    assert jens.last_text().startswith("Skriv din besked til personalet på Café Parasollen.")
    await jens.send_sticker()
    assert jens.last_text().startswith("Jeg kan sende tekst eller en talebesked videre.")


# -- issue 11, point 3: a message to staff is never thrown away after it was typed ----------


async def test_said_before_typing_and_kept_until_a_staff_member_uses_the_bot(
    bot: Harness,
) -> None:
    jens, lene, _ole = await setup(bot)
    await lene.press("⚙️ Indstillinger")
    await lene.tap("Stop beskeder fra brugerne")
    await jens.send("/hjaelp")
    await jens.tap("Skriv til personalet")
    assert jens.last_text().endswith(  # walk-through 2: plain words, no "botten"
        "Lige nu kan ingen fra personalet få beskeder. Vi gemmer din besked. De får den, når"
        " de kigger her næste gang."
    )
    bot.clock.advance(600)
    await jens.send("hvornår er fodbold")
    assert jens.last_text() == (
        "📨 Din besked er gemt. Personalet på Café Parasollen får den, når de kigger her"
        " næste gang."
    )
    assert not any("fodbold" in t for t in lene.texts())
    bot.clock.advance(3600)
    await lene.tap("Få beskeder fra brugerne")  # any use of the bot, with messages on
    assert lene.last_text() == (
        "💬 En besked fra Jens (Café Parasollen):\n\nhvornår er fodbold"
        "\n\n🕐 Sendt lørdag 28. november kl. 10.10."
    )
    await lene.send("/start")  # handed out once
    assert sum("hvornår er fodbold" in t for t in lene.texts()) == 1
    await lene.tap("Svar")
    await lene.send("Fodbold er tirsdag kl. 14.")
    assert jens.last_text() == (
        "💬 Et svar fra Café Parasollen på din besked «hvornår er fodbold»:"
        "\n\nFodbold er tirsdag kl. 14."
    )
    assert not any("bot" in t for t in jens.texts())  # walk-through 2: no jargon


async def test_kept_when_no_staff_member_can_be_reached(bot: Harness) -> None:
    jens, lene, _ole = await setup(bot)
    await jens.send("/hjaelp")
    await jens.tap("Skriv til personalet")
    bot.fake.fail("sendMessage", 403, "Forbidden: bot was blocked by the user")  # Lene's copy
    await jens.send("hvornår er fodbold")
    assert jens.last_text().startswith("📨 Din besked er gemt.")
    assert not any("fodbold" in t for t in lene.texts())
    await lene.send("/start")
    assert lene.last_text().startswith(
        "💬 En besked fra Jens (Café Parasollen):\n\nhvornår er fodbold"
    )


async def test_a_centre_without_staff_on_the_bot_gets_it_from_the_first_one(
    bot: Harness,
) -> None:
    centre = await bot.centre()
    jens = bot.user(1, "Jens")
    await jens.send("/start c-parasollen")
    await write(jens, "hvornår er fodbold")
    assert jens.last_text().startswith("📨 Din besked er gemt.")
    await bot.store.roles.grant(50, RoleName.STAFF, centre.id, NOW)
    lene = bot.user(50, "Lene")
    await lene.send("/start")
    assert "hvornår er fodbold" in lene.last_text()


async def test_kept_messages_are_forgotten_after_seven_days_and_shown_in_my_data(
    bot: Harness,
) -> None:
    jens, lene, _ole = await setup(bot)
    await lene.press("⚙️ Indstillinger")
    await lene.tap("Stop beskeder fra brugerne")
    await write(jens, "hvornår er fodbold")
    await jens.send("/mine_data")
    (document,) = [m for m in jens.bot_messages() if m.kind == "document"]
    (kept,) = json.loads(document.file_bytes)["messages"]
    assert (kept["text"], kept["delivered_at"], kept["voice_message"]) == (
        "hvornår er fodbold",
        None,
        0,
    )
    bot.clock.advance(8 * DAY)
    await run_retention(bot.services)
    await lene.tap("Få beskeder fra brugerne")
    assert not any("fodbold" in t for t in lene.texts())


async def test_a_voice_message_reaches_the_staff_as_voice(bot: Harness) -> None:
    jens, lene, ole = await setup(bot)
    await jens.send("/hjaelp")
    await jens.tap("Skriv til personalet")
    await jens.send_voice(file_id="voice-jens")
    assert jens.last_text() == (
        "✅ Sendt til personalet på Café Parasollen. De svarer her, når de kan."
    )
    (voice,) = [m for m in lene.bot_messages() if m.kind == "voice"]
    assert (voice.file_id, voice.text) == (
        "voice-jens",
        "🎤 En talebesked fra Jens (Café Parasollen)",
    )
    assert [label for label, _ in voice.buttons()] == ["↩️ Svar"]
    assert not [m for m in ole.bot_messages() if m.kind == "voice"]
    await lene.tap("Svar", voice)
    await lene.send("Tirsdag kl. 14.")
    assert jens.last_text() == (
        "💬 Et svar fra Café Parasollen på din talebesked fra lørdag 28. november kl. 10.00:"
        "\n\nTirsdag kl. 14."
    )
    with sqlite3.connect(bot.config.database.path) as c:  # the file's id, not the audio
        assert c.execute("SELECT text, voice FROM line_message").fetchall() == [("", "voice-jens")]


async def test_a_voice_message_can_be_kept_and_counts_toward_the_limit(bot: Harness) -> None:
    jens, lene, _ole = await setup(bot)
    await lene.press("⚙️ Indstillinger")
    await lene.tap("Stop beskeder fra brugerne")
    for n in range(3):
        await jens.send("/hjaelp")
        await jens.tap("Skriv til personalet")
        await jens.send_voice("fodbold?" if n == 0 else "", file_id=f"voice-{n}")
        assert jens.last_text().startswith("📨 Din besked er gemt.")
    await jens.send("/hjaelp")
    await jens.tap("Skriv til personalet")
    assert jens.last_text().startswith("Du har sendt 3 beskeder den sidste time.")
    await lene.tap("Få beskeder fra brugerne")
    voices = [m for m in lene.bot_messages() if m.kind == "voice"]
    assert [v.file_id for v in voices] == ["voice-0", "voice-1", "voice-2"]
    assert voices[0].text == (
        "🎤 En talebesked fra Jens (Café Parasollen)\n\nfodbold?"
        "\n\n🕐 Sendt lørdag 28. november kl. 10.00."
    )


async def test_voice_outside_a_message_to_staff_is_not_taken(bot: Harness) -> None:
    jens, lene, _ole = await setup(bot)
    await jens.send_voice()
    assert jens.last_text().startswith("Jeg forstår kun knapperne")
    assert not [m for m in lene.bot_messages() if m.kind == "voice"]


# -- issue 11, point 4: "💬 Skriv igen" never overwrites the staff's answer ------------------


async def test_write_again_is_a_new_message_and_the_answer_stays(bot: Harness) -> None:
    jens, lene, _ole = await setup(bot)
    await write(jens, "hvornår er fodbold")
    await lene.tap("Svar")
    await lene.send("Tirsdag kl. 14.")
    answer = jens.bot_messages()[-1]
    await jens.tap("Skriv igen")
    assert answer.text == (
        "💬 Et svar fra Café Parasollen på din besked «hvornår er fodbold»:\n\nTirsdag kl. 14."
    )
    assert "Tirsdag kl. 14." in jens.texts()[-2]
    prompt = jens.bot_messages()[-1]
    assert prompt is not answer
    assert prompt.text.startswith("Skriv din besked til personalet på Café Parasollen.")
    await jens.send("Tak!")
    assert "Tak!" in lene.last_text()


async def test_a_voice_message_at_its_longest_still_fits_a_caption(bot: Harness) -> None:
    centre = await bot.store.centres.add("lang", "&" * 80, "København", "Europe/Copenhagen")
    await bot.store.roles.grant(50, RoleName.STAFF, centre.id, NOW)
    lene, jens = bot.user(50, "Lene"), bot.user(1, "J" * 64)
    await jens.send("/start c-lang")
    await lene.send("/start")
    await lene.press("⚙️ Indstillinger")
    await lene.tap("Stop beskeder fra brugerne")
    await jens.send("/hjaelp")
    await jens.tap("Skriv til personalet")
    await jens.send_voice("&" * 1024)  # Telegram's longest caption
    bot.clock.advance(3600)
    await lene.tap("Få beskeder fra brugerne")
    (voice,) = [m for m in lene.bot_messages() if m.kind == "voice"]
    assert len(voice.text) <= 1024  # the fake refuses longer captions, too
    assert voice.text.endswith("&…\n\n🕐 Sendt lørdag 28. november kl. 10.00.")


# -- the persona walk-through: the line to staff -------------------------------------------


def telegram_length(text: str) -> int:
    """How Telegram counts a (parsed) text: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


async def test_a_voice_message_with_700_emoji_still_reaches_the_staff(bot: Harness) -> None:
    """Walk-through 3: a caption is cut as Telegram counts it (an emoji is 2), not by
    Python's characters — else it is over 1,024 and never delivered."""
    jens, lene, _ole = await setup(bot)
    await jens.send("/hjaelp")
    await jens.tap("Skriv til personalet")
    await jens.send_voice("😀" * 700, file_id="voice-emoji")
    assert jens.last_text() == (
        "✅ Sendt til personalet på Café Parasollen. De svarer her, når de kan."
    )
    (voice,) = [m for m in lene.bot_messages() if m.kind == "voice"]
    assert voice.file_id == "voice-emoji"
    assert voice.text.startswith("🎤 En talebesked fra Jens (Café Parasollen)\n\n😀😀")
    assert voice.text.endswith("😀…") and 1000 < telegram_length(voice.text) <= 1024


async def test_a_voice_caption_full_of_html_signs_keeps_all_that_fits(bot: Harness) -> None:
    """Walk-through 3: "&<" is one sign each once Telegram has read the HTML: the caption is
    filled to the limit, neither cut too short (counting "&amp;") nor refused."""
    jens, lene, _ole = await setup(bot)
    await lene.press("⚙️ Indstillinger")
    await lene.tap("Stop beskeder fra brugerne")
    await jens.send("/hjaelp")
    await jens.tap("Skriv til personalet")
    await jens.send_voice("&<" * 512)  # Telegram's longest caption
    bot.clock.advance(3600)
    await lene.tap("Få beskeder fra brugerne")  # kept, then sent with "🕐 Sendt …"
    (voice,) = [m for m in lene.bot_messages() if m.kind == "voice"]
    assert voice.text.endswith("&…\n\n🕐 Sendt lørdag 28. november kl. 10.00.")
    assert 1020 <= telegram_length(voice.text) <= 1024


async def test_the_answer_quotes_the_question(bot: Harness) -> None:
    """Walk-through 4: Jens sees which of his messages an answer is to."""
    jens, lene, _ole = await setup(bot)
    await write(jens, "Må jeg tage min hund med?")
    await lene.tap("Svar")
    await lene.send("Ja, hvis den er i snor.")
    assert jens.last_text() == (
        "💬 Et svar fra Café Parasollen på din besked «Må jeg tage min hund med?»:"
        "\n\nJa, hvis den er i snor."
    )
    long = "Hej, jeg ville bare høre om jeg må tage min gamle hund med på turen til stranden"
    await write(jens, long + " & <b>i morgen</b>?")
    await lene.tap("Svar")
    await lene.send("Ja.")
    assert jens.last_text() == (
        "💬 Et svar fra Café Parasollen på din besked «Hej, jeg ville bare høre om jeg må tage"
        " min gamle hund med…»:\n\nJa."
    )
    await jens.tap("Skriv igen")
    await jens.send_voice("hunden?", file_id="voice-hund")
    voice = [m for m in lene.bot_messages() if m.kind == "voice"][-1]
    await lene.tap("Svar", voice)
    await lene.send("Ja!")
    assert jens.last_text() == (
        "💬 Et svar fra Café Parasollen på din talebesked «hunden?»:\n\nJa!"
    )


async def test_a_second_tap_on_reply_says_who_answered_and_what(bot: Harness) -> None:
    """Walk-through 4: Lene knows whether to write again — who answered, how it began; and
    the answering staff member's id is shown in their /mine_data and gone with them."""
    jens, lene, _ole = await setup(bot)
    centre = await bot.store.centres.by_slug("parasollen")
    assert centre is not None
    await bot.store.roles.grant(51, RoleName.STAFF, centre.id, NOW)
    kim = bot.user(51, "Kim")
    await kim.send("/start")
    await write(jens, "Må jeg tage min hund med?")
    await kim.tap("Svar")
    await kim.send("Ja, hvis den er i snor, og hvis den kan lide de andre hunde her.")
    await lene.tap("Svar")
    assert lene.last_text() == (
        "Kim har svaret: «Ja, hvis den er i snor, og hvis den kan lide de andre…»"
        "\nSkriv dit svar til Jens."
    )
    await lene.tap("Afbryd")
    await kim.tap("Svar", [m for m in kim.bot_messages() if "hund" in m.text][-1])
    assert kim.last_text().startswith("Du har svaret: «Ja, hvis den er i snor")
    await kim.tap("Afbryd")
    # Jens's /mine_data holds the answer's start with his message; Kim's, that Kim answered.
    await jens.send("/mine_data")
    (document,) = [m for m in jens.bot_messages() if m.kind == "document"]
    (message,) = json.loads(document.file_bytes)["messages"]
    assert message["answer_start"] == "Ja, hvis den er i snor, og hvis den kan lide de andre…"
    await kim.send("/mine_data")
    (document,) = [m for m in kim.bot_messages() if m.kind == "document"]
    (answered,) = json.loads(document.file_bytes)["answers_written"]
    assert answered["centre"] == "Café Parasollen"
    await kim.send("/slet_mig")
    await kim.tap("Ja, slet mig")
    await lene.tap("Svar")
    assert lene.last_text().startswith("En fra personalet har svaret: «Ja, hvis den er i snor")
    with sqlite3.connect(bot.config.database.path) as c:
        assert c.execute("SELECT reply_by FROM line_message").fetchall() == [(None,)]


async def test_a_voice_message_dropped_by_the_flood_guard_is_said_so(bot: Harness) -> None:
    """Walk-through 5: the 21st update in 10 seconds is dropped; when it was a message (not
    a tap), Jens is told it did not get through and to send it again."""
    moment = [0.0]
    bot.services.flood = FloodGuard(clock=lambda: moment[0])
    jens, lene, _ole = await setup(bot)  # Jens: /start (1)
    for _ in range(17):
        await jens.tap_data("v1:act:page:0")  # 2–18
    await jens.send("/hjaelp")  # 19
    await jens.tap("Skriv til personalet")  # 20
    await jens.send_voice(file_id="voice-jens")  # 21: one too many
    assert jens.last_text() == (
        "Hov, det gik lidt hurtigt 🙂 Din sidste besked nåede ikke frem."
        " Vent et øjeblik, og send den så igen."
    )
    assert not [m for m in lene.bot_messages() if m.kind == "voice"]
    moment[0] += 10  # a moment later
    await jens.send_voice(file_id="voice-jens")
    assert jens.last_text().startswith("✅ Sendt til personalet på Café Parasollen.")
    assert [m.file_id for m in lene.bot_messages() if m.kind == "voice"] == ["voice-jens"]
