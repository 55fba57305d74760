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


# -- who did not get it: Lene must tell them about the bus herself (walk-through) ----------------


async def participants(bot: Harness, title: str, names: list[str]) -> tuple[int, list[FakeUser]]:
    """An activity of Café Parasollen and its participants, each signed up with a phone."""
    centre = await bot.store.centres.by_slug("parasollen")
    activity_id = await bot.activity(centre, title, capacity=20)
    people = []
    for uid, name in enumerate(names, start=1):
        person = bot.user(uid, name)
        await person.send("/start c-parasollen")
        await bot.store.signups.join(activity_id, uid, NOW, bot.services.planner)
        people.append(person)
    return activity_id, people


async def write_to_participants(lene: FakeUser, title: str, text: str = MESSAGE) -> None:
    await lene.send("/besked")
    await lene.tap("Deltagerne i én aktivitet")
    await lene.tap(title)
    await lene.send(text)


async def test_lene_is_told_by_name_who_will_not_get_the_bus_message(bot: Harness) -> None:
    """Five signed up for the trip with a phone; Kim and Bo blocked the bot long ago, Maria
    blocks it while the message goes out. The preview and the report both say who to tell."""
    lene, _ = await setup_centre(bot, 0)
    _id, (jens, maria, kim, bo, ali) = await participants(
        bot, "Bustur til Skagen", ["Jens", "Maria", "Kim", "Bo", "Ali"]
    )
    await kim.block()
    await bo.block()
    await write_to_participants(lene, "Bustur til Skagen")
    assert lene.last_text() == (
        "Ny besked\nDen sendes til 3 personer:\n"
        "2 personer har blokeret botten og får den ikke. Sig det selv til dem: Bo og Kim.\n\n"
        + MESSAGE
    )
    bot.fake.blocked.add(maria.id)
    await lene.tap("Send")
    await bot.dispatch()
    assert lene.last_text() == (
        "✅ 2 af 5 har fået beskeden.\n3 har blokeret botten.\n"
        "3 personer har ikke fået den. Sig det selv til dem: Bo, Kim og Maria."
    )
    assert len(announcements(jens)) == len(announcements(ali)) == 1


async def test_the_report_names_who_may_not_have_got_it(bot: Harness) -> None:
    """The connection broke while Kim's message went out: Lene is told to tell Kim too."""
    lene, _ = await setup_centre(bot, 0)
    _id, (_kim, bo) = await participants(bot, "Bustur", ["Kim", "Bo"])
    await bo.block()
    await write_to_participants(lene, "Bustur")
    await lene.tap("Send")
    bot.fake.fail("sendMessage", exception=httpx.ReadTimeout)
    await bot.dispatch()
    assert lene.last_text() == (
        "✅ 0 af 2 har fået beskeden.\n1 har blokeret botten.\n"
        "1 har måske fået den (forbindelsen røg).\n"
        "1 person har ikke fået den. Sig det selv til Bo.\n"
        "1 person har måske ikke fået den. Sig det selv til Kim for at være sikker."
    )


async def test_to_a_whole_centre_lene_gets_counts_not_names(bot: Harness) -> None:
    """Ali turned the centre's messages off (his choice), Maria blocked the bot: Lene learns how
    many will not get it, but not who."""
    lene, (_jens, maria, ali, kim) = await setup_centre(bot, 4)
    await ali.press("⚙️ Indstillinger")
    await ali.tap("Ingen beskeder fra Café Parasollen")
    await maria.block()
    await write_to_centre(lene)
    assert lene.last_text() == (
        "Ny besked\nDen sendes til 2 personer:\n"
        "1 person har blokeret botten og får den ikke.\n"
        "1 person har slået beskeder fra og får den ikke.\n\n" + MESSAGE
    )
    bot.fake.blocked.add(kim.id)
    await lene.tap("Send")
    await bot.dispatch()
    assert lene.last_text() == "✅ 1 af 2 har fået beskeden.\n1 har blokeret botten."


async def test_no_names_once_lene_is_no_longer_staff(bot: Harness) -> None:
    """Lene's role ends while her message is on its way: she may still stop it, and her
    report counts, but no longer names the centre's people."""
    lene, _ = await setup_centre(bot, 0)
    _id, (_kim, bo) = await participants(bot, "Bustur", ["Kim", "Bo"])
    await bo.block()
    await write_to_participants(lene, "Bustur")
    await lene.tap("Send")
    centre = await bot.store.centres.by_slug("parasollen")
    assert centre is not None
    await bot.store.roles.revoke(LENE, RoleName.STAFF, centre.id)
    await lene.tap("Stop udsendelsen")
    assert lene.last_text() == (
        "⏹ Stoppet. 0 af 2 har fået beskeden.\n1 har blokeret botten.\n"
        "1 blev ikke sendt, fordi du stoppede."
    )


async def test_the_report_to_the_author_names_nobody_after_her_role_ends(bot: Harness) -> None:
    lene, _ = await setup_centre(bot, 0)
    _id, (_kim, bo) = await participants(bot, "Bustur", ["Kim", "Bo"])
    await bo.block()
    await write_to_participants(lene, "Bustur")
    await lene.tap("Send")
    centre = await bot.store.centres.by_slug("parasollen")
    assert centre is not None
    await bot.store.roles.revoke(LENE, RoleName.STAFF, centre.id)
    await bot.dispatch()
    assert lene.last_text() == "✅ 1 af 2 har fået beskeden.\n1 har blokeret botten."


HEAVY = "Ø&<"  # each character is an entity or more in HTML; Telegram counts one
NAME_64 = (HEAVY * 22)[:64]  # Telegram's longest first name
GUEST_40 = (HEAVY * 14)[:40]  # the longest name staff may type for a counter sign-up


async def test_the_preview_and_the_report_fit_with_500_who_do_not_get_it(bot: Harness) -> None:
    """The summer trip at its worst: 500 signed up with 64-character names, of whom 250 blocked
    the bot long ago and the other 250 cannot be reached (or the connection breaks); 500 more
    signed up at the counter; Lene's text as long as allowed. Telegram takes both messages."""
    lene, _ = await setup_centre(bot, 0)
    centre = await bot.store.centres.by_slug("parasollen")
    trip = await bot.activity(centre, "Sommertur", capacity=1000)
    for uid in range(1, 501):  # no chat with the fake: Telegram refuses them ("chat not found")
        await bot.store.people.touch(uid, NAME_64, "da", NOW)
        await bot.store.signups.join(trip, uid, NOW, bot.services.planner)
        if uid <= 250:
            await bot.store.people.set_active(uid, False)
    for _ in range(500):
        await bot.store.counter_signups.join(trip, GUEST_40, LENE, NOW)
    text = ("Kaffe & kage <3 – husk madpakke! " * 200)[:3899] + "!"
    await write_to_participants(lene, "Sommertur", text)
    preview = lene.last_text()
    assert preview.startswith("Ny besked\nDen sendes til 250 personer:\n")
    assert "\n250 personer har blokeret botten og får den ikke" in preview
    assert "har ingen telefon" in preview and preview.endswith("\n" + text)
    assert len(preview) <= 4096
    await lene.tap("Send")
    bot.fake.fail("sendMessage", exception=httpx.ReadTimeout, times=100)
    await bot.dispatch()
    report = lene.last_text()
    assert report.startswith(
        "✅ 0 af 500 har fået beskeden.\n250 har blokeret botten.\n150 kunne ikke nås.\n"
        "100 har måske fået den (forbindelsen røg).\n"
    )
    missed, unsure = report.split("\n")[-2:]
    assert missed.startswith(f"400 personer har ikke fået den. Sig det selv til dem: {NAME_64}, ")
    assert missed.endswith(" andre.")
    assert unsure.startswith(
        f"100 personer har måske ikke fået den. Sig det selv til dem for at være sikker: {NAME_64}"
    )
    assert unsure.endswith(" andre.")
    assert len(report) <= 4096
