"""Browsing and signing up: the card, capacity, the waiting list, and every kind of bad tap."""

import asyncio

from tests.conftest import Harness, local, screen


async def joined(bot: Harness, user_id: int = 1, name: str = "Jens"):  # type: ignore[no-untyped-def]
    person = bot.user(user_id, name)
    await person.send("/start c-parasollen")
    return person


async def test_card_shows_what_when_where_and_places(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(
        centre, "Fodbold", capacity=10, place="Fælledparken", description="Tag skiftesko med."
    )
    jens = await joined(bot)
    await jens.tap("Fodbold")
    assert jens.last_text() == (
        "Fodbold\n"
        "📅 lørdag 5. december kl. 10.00\n"
        "📍 Fælledparken\n"
        "🏠 Café Parasollen\n\n"
        "Tag skiftesko med.\n\n"
        "👥 10 ledige pladser"
    )
    assert [b for b, _ in jens.last_message().buttons()] == [
        "✅ Tilmeld mig",
        "📆 Til min kalender",
        "🔊 Læs op",
        "⬅️ Tilbage til listen",
    ]


async def test_signing_up_edits_the_card_and_cancelling_is_one_kind_tap(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Fodbold", capacity=10)
    jens = await joined(bot)
    await jens.tap("Fodbold")
    await jens.tap("Tilmeld mig")
    assert "👥 9 ledige pladser" in jens.last_text()
    assert "✅ Du er tilmeldt. Vi ses!" in jens.last_text()
    assert next(b for b, _ in jens.last_message().buttons()) == "❌ Afmeld"
    bot.clock.advance(60)
    await jens.tap("Afmeld")
    assert "Du har givet din plads fri. Tak, fordi du sagde til." in jens.last_text()
    assert "👥 10 ledige pladser" in jens.last_text()
    assert next(b for b, _ in jens.last_message().buttons()) == "↩️ Fortryd"


async def test_a_double_tap_does_not_sign_up_twice(bot: Harness) -> None:
    centre = await bot.centre()
    activity_id = await bot.activity(centre, "Fodbold", capacity=10)
    jens = await joined(bot)
    await jens.tap("Fodbold")
    card = jens.last_message()
    join = next(data for label, data in card.buttons() if "Tilmeld" in label)
    await asyncio.gather(jens.tap_data(join, card), jens.tap_data(join, card))
    view = await bot.store.signups.view(activity_id, 1)
    assert view is not None and view.confirmed == 1
    assert "✅ Du er tilmeldt. Vi ses!" in jens.last_text()


async def test_full_activity_puts_you_on_the_waiting_list_with_your_number(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Tur til Bakken", capacity=1)
    jens, maria, ali = [
        await joined(bot, i, n) for i, n in ((1, "Jens"), (2, "Maria"), (3, "Ali"))
    ]
    for person in (jens, maria, ali):
        await person.tap("Tur til Bakken")
    await jens.tap("Tilmeld mig")
    await maria.tap("Tilmeld mig")
    assert "⏳ Du er nr. 1 på ventelisten." in maria.last_text()
    await ali.tap("Tilmeld mig")
    assert "⏳ Du er nr. 2 på ventelisten." in ali.last_text()


async def test_cancelling_promotes_the_first_in_line_and_tells_them(bot: Harness) -> None:
    centre = await bot.centre()
    activity_id = await bot.activity(centre, "Tur til Bakken", capacity=1)
    jens, maria = await joined(bot, 1, "Jens"), await joined(bot, 2, "Maria")
    await jens.tap("Tur til Bakken")
    await jens.tap("Tilmeld mig")
    await maria.tap("Tur til Bakken")
    await maria.tap("Skriv mig på ventelisten")
    bot.clock.advance(60)
    await jens.tap("Afmeld")
    assert await bot.dispatch() == 1
    assert maria.last_text() == (
        "🎉 Godt nyt! Der blev en plads ledig til dig på Tur til Bakken,"
        " lørdag 5. december kl. 10.00. Nu er du tilmeldt."
    )
    await maria.tap("Se aktiviteten")
    assert "✅ Du er tilmeldt. Vi ses!" in maria.last_text()
    view = await bot.store.signups.view(activity_id, 2)
    assert view is not None and (view.confirmed, view.waitlisted) == (1, 0)


async def test_thirty_people_tapping_at_once_never_overbook(bot: Harness) -> None:
    centre = await bot.centre()
    activity_id = await bot.activity(centre, "Banko", capacity=5)
    people = [await joined(bot, uid, f"P{uid}") for uid in range(1, 31)]
    for person in people:
        await person.tap("Banko")
    await asyncio.gather(*(p.tap("Tilmeld mig") for p in people))
    view = await bot.store.signups.view(activity_id, 1)
    assert view is not None and (view.confirmed, view.waitlisted) == (5, 25)
    confirmed = [p for p in people if "✅ Du er tilmeldt" in p.last_text()]
    waiting = [p for p in people if "på ventelisten" in p.last_text()]
    assert len(confirmed) == 5 and len(waiting) == 25


async def test_waiting_list_follows_tap_order(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Banko", capacity=2)
    people = [await joined(bot, uid, f"P{uid}") for uid in range(1, 8)]
    for person in people:
        await person.tap("Banko")
    for person in people:
        await person.tap("Tilmeld mig")
    for number, person in enumerate(people[2:], start=1):
        assert f"⏳ Du er nr. {number} på ventelisten." in person.last_text()


async def test_old_card_of_a_cancelled_activity_says_so_and_shows_fresh_list(bot: Harness) -> None:
    centre = await bot.centre()
    gone = await bot.activity(centre, "Aflyst tur")
    await bot.activity(centre, "Fodbold", starts_at=local(2026, 12, 6, 10))
    maria = await joined(bot, 2, "Maria")
    await maria.tap("Aflyst tur")
    await bot.store.edits.cancel(gone, bot.clock.now())
    await maria.tap("Tilmeld mig")
    text = maria.last_text()
    assert text.startswith(
        "😔 Aflyst tur (lørdag 5. december kl. 10.00) er desværre aflyst.\n\n📅 Det sker"
    )
    assert [b for b, _ in maria.last_message().buttons()] == ["Søn 6/12 10.00 · Fodbold"]
    view = await bot.store.signups.view(gone, 2)
    assert view is not None and view.confirmed == 0


async def test_a_started_activity_cannot_be_joined_from_an_old_card(bot: Harness) -> None:
    centre = await bot.centre()
    activity_id = await bot.activity(centre, "Fodbold")
    jens = await joined(bot)
    await jens.tap("Fodbold")
    bot.clock.advance(7 * 86400 + 600)
    await jens.tap("Tilmeld mig")
    assert jens.last_text().startswith("Fodbold er allerede begyndt.")
    view = await bot.store.signups.view(activity_id, 1)
    assert view is not None and view.confirmed == 0


async def test_forged_and_malformed_buttons_change_nothing(bot: Harness) -> None:
    centre = await bot.centre()
    activity_id = await bot.activity(centre, "Fodbold", capacity=5)
    jens = await joined(bot)
    for data in (
        "v1:act:join:999:0",
        "v1:act:join",
        "v1:act:join:x:0",
        "v0:act:join:1:0",
        "v1:act:join:1:0:9",
        "v1:zzz:join:1",
        "garbage",
        "v1:act:join:-1:0",
        "v1:act:join:1;DROP:0",
        "v1:ctr:join:999",
        "v1:set:lang:fr:s",
        "v1:act:page:99999",
        "v1:set:leaveok:999",
        "v1:my:leave:x:0",
    ):
        await jens.tap_data(data)
        assert "Den knap er gammel" in jens.last_text(), data
    view = await bot.store.signups.view(activity_id, 1)
    assert view is not None and view.confirmed == 0 and view.my_status == "none"


async def test_html_in_a_title_is_shown_as_text(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(
        centre, "<b>Fest</b> & <script>", place="<i>Stuen</i>", description="1 < 2 & 3 > 2"
    )
    jens = await joined(bot)
    assert "\nLør 5/12 10.00 · <b>Fest</b> & <script>" in screen(jens)
    await jens.tap("<b>Fest</b>")
    assert "📍 <i>Stuen</i>" in jens.last_text()
    assert "1 < 2 & 3 > 2" in jens.last_text()


async def test_long_titles_are_cut_on_buttons_but_whole_on_the_card(bot: Harness) -> None:
    centre = await bot.centre()
    title = "Udflugt til Den Blå Planet med frokost og kaffe bagefter i Kastrup " + "x" * 30
    await bot.activity(centre, title)
    jens = await joined(bot)
    label = jens.last_message().buttons()[0][0]
    assert label.endswith("…") and len(label) <= 44
    await jens.tap("Udflugt")
    assert jens.last_text().startswith(title)


async def test_activity_list_pages_five_at_a_time_soonest_first(bot: Harness) -> None:
    centre = await bot.centre()
    for day in range(12, 5, -1):
        await bot.activity(centre, f"Dag {day}", starts_at=local(2026, 12, day, 10))
    await bot.activity(None, "National dag", starts_at=local(2026, 12, 1, 10))
    await bot.activity(centre, "Fortid", starts_at=local(2026, 11, 27, 10))
    jens = await joined(bot)
    labels = [b for b, _ in jens.last_message().buttons()]
    assert labels == [
        "Tir 10.00 · National dag",
        "Søn 6/12 10.00 · Dag 6",
        "Man 7/12 10.00 · Dag 7",
        "Tir 8/12 10.00 · Dag 8",
        "Ons 9/12 10.00 · Dag 9",
        "Næste ▶️",
    ]
    await jens.tap("Næste ▶️")
    labels = [b for b, _ in jens.last_message().buttons()]
    assert labels == [
        "Tor 10/12 10.00 · Dag 10",
        "Fre 11/12 10.00 · Dag 11",
        "Lør 12/12 10.00 · Dag 12",
        "◀️ Forrige",
    ]
    await jens.tap("Dag 11")
    await jens.tap("Tilbage til listen")
    assert "Dag 10" in screen(jens)


async def test_activities_across_daylight_saving_show_local_times(bot: Harness) -> None:
    bot.clock.advance(-300 * 86400)
    centre = await bot.centre()
    await bot.activity(centre, "Forårstur", starts_at=local(2026, 3, 29, 10))
    jens = await joined(bot)
    assert "Søn 29/3 10.00 · Forårstur" in screen(jens)
    bot.clock.advance(200 * 86400)
    await bot.activity(centre, "Eftersårstur", starts_at=local(2026, 10, 25, 10))
    await jens.press("📅 Aktiviteter")
    assert "Søn 25/10 10.00 · Eftersårstur" in screen(jens)


async def test_no_activities_says_so_kindly(bot: Harness) -> None:
    await bot.centre()
    jens = await joined(bot)
    assert "Der er ingen aktiviteter på vej lige nu. Kig igen snart." in jens.last_text()
