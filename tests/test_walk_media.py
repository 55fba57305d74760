"""What the persona walk-through found on real Telegram: buttons under a voice message or a
file (the card read aloud, the calendar file) must not edit that message's text; a keyboard has
at most 100 buttons, so /ny_aktivitet's and /besked's centre steps are paged for 200 centres."""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest

from bot.fake_telegram import FakeMessage, FakeUser
from bot.store.roles import RoleName
from tests.conftest import NOW, Harness, local
from tests.test_finding import two_hundred_centres

# -- Buttons under a voice message or a file -------------------------------------------------


async def jens_on_the_card(bot: Harness) -> FakeUser:
    centre = await bot.centre()
    await bot.activity(centre, "Fodbold", starts_at=local(2026, 12, 5, 10), place="Fælledparken")
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    await jens.tap("Fodbold")
    return jens


def the_one(jens: FakeUser, kind: str) -> FakeMessage:
    (message,) = [m for m in jens.bot_messages() if m.kind == kind]
    return message


MEDIA = [("Læs op", "voice"), ("Til min kalender", "document")]


@pytest.mark.parametrize(("button", "kind"), MEDIA)
async def test_jens_signs_up_from_under_the_voice_message_or_the_calendar_file(
    bot: Harness, button: str, kind: str
) -> None:
    """Jens listens to the card (or gets the calendar file) and taps "✅ Tilmeld mig" under it:
    the card saying he is signed up comes as a new message; the voice message or file stays."""
    if kind == "voice" and not bot.services.speech:
        pytest.skip("espeak-ng and opusenc are not installed")
    jens = await jens_on_the_card(bot)
    await jens.tap(button)
    media = the_one(jens, kind)
    caption = media.text
    await jens.tap("Tilmeld mig", media)
    card = jens.last_message()
    assert card is not media and card.kind == "text"
    assert "Du er tilmeldt" in card.text and "Fodbold" in card.text
    assert media.kind == kind and media.text == caption, "the voice message or file is unchanged"
    assert not any("Noget gik galt" in text for text in jens.texts())
    edited = [int(c.params["message_id"]) for c in bot.fake.calls_of("editMessageText")]
    assert media.message_id not in edited, "decided from the message, not by trying"


MEDIA = [("Læs op", "voice"), ("Til min kalender", "document")]


@pytest.mark.parametrize(("button", "kind"), MEDIA)
async def test_jens_goes_back_to_the_list_from_under_the_voice_message_or_the_file(
    bot: Harness, button: str, kind: str
) -> None:
    """Signed up already, Jens gets the file (or hears the card) and taps "⬅️ Tilbage til
    listen" under it: the list comes as a new message, and nothing went wrong."""
    if kind == "voice" and not bot.services.speech:
        pytest.skip("espeak-ng and opusenc are not installed")
    jens = await jens_on_the_card(bot)
    await jens.tap("Tilmeld mig")
    await jens.tap(button)
    media = the_one(jens, kind)
    await jens.tap("Tilbage til listen", media)
    screen = jens.last_message()
    assert screen is not media and screen.kind == "text"
    assert any("Fodbold" in label for label, _data in screen.buttons())
    assert not any("Noget gik galt" in text for text in jens.texts())


async def test_an_old_button_under_the_file_gets_the_stale_answer_as_a_new_message(
    bot: Harness,
) -> None:
    """The activity is cancelled; Jens later taps "Tilmeld mig" under the calendar file: he is
    told kindly, in a new message, and the file stays as it was."""
    jens = await jens_on_the_card(bot)
    await jens.tap("Til min kalender")
    document = the_one(jens, "document")
    (activity, _places), *_rest = await bot.store.activities.all(since=NOW)
    await bot.store.edits.cancel(activity.id, NOW)
    await jens.tap("Tilmeld mig", document)
    assert jens.last_message() is not document and document.kind == "document"
    assert not any("Noget gik galt" in text for text in jens.texts())


async def test_the_fake_refuses_to_edit_the_text_of_a_file_like_telegram(bot: Harness) -> None:
    """Bot API, editMessageText: "edit text and game messages" – a file with a caption has no
    text to edit, and Telegram says so."""
    jens = await jens_on_the_card(bot)
    await jens.tap("Til min kalender")
    document = the_one(jens, "document")
    telegram = bot.app.bot  # type: ignore[attr-defined]
    with pytest.raises(BadRequest, match="no text in the message to edit"):
        await telegram.edit_message_text("Ny tekst", jens.id, document.message_id)
    rows = [[InlineKeyboardButton(str(n), callback_data=f"x{n}")] for n in range(101)]
    with pytest.raises(BadRequest, match="(?i)reply markup is too long"):
        await telegram.send_message(jens.id, "101", reply_markup=InlineKeyboardMarkup(rows))
    await telegram.send_message(jens.id, "100", reply_markup=InlineKeyboardMarkup(rows[:100]))


# -- 200 centres: at most 100 buttons a keyboard ---------------------------------------------


async def admin_of_200(bot: Harness) -> tuple[FakeUser, str, str]:
    """A national admin with 200 centres; the 150th centre's name (as the list orders them) and
    link name."""
    await two_hundred_centres(bot)
    await bot.store.roles.grant(99, RoleName.ADMIN, None, NOW)
    admin = bot.user(99, "Søren")
    await admin.send("/start")
    centre = (await bot.store.centres.all())[149]
    return admin, centre.name, centre.slug


def keyboards_fit(person: FakeUser) -> None:
    """Every screen the person got has few choices (Telegram would refuse over 100 buttons)."""
    for message in person.bot_messages():
        assert len(message.buttons()) <= 12, message.text


async def page_to(person: FakeUser, label: str) -> int:
    """Tap "Næste ▶️" until a button holds `label`; how many taps it took."""
    for taps in range(40):
        if any(label in text for text, _data in person.last_message().buttons()):
            return taps
        await person.tap("Næste")
    raise AssertionError(f"{label!r} is on no page")


async def test_an_admin_of_200_centres_writes_to_the_150th(bot: Harness) -> None:
    admin, name, slug = await admin_of_200(bot)
    jens = bot.user(1)
    await jens.send(f"/start c-{slug}")
    await admin.send("/besked")
    labels = [b for b, _ in admin.last_message().buttons()]
    assert sum(label.startswith("👥 Alle på") for label in labels) == 6
    assert "Tryk på værestedet, eller skriv en del af navnet eller byen." in admin.last_text()
    assert await page_to(admin, f"Alle på {name}") == 149 // 6
    await admin.tap(f"Alle på {name}")
    assert "Skriv beskeden." in admin.last_text()
    await admin.send("Bussen kører kl. 9, ikke kl. 10.")
    assert "Den sendes til 1 person:" in admin.last_text()
    await admin.tap("Send")
    assert await bot.dispatch() == 1
    assert jens.texts()[-1] == f"📣 {name}\n\nBussen kører kl. 9, ikke kl. 10."
    keyboards_fit(admin)


async def test_an_admin_finds_the_centre_to_write_to_by_typing(bot: Harness) -> None:
    admin, name, _slug = await admin_of_200(bot)
    await admin.send("/besked")
    await admin.send("reden")
    assert "Det fandt jeg for reden:" in admin.last_text()
    labels = [b for b, _ in admin.last_message().buttons()]
    assert labels.count("👥 Alle på Reden") == 2
    assert "⬅️ Tilbage til listen" in labels
    await admin.send("findes ikke")
    assert "Jeg kan ikke finde et værested med findes ikke i navnet eller byen." in (
        admin.last_text()
    )
    await admin.send(name)
    await admin.tap(f"Alle på {name}")
    assert "Skriv beskeden." in admin.last_text()
    keyboards_fit(admin)


async def test_an_admin_of_200_centres_makes_a_national_activity(bot: Harness) -> None:
    admin, _name, _slug = await admin_of_200(bot)
    await admin.send("/ny_aktivitet")
    labels = [b for b, _ in admin.last_message().buttons()]
    assert "🌍 For hele landet" in labels and "Næste ▶️" in labels
    await admin.tap("For hele landet")
    await admin.send("Landsturnering")
    await admin.tap("I morgen")
    await admin.tap("14.00")
    await admin.send("Fælledparken")
    await admin.tap("10")
    assert "Landsturnering" in admin.last_text()
    await admin.tap("Opret")
    ((activity, _confirmed),) = await bot.store.activities.all()
    assert activity.title == "Landsturnering" and activity.centre_id is None
    keyboards_fit(admin)


async def test_an_admin_of_200_centres_makes_an_activity_for_the_150th(bot: Harness) -> None:
    admin, name, _slug = await admin_of_200(bot)
    await admin.send("/ny_aktivitet")
    assert await page_to(admin, name) == 149 // 6
    await admin.tap("Forrige")  # back one page, and on again
    await admin.tap("Næste")
    await admin.tap(name)
    assert "Hvad hedder den?" in admin.last_text()
    await admin.send("Fodbold")
    await admin.tap("I morgen")
    await admin.tap("14.00")
    await admin.tap("Kun én gang")
    await admin.send("Banen")
    await admin.tap("10")
    assert f"🏠 {name}" in admin.last_text()
    await admin.tap("Opret")
    ((activity, _confirmed),) = await bot.store.activities.all()
    centre = await bot.store.centres.get(activity.centre_id or 0)
    assert centre is not None and centre.name == name
    keyboards_fit(admin)


async def test_an_admin_finds_the_centre_of_a_new_activity_by_typing(bot: Harness) -> None:
    admin, name, _slug = await admin_of_200(bot)
    await admin.send("/ny_aktivitet")
    await admin.send("odense")  # 9 centres: too many for one screen
    assert "Skriv lidt mere af navnet eller byen" in admin.last_text()
    await admin.tap("Tilbage til listen")
    assert "Tryk på værestedet, eller skriv en del af navnet eller byen." in admin.last_text()
    await admin.send(name)
    await admin.tap(name)
    assert "Hvad hedder den?" in admin.last_text()


async def test_staff_of_one_centre_go_straight_to_the_title_as_before(bot: Harness) -> None:
    await two_hundred_centres(bot)
    centre = (await bot.store.centres.all())[149]
    await bot.store.roles.grant(50, RoleName.STAFF, centre.id, NOW)
    lene = bot.user(50, "Lene")
    await lene.send("/start")
    await lene.send("/ny_aktivitet")
    assert lene.last_text() == "Ny aktivitet\nHvad hedder den? Skriv en kort titel."
    await lene.send("/besked")
    assert lene.last_message().buttons()[0][0] == f"👥 Alle på {centre.name}"
