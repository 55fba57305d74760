"""The persona walk-through's words (issue 11): English that says what the Danish says, typed
questions answered, a list said once, a centre picker in town names, and staff's own settings."""

import re
from pathlib import Path

from babel.messages.pofile import read_po

from bot.fake_telegram import FakeUser
from bot.i18n import LOCALES_DIR
from bot.store.roles import RoleName
from tests.conftest import NOW, Harness, local, screen
from tests.test_i18n import code_msgids

HINT_TEXT = "Jeg forstår kun knapperne 🙂 Her er, hvad der sker:"
HINT_STICKER = "Jeg forstår kun knapperne 🙂 Tryk på en af dem."
TODAY_1730 = local(2026, 11, 28, 17, 30)  # the fixed clock is Saturday 28 November, 10.00


def labels(person: FakeUser) -> list[str]:
    return [label for label, _data in person.last_message().buttons()]


def catalogue(locale: str) -> dict[str, str]:
    """msgid → text (each plural form joined) of a catalogue."""
    path = Path(LOCALES_DIR) / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        entries = read_po(fh, locale=locale)
    texts = {}
    for message in entries:
        if message.id:
            key = message.id if isinstance(message.id, str) else message.id[0]
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            texts[key] = " | ".join(forms)
    return texts


async def lene_in(bot: Harness, language: str = "da") -> FakeUser:
    centre = await bot.store.centres.by_slug("parasollen") or await bot.centre()
    await bot.store.roles.grant(50, RoleName.STAFF, centre.id, NOW)
    lene = bot.user(50, "Lene", language)
    await lene.send("/start")
    return lene


# -- 1. Ali reads English that means what the Danish means ----------------------------------


async def test_ali_reads_that_typing_is_only_needed_to_write_to_the_staff(bot: Harness) -> None:
    await bot.centre()
    ali = bot.user(3, "Ali", "en")
    await ali.send("/start c-parasollen")
    await ali.press("❓ Help")
    help_text = ali.texts()[-2]
    assert "You only need to type to write to the staff." in help_text
    assert "never need to type" not in help_text


async def test_english_has_one_word_for_without_a_phone_and_one_for_without_signing_up(
    bot: Harness,
) -> None:
    """Lene reads English: the card's button, the attendance screen and its names say
    "without a phone" (signed up at the counter) and "without signing up" (came anyway)."""
    lene = await lene_in(bot, "en")
    centre = await bot.store.centres.by_slug("parasollen")
    activity_id = await bot.activity(centre, "Football", capacity=5)
    await lene.tap_data(f"v1:act:show:{activity_id}:0")
    assert "➕ Sign up someone without a phone" in labels(lene)
    await lene.tap("Sign up someone without a phone")
    await lene.send("Poul")
    assert "guest" not in screen(lene).lower()
    bot.clock.now = lambda: local(2026, 12, 5, 11)  # type: ignore[method-assign]
    await lene.tap_data(f"v1:tal:show:{activity_id}:0")
    await lene.tap("Attendance")
    await lene.tap("+ 1 without signing up")
    shown = screen(lene)
    assert "⬜ Poul (without a phone)" in shown
    assert "− 1 without signing up" in shown
    assert "Came: 1 (of them 1 without signing up)" in shown
    assert "guest" not in shown.lower()


def test_the_english_catalogue_says_what_the_danish_says() -> None:
    """Scan every text the code uses: the Danish split ("uden telefon" / "uden tilmelding") is
    the English split, no English text says "guest", and none names a Danish button."""
    danish, english = catalogue("da"), catalogue("en")
    wrong = []
    for msgid in code_msgids():
        da = danish[msgid]
        en = re.sub(r"\{[a-z_]*\}", "", english[msgid])  # placeholders are not words
        if "uden telefon" in da.lower() and "without a phone" not in en.lower():
            wrong.append((msgid, en))
        if "uden tilmelding" in da.lower() and "without signing up" not in en.lower():
            wrong.append((msgid, en))
        if re.search(r"\bguests?\b", en, re.IGNORECASE):
            wrong.append((msgid, en))
        if re.search(r"\b(Afbryd|Tilbage|Fortryd|Opret|Tilmeld)\b", en):
            wrong.append((msgid, en))
    assert wrong == []


# -- 2. Jens types "hvornår er fodbold" -----------------------------------------------------


async def test_jens_types_when_is_football_and_gets_the_answer_and_its_buttons(
    bot: Harness,
) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Maling", starts_at=local(2026, 11, 28, 12))
    await bot.activity(centre, "Fodbold", starts_at=TODAY_1730)
    await bot.activity(centre, "Fodbold", starts_at=local(2026, 12, 5, 17, 30))
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    await jens.send("hvornår er fodbold")
    assert jens.last_text() == "Fodbold er i dag kl. 17.30.\nTryk på en af dem for at se mere."
    assert labels(jens) == ["I dag 17.30 · Fodbold", "Lør 5/12 17.30 · Fodbold"]
    await jens.tap("I dag 17.30 · Fodbold")
    assert jens.last_text().startswith("Fodbold\n📅 lørdag 28. november kl. 17.30")
    for typed in ("fodbold", "FODBOLD?", "Hvornår er der fodbold i morgen"):
        await jens.send(typed)
        assert jens.last_text().startswith("Fodbold er i dag kl. 17.30."), typed


async def test_one_match_says_tap_it_and_many_give_at_most_six_nearest_first(
    bot: Harness,
) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Tur til Bakken", starts_at=local(2026, 11, 29, 10))
    for day in range(1, 9):
        await bot.activity(centre, "Fællesspisning", starts_at=local(2026, 12, day, 18))
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    await jens.send("bakken")
    assert jens.last_text() == "Tur til Bakken er i morgen kl. 10.00.\nTryk på den for at se mere."
    assert labels(jens) == ["I morgen 10.00 · Tur til Bakken"]
    await jens.send("fællesspisning")
    found = labels(jens)
    assert len(found) == 6 and found[0] == "Tir 18.00 · Fællesspisning"
    assert found[-1] == "Søn 6/12 18.00 · Fællesspisning"


async def test_typing_help_opens_help_and_other_words_get_the_list(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Fodbold", starts_at=TODAY_1730)
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    await jens.send("hjælp")
    assert jens.texts()[-2].startswith("Hjælp\n\n📅 Aktiviteter – se, hvad der sker")
    await jens.send("hej hvad så")
    assert jens.last_text() == HINT_TEXT
    assert labels(jens) == ["I dag 17.30 · Fodbold"]


async def test_a_sticker_gets_something_to_tap(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Fodbold", starts_at=TODAY_1730)
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    await jens.send_sticker()
    assert jens.last_text() == HINT_STICKER
    assert labels(jens) == ["I dag 17.30 · Fodbold"]
    await jens.tap("Fodbold")
    assert "Tilmeld mig" in screen(jens)


# -- 3. The list says it once ---------------------------------------------------------------


async def test_the_list_is_its_buttons_under_one_short_heading(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Fodbold", starts_at=TODAY_1730)
    await bot.activity(centre, "Fællesspisning", starts_at=local(2026, 12, 10, 17, 30))
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    assert jens.last_text() == "Velkommen til Café Parasollen! Her er, hvad der sker:"
    await jens.press("📅 Aktiviteter")
    assert jens.last_text() == "📅 Det sker – tryk på en for at se mere:"
    assert labels(jens) == ["I dag 17.30 · Fodbold", "Tor 10/12 17.30 · Fællesspisning"]


# -- 4. A centre picker in names people know ------------------------------------------------


async def test_the_picker_groups_by_town_names_and_asks_once(bot: Harness) -> None:
    towns = ["Aalborg", "Aarhus", "Esbjerg", "Kolding", "Odense", "Randers", "Vejle"]
    for n, town in enumerate(towns):
        await bot.store.centres.add(f"c{n}", f"Værestedet {town}", town, "Europe/Copenhagen")
    jens = bot.user(1)
    await jens.send("/start")
    text = jens.last_text()
    assert text == "Hvilket værested kommer du på? Tryk på det, eller skriv navnet eller byen."
    groups = [label for label in labels(jens) if not label.startswith(("🏠", "🌍", "🇬🇧"))]
    assert groups and not any(re.fullmatch(r"[A-ZÆØÅ](–[A-ZÆØÅ])?", g) for g in groups)
    (odense,) = [g for g in groups if g.split(" – ")[0] <= "Odense" <= g.split(" – ")[-1]]
    assert " – " in odense
    await jens.tap(odense)
    assert "🏠 Værestedet Odense" in labels(jens)


# -- 5. Lene's settings know she is staff ---------------------------------------------------


async def test_lenes_settings_say_where_she_is_staff_with_her_switch(bot: Harness) -> None:
    lene = await lene_in(bot)
    await lene.press("⚙️ Indstillinger")
    text = lene.last_text()
    assert "Du er personale på Café Parasollen." in text
    assert "ingen endnu" not in text
    await lene.tap("💬 Stop beskeder fra brugerne (Café Parasollen)")
    assert "Du er personale på Café Parasollen." in lene.last_text()
    assert "💬 Få beskeder fra brugerne (Café Parasollen)" in labels(lene)


async def test_the_settings_command_has_the_screens_name(bot: Harness) -> None:
    commands = bot.fake.bot_settings[("commands", None)]
    assert {"command": "indstillinger", "description": "Indstillinger"} in commands
    english = bot.fake.bot_settings[("commands", "en")]
    assert {"command": "settings", "description": "Settings"} in english
    jens = bot.user(1)
    await jens.send("/indstillinger")
    assert jens.last_text().startswith("Indstillinger")
    await jens.send("/sprog")  # the old name still works
    assert jens.last_text().startswith("Indstillinger")
