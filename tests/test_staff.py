"""Staff: make, change and cancel activities, sign up guests — and nobody else can."""

from pathlib import Path

import pytest

from bot.fake_telegram import FakeUser
from bot.store.roles import RoleName
from tests.conftest import NOW, Harness, local, screen

DENIED = "Det har du ikke adgang til."


async def lene_at_parasollen(bot: Harness) -> FakeUser:
    centre = await bot.store.centres.by_slug("parasollen") or await bot.centre()
    await bot.store.roles.grant(50, RoleName.STAFF, centre.id, NOW)
    lene = bot.user(50, "Lene")
    await lene.send("/start")
    return lene


async def make_activity(
    lene: FakeUser, title: str = "Fodbold", place: str = "Fælledparken"
) -> None:
    await lene.send("/ny_aktivitet")
    await lene.send(title)
    await lene.tap("I morgen")
    await lene.tap("14.00")
    await lene.tap("Kun én gang")
    await lene.send(place)
    await lene.tap("10")
    await lene.tap("Opret")


async def test_staff_make_an_activity_in_a_few_taps_and_one_title(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    await lene.send("/ny_aktivitet")
    assert lene.last_text() == "Ny aktivitet\nHvad hedder den? Skriv en kort titel."
    assert [b for b, _ in lene.last_message().buttons()] == ["⬅️ Tilbage", "✖️ Afbryd"]
    await lene.send("Fodbold")
    assert "Hvilken dag?" in lene.last_text()
    labels = [b for b, _ in lene.last_message().buttons()]
    assert labels[:3] == ["I dag", "I morgen", "mandag 30. november"]
    await lene.tap("I morgen")
    await lene.tap("14.00")
    await lene.tap("Kun én gang")
    assert "Hvor? Tryk på et sted, eller skriv det." in lene.last_text()
    await lene.send("Fælledparken")
    await lene.tap("10")
    assert lene.last_text() == (
        "Ny aktivitet\nSe det igennem, og tryk på Opret:\n\n"
        "Fodbold\n📅 søndag 29. november kl. 14.00\n📍 Fælledparken\n🏠 Café Parasollen\n"
        "👥 10 pladser"
    )
    await lene.tap("Opret")
    assert lene.texts()[-2].startswith("✅ Oprettet! Brugerne finder den under 📅 Aktiviteter.")
    assert "?start=a-1" in lene.texts()[-2]
    ((activity, _confirmed),) = await bot.store.activities.all()
    assert (activity.title, activity.place, activity.capacity) == ("Fodbold", "Fælledparken", 10)
    assert activity.starts_at == local(2026, 11, 29, 14)
    assert await bot.store.drafts.get(50, bot.clock.now()) is None
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    assert "I morgen 14.00 · Fodbold" in screen(jens)


async def test_places_used_before_are_one_tap_and_typed_dates_and_times_work(
    bot: Harness,
) -> None:
    lene = await lene_at_parasollen(bot)
    await make_activity(lene, place="Stuen")
    await lene.send("/ny_aktivitet")
    await lene.send("Banko")
    await lene.send("5/12")
    await lene.send("19.30")
    await lene.tap("Kun én gang")
    await lene.tap("Stuen")
    await lene.send("25")
    assert "📅 lørdag 5. december kl. 19.30\n📍 Stuen" in lene.last_text()
    assert "👥 25 pladser" in lene.last_text()


@pytest.mark.parametrize(
    ("step_inputs", "bad", "expected"),
    [
        ([], "x" * 101, "Titlen må højst være 100 tegn, på én linje. Prøv igen."),
        (["Fodbold"], "1/1/2020", "Den dag er gået. Vælg en anden dag."),
        (["Fodbold"], "banan", "Den dato kan jeg ikke læse. Skriv den som 5/12 eller 5.12.2026."),
        (["Fodbold"], "31/2", "Den dato kan jeg ikke læse."),
        (["Fodbold", "28/11"], "9", "Det tidspunkt er gået. Vælg et senere."),
        (["Fodbold", "28/11"], "25.00", "Det klokkeslæt kan jeg ikke læse."),
        (["Fodbold", "28/3-27"], "2.30", "Det klokkeslæt findes ikke den nat (uret springer"),
        (["Fodbold", "31/10-27"], "2.30", "Det klokkeslæt kommer to gange den nat"),
        (["Fodbold", "5/12", "14", "Kun én gang"], "y" * 101, "Stedet må højst være 100 tegn"),
        (
            ["Fodbold", "5/12", "14", "Kun én gang", "Stuen"],
            "0",
            "Antal pladser skal være fra 1 til 1000.",
        ),
        (
            ["Fodbold", "5/12", "14", "Kun én gang", "Stuen"],
            "1001",
            "Antal pladser skal være fra 1 til 1000.",
        ),
        (["Fodbold", "5/12", "14", "Kun én gang", "Stuen"], "ti", "Skriv et helt tal, fx 12."),
    ],
)
async def test_each_bad_input_is_explained_and_the_step_asked_again(
    bot: Harness, step_inputs: list[str], bad: str, expected: str
) -> None:
    lene = await lene_at_parasollen(bot)
    await lene.send("/ny_aktivitet")
    for text in step_inputs:
        await (lene.tap(text) if text == "Kun én gang" else lene.send(text))
    step = (await bot.store.drafts.get(50, bot.clock.now())).step  # type: ignore[union-attr]
    await lene.send(bad)
    assert lene.last_text().startswith(expected)
    assert (await bot.store.drafts.get(50, bot.clock.now())).step == step  # type: ignore[union-attr]
    assert await bot.store.activities.all() == []


async def test_html_in_a_title_is_kept_as_text(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    await make_activity(lene, title="<b>Fest</b> & dans")
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    assert "<b>Fest</b> & dans" in screen(jens)


async def test_back_and_stop(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    await lene.send("/ny_aktivitet")
    await lene.send("Fodbold")
    await lene.tap("I morgen")
    await lene.tap("Tilbage")
    assert "Hvilken dag?" in lene.last_text()
    await lene.tap("Afbryd")
    assert lene.last_text() == "Okay – intet blev ændret."
    assert (
        await bot.store.drafts.get(50, bot.clock.now()) is None
        and await bot.store.activities.all() == []
    )


async def test_an_old_step_button_does_not_skip_ahead(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    await lene.send("/ny_aktivitet")
    await lene.send("Fodbold")
    await lene.tap("I morgen")
    await lene.tap_data("v1:stf:day:20261205", lene.last_message())
    assert lene.last_text().startswith("Den knap er gammel – her er du nået til.")
    assert (await bot.store.drafts.get(50, bot.clock.now())).step == "time"  # type: ignore[union-attr]


async def test_a_restart_in_the_middle_loses_nothing(bot: Harness, tmp_path: Path) -> None:
    lene = await lene_at_parasollen(bot)
    await lene.send("/ny_aktivitet")
    await lene.send("Fodbold")
    await bot.restart()
    await lene.tap("I morgen")  # a button from before the restart
    await lene.tap("14.00")
    await lene.tap("Kun én gang")
    await lene.send("Stuen")
    await lene.tap("Ingen grænse")
    await lene.tap("Opret")
    assert lene.texts()[-2].startswith("✅ Oprettet!")


async def test_people_who_are_not_staff_are_refused_and_nothing_changes(bot: Harness) -> None:
    centre = await bot.centre()
    activity_id = await bot.activity(centre, "Fodbold", capacity=5)
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    await jens.send("/ny_aktivitet")
    assert jens.last_text() == DENIED
    await jens.send("/besked")
    assert jens.last_text() == DENIED
    await jens.send("/inviter")
    assert jens.last_text() == DENIED
    for data in (
        f"v1:stf:edit:{activity_id}:x",
        f"v1:stf:edit:{activity_id}:c",
        f"v1:stf:cancelok:{activity_id}",
        f"v1:stf:inv:{centre.id}",
        "v1:bc:aud:all",
        "v1:bc:stop:1",
    ):
        await jens.tap_data(data)
        assert jens.last_text() in (DENIED,) or "gammel" in jens.last_text(), data
    activity = await bot.store.activities.get(activity_id)
    assert activity is not None and activity.status == "scheduled" and activity.capacity == 5
    assert await bot.store.drafts.get(1, bot.clock.now()) is None
    # The card shows no staff buttons to users.
    await jens.tap_data(f"v1:act:show:{activity_id}:0")
    assert "✏️ Tid" not in [b for b, _ in jens.last_message().buttons()]


async def test_staff_of_another_centre_cannot_touch_this_one(bot: Harness) -> None:
    parasollen = await bot.centre()
    kofoed = await bot.centre("kofoed", "Kofoeds Skole")
    activity_id = await bot.activity(parasollen, "Fodbold", capacity=5)
    await bot.store.roles.grant(60, RoleName.STAFF, kofoed.id, NOW)
    ole = bot.user(60, "Ole")
    await ole.send("/start c-parasollen")
    await ole.tap("Fodbold")
    assert "✏️ Tid" not in [b for b, _ in ole.last_message().buttons()]
    for data in (
        f"v1:stf:edit:{activity_id}:t",
        f"v1:stf:edit:{activity_id}:g",
        f"v1:stf:cancelok:{activity_id}",
    ):
        await ole.tap_data(data)
        assert ole.last_text() == DENIED, data
    await ole.send("/ny_aktivitet")
    assert "Café Parasollen" not in str(ole.last_message().buttons())
    assert (await bot.store.activities.get(activity_id)).status == "scheduled"  # type: ignore[union-attr]


async def test_changing_the_time_tells_participants_and_moves_reminders(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    await make_activity(lene)
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    await jens.tap("Fodbold")
    await jens.tap("Tilmeld mig")
    await lene.tap_data("v1:act:show:1:0")
    assert "Kun I kan se det her: 1 er tilmeldt, og 0 står på ventelisten." in lene.last_text()
    await lene.tap("✏️ Tid")
    await lene.tap("mandag 30. november")
    await lene.tap("16.00")
    assert lene.last_text().endswith("Gemt. 1 tilmeldt får besked inden for 10 minutter.")
    bot.clock.advance(10 * 60)
    assert await bot.dispatch() == 1
    assert jens.last_text().startswith(
        "📅 Der er en ændring:\n🕐 Nyt tidspunkt: mandag 30. november kl. 16.00"
        " (før søndag 29. november kl. 14.00)\n\nFodbold\n📅 mandag 30. november kl. 16.00"
    )
    bot.clock.now = lambda: local(2026, 11, 30, 14)  # type: ignore[method-assign]
    assert await bot.dispatch() == 1
    assert jens.last_text().startswith("⏰ Husk")


async def test_more_places_move_people_up_from_the_waiting_list(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    centre = await bot.store.centres.by_slug("parasollen")
    activity_id = await bot.activity(centre, "Tur", capacity=1)
    jens, maria = bot.user(1, "Jens"), bot.user(2, "Maria")
    for person in (jens, maria):
        await person.send("/start c-parasollen")
        await person.tap("Tur")
        await person.tap("Tilmeld mig" if person is jens else "Skriv mig på ventelisten")
    await lene.tap_data(f"v1:act:show:{activity_id}:0")
    await lene.tap("✏️ Pladser")
    await lene.send("3")
    assert await bot.dispatch() == 1
    assert maria.last_text().startswith("🎉 Godt nyt!")


async def test_cancelling_an_activity_tells_everyone_once(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    await make_activity(lene)
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    await jens.tap("Fodbold")
    await jens.tap("Tilmeld mig")
    await lene.tap_data("v1:act:show:1:0")
    await lene.tap("Aflys aktiviteten")
    assert lene.last_text().startswith("Vil du aflyse Fodbold (søndag 29. november kl. 14.00)?")
    await lene.tap("Ja, aflys den")
    assert lene.last_text() == "Fodbold er aflyst. Alle tilmeldte får besked."
    assert await bot.dispatch() == 1
    assert jens.last_text() == "😔 Fodbold (søndag 29. november kl. 14.00) er desværre aflyst."
    assert await bot.dispatch() == 0


async def test_a_guest_at_the_counter_takes_a_place(bot: Harness) -> None:
    lene = await lene_at_parasollen(bot)
    centre = await bot.store.centres.by_slug("parasollen")
    activity_id = await bot.activity(centre, "Tur", capacity=1)
    await lene.tap_data(f"v1:act:show:{activity_id}:0")
    await lene.tap("Tilmeld en uden telefon")
    assert "Skriv kun fornavnet på den, du vil tilmelde." in lene.last_text()
    await lene.send("Poul")
    assert lene.last_text().endswith(
        "Kun I kan se det her: 1 er tilmeldt, og 0 står på ventelisten.\nUden telefon: Poul\n\n"
        "Poul er tilmeldt."
    )
    await lene.tap_data(f"v1:act:show:{activity_id}:0")
    await lene.tap("Tilmeld en uden telefon")
    await lene.send("Hanne")
    assert "Der var fuldt, så Hanne er nr. 1 på ventelisten." in lene.last_text()
    assert [g.name for g in await bot.store.counter_signups.of(activity_id)] == ["Poul", "Hanne"]
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    await jens.tap("Tur")
    assert "👥 Alle pladser er taget" in jens.last_text()


async def test_an_invitation_makes_staff_once(bot: Harness) -> None:
    await bot.centre()
    admin = bot.user(99, "Admin")
    await bot.store.roles.grant(99, RoleName.ADMIN, None, NOW)
    await admin.send("/inviter")
    await admin.tap("Café Parasollen")
    text = admin.last_text()
    assert text.startswith("Send dette link til den nye medarbejder på Café Parasollen.")
    token = text.split("?start=s-")[1].strip()
    lene = bot.user(50, "Lene")
    await lene.send(f"/start s-{token}")
    assert lene.last_text().startswith("Du er nu personale på Café Parasollen.")
    commands = [c["command"] for c in bot.fake.calls_of("setMyCommands")[-1].params["commands"]]
    assert "ny_aktivitet" in commands and "besked" in commands
    assert bot.fake.calls_of("setMyCommands")[-1].params["scope"] == {
        "type": "chat",
        "chat_id": 50,
    }
    ole = bot.user(60, "Ole")
    await ole.send(f"/start s-{token}")
    assert ole.last_text() == "Dette link er allerede brugt. Bed om et nyt."
    await ole.send("/ny_aktivitet")
    assert ole.last_text() == DENIED
    await make_activity(lene)
    assert len(await bot.store.activities.all()) == 1


async def test_an_expired_invitation_does_not_work(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.store.roles.create_invitation("abcdefghijkl", centre.id, 99, NOW + 60)
    bot.clock.advance(61)
    lene = bot.user(50)
    await lene.send("/start s-abcdefghijkl")
    assert lene.last_text() == "Invitationen er brugt eller udløbet. Bed om en ny."


async def test_staff_get_their_commands_in_the_menu_and_users_do_not(bot: Harness) -> None:
    jens = bot.user(1)
    await jens.send("/start")
    assert not [c for c in bot.fake.calls_of("setMyCommands") if "scope" in c.params]
    await lene_at_parasollen(bot)
    (call,) = [c for c in bot.fake.calls_of("setMyCommands") if "scope" in c.params]
    assert call.params["scope"] == {"type": "chat", "chat_id": 50}
    assert [c["command"] for c in call.params["commands"]] == [
        "aktiviteter",
        "mine",
        "indstillinger",
        "hjaelp",
        "mine_data",
        "slet_mig",
        "ny_aktivitet",
        "besked",
        "plakat",
        "ugeprogram",
        "lukket",
        "tal",
        "eksport",
    ]
