"""Reminders and notices: on time, once, through restarts, blocks, 429s and timeouts."""

from pathlib import Path

import httpx
import pytest

from bot.app import build_application
from bot.reminders import ReminderPolicy
from tests.conftest import Harness, local, write_config

H = 3600
START = local(2026, 12, 5, 10)  # Saturday 5 December, 10:00 in Copenhagen


async def signed_up(bot: Harness, user_id: int = 1, name: str = "Jens", capacity: int = 5):  # type: ignore[no-untyped-def]
    centre = await bot.store.centres.by_slug("parasollen") or await bot.centre()
    activity_id = next(
        (a.id for a, _ in await bot.store.activities.all() if a.title == "Fodbold"), None
    ) or await bot.activity(centre, "Fodbold", place="Fælledparken", capacity=capacity)
    person = bot.user(user_id, name)
    await person.send("/start c-parasollen")
    await person.tap("Fodbold")
    # The card's one clear button: "Tilmeld mig", or "Skriv mig på ventelisten" when full.
    await person.tap_data(person.last_message().buttons()[0][1])
    return person, activity_id


def reminders_of(person) -> list[str]:  # type: ignore[no-untyped-def]
    return [t for t in person.texts() if t.startswith("⏰ Husk")]


async def test_each_reminder_goes_out_once_at_its_time(bot: Harness) -> None:
    jens, _ = await signed_up(bot)
    assert await bot.dispatch() == 0
    bot.clock.now = lambda: START - 24 * H - 1  # type: ignore[method-assign]
    assert await bot.dispatch() == 0
    bot.clock.now = lambda: START - 24 * H  # type: ignore[method-assign]
    assert await bot.dispatch() == 1
    assert jens.last_text() == (
        "⏰ Husk: Fodbold i morgen kl. 10.00.\n\n"
        "Fodbold\n📅 lørdag 5. december kl. 10.00\n📍 Fælledparken\n🏠 Café Parasollen"
    )
    assert [b for b, _ in jens.last_message().buttons()] == ["👍 Jeg kommer", "Jeg kan ikke komme"]
    assert await bot.dispatch() == 0
    bot.clock.now = lambda: START - 2 * H + 5  # type: ignore[method-assign]
    assert await bot.dispatch() == 1
    assert await bot.dispatch() == 0
    assert len(reminders_of(jens)) == 2
    assert await bot.store.notifications.count("sent", "reminder") == 2


async def test_i_am_coming_is_a_kind_one_tap_answer(bot: Harness) -> None:
    jens, _ = await signed_up(bot)
    bot.clock.now = lambda: START - 2 * H  # type: ignore[method-assign]
    await bot.dispatch()
    await jens.tap("Jeg kommer")
    assert jens.last_text().endswith("👍 Dejligt – vi ses!")


async def test_i_cannot_come_frees_the_seat_promotes_and_thanks(bot: Harness) -> None:
    jens, activity_id = await signed_up(bot, capacity=1)
    maria, _ = await signed_up(bot, 2, "Maria", capacity=1)
    assert "⏳ Du er nr. 1 på ventelisten." in maria.last_text()
    bot.clock.now = lambda: START - 2 * H  # type: ignore[method-assign]
    await bot.dispatch()
    assert reminders_of(maria) == []  # the waiting list gets no reminders
    await jens.tap("Jeg kan ikke komme")
    await jens.tap("Ja, giv den videre")  # it asks first
    assert jens.last_text().startswith(
        "Tak, fordi du sagde til. Din plads til Fodbold går videre til en anden."
    )
    assert await bot.dispatch() == 1
    assert maria.last_text().startswith("🎉 Godt nyt! Der blev en plads ledig til dig på Fodbold")
    view = await bot.store.signups.view(activity_id, 2)
    assert view is not None and view.my_status == "confirmed"


async def test_promoted_person_gets_the_reminders_still_ahead(bot: Harness) -> None:
    jens, _ = await signed_up(bot, capacity=1)
    maria, _ = await signed_up(bot, 2, "Maria", capacity=1)
    bot.clock.advance(60)
    await jens.tap("Afmeld")
    await bot.dispatch()
    bot.clock.now = lambda: START - 2 * H  # type: ignore[method-assign]
    await bot.dispatch()
    assert len(reminders_of(maria)) == 1 and reminders_of(jens) == []


async def test_cancelling_before_the_reminder_means_no_reminder(bot: Harness) -> None:
    jens, _ = await signed_up(bot)
    bot.clock.advance(60)
    await jens.tap("Afmeld")
    bot.clock.now = lambda: START - 2 * H  # type: ignore[method-assign]
    assert await bot.dispatch() == 0
    assert reminders_of(jens) == []


async def test_signing_up_late_skips_the_reminders_already_past(bot: Harness) -> None:
    bot.clock.now = lambda: START - 30 * 60  # type: ignore[method-assign]
    jens, _ = await signed_up(bot)
    bot.clock.now = lambda: START - 60  # type: ignore[method-assign]
    assert await bot.dispatch() == 0
    bot.clock.now = lambda: START - 20 * H  # type: ignore[method-assign]
    assert reminders_of(jens) == []
    assert await bot.store.notifications.count(kind="reminder") == 0


async def test_a_moved_activity_moves_its_reminders_and_tells_participants(bot: Harness) -> None:
    jens, activity_id = await signed_up(bot)
    moved = local(2026, 12, 6, 14)
    assert await bot.store.edits.change(
        activity_id, bot.clock.now(), bot.services.planner, starts_at=moved
    )
    bot.clock.advance(10 * 60)  # a change is told 10 minutes later (more may follow)
    assert await bot.dispatch() == 1
    assert jens.last_text().startswith(
        "📅 Der er en ændring:\n🕐 Nyt tidspunkt: søndag 6. december kl. 14.00"
        " (før lørdag 5. december kl. 10.00)\n\nFodbold\n📅 søndag 6. december kl. 14.00"
    )
    bot.clock.now = lambda: START - 2 * H  # type: ignore[method-assign]
    assert await bot.dispatch() == 0  # the old time: nothing
    bot.clock.now = lambda: moved - 2 * H  # type: ignore[method-assign]
    assert await bot.dispatch() == 1
    assert "søndag 6. december kl. 14.00" in jens.last_text()


async def test_a_cancelled_activity_is_announced_once_and_reminds_nobody(bot: Harness) -> None:
    jens, activity_id = await signed_up(bot)
    maria, _ = await signed_up(bot, 2, "Maria")
    assert await bot.store.edits.cancel(activity_id, bot.clock.now())
    assert not await bot.store.edits.cancel(activity_id, bot.clock.now())
    assert await bot.dispatch() == 2
    for person in (jens, maria):
        assert person.last_text() == (
            "😔 Fodbold (lørdag 5. december kl. 10.00) er desværre aflyst."
        )
    bot.clock.now = lambda: START - 2 * H  # type: ignore[method-assign]
    assert await bot.dispatch() == 0
    assert reminders_of(jens) == [] and reminders_of(maria) == []


async def test_after_downtime_only_the_latest_overdue_reminder_goes_out(bot: Harness) -> None:
    jens, _ = await signed_up(bot)
    bot.clock.now = lambda: START - 60 * 60  # type: ignore[method-assign]  # both are overdue
    assert await bot.dispatch() == 1
    assert len(reminders_of(jens)) == 1
    assert await bot.store.notifications.count("skipped", "reminder") == 1


async def test_overdue_reminders_of_started_activities_are_dropped(bot: Harness) -> None:
    jens, _ = await signed_up(bot)
    bot.clock.now = lambda: START + 60  # type: ignore[method-assign]
    assert await bot.dispatch() == 0
    assert reminders_of(jens) == []


async def test_a_blocked_user_gets_nothing_more_until_they_write_again(bot: Harness) -> None:
    jens, activity_id = await signed_up(bot)
    bot.fake.blocked.add(1)
    bot.clock.now = lambda: START - 24 * H  # type: ignore[method-assign]
    assert await bot.dispatch() == 1
    assert await bot.store.notifications.count("failed") == 1
    bot.clock.now = lambda: START - 2 * H  # type: ignore[method-assign]
    assert await bot.dispatch() == 0  # inactive: skipped, not tried
    assert await bot.store.notifications.count("skipped") == 1
    bot.fake.blocked.discard(1)
    await jens.send("hej")  # writing again makes them reachable again
    assert await bot.store.edits.change(
        activity_id, bot.clock.now(), bot.services.planner, place="Stuen"
    )
    bot.clock.now = lambda: START - 2 * H + 10 * 60  # type: ignore[method-assign]
    assert await bot.dispatch() == 1
    assert "📍 Stuen" in jens.last_text()


async def test_blocking_and_unblocking_the_bot_is_followed(bot: Harness) -> None:
    from bot.fake_telegram import BOT_ID, BOT_USERNAME

    jens, _ = await signed_up(bot)

    def member_update(status: str) -> dict:  # type: ignore[type-arg]
        bot_user = {"id": BOT_ID, "is_bot": True, "first_name": "V", "username": BOT_USERNAME}
        person = {"id": 1, "is_bot": False, "first_name": "Jens"}
        return {
            "my_chat_member": {
                "chat": {"id": 1, "type": "private", "first_name": "Jens"},
                "from": person,
                "date": 0,
                "old_chat_member": {"status": "member", "user": bot_user},
                "new_chat_member": {
                    "status": status,
                    "user": bot_user,
                    **({"until_date": 0} if status == "kicked" else {}),
                },
            }
        }

    await bot.fake.deliver(member_update("kicked"))
    bot.clock.now = lambda: START - 2 * H  # type: ignore[method-assign]
    assert await bot.dispatch() == 0
    assert reminders_of(jens) == []
    assert not bot.fake.calls_of("sendMessage")[-1].params.get("text", "").startswith("⏰")


async def test_a_429_is_waited_out_and_the_reminder_still_arrives_once(bot: Harness) -> None:
    jens, _ = await signed_up(bot)
    bot.fake.fail("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
    bot.clock.now = lambda: START - 2 * H  # type: ignore[method-assign]
    assert await bot.dispatch() == 1
    assert len(reminders_of(jens)) == 1
    assert any(6.9 < s <= 7.0 for s in bot.slept), bot.slept


async def test_an_ambiguous_timeout_is_recorded_unknown_and_never_resent(bot: Harness) -> None:
    jens, _ = await signed_up(bot)
    bot.fake.fail("sendMessage", exception=httpx.ReadTimeout)
    bot.clock.now = lambda: START - 2 * H  # type: ignore[method-assign]
    assert await bot.dispatch() == 1
    assert await bot.store.notifications.count("unknown") == 1
    assert await bot.dispatch() == 0
    assert reminders_of(jens) == []


async def test_a_refused_connection_is_retried(bot: Harness) -> None:
    jens, _ = await signed_up(bot)
    bot.fake.fail("sendMessage", exception=httpx.ConnectError, times=2)
    bot.clock.now = lambda: START - 2 * H  # type: ignore[method-assign]
    assert await bot.dispatch() == 1
    assert len(reminders_of(jens)) == 1


async def test_a_crash_between_claim_and_send_never_resends(bot: Harness) -> None:
    jens, _ = await signed_up(bot)
    due = START - 2 * H
    claimed = await bot.store.notifications.claim(due)  # claimed, then the process dies
    assert claimed is not None and claimed.offset_s == 24 * H
    bot.clock.now = lambda: due  # type: ignore[method-assign]
    await bot.restart()
    assert await bot.store.notifications.count("unknown") == 1
    assert await bot.dispatch() == 1  # only the 2 h one, now due
    assert await bot.store.notifications.count("unknown") == 1
    assert len(reminders_of(jens)) == 1  # the claimed 24 h reminder was never sent


async def test_reminders_can_be_turned_off_and_on(bot: Harness) -> None:
    jens, _ = await signed_up(bot)
    await jens.press("⚙️ Indstillinger")
    assert "Påmindelser: til" in jens.last_text()
    await jens.tap("Slå påmindelser fra")
    assert jens.last_text().startswith("🔕 Du får ikke flere påmindelser.")
    bot.clock.now = lambda: START - 24 * H  # type: ignore[method-assign]
    assert await bot.dispatch() == 0
    await jens.tap("Slå påmindelser til")
    assert "Påmindelser: til" in jens.last_text()
    bot.clock.now = lambda: START - 2 * H  # type: ignore[method-assign]
    assert await bot.dispatch() == 1
    assert len(reminders_of(jens)) == 1


QUIET = ReminderPolicy((86400, 7200), (22 * 60, 8 * 60), "Europe/Copenhagen")


@pytest.mark.parametrize(
    ("starts", "expected"),
    [
        # 2 h before 09:00 is 07:00, in quiet hours: at 08:00 when they end.
        (local(2026, 12, 5, 9), [(86400, local(2026, 12, 4, 9)), (7200, local(2026, 12, 5, 8))]),
        # 2 h before 07:30 is 05:30; quiet ends after the start: the last minute before 22:00
        # the evening before. (24 h before, 07:30, is also quiet: moved to 08:00.)
        (
            local(2026, 12, 5, 7, 30),
            [(86400, local(2026, 12, 4, 8)), (7200, local(2026, 12, 4, 21, 59))],
        ),
        # 24 h before 23:00 is 23:00 the day before: moved to 08:00 on the day.
        (local(2026, 12, 5, 23), [(86400, local(2026, 12, 5, 8)), (7200, local(2026, 12, 5, 21))]),
    ],
)
def test_quiet_hours(starts: int, expected: list[tuple[int, int]]) -> None:
    now = local(2026, 11, 28, 10)
    assert QUIET.plan(starts, None, now) == expected


def test_offsets_are_counted_on_the_real_clock_across_daylight_saving() -> None:
    policy = ReminderPolicy((86400, 7200), None, "Europe/Copenhagen")
    # Sunday 29 March 2026 at 10:00 (summer time began at 02:00): 24 h before is 09:00 local.
    spring = local(2026, 3, 29, 10)
    assert policy.plan(spring, None, spring - 30 * 86400) == [
        (86400, local(2026, 3, 28, 9)),
        (7200, local(2026, 3, 29, 8)),
    ]
    # Sunday 25 October 2026 at 10:00 (winter time from 03:00): 24 h before is 11:00 local.
    autumn = local(2026, 10, 25, 10)
    assert policy.plan(autumn, None, autumn - 30 * 86400) == [
        (86400, local(2026, 10, 24, 11)),
        (7200, local(2026, 10, 25, 8)),
    ]


def test_ninety_second_offsets_work() -> None:
    policy = ReminderPolicy((90,), None, "Europe/Copenhagen")
    assert policy.plan(START, None, START - 3600) == [(90, START - 90)]


async def test_the_running_bot_sends_a_reminder_on_time_by_itself(tmp_path: Path) -> None:
    """The real loop: JobQueue alarm at the due instant, real clock, no manual dispatch."""
    import asyncio
    import time

    from bot.config import load_config
    from bot.fake_telegram import FakeTelegram
    from bot.store.activities import NewActivity

    extra = '[reminders]\nbefore = ["2s"]\nquiet_hours = ""\n[broadcast]\nrate_per_second = 100\n'
    config = load_config(write_config(tmp_path, extra))
    fake = FakeTelegram()
    app = build_application(config, request=fake.request(), get_updates_request=fake.request())
    fake.attach(app)
    await app.initialize()
    await app.post_init(app)  # type: ignore[misc]
    await app.start()
    try:
        store = app.bot_data["services"].store
        starts = int(time.time()) + 4
        await store.activities.add([NewActivity(None, "Snart", starts)], int(time.time()))
        jens = fake.user(1, "Jens")
        await jens.send("/start")
        await jens.tap("For hele landet")
        await jens.tap("Snart")
        await jens.tap("Tilmeld mig")
        for _ in range(60):
            if any(t.startswith("⏰ Husk") for t in jens.texts()):
                break
            await asyncio.sleep(0.1)
        sent = time.time()
        assert any(t.startswith("⏰ Husk") for t in jens.texts())
        assert starts - 2 - 1 <= sent <= starts - 2 + 3  # on time, well within 10 s
    finally:
        await app.stop()
        await app.shutdown()
        await app.post_shutdown(app)  # type: ignore[misc]
