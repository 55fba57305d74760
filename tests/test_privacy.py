"""Privacy: see it, erase it, forget the inactive, keep logs clean, refuse a damaged database."""

import json
import logging
from pathlib import Path

import pytest

from bot.store import DatabaseError, Store
from bot.store.roles import RoleName
from dialogs.privacy import run_retention
from tests.conftest import NOW, Harness, local

DAY = 86400


async def signed_up(bot: Harness, uid: int, name: str, number: str = "Tur"):  # type: ignore[no-untyped-def]
    person = bot.user(uid, name)
    await person.send("/start c-parasollen")
    await person.tap(number)
    # The card's one clear button: "Tilmeld mig", or "Skriv mig på ventelisten" when full.
    await person.tap_data(person.last_message().buttons()[0][1])
    return person


async def test_the_first_start_tells_what_is_kept_once(bot: Harness) -> None:
    jens = bot.user(1)
    await jens.send("/start")
    assert jens.texts()[0].endswith(
        "🔒 Vi gemmer kun dit fornavn, dit sprog og det, du melder dig til. Vi gemmer aldrig dit"
        " telefonnummer. En besked til personalet sletter vi efter 7 dage. Se det hele med"
        " /mine_data, slet det med /slet_mig."
    )
    await jens.send("/start")
    assert "🔒" not in jens.texts()[-2]


async def test_my_data_shows_everything_as_text_and_json(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Tur")
    jens = await signed_up(bot, 1, "Jens")
    await jens.send("/mine_data")
    text = [m for m in jens.bot_messages() if m.kind == "text"][-1].text
    assert text.startswith(
        "Det her ved vi om dig\n\n• Dit Telegram-id: 1\n• Dit fornavn: Jens\n• Sprog: Dansk\n"
        "• Væresteder: Café Parasollen\n• Påmindelser: til\n• Tilmeldinger, der kommer:\n"
        "   – Tur, lørdag 5. december kl. 10.00: tilmeldt"
    )
    (document,) = [m for m in jens.bot_messages() if m.kind == "document"]
    data = json.loads(document.file_bytes)
    assert data["first_name"] == "Jens" and data["centres"] == [
        {"name": "Café Parasollen", "messages": True, "joined_at": "2026-11-28T09:00:00+00:00"}
    ]
    assert data["signups"][0]["activity"] == "Tur"


async def test_erasing_gives_places_back_and_keeps_only_anonymous_counts(bot: Harness) -> None:
    centre = await bot.centre()
    past = await bot.activity(centre, "Før", starts_at=local(2026, 11, 28, 12))
    ahead = await bot.activity(centre, "Tur", capacity=1)
    jens = await signed_up(bot, 1, "Jens", "Før")
    await jens.tap("Tilbage til listen")
    await jens.tap("Tur")
    await jens.tap("Tilmeld mig")
    maria = await signed_up(bot, 2, "Maria", "Tur")
    await bot.store.roles.grant(1, RoleName.COORDINATOR, centre.id, NOW)
    bot.clock.advance(3 * 3600)  # "Før" is over now
    await jens.send("/slet_mig")
    assert jens.last_text().startswith("Vil du have os til at slette alt, hvad vi ved om dig?")
    await jens.tap("Ja, slet mig")
    assert jens.last_text().startswith("Alt om dig er slettet.")
    assert await bot.store.privacy.personal_data(1) is None
    assert await bot.store.roles.of(1) == [] and await bot.store.people.centres(1) == []
    assert await bot.dispatch() == 1
    assert maria.last_text().startswith("🎉 Godt nyt!")
    before = await bot.store.counts.of(past)
    assert before is not None and before.confirmed == 1 and before.guests == 0
    people = await bot.store.counts.participants(past)
    assert [p.name for p in people] == ["?"]
    view = await bot.store.signups.view(ahead, 2)
    assert view is not None and view.my_status == "confirmed"


async def test_no_keeps_everything(bot: Harness) -> None:
    jens = bot.user(1)
    await jens.send("/slet_mig")
    await jens.tap("Nej, behold mine data")
    assert await bot.store.privacy.personal_data(1) is not None


async def test_retention_forgets_the_inactive_and_old_announcements(bot: Harness) -> None:
    centre = await bot.centre()
    old, recent = bot.user(1, "Gammel"), bot.user(2, "Ny")
    await old.send("/start c-parasollen")
    bot.clock.advance(300 * DAY)
    await recent.send("/start c-parasollen")
    await bot.store.broadcasts.create(99, "centre", centre.id, None, "Hej", None, bot.clock.now())
    bot.clock.advance(100 * DAY)  # old: 400 days silent; recent: 100
    assert await run_retention(bot.services) == (1, 1)
    assert await bot.store.privacy.personal_data(1) is None
    assert await bot.store.privacy.personal_data(2) is not None
    assert await bot.store.broadcasts.status(1) is None


async def test_logs_hold_no_texts_names_or_token(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    centre = await bot.centre()
    await bot.activity(centre, "Tur", capacity=1)
    await bot.store.roles.grant(50, RoleName.STAFF, centre.id, NOW)
    jens = await signed_up(bot, 1, "Jensemand")
    await jens.send("min hemmelige besked 12345")
    lene = bot.user(50, "Lenemor")
    await lene.send("/besked")
    await lene.tap("Alle på Café Parasollen")
    await lene.send("Fortroligt: bussen kører kl. 9")
    await lene.tap("Send")
    bot.fake.blocked.add(1)
    await bot.dispatch()
    logged = "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.INFO)
    for secret in ("Jensemand", "Lenemor", "hemmelige", "Fortroligt", bot.fake.token):
        assert secret not in logged


async def test_a_damaged_database_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    store = await Store.open(path)
    await store.centres.add("a", "A", "", "Europe/Copenhagen")
    await store.close()
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(page * 2, min(len(data), page * 2 + 200)):  # scribble on a table page
        data[offset] = 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseError) as info:
        await Store.open(path)
    assert "\n" not in str(info.value)
    assert "damaged" in str(info.value) or "cannot use database" in str(info.value)


async def test_a_database_that_cannot_be_created_is_refused_in_one_line(
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(DatabaseError, match="cannot create database") as info:
        await Store.open(blocker / "bot.db")
    assert "\n" not in str(info.value)


async def test_keeping_my_data_says_so(bot: Harness) -> None:
    jens = bot.user(1, "Maria")
    await jens.send("/start")
    await jens.send("/slet_mig")
    await jens.tap("Nej, behold mine data")
    assert jens.last_text() == "Godt. Vi har ikke slettet noget."
    assert await bot.store.privacy.personal_data(1) is not None


async def test_my_data_heads_sign_ups_ahead_and_earlier_apart(bot: Harness) -> None:
    centre = await bot.centre()
    held = await bot.activity(centre, "Før", starts_at=local(2026, 11, 27, 12))
    ahead = await bot.activity(centre, "Tur")
    maria = bot.user(2, "Maria")
    await maria.send("/start c-parasollen")
    await bot.store.signups.join(held, 2, NOW - 2 * DAY, bot.services.planner)
    await bot.store.signups.join(ahead, 2, NOW, bot.services.planner)
    await maria.send("/mine_data")
    text = [m.text for m in maria.bot_messages() if m.kind == "text"][-1]
    assert (
        "• Tilmeldinger, der kommer:\n   – Tur, lørdag 5. december kl. 10.00: tilmeldt\n"
        "• Tidligere tilmeldinger:\n   – Før, fredag 27. november kl. 12.00: tilmeldt\n"
        "• Påmindelser, vi sender dig: 2"
    ) in text
