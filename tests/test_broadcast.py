"""Announcements: to the right people, exactly once, through 429s, blocks, timeouts and crashes."""

import asyncio
from collections import Counter

import httpx

from bot.fake_telegram import FakeUser
from bot.store.roles import RoleName
from tests.conftest import NOW, Harness

MESSAGE = "Bussen kører kl. 9, ikke kl. 10."
LENE = 9050


async def setup_centre(bot: Harness, members: int = 2) -> tuple[FakeUser, list[FakeUser]]:
    centre = await bot.centre()
    await bot.store.roles.grant(LENE, RoleName.STAFF, centre.id, NOW)
    lene = bot.user(LENE, "Lene")
    await lene.send("/start")
    people = []
    for uid in range(1, members + 1):
        person = bot.user(uid, f"P{uid}")
        await person.send("/start c-parasollen")
        people.append(person)
    return lene, people


async def write_to_centre(lene: FakeUser, text: str = MESSAGE) -> None:
    await lene.send("/besked")
    await lene.tap("Alle på Café Parasollen")
    await lene.send(text)


def announcements(person: FakeUser) -> list[str]:
    return [t for t in person.texts() if t.startswith("📣")]


async def test_an_announcement_reaches_every_member_once_with_a_report(bot: Harness) -> None:
    lene, (jens, maria) = await setup_centre(bot)
    await lene.send("/besked")
    assert [b for b, _ in lene.last_message().buttons()] == [
        "👥 Alle på Café Parasollen",
        "🎯 Deltagerne i én aktivitet",
        "⬅️ Tilbage",
        "✖️ Afbryd",
    ]
    await lene.tap("Alle på Café Parasollen")
    assert "Skriv beskeden." in lene.last_text()
    await lene.send(MESSAGE)
    assert lene.last_text() == f"Ny besked\nDen sendes til 2 personer:\n\n{MESSAGE}"
    await lene.tap("Send")
    progress = lene.last_message()
    assert progress.text == "📤 Sender… 0 af 2 er klaret."
    assert [b for b, _ in progress.buttons()] == ["⏹ Stop udsendelsen"]
    assert await bot.dispatch() == 2
    for person in (jens, maria):
        assert announcements(person) == [f"📣 Café Parasollen\n\n{MESSAGE}"]
    assert progress.text == "✅ 2 af 2 har fået beskeden."
    assert await bot.dispatch() == 0
    assert announcements(jens) == [f"📣 Café Parasollen\n\n{MESSAGE}"]


async def test_to_the_participants_of_one_activity(bot: Harness) -> None:
    lene, (jens, maria) = await setup_centre(bot)
    centre = await bot.store.centres.by_slug("parasollen")
    await bot.activity(centre, "Tur til Bakken", capacity=5)
    await jens.send("/aktiviteter")
    await jens.tap("Tur til Bakken")
    await jens.tap("Tilmeld mig")
    await lene.send("/besked")
    await lene.tap("Deltagerne i én aktivitet")
    await lene.tap("Tur til Bakken")
    await lene.send("Husk madpakke!")
    assert "Den sendes til 1 person:" in lene.last_text()
    await lene.tap("Send")
    await bot.dispatch()
    assert announcements(jens) == ["📣 Café Parasollen\n\nHusk madpakke!"]
    assert announcements(maria) == []


async def test_a_photo_with_a_caption(bot: Harness) -> None:
    lene, (jens, _maria) = await setup_centre(bot)
    await lene.send("/besked")
    await lene.tap("Alle på Café Parasollen")
    await lene.send_photo("Se vores nye billard!", file_id="photo-42")
    assert "📷 Et billede med teksten:\nSe vores nye billard!" in lene.last_text()
    await lene.tap("Send")
    await bot.dispatch()
    (photo,) = [m for m in jens.bot_messages() if m.kind == "photo"]
    assert (photo.file_id, photo.text) == (
        "photo-42",
        "📣 Café Parasollen\n\nSe vores nye billard!",
    )


async def test_people_who_turned_announcements_off_or_blocked_the_bot_are_skipped(
    bot: Harness,
) -> None:
    lene, (jens, maria, ali) = await setup_centre(bot, 3)
    await ali.press("⚙️ Indstillinger")
    await ali.tap("Ingen beskeder fra Café Parasollen")
    assert ali.last_text().startswith("🔕 Ingen flere beskeder fra Café Parasollen.")
    await bot.store.people.set_active(maria.id, False)  # she blocked the bot earlier
    await write_to_centre(lene)
    assert "Den sendes til 1 person:" in lene.last_text()
    await lene.tap("Send")
    await bot.dispatch()
    assert len(announcements(jens)) == 1
    assert announcements(maria) == [] and announcements(ali) == []


async def test_stopping_an_announcement_keeps_the_rest_unsent(bot: Harness) -> None:
    lene, people = await setup_centre(bot, 5)
    await write_to_centre(lene)
    await lene.tap("Send")
    await lene.tap("Stop udsendelsen")
    assert lene.last_text() == (
        "⏹ Stoppet. 0 af 5 har fået beskeden.\n5 blev ikke sendt, fordi du stoppede."
    )
    assert await bot.dispatch() == 0
    assert all(announcements(p) == [] for p in people)


async def test_an_over_long_message_is_explained(bot: Harness) -> None:
    lene, _ = await setup_centre(bot)
    await lene.send("/besked")
    await lene.tap("Alle på Café Parasollen")
    await lene.send("x" * 3901)
    assert lene.last_text().startswith("Det er 3901 tegn; der er plads til 3900. Gør den kortere.")


async def test_five_hundred_people_through_429s_blocks_and_a_timeout(bot: Harness) -> None:
    lene, people = await setup_centre(bot, 500)
    blocked = {p.id for p in people[10:30]}
    bot.fake.blocked.update(blocked)
    await write_to_centre(lene)
    await lene.tap("Send")
    bot.fake.fail("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3, times=3)
    bot.fake.fail("sendMessage", exception=httpx.ReadTimeout)  # one ambiguous timeout
    await bot.dispatch()
    status = await bot.store.broadcasts.status(1)
    assert status is not None and status.state == "done"
    c = status.counts
    assert (c["sent"], c["blocked"], c.get("failed", 0), c["unknown"]) == (479, 20, 0, 1)
    assert sum(c.values()) == 500
    got = Counter(m.chat_id for m in bot.fake.messages_from_bot() if m.text.startswith("📣"))
    assert max(got.values()) == 1 and len(got) == 479
    assert lene.last_text() == (
        "✅ 479 af 500 har fået beskeden.\n20 har blokeret botten.\n"
        "1 har måske fået den (forbindelsen røg)."
    )
    assert (
        await bot.store.broadcasts.count_audience("centre", 1, None) == 480
    )  # the blocked are inactive
    assert sum(1 for s in bot.slept if s >= 2.9) >= 1, sorted(bot.slept)[-5:]


async def test_a_crash_mid_announcement_resumes_without_duplicates(bot: Harness) -> None:
    lene, people = await setup_centre(bot, 60)
    await write_to_centre(lene)
    await lene.tap("Send")
    bot.fake.latency = 0.002
    task = asyncio.create_task(bot.dispatch())
    while sum(1 for p in people if announcements(p)) < 20:
        await asyncio.sleep(0.001)
    task.cancel()  # the process dies here, some messages on their way
    await asyncio.gather(task, return_exceptions=True)
    bot.fake.latency = 0.0
    await bot.restart()
    await bot.dispatch()
    status = await bot.store.broadcasts.status(1)
    assert status is not None and status.state == "done"
    got = Counter(m.chat_id for m in bot.fake.messages_from_bot() if m.text.startswith("📣"))
    assert max(got.values()) == 1
    unknown = status.counts.get("unknown", 0)
    assert status.counts["sent"] + unknown == 60
    assert len(got) >= 60 - unknown  # the unknown ones may or may not have arrived


async def test_a_national_admin_can_write_to_everyone(bot: Harness) -> None:
    await bot.centre()
    await bot.centre("kofoed", "Kofoeds Skole")
    await bot.store.roles.grant(99, RoleName.ADMIN, None, NOW)
    admin = bot.user(99, "Admin")
    await admin.send("/start")
    jens, ole = bot.user(1), bot.user(2)
    await jens.send("/start c-parasollen")
    await ole.send("/start c-kofoed")
    await admin.send("/besked")
    await admin.tap("Alle på alle væresteder")
    await admin.send("Landsturneringen er flyttet.")
    await admin.tap("Send")
    await bot.dispatch()
    for person in (jens, ole):
        assert announcements(person) == ["📣 For hele landet\n\nLandsturneringen er flyttet."]


async def test_staff_cannot_write_to_everyone_by_forging_the_button(bot: Harness) -> None:
    lene, _ = await setup_centre(bot)
    await lene.send("/besked")
    await lene.tap_data("v1:bc:aud:all")
    assert lene.last_text() == "Det har du ikke adgang til."
    assert (await bot.store.drafts.get(LENE, bot.clock.now())).step == "audience"  # type: ignore[union-attr]


async def test_a_voice_message_with_a_caption(bot: Harness) -> None:
    lene, (jens, _maria) = await setup_centre(bot)
    await lene.send("/besked")
    await lene.tap("Alle på Café Parasollen")
    await lene.send_voice("Hør her", file_id="voice-7")
    assert "🎤 En talebesked med teksten:\nHør her" in lene.last_text()
    await lene.tap("Send")
    await bot.dispatch()
    (voice,) = [m for m in jens.bot_messages() if m.kind == "voice"]
    assert (voice.file_id, voice.text) == ("voice-7", "📣 Café Parasollen\n\nHør her")


async def test_the_progress_message_changes_at_most_every_five_seconds(bot: Harness) -> None:
    lene, _ = await setup_centre(bot, 3)
    await write_to_centre(lene)
    await lene.tap("Send")
    now = bot.clock.now()
    assert await bot.store.broadcasts.claim_report(1, now, 5)
    assert not await bot.store.broadcasts.claim_report(1, now + 4, 5)
    assert await bot.store.broadcasts.claim_report(1, now + 5, 5)
