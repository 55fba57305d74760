"""Messages made from data fit Telegram's 4,096 characters at their worst case (issue 11,
"Telegram's own limits"): lists are summarised ("og 38 andre"), never cut off by Telegram. The
fake Bot API refuses a longer message as Telegram would, so each test fails if one breaks."""

from __future__ import annotations

from bot.fake_telegram import FakeUser
from bot.store.centres import Centre
from bot.store.roles import RoleName
from tests.conftest import NOW, Harness

LENE = 50
HEAVY = "Ø&<"  # each character is an entity or more in HTML; Telegram counts one
NAME_64 = (HEAVY * 22)[:64]  # Telegram's longest first name
GUEST_40 = (HEAVY * 14)[:40]  # the longest name staff may type for a counter sign-up


def heavy(length: int) -> str:
    return (HEAVY * length)[:length]


async def staff(bot: Harness, centre: Centre, role: RoleName = RoleName.STAFF) -> FakeUser:
    await bot.store.roles.grant(LENE, role, centre.id, NOW)
    lene = bot.user(LENE, "Lene")
    await lene.send("/start")
    bot.services.flood.limit = 10**9  # the test's setup is not a person
    return lene


async def sign_up_many(
    bot: Harness, activity_id: int, first: int, count: int, centre: Centre | None = None
) -> None:
    """`count` people with 64-character names, with a place or (when full) on the list."""
    for uid in range(first, first + count):
        await bot.store.people.touch(uid, NAME_64, "da", NOW)
        if centre is not None:
            await bot.store.people.join_centre(uid, centre.id, NOW)
        await bot.store.signups.join(activity_id, uid, NOW, bot.services.planner)


async def big_activity(bot: Harness, centre: Centre | None, capacity: int = 1000) -> int:
    return await bot.activity(
        centre,
        heavy(100),
        capacity=capacity,
        place=heavy(100),
        description=heavy(1000),
    )


# -- /besked: the preview with people signed up at the counter ---------------------------------


async def test_lenes_preview_fits_with_1500_guests_and_a_text_at_its_limit(bot: Harness) -> None:
    """Lene writes to the participants of the summer trip: 1,000 places, all but Jens's taken
    at the counter, 500 more on the waiting list, and her message as long as allowed."""
    centre = await bot.centre()
    lene = await staff(bot, centre)
    activity_id = await bot.activity(centre, "Sommertur", capacity=1000)
    jens = bot.user(1, "Jens")
    await jens.send("/start c-parasollen")
    await bot.store.signups.join(activity_id, jens.id, NOW, bot.services.planner)
    for _ in range(999 + 500):
        await bot.store.counter_signups.join(activity_id, GUEST_40, LENE, NOW)
    text = ("Kaffe & kage <3 – husk madpakke! " * 200)[:3899] + "!"
    await lene.send("/besked")
    await lene.tap("Deltagerne i én aktivitet")
    await lene.tap("Sommertur")
    await lene.send(text)
    preview = lene.last_text()
    assert preview.startswith("Ny besked\nDen sendes til 1 person:\n")
    assert "1499 personer har ingen telefon. Sig det selv til dem: Ø&<" in preview
    assert " andre.\n" in preview
    assert preview.endswith("\n" + text)
    assert len(preview) <= 4096
    await lene.send("noget mere")  # typed while the preview waits: the preview again, on top
    assert lene.last_text().startswith("Tryk på en af knapperne.")
    await lene.tap("Send")
    await bot.dispatch()
    assert jens.last_text() == f"📣 Café Parasollen\n\n{text}"


async def test_a_text_is_measured_as_telegram_counts_it(bot: Harness) -> None:
    """3,900 emoji are 7,800 characters to Telegram (each is two): Lene is told at once, not
    stranded with a preview Telegram refuses."""
    centre = await bot.centre()
    lene = await staff(bot, centre)
    await lene.send("/besked")
    await lene.tap("Alle på Café Parasollen")
    await lene.send("👍" * 3900)
    assert lene.last_text().startswith("Det er 7800 tegn; der er plads til 3900.")


# -- /tal: the card of a large activity ----------------------------------------------------------


async def test_the_card_of_1000_places_and_500_waiting_fits(bot: Harness) -> None:
    """Søren's colleague at the centre opens the card of the big day: every name would be
    110,000 characters; the card shows what fits and says how many more."""
    centre = await bot.centre()
    activity_id = await big_activity(bot, centre)
    await sign_up_many(bot, activity_id, 1, 1500, centre)
    soren = await staff(bot, centre, RoleName.COORDINATOR)
    await soren.tap_data(f"v1:tal:show:{activity_id}:0")
    card = soren.last_text()
    assert "Tilmeldt: 1000 af 1000\nHeraf uden telefon: 0\nVenteliste: 500" in card
    assert "Navne: Ø&<Ø&<" in card and "På ventelisten: Ø&<" in card
    (names,) = [line for line in card.split("\n") if line.startswith("Navne: ")]
    (waiting,) = [line for line in card.split("\n") if line.startswith("På ventelisten: ")]
    assert names.endswith(" andre") and waiting.endswith(" andre")
    assert len(card) <= 4096


async def test_a_national_card_with_200_centres_fits(bot: Harness) -> None:
    """The national tournament seen by an admin: people from 200 centres with long names,
    walk-ins counted by each centre. Names, centres and walk-ins share the room."""
    centres = [
        await bot.store.centres.add(f"c{i}", f"{i:03d} " + heavy(76), "By", "Europe/Copenhagen")
        for i in range(200)
    ]
    activity_id = await big_activity(bot, None)
    for i, centre in enumerate(centres):
        await sign_up_many(bot, activity_id, 1 + 2 * i, 2, centre)
        await bot.store.attendance.add_walk_in(activity_id, centre.id, 90, NOW)
    await bot.store.roles.grant(90, RoleName.ADMIN, None, NOW)
    admin = bot.user(90, "Ada")
    await admin.send("/start")
    await admin.tap_data(f"v1:tal:show:{activity_id}:0")
    card = admin.last_text()
    (line,) = [x for x in card.split("\n") if x.startswith("Navne: ")]
    assert line.endswith(" andre")
    assert "\nFra hvert værested:\n" in card and card.endswith(" væresteder mere")
    assert " · 1 mødt op (heraf 1 uden tilmelding)\n" in card
    assert "Mødt op: 200 (heraf 200 uden tilmelding)" in card
    assert len(card) <= 4096


# -- the staff's card, and the warning about people without a phone -----------------------------


async def test_the_staff_card_with_1000_people_without_a_phone_fits(bot: Harness) -> None:
    centre = await bot.centre()
    lene = await staff(bot, centre)
    activity_id = await big_activity(bot, centre)
    for _ in range(1000):
        await bot.store.counter_signups.join(activity_id, GUEST_40, LENE, NOW)
    await lene.tap_data(f"v1:act:show:{activity_id}:0")
    card = lene.last_text()
    assert "Uden telefon: Ø&<" in card and len(card) <= 4096
    await lene.tap("✏️ Pladser")
    await lene.send("900")  # fewer places: nobody moves up, nobody is taken off
    assert "Gemt. 1000 har allerede en plads. Ingen mister sin plads." in lene.last_text()
    assert len(lene.last_text()) <= 4096


# -- settings: a person of many centres ---------------------------------------------------------


async def test_settings_of_someone_in_200_centres_fit(bot: Harness) -> None:
    jens = bot.user(1, "Jens")
    await jens.send("/start")
    for i in range(200):
        centre = await bot.store.centres.add(f"c{i}", heavy(80), "By", "Europe/Copenhagen")
        await bot.store.people.join_centre(jens.id, centre.id, NOW)
    await jens.press("⚙️ Indstillinger")
    (line,) = [x for x in jens.last_text().split("\n") if x.startswith("Dine væresteder: ")]
    assert line.endswith(" andre") and len(jens.last_text()) <= 4096


def test_a_list_is_summarised_as_telegram_counts_it() -> None:
    from bot.i18n import translator
    from dialogs.common import plain_length, summarise

    da = translator("da")
    names = ["Ole", "Kim", "Ida"]
    assert summarise(names, 100, da) == "Ole, Kim, Ida"
    assert summarise(["Ø&amp;&lt;"] * 40, 30, da) == ", ".join(["Ø&amp;&lt;"] * 4) + " og 36 andre"
    assert plain_length("<b>Ø&amp;&lt;</b> 👍") == 6
    assert summarise(names, 2, da) == "3 i alt"
    assert summarise(["A", "B"], 100, da, " · ") == "A · B"


async def test_the_start_screen_of_someone_staff_at_60_centres_fits(bot: Harness) -> None:
    for i in range(60):
        centre = await bot.store.centres.add(
            f"c{i}", f"{i:02d} " + heavy(77), "By", "Europe/Copenhagen"
        )
        await bot.store.roles.grant(LENE, RoleName.STAFF, centre.id, NOW)
    lene = bot.user(LENE, "Lene")
    await lene.send("/start")
    assert lene.last_text().startswith("Du er personale på 00 Ø&<")
    assert " andre." in lene.last_text().split("\n")[0] and len(lene.last_text()) <= 4096
