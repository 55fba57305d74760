"""Coordinators: counts, names only for their own centre, attendance, figures, CSV, a chart."""

import asyncio
import csv
import io
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.fake_telegram import FakeUser
from bot.store.roles import RoleName
from tests.conftest import NOW, Harness, local

DENIED = "Det har du ikke adgang til."


async def coordinator(bot: Harness, centre_id: int | None, uid: int = 70) -> FakeUser:
    await bot.store.roles.grant(uid, RoleName.COORDINATOR, centre_id, NOW)
    person = bot.user(uid, "Søren")
    await person.send("/start")
    return person


async def sign_up(bot: Harness, uid: int, name: str, slug: str, number: str) -> FakeUser:
    person = bot.user(uid, name)
    await person.send(f"/start c-{slug}")
    await person.tap(number)
    # The card's one clear button: "Tilmeld mig", or "Skriv mig på ventelisten" when full.
    await person.tap_data(person.last_message().buttons()[0][1])
    return person


async def test_counts_list_the_next_14_days_of_their_centre(bot: Harness) -> None:
    parasollen = await bot.centre()
    kofoed = await bot.centre("kofoed", "Kofoeds Skole")
    await bot.activity(parasollen, "Fodbold", capacity=2)
    await bot.activity(parasollen, "Langt ude", starts_at=local(2026, 12, 24, 10))
    await bot.activity(kofoed, "Maling")
    for uid, name in ((1, "Jens"), (2, "Maria"), (3, "Ali")):
        await sign_up(bot, uid, name, "parasollen", "Fodbold")
    ida = await coordinator(bot, parasollen.id)
    await ida.send("/tal")
    assert ida.last_text() == (
        "Tilmeldinger – i dag og de næste 14 dage\n\n"
        "1. Fodbold – lørdag 5. december kl. 10.00\n"
        "2/2 tilmeldt, heraf 0 uden telefon · 1 på venteliste"
    )


async def test_a_coordinators_card_names_people_of_their_own_centre_only(bot: Harness) -> None:
    parasollen = await bot.centre()
    await bot.activity(parasollen, "Fodbold", capacity=1)
    await sign_up(bot, 1, "Jens", "parasollen", "Fodbold")
    await sign_up(bot, 2, "Maria", "parasollen", "Fodbold")
    ida = await coordinator(bot, parasollen.id)
    await ida.send("/tal")
    await ida.tap("1. Fodbold")
    text = ida.last_text()
    assert "Tilmeldt: 1 af 1\nHeraf uden telefon: 0\nVenteliste: 1" in text
    assert "Navne: Jens\nPå ventelisten: Maria" in text
    soren = await coordinator(bot, None, uid=71)  # national: numbers, no names
    await soren.send("/counts")
    await soren.tap("1. Fodbold")
    assert "Tilmeldt: 1 af 1" in soren.last_text() and "Jens" not in soren.last_text()


async def test_a_national_activity_shows_which_centres_send_how_many(bot: Harness) -> None:
    await bot.centre()
    await bot.centre("kofoed", "Kofoeds Skole")
    await bot.activity(None, "Landsturnering", capacity=50)
    await sign_up(bot, 1, "Jens", "parasollen", "Landsturnering")
    await sign_up(bot, 2, "Maria", "parasollen", "Landsturnering")
    await sign_up(bot, 3, "Ole", "kofoed", "Landsturnering")
    soren = await coordinator(bot, None)
    await soren.send("/tal")
    await soren.tap("1. Landsturnering")
    assert (
        "Fra hvert værested:\n"
        "Café Parasollen: 2 tilmeldt · 0 på venteliste · 0 mødt op\n"
        "Kofoeds Skole: 1 tilmeldt · 0 på venteliste · 0 mødt op"
    ) in soren.last_text()


async def test_only_coordinators_staff_and_admins_may_count(bot: Harness) -> None:
    parasollen = await bot.centre()
    kofoed = await bot.centre("kofoed", "Kofoeds Skole")
    activity_id = await bot.activity(parasollen, "Fodbold")
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    for command in ("/tal", "/tal uge", "/tal graf", "/eksport", "/counts", "/export"):
        await jens.send(command)
        assert jens.last_text() == DENIED, command
    for data in (
        f"v1:tal:show:{activity_id}:0",
        f"v1:tal:att:{activity_id}",
        f"v1:tal:mark:{activity_id}:1",
        f"v1:tal:walk:{activity_id}:1",
        "v1:tal:exp:a:cm",
        "v1:tal:page:1",
    ):
        await jens.tap_data(data)
        assert jens.last_text() == DENIED, data
    ole = await coordinator(bot, kofoed.id, uid=72)  # another centre's coordinator
    await ole.tap_data(f"v1:tal:show:{activity_id}:0")
    assert ole.last_text() == DENIED
    await ole.send("/tal")
    assert "Fodbold" not in ole.last_text()
    await bot.store.roles.grant(50, RoleName.STAFF, parasollen.id, NOW)
    lene = bot.user(50, "Lene")
    await lene.send("/tal")
    assert "1. Fodbold" in lene.last_text()


async def test_the_list_pages_and_no_message_is_too_long(bot: Harness) -> None:
    parasollen = await bot.centre()
    for day in range(1, 13):
        await bot.activity(
            parasollen, f"{day:02d} " + "x" * 96, starts_at=local(2026, 12, day, 10)
        )
    ida = await coordinator(bot, parasollen.id)
    await ida.send("/tal")
    assert len(ida.last_text()) <= 4096
    assert [b for b, _ in ida.last_message().buttons()][-1] == "Næste ▶️"
    await ida.tap("Næste ▶️")
    assert "9. 09" in ida.last_text()


async def test_attendance_is_ticked_on_the_day_and_can_be_corrected(bot: Harness) -> None:
    parasollen = await bot.centre()
    activity_id = await bot.activity(parasollen, "Fodbold", capacity=5)
    await sign_up(bot, 1, "Jens", "parasollen", "Fodbold")
    await sign_up(bot, 2, "Maria", "parasollen", "Fodbold")
    ida = await coordinator(bot, parasollen.id)
    await ida.tap_data(f"v1:tal:att:{activity_id}")
    assert ida.last_text() == "Fremmøde kan du kun krydse af på dagen."
    bot.clock.now = lambda: local(2026, 12, 5, 11)  # type: ignore[method-assign]
    await ida.tap_data(f"v1:tal:show:{activity_id}:0")
    await ida.tap("Fremmøde")
    assert [b for b, _ in ida.last_message().buttons()][:2] == ["⬜ Jens", "⬜ Maria"]
    await ida.tap("⬜ Jens")
    await ida.tap("⬜ Maria")
    await ida.tap("+ 1 uden tilmelding")
    await ida.tap("+ 1 uden tilmelding")
    assert "Mødt op: 4 (heraf 2 uden tilmelding)" in ida.last_text()
    await ida.tap("✅ Maria")  # a mistake, corrected
    await ida.tap("− 1 uden tilmelding")
    assert "Mødt op: 2 (heraf 1 uden tilmelding)" in ida.last_text()
    counts = await bot.store.counts.of(activity_id)
    assert counts is not None and counts.attended == 2
    await ida.send("/tal uge")
    assert "Mødt op: 2" in ida.last_text()


async def test_week_and_month_figures(bot: Harness) -> None:
    parasollen = await bot.centre()
    activity_id = await bot.activity(
        parasollen, "Fodbold", capacity=5, starts_at=local(2026, 12, 1, 10)
    )
    await bot.activity(parasollen, "Maling", starts_at=local(2026, 12, 2, 10))
    jens = await sign_up(bot, 1, "Jens", "parasollen", "Fodbold")
    await sign_up(bot, 2, "Maria", "parasollen", "Fodbold")
    await sign_up(bot, 2, "Maria", "parasollen", "Maling")
    bot.clock.advance(60)
    await jens.send("/mine")
    await jens.tap("Afmeld 1. Fodbold")
    bot.clock.now = lambda: local(2026, 12, 3, 12)  # type: ignore[method-assign]
    await bot.store.attendance.toggle(activity_id, 2, 70, bot.clock.now())
    ida = await coordinator(bot, parasollen.id)
    await ida.send("/tal måned")
    assert ida.last_text() == (
        "Denne måned (tirsdag 1. december – torsdag 31. december)\n"
        "Aktiviteter holdt: 2\nTilmeldt: 2\nHeraf uden telefon: 0\nMødt op: 1\nAfmeldinger: 1\n"
        "Forskellige deltagere: 1"
    )
    await ida.send("/tal week")
    assert ida.last_text().startswith("Denne uge (mandag 30. november – søndag 6. december)")


def parse_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "Danish Excel needs the BOM"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


async def test_the_export_is_a_csv_excel_opens(bot: Harness) -> None:
    parasollen = await bot.centre()
    await bot.activity(parasollen, 'Fodbold; med "bold"', capacity=5, place="Fælledparken")
    await sign_up(bot, 1, "Jens", "parasollen", "Fodbold")
    ida = await coordinator(bot, parasollen.id)
    await ida.send("/eksport")
    await ida.tap("Aktiviteter – denne måned")
    (document,) = [m for m in ida.bot_messages() if m.kind == "document"]
    rows = parse_csv(document.file_bytes)
    assert rows == [
        [
            "Dato",
            "Tid",
            "Værested",
            "Aktivitet",
            "Holdes af",
            "Sted",
            "Pladser",
            "Tilmeldt",
            "Heraf uden telefon",
            "Venteliste",
            "Mødt op",
            "Heraf uden tilmelding",
        ],
    ]
    await ida.tap("Aktiviteter – i år")
    document = [m for m in ida.bot_messages() if m.kind == "document"][-1]
    rows = parse_csv(document.file_bytes)
    assert rows[1] == [
        "2026-12-05",
        "10:00",
        "Café Parasollen",
        'Fodbold; med "bold"',
        "Café Parasollen",
        "Fælledparken",
        "5",
        "1",
        "0",
        "0",
        "0",
        "0",
    ]
    await ida.tap("Deltagere pr. måned – i år")
    document = [m for m in ida.bot_messages() if m.kind == "document"][-1]
    assert parse_csv(document.file_bytes) == [
        ["Måned", "Værested", "Forskellige deltagere"],
        ["2026-12", "Café Parasollen", "1"],
    ]
    assert b"Jens" not in document.file_bytes


async def test_the_chart_is_a_real_png(bot: Harness) -> None:
    parasollen = await bot.centre()
    await bot.activity(parasollen, "Fodbold", starts_at=local(2026, 11, 20, 10))
    ida = await coordinator(bot, parasollen.id)
    await ida.send("/tal graf")
    (photo,) = [m for m in ida.bot_messages() if m.kind == "photo"]
    assert photo.file_bytes.startswith(b"\x89PNG\r\n\x1a\n")
    assert 5_000 < len(photo.file_bytes) < 500_000
    assert photo.text == "Tilmeldt og mødt op, uge for uge, de sidste 12 uger."


async def test_counts_stay_right_under_concurrent_sign_ups_and_cancellations(
    bot: Harness,
) -> None:
    parasollen = await bot.centre()
    activity_id = await bot.activity(parasollen, "Banko", capacity=10)
    people = [bot.user(uid, f"P{uid}") for uid in range(1, 41)]
    for person in people:
        await person.send("/start c-parasollen")
        await person.tap("Banko")
    await asyncio.gather(*(p.tap("Tilmeld mig") for p in people))
    bot.clock.advance(60)
    # The first button is "Afmeld" or "Gå af ventelisten", whichever each person got.
    await asyncio.gather(*(p.tap_data(p.last_message().buttons()[0][1]) for p in people[:15]))
    counts = await bot.store.counts.of(activity_id)
    participants = await bot.store.counts.participants(activity_id)
    assert counts is not None and counts.confirmed == 10
    assert counts.waitlisted == 40 - 15 - 10
    assert sum(not p.waitlisted for p in participants) == counts.confirmed


def test_the_export_from_the_command_line(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[database]\npath = "x.db"\n', encoding="utf-8")
    run = [sys.executable, "-m", "bot"]
    # The command line refuses a start that has passed: a day ahead of the real clock.
    day = datetime.now(ZoneInfo("Europe/Copenhagen")).date() + timedelta(days=3)
    subprocess.run(
        [*run, "centre", "add", "--config", str(config), "--slug", "p", "--name", "P"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            *run,
            "activity",
            "add",
            "--config",
            str(config),
            "--centre",
            "p",
            "--title",
            "Fodbold",
            "--starts",
            f"{day} 10:00",
        ],
        check=True,
        capture_output=True,
    )
    out = tmp_path / "a.csv"
    done = subprocess.run(
        [
            *run,
            "export",
            "--config",
            str(config),
            "--centre",
            "p",
            "--from",
            str(day - timedelta(days=1)),
            "--to",
            str(day + timedelta(days=1)),
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    assert done.stdout == f"Wrote 1 rows to {out}\n"
    assert parse_csv(out.read_bytes())[1][:4] == [str(day), "10:00", "P", "Fodbold"]


async def test_a_coordinator_gets_the_counting_commands_in_the_menu(bot: Harness) -> None:
    parasollen = await bot.centre()
    await coordinator(bot, parasollen.id)
    (call,) = [c for c in bot.fake.calls_of("setMyCommands") if "scope" in c.params]
    assert [c["command"] for c in call.params["commands"]][-2:] == ["tal", "eksport"]
    assert "ny_aktivitet" not in [c["command"] for c in call.params["commands"]]


async def test_todays_started_activity_stays_listed_for_attendance(bot: Harness) -> None:
    parasollen = await bot.centre()
    await bot.activity(parasollen, "=Frokost", starts_at=local(2026, 12, 5, 12))
    await sign_up(bot, 1, "Jens", "parasollen", "=Frokost")
    ida = await coordinator(bot, parasollen.id)
    bot.clock.now = lambda: local(2026, 12, 5, 13)  # type: ignore[method-assign]
    await ida.send("/tal")
    await ida.tap("1. =Frokost")
    await ida.tap("Fremmøde")
    await ida.tap("⬜ Jens")
    assert "Mødt op: 1" in ida.last_text()
    await ida.send("/eksport")
    await ida.tap("Aktiviteter – denne måned")
    document = [m for m in ida.bot_messages() if m.kind == "document"][-1]
    assert parse_csv(document.file_bytes)[1][3] == "'=Frokost", "no formula for Excel"


async def test_weekly_figures_add_up_per_week(bot: Harness) -> None:
    parasollen = await bot.centre()
    first = await bot.activity(parasollen, "A", starts_at=local(2026, 12, 1, 10))
    await bot.activity(parasollen, "B", starts_at=local(2026, 12, 2, 10))
    await bot.activity(parasollen, "C", starts_at=local(2026, 12, 9, 10))
    for uid, name in ((1, "Jens"), (2, "Maria")):
        for number in ("· A", "· B", "· C"):
            await sign_up(bot, uid, name, "parasollen", number)
    bot.clock.now = lambda: local(2026, 12, 1, 12)  # type: ignore[method-assign]
    await bot.store.attendance.toggle(first, 1, 70, bot.clock.now())
    series = await bot.store.counts.weekly([parasollen.id], local(2026, 11, 30, 0), 3)
    assert series == [(4, 1), (2, 0), (0, 0)]


async def test_at_a_national_activity_each_centre_ticks_its_own_people(bot: Harness) -> None:
    parasollen = await bot.centre()
    kofoed = await bot.centre("kofoed", "Kofoeds Skole")
    activity_id = await bot.activity(None, "Landsturnering", capacity=50)
    await sign_up(bot, 1, "Jens", "parasollen", "Landsturnering")
    await sign_up(bot, 3, "Ole", "kofoed", "Landsturnering")
    ida = await coordinator(bot, parasollen.id)
    bot.clock.now = lambda: local(2026, 12, 5, 11)  # type: ignore[method-assign]
    await ida.tap_data(f"v1:tal:show:{activity_id}:0")
    assert "Navne: Jens" in ida.last_text() and "Ole" not in ida.last_text()
    await ida.tap("Fremmøde")
    assert next(b for b, _ in ida.last_message().buttons()) == "⬜ Jens"
    await ida.tap("⬜ Jens")
    ole_signup = next(
        p.signup_id for p in await bot.store.counts.participants(activity_id) if p.name == "Ole"
    )
    await ida.tap_data(f"v1:tal:mark:{activity_id}:{ole_signup}")  # not hers to tick
    assert ida.last_text() == DENIED
    counts = await bot.store.counts.of(activity_id)
    assert counts is not None and counts.attended == 1
    assert kofoed.id != parasollen.id


async def test_walk_ins_at_a_national_activity_belong_to_the_centre_that_counted_them(
    bot: Harness,
) -> None:
    parasollen = await bot.centre()
    kofoed = await bot.centre("kofoed", "Kofoeds Skole")
    activity_id = await bot.activity(None, "Landsturnering", capacity=50)
    ida = await coordinator(bot, parasollen.id)  # counts for Café Parasollen
    await bot.store.roles.grant(80, RoleName.STAFF, kofoed.id, NOW)
    ole = bot.user(80, "Ole")  # counts for Kofoeds Skole
    await ole.send("/start")
    await bot.store.roles.grant(90, RoleName.ADMIN, None, NOW)
    ada = bot.user(90, "Ada")  # sees the whole country
    await ada.send("/start")
    bot.clock.now = lambda: local(2026, 12, 5, 11)  # type: ignore[method-assign]

    async def card(person: FakeUser) -> str:
        await person.tap_data(f"v1:tal:show:{activity_id}:0")
        return person.last_text()

    await card(ida)
    await ida.tap("Fremmøde")
    await ida.tap("+ 1 uden tilmelding")
    await ida.tap("+ 1 uden tilmelding")
    assert "Mødt op: 2 (heraf 2 uden tilmelding)" in ida.last_text()
    await card(ole)
    await ole.tap("Fremmøde")
    await ole.tap("+ 1 uden tilmelding")
    assert "Mødt op: 1 (heraf 1 uden tilmelding)" in ole.last_text(), "only Kofoed's own"
    assert "Mødt op: 2" in await card(ida) and "Mødt op: 1" in await card(ole)
    text = await card(ada)
    assert "Mødt op: 3" in text
    assert (
        "Café Parasollen: 0 tilmeldt · 0 på venteliste · 2 mødt op (heraf 2 uden tilmelding)\n"
        "Kofoeds Skole: 0 tilmeldt · 0 på venteliste · 1 mødt op (heraf 1 uden tilmelding)"
    ) in text
    totals = await bot.store.counts.of(activity_id)
    assert totals is not None and totals.attended == 3

    await card(ole)
    await ole.tap("Fremmøde")
    for _ in range(2):  # the second tap: the same button again (a double tap, an old message)
        await ole.tap_data(f"v1:tal:walk:{activity_id}:0")
    assert "Mødt op: 0 (heraf 0 uden tilmelding)" in ole.last_text()
    assert "− 1 uden tilmelding" not in [b for b, _ in ole.last_message().buttons()]
    assert "Mødt op: 2" in await card(ida), "Kofoed's − 1 uden tilmelding never takes Parasollen's"
    assert "Mødt op" not in await card(ole)
    assert "Mødt op: 2" in await card(ada)
    totals = await bot.store.counts.of(activity_id)
    assert totals is not None and totals.attended == 2


async def test_staff_of_two_centres_count_walk_ins_for_their_first(bot: Harness) -> None:
    parasollen = await bot.centre()
    kofoed = await bot.centre("kofoed", "Kofoeds Skole")
    activity_id = await bot.activity(None, "Landsturnering", capacity=50)
    await bot.store.roles.grant(80, RoleName.STAFF, kofoed.id, NOW)
    await bot.store.roles.grant(80, RoleName.STAFF, parasollen.id, NOW)
    lene = bot.user(80, "Lene")
    await lene.send("/start")
    await bot.store.roles.grant(90, RoleName.ADMIN, None, NOW)
    ada = bot.user(90, "Ada")
    await ada.send("/start")
    bot.clock.now = lambda: local(2026, 12, 5, 11)  # type: ignore[method-assign]
    await lene.tap_data(f"v1:tal:att:{activity_id}")
    await lene.tap("+ 1 uden tilmelding")
    await ada.tap_data(f"v1:tal:show:{activity_id}:0")
    assert (
        "Café Parasollen: 0 tilmeldt · 0 på venteliste · 1 mødt op (heraf 1 uden tilmelding)"
    ) in ada.last_text()
