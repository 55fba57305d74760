"""Persona walk-through: undo on the card, a kind way out of notices, "i dag" in reminders.

Jens mis-taps "❌ Afmeld" on the card and needs his place back; Maria comes back days later to
a notice that signed her up (or moved the time) and wants to say, kindly, that she cannot
come; Jens reads "i dag kl. 17.30" in a reminder instead of working out the date himself.
"""

from __future__ import annotations

from collections.abc import Awaitable

from bot.fake_telegram import FakeUser
from bot.i18n import translator
from bot.store.signups import SignupStatus
from tests.conftest import Harness, local

H = 3600
START = local(2026, 12, 5, 10)  # Saturday 5 December, 10.00 in Copenhagen
UNDO_LINE = "Var det en fejl? Så tryk på ↩️ Fortryd."
GONE_LINE = (
    "Var det en fejl? En fra ventelisten har fået pladsen nu. Du kan skrive dig på ventelisten."
)
TAKEN = "😔 Desværre – en anden har fået pladsen nu. Du kan skrive dig på ventelisten."
WAITING_LIST = "⏳ Skriv mig på ventelisten"


async def answered(bot: Harness, person: FakeUser, tap: Awaitable[None]) -> str:
    """Do one tap; it must get words (a toast, an edit or a message). Return the toast."""
    before = len(bot.fake.touched.get(person.id, []))
    calls = len(bot.fake.calls_of("answerCallbackQuery"))
    await tap
    answers = bot.fake.calls_of("answerCallbackQuery")[calls:]
    assert len(answers) == 1, "a tap is answered exactly once"
    toast = str(answers[0].params.get("text") or "")
    assert toast or len(bot.fake.touched.get(person.id, [])) > before, "a silent tap"
    return toast


async def on_card(bot: Harness, user_id: int, name: str, title: str) -> FakeUser:
    person = bot.user(user_id, name)
    await person.send("/start c-parasollen")
    await person.tap(title)
    return person


async def status(bot: Harness, activity_id: int, user_id: int) -> SignupStatus:
    view = await bot.store.signups.view(activity_id, user_id)
    assert view is not None
    return view.my_status


def labels(person: FakeUser) -> list[str]:
    return [label for label, _ in person.last_message().buttons()]


def move_to(bot: Harness, when: int) -> None:
    bot.clock.advance(when - bot.clock.now())


# -- 1. Jens: "↩️ Fortryd" on the card, by the same rule as everywhere ------------------------


async def test_jens_mis_taps_cancel_on_the_card_and_takes_his_place_back(bot: Harness) -> None:
    centre = await bot.centre()
    fodbold = await bot.activity(centre, "Fodbold", capacity=5)
    jens = await on_card(bot, 1, "Jens", "Fodbold")
    await jens.tap("Tilmeld mig")
    bot.clock.advance(1.5)  # past the double-tap guard: his shaky second tap cancels
    await answered(bot, jens, jens.tap("Afmeld"))
    assert f"Du har givet din plads fri. Tak, fordi du sagde til. {UNDO_LINE}" in jens.last_text()
    assert labels(jens)[0] == "↩️ Fortryd"  # where "Afmeld" was, the one button back
    assert await status(bot, fodbold, 1) is SignupStatus.CANCELLED
    card = jens.last_message()
    undo = next(data for label, data in card.buttons() if "Fortryd" in label)
    bot.clock.advance(10)
    await answered(bot, jens, jens.tap("Fortryd"))
    assert "↩️ Du har din plads igen." in jens.last_text()
    assert "✅ Du er tilmeldt. Vi ses!" in jens.last_text()
    assert await status(bot, fodbold, 1) is SignupStatus.CONFIRMED
    # The old button again: nothing changes, and he is told so.
    toast = await answered(bot, jens, jens.tap_data(undo, card))
    assert toast == "✅ Du er allerede tilmeldt."
    # He still gets his reminder.
    move_to(bot, START - 24 * H)
    assert await bot.dispatch() == 1
    assert jens.last_text().startswith("⏰ Husk: Fodbold")


async def test_when_someone_was_waiting_the_card_says_kindly_that_the_place_went(
    bot: Harness,
) -> None:
    centre = await bot.centre()
    fodbold = await bot.activity(centre, "Fodbold", capacity=1)
    jens = await on_card(bot, 1, "Jens", "Fodbold")
    await jens.tap("Tilmeld mig")
    ali = await on_card(bot, 3, "Ali", "Fodbold")
    await ali.tap("Skriv mig på ventelisten")
    bot.clock.advance(60)
    await answered(bot, jens, jens.tap("Afmeld"))
    assert GONE_LINE in jens.last_text()
    assert labels(jens)[0] == WAITING_LIST
    assert "Fortryd" not in " ".join(labels(jens))  # Ali keeps the place he moved up to
    assert await status(bot, fodbold, 3) is SignupStatus.CONFIRMED
    await answered(bot, jens, jens.tap("Skriv mig på ventelisten"))
    assert "⏳ Du er nr. 1 på ventelisten." in jens.last_text()


async def test_an_old_undo_on_the_card_after_someone_took_the_place(bot: Harness) -> None:
    centre = await bot.centre()
    tur = await bot.activity(centre, "Tur", capacity=1)
    jens = await on_card(bot, 1, "Jens", "Tur")
    await jens.tap("Tilmeld mig")
    bot.clock.advance(60)
    await jens.tap("Afmeld")
    card = jens.last_message()
    assert UNDO_LINE in card.text
    maria = await on_card(bot, 2, "Maria", "Tur")
    await maria.tap("Tilmeld mig")  # the free place is hers now
    await answered(bot, jens, jens.tap("Fortryd", card))
    assert TAKEN in card.text
    assert card.buttons()[0][0] == WAITING_LIST
    assert await status(bot, tur, 2) is SignupStatus.CONFIRMED
    assert await status(bot, tur, 1) is SignupStatus.CANCELLED
    # Days later, after the trip: the old button says so, kindly.
    move_to(bot, START + 6 * H)
    undo = f"v1:act:rejoin:{tur}:0"
    await answered(bot, jens, jens.tap_data(undo, card))
    assert "Tur er slut." in jens.last_text()


async def test_my_sign_ups_follow_the_same_rule_when_someone_was_waiting(bot: Harness) -> None:
    centre = await bot.centre()
    tur = await bot.activity(centre, "Tur", capacity=1)
    jens = await on_card(bot, 1, "Jens", "Tur")
    await jens.tap("Tilmeld mig")
    ali = await on_card(bot, 3, "Ali", "Tur")
    await ali.tap("Skriv mig på ventelisten")
    bot.clock.advance(60)
    await jens.press("✅ Mine tilmeldinger")
    await answered(bot, jens, jens.tap("Afmeld 1. Tur"))
    assert GONE_LINE in jens.last_text()
    assert labels(jens) == [WAITING_LIST]
    assert await status(bot, tur, 3) is SignupStatus.CONFIRMED


# -- 2. Maria: "Jeg kan ikke komme" under "Godt nyt" and a change -----------------------------


async def test_maria_moved_up_days_ago_can_kindly_give_the_place_back(bot: Harness) -> None:
    centre = await bot.centre()
    tur = await bot.activity(centre, "Tur", capacity=1)
    jens = await on_card(bot, 1, "Jens", "Tur")
    await jens.tap("Tilmeld mig")
    maria = await on_card(bot, 2, "Maria", "Tur")
    await maria.tap("Skriv mig på ventelisten")
    bot.clock.advance(60)
    await jens.tap("Afmeld")
    assert await bot.dispatch() == 1
    news = maria.last_message()
    assert news.text.startswith("🎉 Godt nyt!")
    assert [b for b, _ in news.buttons()] == ["Se aktiviteten", "Jeg kan ikke komme"]
    # Her phone was dead; days later she finds the message and cannot go.
    move_to(bot, START - 30 * H)
    await answered(bot, maria, maria.tap("Jeg kan ikke komme", news))
    assert news.text.endswith("Vil du give din plads til en anden?")
    assert [b for b, _ in news.buttons()] == ["Ja, giv den videre", "Nej, jeg kommer"]
    assert await status(bot, tur, 2) is SignupStatus.CONFIRMED  # nothing given away yet
    await answered(bot, maria, maria.tap("Ja, giv den videre", news))
    thanks = "Tak, fordi du sagde til. Din plads til Tur går videre til en anden."
    assert news.text.startswith(thanks)
    assert UNDO_LINE in news.text
    assert await status(bot, tur, 2) is SignupStatus.CANCELLED
    await answered(bot, maria, maria.tap("Fortryd", news))
    assert "↩️ Du har din plads igen." in news.text
    assert await status(bot, tur, 2) is SignupStatus.CONFIRMED


async def test_maria_told_of_a_new_time_can_say_she_cannot_come(bot: Harness) -> None:
    centre = await bot.centre()
    tur = await bot.activity(centre, "Tur", capacity=2, place="Café Parasollen")
    maria = await on_card(bot, 2, "Maria", "Tur")
    await maria.tap("Tilmeld mig")
    ali = await on_card(bot, 3, "Ali", "Tur")
    await ali.tap("Tilmeld mig")
    # Lene moves the trip to the evening (her ✏️ Tid writes just this).
    planner = bot.services.planner
    await bot.store.edits.change(tur, bot.clock.now(), planner, starts_at=local(2026, 12, 5, 18))
    bot.clock.advance(15 * 60)
    assert await bot.dispatch() == 2
    change = maria.last_message()
    assert "🕐 Nyt tidspunkt: lørdag kl. 18.00 (før kl. 10.00)" in change.text
    assert [b for b, _ in change.buttons()] == ["Se aktiviteten", "Jeg kan ikke komme"]
    await answered(bot, maria, maria.tap("Jeg kan ikke komme", change))
    await answered(bot, maria, maria.tap("Ja, giv den videre", change))
    assert await status(bot, tur, 2) is SignupStatus.CANCELLED
    assert UNDO_LINE in change.text
    # Meanwhile Jens takes the free place; her old "Fortryd" says so and offers the list.
    jens = await on_card(bot, 1, "Jens", "Tur")
    await jens.tap("Tilmeld mig")
    await answered(bot, maria, maria.tap("Fortryd", change))
    assert TAKEN in change.text
    assert change.buttons()[0][0] == WAITING_LIST
    # And after the trip, the old "Jeg kan ikke komme" leads to a kind word, not an error.
    move_to(bot, local(2026, 12, 6, 12))
    await answered(bot, maria, maria.tap_data(f"v1:rem:no:{tur}", change))
    assert "Tur er slut." in maria.last_text()


# -- 3. Jens: "i dag" and "i morgen" in reminders ---------------------------------------------


async def test_jens_is_reminded_today_and_tomorrow_in_words(bot: Harness) -> None:
    centre = await bot.centre()
    monday = local(2026, 11, 30, 17, 30)
    await bot.activity(centre, "Fodbold", starts_at=monday, place="Banen")
    jens = await on_card(bot, 1, "Jens", "Fodbold")
    await jens.tap("Tilmeld mig")
    move_to(bot, monday - 24 * H)  # Sunday 17.30
    assert await bot.dispatch() == 1
    assert jens.last_text().startswith("⏰ Husk: Fodbold i morgen kl. 17.30.\n")
    move_to(bot, local(2026, 11, 30, 15, 31))  # the 2-hour reminder, a minute late
    assert await bot.dispatch() == 1
    assert jens.last_text().startswith("⏰ Husk: Fodbold i dag kl. 17.30.\n")
    assert "📍 Banen" in jens.last_text()
    assert [b for b, _ in jens.last_message().buttons()] == ["👍 Jeg kommer", "Jeg kan ikke komme"]


async def test_a_late_reminder_says_today_as_of_when_it_is_sent(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Fodbold")  # Saturday 5 December, 10.00
    jens = await on_card(bot, 1, "Jens", "Fodbold")
    await jens.tap("Tilmeld mig")
    move_to(bot, local(2026, 12, 5, 7))  # the bot was down from Friday morning until now
    assert await bot.dispatch() == 1  # only the latest due reminder goes out
    assert jens.last_text().startswith("⏰ Husk: Fodbold i dag kl. 10.00.\n")


async def test_ali_reads_today_and_tomorrow_in_english(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Football")
    ali = bot.user(3, "Ali", language_code="en")
    await ali.send("/start c-parasollen")
    await ali.tap("Football")
    await ali.tap("Sign me up")
    move_to(bot, START - 24 * H)
    assert await bot.dispatch() == 1
    assert ali.last_text().startswith("⏰ Reminder: Football tomorrow at 10:00.\n")
    move_to(bot, START - 2 * H)
    assert await bot.dispatch() == 1
    assert ali.last_text().startswith("⏰ Reminder: Football today at 10:00.\n")


async def test_today_is_the_centres_day_not_copenhagens(bot: Harness) -> None:
    centre = await bot.store.centres.add("nuuk", "Værestedet Nuuk", "Nuuk", "America/Nuuk")
    sunday = local(2026, 11, 29, 13)  # Sunday 10.00 in Nuuk, 13.00 in Copenhagen
    await bot.activity(centre, "Fodbold", starts_at=sunday)
    jens = bot.user(1, "Jens")
    await jens.send("/start c-nuuk")
    await jens.tap("Fodbold")
    await jens.tap("Tilmeld mig")
    move_to(bot, local(2026, 11, 29, 1, 30))  # Saturday 22.30 in Nuuk, Sunday in Copenhagen
    assert await bot.dispatch() == 1
    assert jens.last_text().startswith("⏰ Husk: Fodbold i morgen kl. 10.00.\n")


def test_further_away_the_reminder_says_the_whole_date() -> None:
    tuesday, now = local(2026, 12, 1, 10), local(2026, 11, 28, 10)
    tz = "Europe/Copenhagen"
    assert translator("da").day_when(tuesday, tz, now) == "tirsdag 1. december kl. 10.00"
    assert translator("en").day_when(tuesday, tz, now) == "on Tuesday 1 December at 10:00"
    # Just before midnight, tomorrow is still tomorrow; just after, it is today.
    assert translator("da").day_when(tuesday, tz, local(2026, 11, 30, 23, 59)) == (
        "i morgen kl. 10.00"
    )
    assert translator("da").day_when(tuesday, tz, local(2026, 12, 1, 0, 1)) == "i dag kl. 10.00"
