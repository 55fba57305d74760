"""Fault injection: 10 % of requests fail (500s, 429s, refused connections, timeouts) while 200
people sign up and cancel, reminders go out and an announcement runs. Afterwards the database
agrees with what people were shown, no seat is overbooked, nothing went out twice, nothing is
lost (every message ended as sent, failed, unknown or skipped)."""

import asyncio
from collections import Counter

from bot.store.roles import RoleName
from tests.conftest import NOW, Harness, local

START = local(2026, 12, 5, 10)
CAPACITY = 50


async def test_two_hundred_people_through_ten_percent_failures(bot: Harness) -> None:
    bot.expect_errors = True  # handlers do fail here; each failure is logged and answered
    centre = await bot.centre()
    activity_id = await bot.activity(centre, "Fodbold", capacity=CAPACITY)
    await bot.store.roles.grant(9000, RoleName.STAFF, centre.id, NOW)
    people = [bot.user(uid, f"P{uid}") for uid in range(1, 201)]
    for person in people:
        await person.send("/start c-parasollen")
    bot.fake.chaos(0.10, seed=42)

    async def join(person):  # type: ignore[no-untyped-def]
        for attempt in range(3):  # a person tries again after "Noget gik galt"
            try:
                await person.tap_data(f"v1:act:show:{activity_id}:0", person.bot_messages()[-1])
                await person.tap_data(f"v1:act:join:{activity_id}:0", person.bot_messages()[-1])
                return
            except AssertionError:
                await asyncio.sleep(0)

    await asyncio.gather(*(join(p) for p in people))
    bot.clock.advance(60)
    await asyncio.gather(
        *(p.tap_data(f"v1:act:leave:{activity_id}:0", p.bot_messages()[-1]) for p in people[:40])
    )
    lene = bot.user(9000, "Lene")
    bot.fake.chaos(0.0)
    await lene.send("/besked")
    await lene.tap("Alle på Café Parasollen")
    await lene.send("Husk skiftesko")
    await lene.tap("Send")
    bot.fake.chaos(0.10, seed=7)
    bot.clock.now = lambda: START - 2 * 3600  # type: ignore[method-assign]
    for _ in range(3):
        await bot.dispatch()
    bot.fake.chaos(0.0)

    # No seat overbooked.
    view = await bot.store.signups.view(activity_id, 0)
    assert view is not None and view.confirmed <= CAPACITY

    # What each person was last shown on the card agrees with the database.
    for person in people:
        cards = [m for m in person.bot_messages() if m.text.startswith("Fodbold\n📅")]
        if not cards or cards[-1] is not person.last_message():
            continue  # their last screen is something else (an error, a notice)
        mine = await bot.store.signups.view(activity_id, person.id)
        assert mine is not None
        text = cards[-1].text
        if "✅ Du er tilmeldt" in text:
            assert mine.my_status == "confirmed", person.id
        elif "på ventelisten" in text:
            assert mine.my_status in ("waitlisted", "confirmed"), person.id
        elif "Du har givet din plads fri" in text or "Du står ikke længere" in text:
            assert mine.my_status == "cancelled", person.id

    # Nothing went out twice: per person at most one reminder and one announcement.
    reminders = Counter(m.chat_id for m in bot.fake.messages_from_bot() if m.text.startswith("⏰"))
    announcements = Counter(
        m.chat_id for m in bot.fake.messages_from_bot() if m.text.startswith("📣")
    )
    assert max(reminders.values()) == 1 and max(announcements.values()) == 1

    # Nothing lost: every row ended, and every row recorded as sent did arrive.
    assert await bot.store.notifications.count("pending") == 0
    assert await bot.store.notifications.count("sending") == 0
    status = await bot.store.broadcasts.status(1)
    assert status is not None and status.open == 0 and status.state == "done"
    assert status.counts["sent"] <= len(announcements)
    assert await bot.store.notifications.count("sent", "reminder") <= len(reminders)
    confirmed_with_reminder = await bot.store.notifications.count(kind="reminder")
    assert confirmed_with_reminder >= view.confirmed
    assert len(bot.fake.chaos_log) > 50, "the failures really happened"
    assert {kind for _m, kind in bot.fake.chaos_log} == {"500", "429", "timeout", "refused"}
    # A tap whose answer failed twice (injected) stays unanswered; the phone gives up on it.
    unanswered = bot.fake.unanswered()
    failed_answers = sum(1 for m, _k in bot.fake.chaos_log if m == "answerCallbackQuery")
    assert len(unanswered) <= failed_answers
    bot.fake.open_queries.clear()
