"""Fixed places (issue 13): "🔁 Fast plads hver gang" on a date of a series signs a person up to
every coming date of it, and to each new one the daily job makes; fixed places never take more
than two thirds of a date's places; "Stop fast plads" ends it and gives the dates back."""

from __future__ import annotations

import sqlite3
from datetime import date

from bot import callbacks
from bot.app import extend_series
from bot.callbacks import Action, Route
from bot.fake_telegram import FakeUser
from bot.store.roles import RoleName
from bot.store.series import NewSeries
from bot.store.signups import SignupStatus
from tests.conftest import NOW, Harness

DAY = 86400
WEEKS = 8


async def thursdays(bot: Harness, capacity: int | None = None) -> list[int]:
    """Fællesspisning every Thursday at 17.30 from 3 December 2026: its 8 dates' ids."""
    centre = await bot.centre()
    new = NewSeries(centre.id, "Fællesspisning", date(2026, 12, 3), "17:30", capacity=capacity)
    _, ids = await bot.store.series.create(new, NOW, WEEKS)
    return ids


async def person(bot: Harness, user_id: int, name: str) -> FakeUser:
    someone = bot.user(user_id, name)
    await someone.send("/start c-parasollen")
    return someone


async def card(someone: FakeUser, activity_id: int) -> None:
    await someone.tap_data(callbacks.encode(Route.ACTIVITY, Action.SHOW, activity_id, 0))


async def statuses(bot: Harness, user_id: int, ids: list[int]) -> list[SignupStatus]:
    return [(await bot.store.signups.view(a, user_id)).my_status for a in ids]  # type: ignore[union-attr]


async def next_week(bot: Harness) -> int:
    """Six days on, the daily job makes one new date (Thursday 28 January): its id."""
    bot.clock.now = lambda: NOW + 6 * DAY  # type: ignore[method-assign]
    assert await extend_series(bot.services) == 1
    with sqlite3.connect(bot.config.database.path) as c:
        (new_id,) = c.execute("SELECT max(id) FROM activity").fetchone()
    return int(new_id)


async def test_a_fixed_place_signs_up_for_every_date_and_each_new_one(bot: Harness) -> None:
    ids = await thursdays(bot, capacity=20)
    jens = await person(bot, 1, "Jens")
    await card(jens, ids[2])
    await jens.tap("🔁 Fast plads hver gang")
    assert jens.last_text().endswith(
        "🔁 Nu har du fast plads til Fællesspisning hver torsdag.\n"
        "Du er tilmeldt 8 datoer, fra torsdag 3. december.\n"
        "Nye datoer får du med af sig selv."
    )
    assert "Du har fast plads hver gang" not in jens.last_text()  # said once, not twice
    assert "Du er tilmeldt. Vi ses" not in jens.last_text()
    assert "Stop fast plads" in [b for b, _ in jens.last_message().buttons()]
    assert await statuses(bot, 1, ids) == [SignupStatus.CONFIRMED] * 8
    new_id = await next_week(bot)
    assert await statuses(bot, 1, [new_id]) == [SignupStatus.CONFIRMED]
    # An ordinary sign-up: its reminders are planned like any other.
    with sqlite3.connect(bot.config.database.path) as c:
        (reminders,) = c.execute(
            "SELECT count(*) FROM notification n JOIN signup s ON s.id = n.signup_id"
            " WHERE s.activity_id = ? AND n.kind = 'reminder'",
            (new_id,),
        ).fetchone()
    assert reminders > 0


async def test_a_full_date_means_the_waiting_list_and_jens_is_told(bot: Harness) -> None:
    ids = await thursdays(bot, capacity=3)  # fixed places may take 2 of the 3
    for user_id, name in ((2, "Maria"), (3, "Ali"), (4, "Søren")):
        await person(bot, user_id, name)
    # Date 2 is full already; Maria and Ali hold fixed places.
    for user_id in (2, 3, 4):
        await bot.store.signups.join(ids[1], user_id, NOW, bot.services.planner)
    for user_id in (2, 3):
        await bot.store.fixed_places.take(ids[0], user_id, NOW, bot.services.planner, 0.67)
    jens = await person(bot, 1, "Jens")
    await card(jens, ids[0])
    await jens.tap("🔁 Fast plads hver gang")
    text = jens.last_text()
    assert "Du er tilmeldt 0 datoer." in text
    assert (
        "8 datoer er fulde. Der står du på ventelisten:\n• torsdag 3. december kl. 17.30" in text
    )
    assert text.count("• ") == 5 and "…" in text  # five dates named, the rest counted
    assert await statuses(bot, 1, ids) == [SignupStatus.WAITLISTED] * 8
    # The daily job's new date: Maria and Ali get places, Jens waits and is told.
    new_id = await next_week(bot)
    assert await statuses(bot, 2, [new_id]) == [SignupStatus.CONFIRMED]
    assert await statuses(bot, 1, [new_id]) == [SignupStatus.WAITLISTED]
    await bot.dispatch()
    assert jens.last_text() == (
        "⏳ <b>Fællesspisning</b>, torsdag 28. januar 2027 kl. 17.30, er fuld."
        " Med din faste plads står du på ventelisten. Vi skriver, hvis der bliver en plads."
    ).replace("<b>", "").replace("</b>", "")


async def test_fixed_places_take_at_most_two_thirds(bot: Harness) -> None:
    ids = await thursdays(bot, capacity=9)
    holders = [await person(bot, user_id, f"P{user_id}") for user_id in range(1, 8)]
    for someone in holders:  # Jens (1) first … the seventh last
        await card(someone, ids[0])
        await someone.tap("🔁 Fast plads hver gang")
    assert await statuses(bot, 7, ids[:1]) == [SignupStatus.WAITLISTED]
    assert "8 datoer er fulde. Der står du på ventelisten:" in holders[-1].last_text()
    view = await bot.store.signups.view(ids[0], 1)
    assert view is not None and (view.confirmed, view.waitlisted) == (6, 1)
    # A first-come person still gets one of the 3 free places.
    maria = await person(bot, 20, "Maria")
    await card(maria, ids[0])
    await maria.tap("Tilmeld mig")
    assert await statuses(bot, 20, ids[:1]) == [SignupStatus.CONFIRMED]


async def test_giving_back_one_date_keeps_the_fixed_place(bot: Harness) -> None:
    ids = await thursdays(bot, capacity=20)
    jens = await person(bot, 1, "Jens")
    await card(jens, ids[0])
    await jens.tap("🔁 Fast plads hver gang")
    bot.clock.advance(60)
    await jens.tap("❌ Afmeld")
    assert "Stop fast plads" in [b for b, _ in jens.last_message().buttons()]
    assert await statuses(bot, 1, ids[:2]) == [SignupStatus.CANCELLED, SignupStatus.CONFIRMED]
    new_id = await next_week(bot)
    assert await statuses(bot, 1, [new_id]) == [SignupStatus.CONFIRMED]


async def test_stop_gives_the_coming_dates_back_kindly(bot: Harness) -> None:
    ids = await thursdays(bot, capacity=3)
    for user_id in (3, 4):
        await person(bot, user_id, "X")
        await bot.store.signups.join(ids[0], user_id, NOW, bot.services.planner)
    jens = await person(bot, 1, "Jens")
    await card(jens, ids[0])
    await jens.tap("🔁 Fast plads hver gang")
    maria = await person(bot, 2, "Maria")
    await bot.store.signups.join(ids[0], 2, NOW, bot.services.planner)  # the waiting list
    await card(jens, ids[0])
    await jens.tap("Stop fast plads")
    assert jens.last_text() == (
        "Vil du stoppe din faste plads til Fællesspisning?\n"
        "Så giver vi dine 8 næste datoer videre."
    )
    assert await statuses(bot, 1, ids) == [SignupStatus.CONFIRMED] * 8  # nothing yet
    await jens.tap("Ja, stop den")
    assert jens.last_text() == (
        "Din faste plads er stoppet.\n"
        "En fra ventelisten fik din plads på 1 dato.\n"
        "Var det en fejl? Tryk på ↩️ Fortryd."
    )
    assert "↩️ Fortryd" in [b for b, _ in jens.last_message().buttons()]
    assert await statuses(bot, 1, ids) == [SignupStatus.CANCELLED] * 8
    await bot.dispatch()
    assert maria.last_text().startswith("🎉")  # she moved up to Jens' place
    new_id = await next_week(bot)
    assert await statuses(bot, 1, [new_id]) == [SignupStatus.NONE]


async def test_my_sign_ups_show_one_line_per_fixed_place(bot: Harness) -> None:
    ids = await thursdays(bot)
    football = await bot.activity(await bot.store.centres.by_slug("parasollen"), "Fodbold")
    jens = await person(bot, 1, "Jens")
    await bot.store.signups.join(football, 1, NOW, bot.services.planner)
    await card(jens, ids[0])
    await jens.tap("🔁 Fast plads hver gang")
    await jens.send("/mine")
    assert jens.last_text().startswith(
        "Mine tilmeldinger\n\n"
        "1. Fællesspisning\n🔁 Fast plads hver gang. Næste gang: torsdag 3. december kl. 17.30\n"
        "✅ Du har en plads"
    )
    assert jens.last_text().count("Fællesspisning") == 1  # not 8 lines
    assert "2. Fodbold\nlørdag 5. december kl. 10.00" in jens.last_text()
    labels = [b for b, _ in jens.last_message().buttons()]
    assert labels[0] == "🔁 1. Fællesspisning"
    await jens.tap("🔁 1. Fællesspisning")
    assert "Stop fast plads" in [b for b, _ in jens.last_message().buttons()]


async def test_erasure_removes_the_fixed_place(bot: Harness) -> None:
    ids = await thursdays(bot)
    jens = await person(bot, 1, "Jens")
    await card(jens, ids[0])
    await jens.tap("🔁 Fast plads hver gang")
    await jens.send("/mine_data")
    assert "• Faste pladser: 1" in jens.texts()[-2]
    await jens.send("/slet_mig")
    await jens.tap("Ja, slet mig")
    with sqlite3.connect(bot.config.database.path) as c:
        assert c.execute("SELECT count(*) FROM fixed_place").fetchone() == (0,)
    new_id = await next_week(bot)
    with sqlite3.connect(bot.config.database.path) as c:
        assert c.execute(
            "SELECT count(*) FROM signup WHERE activity_id = ?", (new_id,)
        ).fetchone() == (0,)


async def test_a_removed_closure_gives_jens_his_fixed_place_back(bot: Harness) -> None:
    ids = await thursdays(bot, capacity=20)
    jens = await person(bot, 1, "Jens")
    await card(jens, ids[0])
    await jens.tap("🔁 Fast plads hver gang")
    centre = await bot.store.centres.by_slug("parasollen")
    assert centre is not None
    await bot.store.roles.grant(50, RoleName.STAFF, centre.id, NOW)
    lene = bot.user(50, "Lene")
    await lene.send("/start")
    await lene.send("/lukket")
    await lene.send("10/12")  # a staff day: Thursday 10 December
    await lene.tap("Spring over")
    await lene.tap("✅ Luk")
    assert await bot.dispatch() == 1
    assert "Fællesspisning, torsdag 10. december kl. 17.30" in jens.last_text()
    cancelled = await bot.store.activities.get(ids[1])
    assert cancelled is not None and cancelled.status == "cancelled"
    await lene.send("/lukket")
    (label,) = [b for b, _ in lene.last_message().buttons() if b.startswith("Fjern")]
    await lene.tap(label)
    back = await bot.store.activities.get(ids[1])
    assert back is not None and back.status == "scheduled"
    assert await statuses(bot, 1, ids[1:2]) == [SignupStatus.CONFIRMED]
    with sqlite3.connect(bot.config.database.path) as c:
        (reminders,) = c.execute(
            "SELECT count(*) FROM notification n JOIN signup s ON s.id = n.signup_id"
            " WHERE s.activity_id = ? AND s.user_id = 1 AND n.kind = 'reminder'"
            " AND n.sent_at IS NULL",
            (ids[1],),
        ).fetchone()
    assert reminders > 0


async def seven_holders(bot: Harness, capacity: int) -> list[int]:
    """Thursdays with `capacity` places; people 1…7 take fixed places, 1 first."""
    ids = await thursdays(bot, capacity=capacity)
    for user_id in range(1, 8):
        await person(bot, user_id, f"P{user_id}")
        await bot.store.fixed_places.take(ids[0], user_id, NOW, bot.services.planner, 0.67)
    return ids


async def test_promotion_keeps_fixed_places_to_two_thirds(bot: Harness) -> None:
    ids = await seven_holders(bot, capacity=9)  # 6 holders with a place, the seventh waits
    first_come = [
        await person(bot, user_id, name)
        for user_id, name in ((20, "Maria"), (21, "Ali"), (22, "Søren"))
    ]
    for someone in first_come:
        await card(someone, ids[0])
        await someone.tap("Tilmeld mig")
    maria, kim = first_come[0], await person(bot, 23, "Kim")
    await card(kim, ids[0])
    await kim.tap("⏳ Skriv mig på ventelisten")
    assert await statuses(bot, 23, ids[:1]) == [SignupStatus.WAITLISTED]  # full: 6 + 3
    # Maria gives back her place: it is a first-come place, so Kim gets it, not the holder.
    bot.clock.advance(60)
    await card(maria, ids[0])
    await maria.tap("❌ Afmeld")
    assert await statuses(bot, 23, ids[:1]) == [SignupStatus.CONFIRMED]
    assert await statuses(bot, 7, ids[:1]) == [SignupStatus.WAITLISTED]
    await bot.dispatch()
    assert kim.last_text().startswith("🎉")
    # A holder gives back the date: the waiting holder moves up to it.
    holder = bot.user(2, "P2")
    await card(holder, ids[0])
    await holder.tap("❌ Afmeld")
    assert await statuses(bot, 7, ids[:1]) == [SignupStatus.CONFIRMED]
    view = await bot.store.signups.view(ids[0], 7)
    assert view is not None and (view.confirmed, view.waitlisted) == (9, 0)


async def test_a_change_of_places_keeps_the_cap_right(bot: Harness) -> None:
    ids = await seven_holders(bot, capacity=6)  # 4 holders with a place, 3 wait
    assert await statuses(bot, 5, ids[:1]) == [SignupStatus.WAITLISTED]
    # 9 places: fixed places may take 6; the seventh holder still waits, 3 places are first come.
    await bot.store.edits.set_capacity(ids[0], 9, NOW, bot.services.planner)
    assert await statuses(bot, 1, ids[:1]) == [SignupStatus.CONFIRMED]
    assert await statuses(bot, 6, ids[:1]) == [SignupStatus.CONFIRMED]
    assert await statuses(bot, 7, ids[:1]) == [SignupStatus.WAITLISTED]
    view = await bot.store.signups.view(ids[0], 7)
    assert view is not None and (view.confirmed, view.waitlisted) == (6, 1)
    maria = await person(bot, 20, "Maria")
    await card(maria, ids[0])
    await maria.tap("Tilmeld mig")
    assert await statuses(bot, 20, ids[:1]) == [SignupStatus.CONFIRMED]
    # "Denne og alle de næste" to 9 places from the next date: the same on each of its dates.
    await bot.store.edits.capacity_following(ids[1], 9, NOW, bot.services.planner)
    assert await statuses(bot, 6, ids[1:]) == [SignupStatus.CONFIRMED] * 7
    assert await statuses(bot, 7, ids[1:]) == [SignupStatus.WAITLISTED] * 7
    # Back to 6 places (cap 4): freed places stay first come while 4 or more holders have one.
    await bot.store.edits.set_capacity(ids[0], 6, NOW, bot.services.planner)
    for user_id in (1, 20):
        later = (NOW + 60) * 1000  # not a double tap
        await bot.store.signups.cancel(ids[0], user_id, NOW, bot.services.planner, tapped_ms=later)
    view = await bot.store.signups.view(ids[0], 7)
    assert view is not None and (view.confirmed, view.waitlisted) == (5, 1)


async def test_an_old_stop_button_asks_first_and_every_tap_gets_words(bot: Harness) -> None:
    ids = await thursdays(bot, capacity=20)
    maria = await person(bot, 2, "Maria")
    await card(maria, ids[0])
    await maria.tap("🔁 Fast plads hver gang")
    (old_stop,) = [d for b, d in maria.last_message().buttons() if b == "Stop fast plads"]
    # A week on, the first date is past; Maria taps "Stop fast plads" on the old card.
    bot.clock.now = lambda: NOW + 7 * DAY  # type: ignore[method-assign]
    await maria.tap_data(old_stop)
    assert maria.last_text() == (
        "Vil du stoppe din faste plads til Fællesspisning?\n"
        "Så giver vi dine 7 næste datoer videre."
    )
    assert await statuses(bot, 2, ids[1:]) == [SignupStatus.CONFIRMED] * 7  # nothing gone
    await maria.tap("Nej, behold den")
    assert "Du har fast plads hver gang" in maria.last_text()
    assert "torsdag 10. december" in maria.last_text()  # the series' next date
    # The old button again, after she stopped it: words, and the next date to take it again.
    await maria.tap("Stop fast plads")
    await maria.tap("Ja, stop den")
    await maria.tap_data(old_stop)
    assert "Du har ikke fast plads til Fællesspisning." in maria.last_text()


async def test_undo_takes_the_fixed_place_again_and_nobody_waiting_is_not_claimed(
    bot: Harness,
) -> None:
    ids = await thursdays(bot, capacity=20)
    jens = await person(bot, 1, "Jens")
    await card(jens, ids[0])
    await jens.tap("🔁 Fast plads hver gang")
    await jens.tap("Stop fast plads")
    await jens.tap("Ja, stop den")
    assert jens.last_text() == ("Din faste plads er stoppet.\nVar det en fejl? Tryk på ↩️ Fortryd.")
    assert await statuses(bot, 1, ids) == [SignupStatus.CANCELLED] * 8
    await jens.tap("↩️ Fortryd")
    assert "🔁 Nu har du fast plads til Fællesspisning hver torsdag." in jens.last_text()
    assert await statuses(bot, 1, ids) == [SignupStatus.CONFIRMED] * 8
    new_id = await next_week(bot)
    assert await statuses(bot, 1, [new_id]) == [SignupStatus.CONFIRMED]


async def test_not_coming_for_a_holder_says_the_fixed_place_stays(bot: Harness) -> None:
    ids = await thursdays(bot, capacity=20)
    jens = await person(bot, 1, "Jens")
    await card(jens, ids[0])
    await jens.tap("🔁 Fast plads hver gang")
    await jens.tap_data(callbacks.encode(Route.REMINDER, Action.NOT_COMING, ids[0]))
    assert (
        "Vil du give din plads torsdag 3. december kl. 17.30 til en anden?\n"
        "Din faste plads fortsætter."
    ) in jens.last_text()
    maria = await person(bot, 2, "Maria")
    await bot.store.signups.join(ids[0], 2, NOW, bot.services.planner)
    await maria.tap_data(callbacks.encode(Route.REMINDER, Action.NOT_COMING, ids[0]))
    assert "Vil du give din plads til en anden?" in maria.last_text()
    assert "fast plads" not in maria.last_text()
