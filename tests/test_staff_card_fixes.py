"""Lene's staff screens, after her walk-through (the split of dialogs/staff.py and four fixes).

0. The staff dialogs are modules of one job each, none over ~450 lines.
1. "✏️ Pladser" says what happens: "Gemt.", and who moves up from the waiting list.
2. A counter sign-up (no phone) on the waiting list is shown apart, with the same numbers on the
   card, in /tal and in the /besked preview; "Sig det selv til Hans." for one person.
3. Staff of a centre sign up men without a phone for a national activity, counted for their
   centre: Søren sees them.
4. "✏️ Tid" offers a week of days, the activity's own day once; a weekday can be typed.
"""

from __future__ import annotations

from pathlib import Path

from bot.fake_telegram import FakeUser
from bot.store.roles import RoleName
from tests.conftest import NOW, Harness, local
from tests.test_staff import lene_at_parasollen

ROOT = Path(__file__).resolve().parent.parent


def labels(person: FakeUser) -> list[str]:
    return [label for label, _data in person.last_message().buttons()]


async def person_signed_up(bot: Harness, uid: int, name: str, activity_id: int) -> FakeUser:
    person = bot.user(uid, name)
    await person.send("/start c-parasollen")
    await bot.store.signups.join(activity_id, uid, NOW, bot.services.planner)
    return person


async def counter_sign_up(lene: FakeUser, activity_id: int, name: str) -> None:
    await lene.tap_data(f"v1:act:show:{activity_id}:0")
    await lene.tap("➕ Tilmeld en uden telefon")
    await lene.send(name)


# -- 0. the split --------------------------------------------------------------------------------


def test_the_staff_dialogs_are_modules_of_one_job_each() -> None:
    for name in ("staff.py", "staff_steps.py", "card_edits.py"):
        lines = (ROOT / "dialogs" / name).read_text(encoding="utf-8").count("\n")
        assert lines <= 450, (name, lines)
    card_edits = (ROOT / "dialogs" / "card_edits.py").read_text(encoding="utf-8")
    assert "async def on_cancel_ok" in card_edits and "async def on_unguest" in card_edits


# -- 1. ✏️ Pladser -------------------------------------------------------------------------------


async def test_more_places_says_who_moves_up_and_promises_nothing_else(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    centre = await bot.store.centres.by_slug("parasollen")
    activity_id = await bot.activity(centre, "Tur", capacity=1)
    jens = await person_signed_up(bot, 1, "Jens", activity_id)
    maria = await person_signed_up(bot, 2, "Maria", activity_id)  # waiting
    await counter_sign_up(lene, activity_id, "Hans")  # waiting, after Maria
    await lene.tap_data(f"v1:act:show:{activity_id}:0")
    await lene.tap("✏️ Pladser")
    await lene.send("3")
    text = lene.last_text()
    assert "Alle tilmeldte får besked" not in text
    assert text.endswith(
        "Gemt. 1 rykker op fra ventelisten og får besked."
        " 1 uden telefon rykker op fra ventelisten. Sig det selv til Hans."
    )
    assert await bot.dispatch() == 1  # Maria only: Jens had his place all along
    assert maria.last_text().startswith("🎉 Godt nyt!")
    assert not jens.last_text().startswith("🎉")

    await lene.tap_data(f"v1:act:show:{activity_id}:0")
    await lene.tap("✏️ Pladser")
    await lene.send("5")  # nobody waits: nobody is told anything
    assert lene.last_text().endswith("\n\nGemt.")
    assert await bot.dispatch() == 0


# -- 2. a counter sign-up on the waiting list ----------------------------------------------------


async def test_a_waiting_counter_sign_up_is_shown_apart_with_the_same_numbers(
    bot: Harness,
) -> None:
    lene = await lene_at_parasollen(bot)
    centre = await bot.store.centres.by_slug("parasollen")
    activity_id = await bot.activity(centre, "Tur", capacity=4)
    await person_signed_up(bot, 1, "Jens", activity_id)
    await person_signed_up(bot, 2, "Maria", activity_id)
    for name in ("Ole P.", "Bent", "Hans"):  # Hans: it is full, he waits
        await counter_sign_up(lene, activity_id, name)
    await lene.tap_data(f"v1:act:show:{activity_id}:0")
    card = lene.last_text()
    assert (
        "Kun I kan se det her: 4 er tilmeldt, og 1 står på ventelisten.\n"
        "Uden telefon: Ole P., Bent\n"
        "Uden telefon, på ventelisten: Hans"
    ) in card
    buttons = labels(lene)
    assert "❌ Afmeld Bent" in buttons and "❌ Tag Hans af ventelisten" in buttons
    assert "❌ Afmeld Hans" not in buttons
    counts = await bot.store.counts.of(activity_id)
    assert counts is not None and (counts.confirmed, counts.guests, counts.waitlisted) == (4, 2, 1)

    await lene.send("/besked")
    await lene.tap("Deltagerne i én aktivitet")
    await lene.tap("Tur")
    await lene.send("Bussen kører kl. 9, ikke kl. 10.")
    assert (
        "3 personer har ingen telefon. Sig det selv til dem: Ole P., Bent, Hans (venter)."
        in lene.last_text()
    )


async def test_one_person_without_a_phone_is_named_once_in_plain_danish(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    centre = await bot.store.centres.by_slug("parasollen")
    activity_id = await bot.activity(centre, "Tur", capacity=4)
    await person_signed_up(bot, 1, "Jens", activity_id)
    await counter_sign_up(lene, activity_id, "Hans")
    await lene.send("/besked")
    await lene.tap("Deltagerne i én aktivitet")
    await lene.tap("Tur")
    await lene.send("Husk madpakke.")
    assert "1 person har ingen telefon. Sig det selv til Hans." in lene.last_text()
    await lene.tap("✖️")
    await lene.tap_data(f"v1:act:show:{activity_id}:0")
    await lene.tap("✏️ Sted")
    await lene.send("Stranden")
    assert lene.last_text().endswith(
        "Gemt. 1 tilmeldt får besked inden for 10 minutter."
        " 1 person har ingen telefon. Sig det selv til Hans."
    )


# -- 3. counter sign-ups at a national activity ---------------------------------------------------


async def test_lene_signs_up_a_man_without_a_phone_for_the_national_tournament(
    bot: Harness,
) -> None:
    lene = await lene_at_parasollen(bot)
    parasollen = await bot.store.centres.by_slug("parasollen")
    assert parasollen is not None
    reden = await bot.centre("reden", "Reden")
    tournament = await bot.activity(None, "Landsturnering", capacity=100)
    await lene.tap_data(f"v1:act:show:{tournament}:0")
    assert "➕ Tilmeld en uden telefon" in labels(lene)
    assert "✏️ Tid" not in labels(lene)  # the national activity itself is not hers to change
    await lene.tap("➕ Tilmeld en uden telefon")
    await lene.send("Kurt")
    assert "Kurt er tilmeldt." in lene.last_text()
    assert "Uden telefon: Kurt" in lene.last_text()
    people = await bot.store.counts.participants(tournament, [parasollen.id])
    assert [(p.name, p.guest) for p in people] == [("Kurt", True)]
    assert await bot.store.counts.participants(tournament, [reden.id]) == []

    await bot.store.roles.grant(70, RoleName.COORDINATOR, None, NOW)
    soren = bot.user(70, "Søren")
    await soren.send("/start")
    await soren.tap_data(f"v1:tal:show:{tournament}:0")
    assert "Heraf uden telefon: 1" in soren.last_text()
    assert "Café Parasollen" in soren.last_text()

    # Staff of another centre neither see Kurt nor can take him off; Lene can.
    await bot.store.roles.grant(60, RoleName.STAFF, reden.id, NOW)
    kim = bot.user(60, "Kim")
    await kim.send("/start")
    await kim.tap_data(f"v1:act:show:{tournament}:0")
    assert "Kurt" not in kim.last_text()
    (kurt,) = await bot.store.counter_signups.of(tournament)
    await kim.tap_data(f"v1:stf:unguest:{kurt.signup_id}")
    assert kim.last_text() == "Det har du ikke adgang til."
    await lene.tap_data(f"v1:act:show:{tournament}:0")
    await lene.tap("❌ Afmeld Kurt")
    assert lene.last_text().endswith("Personen er afmeldt.")

    jens = bot.user(1, "Jens")  # an ordinary user sees no staff button
    await jens.send("/start c-parasollen")
    await jens.send(f"/start a-{tournament}")
    assert "➕ Tilmeld en uden telefon" not in labels(jens)


# -- 4. ✏️ Tid and typed weekdays ---------------------------------------------------------------


async def test_the_time_picker_is_a_week_of_days_with_the_activitys_day_once(
    bot: Harness,
) -> None:
    lene = await lene_at_parasollen(bot)
    centre = await bot.store.centres.by_slug("parasollen")
    thursday = await bot.activity(centre, "Fodbold", starts_at=local(2026, 12, 3, 17, 30))
    await lene.tap_data(f"v1:act:show:{thursday}:0")
    await lene.tap("✏️ Tid")
    buttons = lene.last_message().buttons()
    days = [data for _label, data in buttons if data.startswith("v1:stf:day:")]
    assert len(days) == len(set(days)) == 7  # today to Friday, Thursday once
    assert buttons[0] == ("Samme dag (torsdag 3. december)", "v1:stf:day:20261203")
    assert "torsdag 3. december" not in [label for label, _data in buttons]
    assert "📅 En anden dato" in [label for label, _data in buttons]
    assert len(buttons) <= 11


async def test_a_typed_weekday_is_the_next_such_day(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)  # Saturday 28 November
    bot.services.flood.limit = 10**9  # three dialogs in a few ms is this test, not a person
    for typed, day in (("mandag", "mandag 30. november"), ("på tirsdag", "tirsdag 1. december")):
        await lene.send("/ny_aktivitet")
        await lene.send("Banko")
        await lene.send(typed)
        assert "Hvornår starter den?" in lene.last_text(), typed
        await lene.tap("14.00")
        await lene.tap("Kun én gang")
        await lene.send("Stuen")
        await lene.tap("10")
        assert f"📅 {day} kl. 14.00" in lene.last_text(), typed
        await lene.tap("Afbryd")
    await lene.send("/ny_aktivitet")
    await lene.send("Banko")
    await lene.send("lørdag 19.30")  # a day and a time in one go
    await lene.tap("Kun én gang")
    await lene.send("Stuen")
    await lene.tap("10")
    assert "📅 lørdag 5. december kl. 19.30" in lene.last_text()
