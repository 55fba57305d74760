"""Every tap answered, every mistake undoable (issue 11, points 1, 2 and 13).

Jens taps twice with a shaky finger; Maria misses messages and comes back to old buttons.
Each tap must get words: an edit, a new message, or a toast that says something.
"""

from __future__ import annotations

from collections.abc import Awaitable

import pytest

from bot.fake_telegram import FakeUser
from bot.store.signups import SignupStatus
from tests.conftest import Harness, local

H = 3600
START = local(2026, 12, 5, 10)  # the activities' start: Saturday 5 December, 10:00


async def answered(bot: Harness, person: FakeUser, tap: Awaitable[None]) -> tuple[str, bool]:
    """Do one tap; return its toast's words and whether a message was edited or sent."""
    before = len(bot.fake.touched.get(person.id, []))
    calls = len(bot.fake.calls_of("answerCallbackQuery"))
    await tap
    answers = bot.fake.calls_of("answerCallbackQuery")[calls:]
    assert len(answers) == 1, "a tap is answered exactly once"
    toast = str(answers[0].params.get("text") or "")
    changed = len(bot.fake.touched.get(person.id, [])) > before
    assert toast or changed, "a silent tap: no toast with words, no edit, no message"
    return toast, changed


async def status(bot: Harness, activity_id: int, user_id: int) -> SignupStatus:
    view = await bot.store.signups.view(activity_id, user_id)
    assert view is not None
    return view.my_status


async def on_card(bot: Harness, user_id: int, name: str, title: str) -> FakeUser:
    person = bot.user(user_id, name)
    await person.send("/start c-parasollen")
    await person.tap(title)  # the list's button for it (whatever else the label says)
    return person


def move_to(bot: Harness, when: int) -> None:
    bot.clock.advance(when - bot.clock.now())


# -- 1. No silent taps --------------------------------------------------------------------


async def test_jens_taps_cancel_again_and_again_and_always_gets_words(bot: Harness) -> None:
    centre = await bot.centre()
    fodbold = await bot.activity(centre, "Fodbold", capacity=5)
    jens = await on_card(bot, 1, "Jens", "Fodbold")
    await jens.tap("Tilmeld mig")
    bot.clock.advance(0.6)  # the same shaky finger, on "Afmeld" that moved in under it
    toast, _ = await answered(bot, jens, jens.tap("Afmeld"))
    assert toast == "Tryk igen for at afmelde."
    assert await status(bot, fodbold, 1) is SignupStatus.CONFIRMED
    bot.clock.advance(0.4)  # 1.0 s after signing up: still held back, still told so
    toast, _ = await answered(bot, jens, jens.tap("Afmeld"))
    assert toast == "Tryk igen for at afmelde."
    assert await status(bot, fodbold, 1) is SignupStatus.CONFIRMED
    bot.clock.advance(0.5)  # 1.5 s: beyond the guard, so he means it
    toast, changed = await answered(bot, jens, jens.tap("Afmeld"))
    assert changed and not toast  # the card says it, and offers "↩️ Fortryd" (the place is free)
    assert jens.last_message().buttons()[0][0] == "↩️ Fortryd"
    assert await status(bot, fodbold, 1) is SignupStatus.CANCELLED


@pytest.mark.parametrize(("after", "cancelled"), [(0.6, False), (1.0, False), (1.5, True)])
async def test_one_cancel_tap_after_signing_up(
    bot: Harness, after: float, cancelled: bool
) -> None:
    centre = await bot.centre()
    fodbold = await bot.activity(centre, "Fodbold", capacity=5)
    jens = await on_card(bot, 1, "Jens", "Fodbold")
    await jens.tap("Tilmeld mig")
    bot.clock.advance(after)
    toast, changed = await answered(bot, jens, jens.tap("Afmeld"))
    if cancelled:
        assert changed and jens.last_message().buttons()[0][0] == "↩️ Fortryd"
        assert await status(bot, fodbold, 1) is SignupStatus.CANCELLED
    else:
        assert toast == "Tryk igen for at afmelde."
        assert await status(bot, fodbold, 1) is SignupStatus.CONFIRMED


async def test_another_activitys_cancel_half_a_second_after_signing_up_works(
    bot: Harness,
) -> None:
    centre = await bot.centre()
    fodbold = await bot.activity(centre, "Fodbold")
    banko = await bot.activity(centre, "Banko", starts_at=local(2026, 12, 6, 19))
    jens = await on_card(bot, 1, "Jens", "Banko")
    await jens.tap("Tilmeld mig")
    bot.clock.advance(60)
    await jens.press("✅ Mine tilmeldinger")
    mine = jens.last_message()  # "❌ Afmeld 1. Banko", still on his screen
    await jens.send("/aktiviteter")
    await jens.tap("Fodbold")
    await jens.tap("Tilmeld mig")
    bot.clock.advance(0.5)
    toast, changed = await answered(bot, jens, jens.tap("Afmeld 1. Banko", mine))
    assert changed and not toast
    assert [b for b, _ in mine.buttons()][-1] == "↩️ Fortryd"  # cancelled, and can be undone
    assert await status(bot, banko, 1) is SignupStatus.CANCELLED
    assert await status(bot, fodbold, 1) is SignupStatus.CONFIRMED


async def test_leaving_the_waiting_list_too_soon_says_tap_again_in_its_own_words(
    bot: Harness,
) -> None:
    centre = await bot.centre()
    tur = await bot.activity(centre, "Tur", capacity=0)
    maria = await on_card(bot, 2, "Maria", "Tur")
    await maria.tap("Skriv mig på ventelisten")
    bot.clock.advance(0.5)
    toast, _ = await answered(bot, maria, maria.tap("Gå af ventelisten"))
    assert toast == "Tryk igen for at gå af ventelisten."
    assert await status(bot, tur, 2) is SignupStatus.WAITLISTED


async def test_a_second_tap_on_sign_me_up_is_told_it_is_done(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Fodbold", capacity=5)
    jens = await on_card(bot, 1, "Jens", "Fodbold")
    card = jens.last_message()
    join = next(data for label, data in card.buttons() if "Tilmeld mig" in label)
    await jens.tap_data(join, card)
    toast, _ = await answered(bot, jens, jens.tap_data(join, card))  # the old keyboard
    assert toast == "✅ Du er allerede tilmeldt."


async def test_a_tap_while_paused_for_flooding_still_gets_words(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Fodbold", capacity=5)
    jens = await on_card(bot, 1, "Jens", "Fodbold")
    bot.services.flood.limit = 0  # from now on, every update is one too many
    card = jens.last_message()
    back = next(data for label, data in card.buttons() if "Tilbage" in label)
    await answered(bot, jens, jens.tap_data(back, card))  # told once, in a message
    toast, changed = await answered(bot, jens, jens.tap_data(back, card))
    assert toast == "Vent et øjeblik, så er jeg klar igen." and not changed


async def test_a_tap_in_a_group_gets_words(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Fodbold", capacity=5)
    jens = await on_card(bot, 1, "Jens", "Fodbold")
    message = bot.fake._message_json(jens.last_message())
    message["chat"] = {"id": -100, "type": "group", "title": "Værested-gruppen"}
    bot.fake.open_queries.add("group-1")
    calls = len(bot.fake.calls_of("answerCallbackQuery"))
    query = {
        "id": "group-1",
        "from": jens._from,
        "chat_instance": "-100",
        "data": jens.last_message().buttons()[0][1],
        "message": message,
    }
    await bot.fake.deliver({"callback_query": query})
    (answer,) = bot.fake.calls_of("answerCallbackQuery")[calls:]
    assert answer.params.get("text") == "Skriv til mig i en privat chat."


# -- 2. "Jeg kan ikke komme" asks first, and can be undone --------------------------------


async def reminded(bot: Harness, person: FakeUser, at: int) -> None:
    """The reminder due at `at` reaches the person."""
    move_to(bot, at)
    await bot.dispatch()
    assert person.last_text().startswith("⏰ Husk: ")


async def test_jens_mis_taps_i_cannot_come_and_keeps_his_place(bot: Harness) -> None:
    centre = await bot.centre()
    fodbold = await bot.activity(centre, "Fodbold", capacity=1)
    jens = await on_card(bot, 1, "Jens", "Fodbold")
    await jens.tap("Tilmeld mig")
    ali = await on_card(bot, 3, "Ali", "Fodbold")
    await ali.tap("Skriv mig på ventelisten")
    await reminded(bot, jens, START - 2 * H)
    reminder = jens.last_message()
    await answered(bot, jens, jens.tap("Jeg kan ikke komme"))
    assert reminder.text.endswith("Vil du give din plads til en anden?")
    assert [b for b, _ in reminder.buttons()] == ["Ja, giv den videre", "Nej, jeg kommer"]
    assert await status(bot, fodbold, 1) is SignupStatus.CONFIRMED  # nothing given away yet
    assert await status(bot, fodbold, 3) is SignupStatus.WAITLISTED
    # The shaky second tap lands where "Jeg kan ikke komme" was: on "Nej, jeg kommer".
    await answered(bot, jens, jens.tap_data(reminder.buttons()[1][1], reminder))
    assert reminder.text.endswith("👍 Dejligt – vi ses!")
    assert await status(bot, fodbold, 1) is SignupStatus.CONFIRMED
    assert await bot.dispatch() == 0  # Ali is told nothing: no place opened up
    # An old "Jeg kan ikke komme" (the keyboard had not caught up) only asks again.
    no = f"v1:rem:no:{fodbold}"
    await answered(bot, jens, jens.tap_data(no, reminder))
    assert reminder.text.endswith("Vil du give din plads til en anden?")
    toast, changed = await answered(bot, jens, jens.tap_data(no, reminder))
    assert toast == "Tryk på Ja eller Nej." and not changed


async def test_giving_the_place_away_goes_to_the_waiting_list_without_an_undo(
    bot: Harness,
) -> None:
    centre = await bot.centre()
    fodbold = await bot.activity(centre, "Fodbold", capacity=1)
    jens = await on_card(bot, 1, "Jens", "Fodbold")
    await jens.tap("Tilmeld mig")
    ali = await on_card(bot, 3, "Ali", "Fodbold")
    await ali.tap("Skriv mig på ventelisten")
    await reminded(bot, jens, START - 2 * H)
    await jens.tap("Jeg kan ikke komme")
    await answered(bot, jens, jens.tap("Ja, giv den videre"))
    assert "Fodbold" in jens.last_text()
    assert "Fortryd" not in " ".join(b for b, _ in jens.last_message().buttons())
    assert await status(bot, fodbold, 3) is SignupStatus.CONFIRMED
    assert await bot.dispatch() == 1
    assert ali.last_text().startswith("🎉 Godt nyt!")


async def test_maria_gives_her_place_away_and_takes_it_back_while_it_is_free(
    bot: Harness,
) -> None:
    centre = await bot.centre()
    tur = await bot.activity(centre, "Tur", capacity=5)
    maria = await on_card(bot, 2, "Maria", "Tur")
    await maria.tap("Tilmeld mig")
    await reminded(bot, maria, START - 24 * H)
    await maria.tap("Jeg kan ikke komme")
    await answered(bot, maria, maria.tap("Ja, giv den videre"))
    assert "Var det en fejl? Så tryk på ↩️ Fortryd." in maria.last_text()
    assert await status(bot, tur, 2) is SignupStatus.CANCELLED
    screen = maria.last_message()
    bot.clock.advance(3 * H)
    await answered(bot, maria, maria.tap("Fortryd", screen))
    assert "↩️ Du har din plads igen." in maria.last_text()
    assert "✅ Du er tilmeldt. Vi ses!" in maria.last_text()
    assert await status(bot, tur, 2) is SignupStatus.CONFIRMED
    # The same old button again: nothing changes, and she is told so.
    undo = f"v1:rem:rejoin:{tur}"
    toast, _ = await answered(bot, maria, maria.tap_data(undo, screen))
    assert toast == "✅ Du er allerede tilmeldt."
    assert await status(bot, tur, 2) is SignupStatus.CONFIRMED
    # She still gets her 2-hour reminder.
    await reminded(bot, maria, START - 2 * H)


async def test_maria_comes_back_to_old_buttons_after_her_place_was_taken(bot: Harness) -> None:
    centre = await bot.centre()
    tur = await bot.activity(centre, "Tur", capacity=1)
    maria = await on_card(bot, 2, "Maria", "Tur")
    await maria.tap("Tilmeld mig")
    await reminded(bot, maria, START - 24 * H)
    await maria.tap("Jeg kan ikke komme")
    await maria.tap("Ja, giv den videre")
    screen = maria.last_message()
    assert "Fortryd" in " ".join(b for b, _ in screen.buttons())  # the place is free for now
    bot.clock.advance(2 * H)
    ali = await on_card(bot, 3, "Ali", "Tur")
    await ali.tap("Tilmeld mig")  # the free place is his now
    # Maria's phone was dead; the next morning she finds the old buttons.
    move_to(bot, START - 3 * H)
    await answered(bot, maria, maria.tap("Fortryd", screen))
    assert "😔 Desværre – en anden har fået pladsen nu." in screen.text
    assert await status(bot, tur, 3) is SignupStatus.CONFIRMED  # Ali keeps it
    assert await status(bot, tur, 2) is SignupStatus.CANCELLED
    await answered(bot, maria, maria.tap("Skriv mig på ventelisten", screen))
    assert "⏳ Du er nr. 1 på ventelisten." in screen.text
    # "👍 Jeg kommer" of a reminder from before: no "vi ses" without a place, but where she is.
    await answered(bot, maria, maria.tap_data(f"v1:rem:yes:{tur}", screen))
    assert "Dejligt – vi ses!" not in screen.text
    assert "⏳ Du er nr. 1 på ventelisten." in screen.text


async def test_old_reminder_buttons_without_a_place_show_the_card(bot: Harness) -> None:
    centre = await bot.centre()
    tur = await bot.activity(centre, "Tur", capacity=5)
    maria = await on_card(bot, 2, "Maria", "Tur")
    await maria.tap("Tilmeld mig")
    await reminded(bot, maria, START - 24 * H)
    reminder = maria.last_message()
    bot.clock.advance(60)
    await maria.press("✅ Mine tilmeldinger")
    await maria.tap("Afmeld 1. Tur")
    for label in ("Jeg kommer", "Jeg kan ikke komme"):
        fresh = f"v1:rem:{'yes' if label == 'Jeg kommer' else 'no'}:{tur}"
        await answered(bot, maria, maria.tap_data(fresh, reminder))
        assert "Du har ikke nogen plads lige nu." in reminder.text
        assert reminder.buttons()[0][0] == "✅ Tilmeld mig"


# -- 13. One word for one thing -----------------------------------------------------------


async def test_a_full_activity_offers_the_waiting_list_in_the_same_words_everywhere(
    bot: Harness,
) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Tur", capacity=1)
    jens = await on_card(bot, 1, "Jens", "Tur")
    await jens.tap("Tilmeld mig")
    maria = await on_card(bot, 2, "Maria", "Tur")
    labels = [b for b, _ in maria.last_message().buttons()]
    assert labels[0] == "⏳ Skriv mig på ventelisten"
    assert not any("Tilmeld mig" in label for label in labels)
    assert "Alle pladser er taget. Du kan skrive dig på ventelisten." in maria.last_text()
    await maria.tap("Til min kalender")  # the file's buttons offer the same
    assert maria.bot_messages()[-1].buttons()[0][0] == "⏳ Skriv mig på ventelisten"
    await maria.tap("Skriv mig på ventelisten", maria.bot_messages()[-2])
    assert "⏳ Du er nr. 1 på ventelisten." in maria.last_text()
    leave = "❌ Gå af ventelisten"
    assert maria.last_message().buttons()[0][0] == leave
    bot.clock.advance(60)
    await maria.press("✅ Mine tilmeldinger")
    assert maria.last_message().buttons()[0][0] == f"{leave}: 1. Tur"
    await maria.tap(f"{leave}: 1. Tur")
    assert "Du er ikke tilmeldt noget lige nu." in maria.last_text()
    assert [b for b, _ in maria.last_message().buttons()] == ["⏳ Skriv mig på ventelisten"]
