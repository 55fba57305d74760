"""Change notices (issue 11, point 5): Lene moves an activity or changes its place, and Jens,
signed up, is told what changed – new beside old – in one message per burst of changes."""

from bot.fake_telegram import FakeUser
from bot.store.roles import RoleName
from tests.conftest import NOW, Harness, local

MIN = 60
THURSDAY = local(2026, 12, 3, 17, 30)  # Thursday 3 December, 17.30 in Copenhagen
CARD = "\n\nFodbold\n📅 {when}\n📍 {place}\n🏠 Café Parasollen"


async def setup(bot: Harness, starts_at: int = THURSDAY) -> tuple[FakeUser, FakeUser, int]:
    """Lene (staff) and Jens, signed up through the poster link to Thursday's football."""
    centre = await bot.centre()
    await bot.store.roles.grant(50, RoleName.STAFF, centre.id, NOW)
    lene = bot.user(50, "Lene")
    await lene.send("/start")
    activity_id = await bot.activity(
        centre, "Fodbold", starts_at=starts_at, capacity=10, place="Café Parasollen"
    )
    jens = bot.user(1, "Jens")
    await jens.send(f"/start a-{activity_id}")
    await jens.tap("Tilmeld mig")
    return lene, jens, activity_id


async def new_time(lene: FakeUser, activity_id: int, day: str, time: str) -> None:
    """Lene on the card: ✏️ Tid, a day button, then the time typed."""
    await lene.tap_data(f"v1:act:show:{activity_id}:0")
    await lene.tap("✏️ Tid")
    await lene.tap(day)
    await lene.send(time)


async def new_place(lene: FakeUser, activity_id: int, place: str) -> None:
    await lene.tap_data(f"v1:act:show:{activity_id}:0")
    await lene.tap("✏️ Sted")
    await lene.send(place)


def changes(person: FakeUser) -> list[str]:
    return [t for t in person.texts() if t.startswith("📅 Der er en ændring")]


async def test_a_new_time_says_the_new_and_the_old_time(bot: Harness) -> None:
    lene, jens, activity_id = await setup(bot)
    await new_time(lene, activity_id, "Samme dag", "18.00")
    assert lene.last_text().endswith("Gemt. 1 tilmeldt får besked inden for 10 minutter.")
    assert await bot.dispatch() == 0  # more may follow: not yet
    bot.clock.advance(10 * MIN)
    assert await bot.dispatch() == 1
    assert jens.last_text() == (
        "📅 Der er en ændring:\n🕐 Nyt tidspunkt: torsdag kl. 18.00 (før kl. 17.30)"
        + CARD.format(when="torsdag 3. december kl. 18.00", place="Café Parasollen")
    )
    buttons = [b for b, _ in jens.last_message().buttons()]
    assert buttons == ["Se aktiviteten", "Jeg kan ikke komme"]
    bot.clock.advance(60 * MIN)
    assert await bot.dispatch() == 0  # nothing twice
    # A change after the message went out is a new message, "før" as Jens knows it now.
    await new_time(lene, activity_id, "fredag 4. december", "18.00")
    bot.clock.advance(10 * MIN)
    assert await bot.dispatch() == 1
    assert jens.last_text().startswith(
        "📅 Der er en ændring:\n🕐 Nyt tidspunkt: fredag 4. december kl. 18.00"
        " (før torsdag 3. december kl. 18.00)\n\n"
    )
    assert len(changes(jens)) == 2


async def test_a_new_place_says_the_new_and_the_old_place(bot: Harness) -> None:
    lene, jens, activity_id = await setup(bot)
    await new_place(lene, activity_id, "Fælledparken")
    bot.clock.advance(10 * MIN)
    assert await bot.dispatch() == 1
    assert jens.last_text() == (
        "📅 Der er en ændring:\n📍 Nyt sted: Fælledparken (før Café Parasollen)"
        + CARD.format(when="torsdag 3. december kl. 17.30", place="Fælledparken")
    )


async def test_changes_within_10_minutes_are_one_message(bot: Harness) -> None:
    lene, jens, activity_id = await setup(bot)
    await new_time(lene, activity_id, "Samme dag", "18.00")
    bot.clock.advance(3 * MIN)
    await new_place(lene, activity_id, "Fælledparken")
    bot.clock.advance(3 * MIN)
    await new_time(lene, activity_id, "Samme dag", "19.00")  # time twice: the latest counts
    assert await bot.dispatch() == 0
    bot.clock.advance(4 * MIN)  # 10 minutes after the first change
    assert await bot.dispatch() == 1
    assert jens.last_text().startswith(
        "📅 Der er en ændring:\n🕐 Nyt tidspunkt: torsdag kl. 19.00 (før kl. 17.30)\n"
        "📍 Nyt sted: Fælledparken (før Café Parasollen)\n\n"
    )
    bot.clock.advance(60 * MIN)
    assert await bot.dispatch() == 0
    assert len(changes(jens)) == 1


async def test_a_restart_between_two_changes_still_gives_one_message(bot: Harness) -> None:
    lene, jens, activity_id = await setup(bot)
    await new_time(lene, activity_id, "Samme dag", "18.00")
    await bot.restart()
    bot.clock.advance(5 * MIN)
    await new_place(lene, activity_id, "Fælledparken")
    assert await bot.dispatch() == 0
    await bot.restart()
    bot.clock.advance(5 * MIN)
    assert await bot.dispatch() == 1
    assert jens.last_text().startswith(
        "📅 Der er en ændring:\n🕐 Nyt tidspunkt: torsdag kl. 18.00 (før kl. 17.30)\n"
        "📍 Nyt sted: Fælledparken (før Café Parasollen)\n\n"
    )
    assert len(changes(jens)) == 1


async def test_a_change_taken_back_within_10_minutes_sends_nothing(bot: Harness) -> None:
    lene, jens, activity_id = await setup(bot)
    await new_time(lene, activity_id, "Samme dag", "18.00")
    bot.clock.advance(2 * MIN)
    await new_time(lene, activity_id, "Samme dag", "17.30")  # a slip: back as it was
    assert lene.last_text().endswith("Gemt. Ingen skal have besked.")
    bot.clock.advance(60 * MIN)
    assert await bot.dispatch() == 0
    assert changes(jens) == []
    # Taken back in part: only what is still changed is told.
    await new_time(lene, activity_id, "Samme dag", "18.00")
    await new_place(lene, activity_id, "Fælledparken")
    await new_time(lene, activity_id, "Samme dag", "17.30")
    bot.clock.advance(10 * MIN)
    assert await bot.dispatch() == 1
    assert jens.last_text().startswith(
        "📅 Der er en ændring:\n📍 Nyt sted: Fælledparken (før Café Parasollen)\n\n"
    )


async def test_a_change_close_to_the_start_is_told_at_once(bot: Harness) -> None:
    lene, jens, activity_id = await setup(bot, starts_at=local(2026, 11, 28, 10, 45))
    await new_place(lene, activity_id, "Fælledparken")
    assert await bot.dispatch() == 1  # 45 minutes to go: no waiting for more changes
    assert jens.last_text().startswith(
        "📅 Der er en ændring:\n📍 Nyt sted: Fælledparken (før Café Parasollen)"
    )


async def test_dates_across_the_clock_change_are_local_in_danish_and_english(
    bot: Harness,
) -> None:
    bot.clock.advance(local(2027, 3, 20, 10) - NOW)  # a week before summer time begins
    friday = local(2027, 3, 26, 17, 30)  # winter time (UTC+1)
    lene, jens, activity_id = await setup(bot, starts_at=friday)
    ali = bot.user(3, "Ali", "en")
    await ali.send(f"/start a-{activity_id}")
    await ali.send("/language")  # English already if his phone's language was taken at once
    if any("English" in label for label, _ in ali.last_message().buttons()):
        await ali.tap("English")
    await ali.send(f"/start a-{activity_id}")
    await ali.tap("Sign me up")
    await lene.tap_data(f"v1:act:show:{activity_id}:0")
    await lene.tap("✏️ Tid")
    await lene.send("29/3 17.30")  # summer time (UTC+2); over a week ahead: typed, not a button
    bot.clock.advance(10 * MIN)
    assert await bot.dispatch() == 2
    assert jens.last_text().startswith(
        "📅 Der er en ændring:\n🕐 Nyt tidspunkt: mandag 29. marts kl. 17.30"
        " (før fredag 26. marts kl. 17.30)\n\nFodbold\n📅 mandag 29. marts kl. 17.30\n"
    )
    assert ali.last_text().startswith(
        "📅 There is a change:\n🕐 New time: Monday 29 March at 17:30"
        " (was Friday 26 March at 17:30)\n\n"
    )
