"""Finding the way (issue 11, points 6-10): no centre chosen, 200 centres, list buttons with
day and time, the phone's language first, and staff's own start screen."""

import re

from babel.messages.pofile import read_po

from bot.fake_telegram import FakeUser
from bot.i18n import LOCALES_DIR
from bot.store.roles import RoleName
from tests.conftest import NOW, Harness, local, screen

TOWNS = [  # 200 centres in 33 towns, as unevenly as in real life
    ("København", 30),
    ("Aarhus", 18),
    ("Aalborg", 13),
    ("Odense", 9),
    ("Esbjerg", 7),
    ("Randers", 7),
    ("Kolding", 7),
    ("Horsens", 6),
    ("Vejle", 6),
    ("Roskilde", 6),
    ("Herning", 6),
    ("Helsingør", 6),
    ("Silkeborg", 5),
    ("Næstved", 5),
    ("Frederiksberg", 5),
    ("Viborg", 5),
    ("Køge", 5),
    ("Holstebro", 5),
    ("Taastrup", 4),
    ("Slagelse", 4),
    ("Hillerød", 4),
    ("Sønderborg", 4),
    ("Svendborg", 4),
    ("Hjørring", 4),
    ("Holbæk", 4),
    ("Frederikshavn", 4),
    ("Nørresundby", 4),
    ("Ringsted", 3),
    ("Ølstykke", 3),
    ("Ærøskøbing", 2),
    ("Åbenrå", 2),
    ("Bornholm", 2),
    ("Thisted", 1),
]
KINDS = ["Café", "Værestedet", "Huset", "Stedet", "Klubben"]
NOUNS = [
    "Solsikken", "Ankeret", "Fyrtårnet", "Lyset", "Broen", "Havnen", "Kilden", "Stien",
    "Træet", "Hjertet", "Bølgen", "Stjernen", "Skuret", "Gården", "Porten", "Lygten",
    "Ildstedet", "Kompasset", "Tårnet", "Møllen", "Åen", "Skoven", "Engen", "Bakken",
    "Molen", "Hytten", "Vinduet", "Trappen", "Bænken", "Kedlen", "Kruset", "Gryden",
    "Dugen", "Lampen", "Døren", "Kroen", "Pladsen", "Torvet", "Sporet", "Vejen",
]  # fmt: skip


async def two_hundred_centres(bot: Harness) -> list[int]:
    """200 centres with made-up names; two are called Reden (in København and Odense)."""
    names = [f"{kind} {noun}" for kind in KINDS for noun in NOUNS]
    ids, n = [], 0
    for town, count in TOWNS:
        for i in range(count):
            name = "Reden" if town in ("København", "Odense") and i == 0 else names[n]
            centre = await bot.store.centres.add(f"c{n}", name, town, "Europe/Copenhagen")
            ids.append(centre.id)
            n += 1
    assert n == 200
    bot.services.flood.limit = 10**9  # a test walking every group is not a person
    return ids


def choices(person: FakeUser) -> list[tuple[str, str]]:
    """The picker's choices on the screen: centres and groups (not national, language, back)."""
    return [
        (label, data)
        for label, data in person.last_message().buttons()
        if data.startswith(("v1:ctr:join:", "v1:ctr:grp:")) and not label.startswith("⬅️")
    ]


async def walk(person: FakeUser, taps: int, reached: dict[int, int]) -> None:
    """Every centre reachable from the screen in front of the person, with the taps it takes
    (`taps` were made already); at most 6 choices on any screen."""
    message = person.last_message()
    here = choices(person)
    assert 1 <= len(here) <= 6, here
    for label, data in here:
        if data.startswith("v1:ctr:join:"):
            centre_id = int(data.split(":")[3])
            reached[centre_id] = min(reached.get(centre_id, 99), taps + 1)
        else:
            await person.tap_data(data, message)
            assert person.last_message() is message  # the same message, edited
            await walk(person, taps + 1, reached)


# -- 6. No centre chosen yet --------------------------------------------------------------


async def test_no_centre_chosen_the_activity_list_offers_the_picker(bot: Harness) -> None:
    await bot.centre()
    await bot.activity(None, "Landsturnering")
    jens = bot.user(1)
    await jens.send("/start")
    await jens.press("📅 Aktiviteter")
    text = jens.last_text()
    assert text.startswith("Du har ikke valgt et værested endnu.\n\nHvilket værested")
    assert "Der er ingen aktiviteter på vej" not in text
    assert "🏠 Café Parasollen" in [b for b, _ in jens.last_message().buttons()]
    await jens.send("/aktiviteter")
    assert jens.last_text().startswith("Du har ikke valgt et værested endnu.")
    await jens.tap("Café Parasollen")
    assert jens.last_text().startswith("Velkommen til Café Parasollen!")


async def test_after_leaving_the_only_centre_the_list_offers_the_picker(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Fodbold")
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    await jens.press("⚙️ Indstillinger")
    await jens.tap("Fjern Café Parasollen")
    await jens.tap("Ja, fjern det")
    await jens.press("📅 Aktiviteter")
    assert jens.last_text().startswith("Du har ikke valgt et værested endnu.")
    assert "Der er ingen aktiviteter på vej" not in jens.last_text()
    await jens.send("/start")
    assert "Hvilket værested kommer du på?" in jens.last_text()


async def test_national_only_is_a_choice_and_shows_national_activities(bot: Harness) -> None:
    await bot.centre()
    await bot.activity(None, "Landsturnering")
    jens = bot.user(1)
    await jens.send("/start")
    await jens.tap("🌍")
    await jens.press("📅 Aktiviteter")
    assert "Landsturnering" in screen(jens)
    assert "Du har ikke valgt" not in jens.last_text()


# -- 7. 200 centres -----------------------------------------------------------------------


async def test_any_of_200_centres_is_at_most_3_taps_from_start(bot: Harness) -> None:
    ids = await two_hundred_centres(bot)
    jens = bot.user(1)
    await jens.send("/start")
    assert "Tryk på det, eller skriv navnet eller byen." in jens.last_text()
    assert "Næste ▶️" not in [b for b, _ in jens.last_message().buttons()]
    reached: dict[int, int] = {}
    await walk(jens, 0, reached)
    assert sorted(reached) == sorted(ids)
    assert max(reached.values()) <= 3
    # Six groups by town, from the first town to the last.
    await jens.send("/start")
    first = [label for label, _ in choices(jens)]
    assert len(first) == 6 and first[0].startswith("Aalborg") and first[-1].endswith("Åbenrå")


async def test_a_centre_is_chosen_in_three_taps_by_its_town(bot: Harness) -> None:
    await two_hundred_centres(bot)
    jens = bot.user(1)
    await jens.send("/start")
    await jens.tap("Odense – Slagelse")  # 1
    await jens.tap("Odense: ")  # 2
    await jens.tap("Reden · Odense")  # 3
    assert jens.last_text().startswith("Velkommen til Reden!")
    assert [c.city for c in await bot.store.people.centres(1)] == ["Odense"]


async def test_typing_part_of_a_name_or_town_finds_the_centre(bot: Harness) -> None:
    await two_hundred_centres(bot)
    jens = bot.user(1)
    await jens.send("/start")
    await jens.send("reden")
    assert jens.last_text() == "Det fandt jeg for reden:"
    assert [b for b, _ in jens.last_message().buttons()] == [
        "🏠 Reden · København",
        "🏠 Reden · Odense",
        "⬅️ Tilbage",
    ]
    await jens.send("odense")  # nine centres: their group of the picker
    assert jens.last_text().startswith("Jeg fandt 9, der passer.")
    reached: dict[int, int] = {}
    await walk(jens, 0, reached)
    odense = [c.id for c in await bot.store.centres.all() if c.city == "Odense"]
    assert sorted(reached) == sorted(odense) and max(reached.values()) <= 2
    await jens.send("kobenhavn")  # without the Danish letters
    assert jens.last_text().startswith("Jeg fandt 30, der passer.")
    await jens.send("Café")  # in every town: type more
    assert "Skriv lidt mere af navnet eller byen" in jens.last_text()
    assert len(choices(jens)) == 6
    await jens.send("xyzzy")
    assert jens.last_text().startswith(
        "Jeg kan ikke finde et værested med xyzzy i navnet eller byen."
    )
    assert "Hvilket værested kommer du på?" in jens.last_text()
    await jens.send("Reden Odense")
    await jens.tap("Reden · Odense")
    assert jens.last_text().startswith("Velkommen til Reden!")
    await jens.send("reden")  # the picker is closed: typing is no search any more
    assert jens.last_text().startswith("Jeg forstår kun knapperne")


async def test_settings_add_a_centre_among_200_by_taps_or_typing(bot: Harness) -> None:
    ids = await two_hundred_centres(bot)
    jens = bot.user(1)
    await jens.send("/start c-c0")
    await jens.press("⚙️ Indstillinger")
    await jens.tap("Vælg et værested mere")
    reached: dict[int, int] = {}
    await walk(jens, 0, reached)
    assert sorted(reached) == sorted(ids) and max(reached.values()) <= 3
    await jens.press("⚙️ Indstillinger")
    await jens.tap("Vælg et værested mere")
    await jens.send("ODENSE reden")
    await jens.tap("Reden · Odense")
    centres = await bot.store.people.centres(1)
    assert sorted(c.city for c in centres) == ["København", "Odense"]


async def test_search_folds_case_accents_and_danish_letters(bot: Harness) -> None:
    await bot.store.centres.add("koge", "Café Åkanden", "Køge", "Europe/Copenhagen")
    await bot.store.centres.add("aarhus", "Værestedet", "Århus", "Europe/Copenhagen")
    for typed, found in (
        ("cafe akanden", ["Café Åkanden"]),
        ("AAKANDEN", ["Café Åkanden"]),
        ("koge", ["Café Åkanden"]),
        ("koege", ["Café Åkanden"]),
        ("aarhus", ["Værestedet"]),
        ("vaerested", ["Værestedet"]),
        ("", []),
    ):
        assert [c.name for c in await bot.store.centres.search(typed)] == found, typed


# -- 8. List buttons say day and time -----------------------------------------------------


async def test_list_buttons_tell_same_named_activities_apart(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Banko", starts_at=local(2026, 11, 28, 19))  # today
    await bot.activity(centre, "Fællesspisning", starts_at=local(2026, 12, 3, 17, 30))
    await bot.activity(centre, "Fællesspisning", starts_at=local(2026, 12, 10, 17, 30))
    await bot.activity(centre, "Fodbold", starts_at=local(2026, 11, 29, 10))  # tomorrow
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    assert [b for b, _ in jens.last_message().buttons()] == [
        "I dag 19.00 · Banko",
        "I morgen 10.00 · Fodbold",
        "Tor 17.30 · Fællesspisning",
        "Tor 10/12 17.30 · Fællesspisning",
    ]
    await jens.tap("Tor 10/12 17.30")
    assert "torsdag 10. december kl. 17.30" in jens.last_text()
    ali = bot.user(3, "Ali", language_code="en")
    await ali.send("/start c-parasollen")
    assert [b for b, _ in ali.last_message().buttons()][:4] == [
        "Today 19:00 · Banko",
        "Tomorrow 10:00 · Fodbold",
        "Thu 17:30 · Fællesspisning",
        "Thu 10/12 17:30 · Fællesspisning",
    ]


async def test_a_long_title_keeps_day_and_time_and_fits_the_button(bot: Harness) -> None:
    centre = await bot.centre()
    title = "Udflugt til Den Blå Planet med frokost og kaffe bagefter i Kastrup"
    await bot.activity(centre, title, starts_at=local(2026, 12, 3, 17, 30))
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    (label, data), *_ = jens.last_message().buttons()
    assert label.startswith("Tor 17.30 · Udflugt") and label.endswith("…")
    assert len(label) <= 40 and len(data.encode()) <= 64


# -- 9. The phone's language first --------------------------------------------------------


async def test_an_english_phone_gets_english_from_the_first_word(bot: Harness) -> None:
    await bot.centre()
    ali = bot.user(3, "Ali", language_code="en-GB")
    await ali.send("/start")
    welcome, picker = ali.texts()
    assert welcome.startswith("Hi Ali! 👋\nHere you can see what's on")
    assert "🔒 We keep only your first name" in welcome
    assert "/my_data" in welcome and "/delete_me" in welcome and "/mine_data" not in welcome
    assert "Which centre do you go to?" in picker
    assert "🇩🇰 Dansk" in [b for b, _ in ali.last_message().buttons()]
    assert ali.menu() == ["📅 Activities", "✅ My sign-ups", "⚙️ Settings", "❓ Help"]
    await ali.send("/my_data")
    assert "To erase all of it: /delete_me" in ali.texts()[-2]
    await ali.tap("Dansk")
    assert ali.last_text() == "👍 Nu taler jeg dansk."
    assert ali.menu()[0] == "📅 Aktiviteter"


async def test_an_english_phone_with_a_poster_link_and_a_german_phone(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Football")
    ali = bot.user(3, "Ali", language_code="en")
    await ali.send("/start c-parasollen")
    assert ali.last_text().startswith("Welcome to Café Parasollen!")
    assert "🇩🇰 Dansk" in [b for b, _ in ali.last_message().buttons()]
    await ali.tap("Dansk")
    listed = [b for b, _ in ali.bot_messages()[-2].buttons()]
    assert "Lør 5/12 10.00 · Football" in listed
    hans = bot.user(4, "Hans", language_code="de")
    await hans.send("/start c-parasollen")
    assert hans.last_text().startswith("Velkommen til Café Parasollen!")
    assert "🇬🇧 English" in [b for b, _ in hans.last_message().buttons()]
    jens = bot.user(1, "Jens", language_code="da")
    await jens.send("/start c-parasollen")
    assert "🇬🇧 English" not in [b for b, _ in jens.last_message().buttons()]


async def test_a_later_start_keeps_the_language_the_person_chose(bot: Harness) -> None:
    await bot.centre()
    ali = bot.user(3, "Ali", language_code="en")
    await ali.send("/start c-parasollen")
    await ali.tap("Dansk")
    await ali.send("/start")
    assert ali.texts()[-2].startswith("Hej Ali! 👋")
    assert ali.last_text().startswith("Der er ingen aktiviteter på vej")


def test_english_texts_name_the_english_commands() -> None:
    danish = ["aktiviteter", "mine", "sprog", "hjaelp", "mine_data", "slet_mig", "ny_aktivitet"]
    danish += ["besked", "plakat", "tal", "eksport", "inviter", "lukket", "ugeprogram"]
    with (LOCALES_DIR / "en" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalogue = read_po(fh)
    wrong = []
    for message in catalogue:
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in texts:
            if any(re.search(rf"/{name}\b", text or "") for name in danish):
                wrong.append(text)
    assert wrong == []


async def test_english_staff_help_names_the_english_commands(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.store.roles.grant(50, RoleName.STAFF, centre.id, NOW)
    lene = bot.user(50, "Lene", language_code="en")
    await lene.send("/start")
    await lene.send("/help")
    help_text = lene.texts()[-2]
    assert "/new_activity" in help_text and "/broadcast" in help_text
    assert "/counts" in help_text and "/ny_aktivitet" not in help_text


# -- 10. Staff and coordinators at /start -------------------------------------------------


async def test_staff_see_their_own_start_screen(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Fodbold")
    await bot.store.roles.grant(50, RoleName.STAFF, centre.id, NOW)
    lene = bot.user(50, "Lene")
    await lene.send("/start")
    text = lene.last_text()
    assert "Hvilket værested kommer du på?" not in text
    assert text.startswith("Du er personale på Café Parasollen.")
    assert "/ny_aktivitet" in text and "/besked" in text and "/tal" in text
    assert "Fodbold" in screen(lene)
    assert "🏠 Vælg dit værested" not in [b for b, _ in lene.last_message().buttons()]
    commands = bot.fake.calls_of("setMyCommands")[-1].params["commands"]
    assert "ny_aktivitet" in str(commands)
    await lene.tap("Fodbold")
    assert "✏️ Tid" in [b for b, _ in lene.last_message().buttons()]
    await lene.press("📅 Aktiviteter")  # the list too, without joining as a user
    assert "Du har ikke valgt" not in lene.last_text() and "Fodbold" in screen(lene)


async def test_a_national_coordinator_sees_the_country_at_start(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Lokal fodbold")
    await bot.activity(None, "Landsturnering")
    await bot.store.roles.grant(70, RoleName.COORDINATOR, None, NOW)
    soren = bot.user(70, "Søren")
    await soren.send("/start")
    text = soren.last_text()
    assert "Hvilket værested kommer du på?" not in text
    assert text.startswith("Du er koordinator for hele landet.")
    assert "/tal" in text and "/eksport" in text and "/ny_aktivitet" not in text
    assert "Landsturnering" in screen(soren)
