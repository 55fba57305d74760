"""Søren, national coordinator: the national football tournament, centre by centre, in Excel.

He needs how many come from each centre, how many wait, and afterwards how many came, for the
funders' report. Each person counts for one centre (the one they joined first; someone counted
at the door: the centre that counted them). The spreadsheet has a row per centre that adds up to
the total; the chat shows the same numbers with the same words."""

from __future__ import annotations

import csv
import io
import re

from bot.fake_telegram import FakeUser
from bot.store.centres import Centre
from bot.store.roles import RoleName
from tests.conftest import NOW, Harness, local

FIGURES = ("Tilmeldt", "Heraf uden telefon", "Venteliste", "Mødt op", "Heraf uden tilmelding")
ON_THE_DAY = local(2026, 12, 5, 11)
AFTER = local(2026, 12, 6, 12)


def excel(data: bytes) -> list[dict[str, str]]:
    """The rows as Danish Excel reads the file: UTF-8 with a BOM, ';' between fields."""
    assert data.startswith(b"\xef\xbb\xbf"), "Danish Excel needs the BOM"
    header, *rows = csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";")
    return [dict(zip(header, row, strict=True)) for row in rows]


def total(rows: list[dict[str, str]], column: str) -> int:
    return sum(int(r[column]) for r in rows)


async def person(bot: Harness, uid: int, name: str, slug: str) -> FakeUser:
    someone = bot.user(uid, name)
    await someone.send(f"/start c-{slug}")
    return someone


async def staff(bot: Harness, uid: int, name: str, centre: Centre) -> FakeUser:
    await bot.store.roles.grant(uid, RoleName.STAFF, centre.id, NOW)
    member = bot.user(uid, name)
    await member.send("/start")
    return member


async def soren(bot: Harness) -> FakeUser:
    await bot.store.roles.grant(70, RoleName.COORDINATOR, None, NOW)
    coordinator = bot.user(70, "Søren")
    await coordinator.send("/start")
    return coordinator


async def export(who: FakeUser, button: str) -> list[dict[str, str]]:
    await who.send("/eksport")
    await who.tap(button)
    return excel([m for m in who.bot_messages() if m.kind == "document"][-1].file_bytes)


async def tournament(bot: Harness) -> tuple[int, dict[str, Centre]]:
    """Three centres send people to the national tournament (4 places); on the day each centre
    ticks its own people and counts those who came without signing up."""
    centres = {
        "parasollen": await bot.centre(),
        "kofoed": await bot.centre("kofoed", "Kofoeds Skole"),
        "reden": await bot.centre("reden", "Reden"),
    }
    activity_id = await bot.activity(None, "Landsturnering", capacity=4, place="Fælledparken")
    await bot.activity(centres["parasollen"], "Fællesspisning", local(2026, 12, 3, 17))
    players = [
        (1, "Jens", "parasollen"),
        (2, "Maria", "parasollen"),
        (3, "Ole", "kofoed"),
        (4, "Ali", "reden"),
        (5, "Kim", "reden"),  # the 5th: on the waiting list
    ]
    for uid, name, slug in players:
        player = await person(bot, uid, name, slug)
        await player.tap("Landsturnering")
        await player.tap_data(player.last_message().buttons()[0][1])
    # Ali goes to Parasollen too, later: he still counts for Reden, where he came first.
    await bot.store.people.join_centre(4, centres["parasollen"].id, NOW + 3600)
    bot.clock.now = lambda: ON_THE_DAY  # type: ignore[method-assign]
    lene = await staff(bot, 50, "Lene", centres["parasollen"])
    await lene.tap_data(f"v1:tal:att:{activity_id}")
    await lene.tap("⬜ Jens")
    await lene.tap("+ 1 uden tilmelding")
    assert "Ali" not in " ".join(b for b, _ in lene.last_message().buttons()), "Reden's"
    bo = await staff(bot, 51, "Bo", centres["reden"])
    await bo.tap_data(f"v1:tal:att:{activity_id}")
    await bo.tap("⬜ Ali")
    await bo.tap("+ 1 uden tilmelding")
    await bo.tap("+ 1 uden tilmelding")
    return activity_id, centres


async def test_soren_gets_a_row_per_centre_that_adds_up_to_the_total(bot: Harness) -> None:
    activity_id, _centres = await tournament(bot)
    bot.clock.now = lambda: AFTER  # type: ignore[method-assign]
    me = await soren(bot)
    rows = await export(me, "Aktiviteter – denne måned")
    national = [r for r in rows if r["Aktivitet"] == "Landsturnering"]
    assert [[r["Værested"], *(r[f] for f in FIGURES)] for r in national] == [
        ["Café Parasollen", "2", "0", "0", "2", "1"],
        ["Kofoeds Skole", "1", "0", "0", "0", "0"],
        ["Reden", "1", "0", "1", "3", "2"],
    ]
    assert {r["Holdes af"] for r in national} == {"For hele landet"}
    assert [r["Pladser"] for r in national] == ["4", "", ""], "the places once: a sum is right"
    (own,) = [r for r in rows if r["Aktivitet"] == "Fællesspisning"]
    assert own["Værested"] == own["Holdes af"] == "Café Parasollen"
    totals = await bot.store.counts.of(activity_id)
    assert totals is not None
    expected = [totals.confirmed, totals.guests, totals.waitlisted, totals.attended]
    expected.append(totals.walk_ins)
    assert [total(national, f) for f in FIGURES] == expected == [4, 0, 1, 5, 3]


def card_figures(text: str) -> list[int]:
    """The card's totals, in the spreadsheet's order."""
    signed_up = re.search(r"Tilmeldt: (\d+) af", text)
    phone = re.search(r"Heraf uden telefon: (\d+)", text)
    waiting = re.search(r"Venteliste: (\d+)", text)
    came = re.search(r"Mødt op: (\d+) \(heraf (\d+) uden tilmelding\)", text)
    assert signed_up and phone and waiting and came, text
    return [int(m) for m in (signed_up[1], phone[1], waiting[1], came[1], came[2])]


async def test_every_number_in_the_chat_equals_the_spreadsheets(bot: Harness) -> None:
    activity_id, _centres = await tournament(bot)
    bot.clock.now = lambda: AFTER  # type: ignore[method-assign]
    me = await soren(bot)
    rows = await export(me, "Aktiviteter – denne måned")
    national = [r for r in rows if r["Aktivitet"] == "Landsturnering"]
    await me.tap_data(f"v1:tal:show:{activity_id}:0")  # the card, from yesterday's list
    card = me.last_text()
    assert card_figures(card) == [total(national, f) for f in FIGURES]
    # The breakdown: the spreadsheet's rows, with the card's words, most signed up first.
    assert (
        "Fra hvert værested:\n"
        "Café Parasollen: 2 tilmeldt · 0 på venteliste · 2 mødt op (heraf 1 uden tilmelding)\n"
        "Kofoeds Skole: 1 tilmeldt · 0 på venteliste · 0 mødt op\n"
        "Reden: 1 tilmeldt · 1 på venteliste · 3 mødt op (heraf 2 uden tilmelding)"
    ) in card
    await me.send("/tal måned")
    month = me.last_text()
    held = {(r["Dato"], r["Tid"], r["Aktivitet"]) for r in rows}  # a national one: many rows
    assert f"Aktiviteter holdt: {len(held)}\n" in month
    assert f"Tilmeldt: {total(rows, 'Tilmeldt')}\n" in month
    assert f"Heraf uden telefon: {total(rows, 'Heraf uden telefon')}\n" in month
    assert (
        f"Mødt op: {total(rows, 'Mødt op')} "
        f"(heraf {total(rows, 'Heraf uden tilmelding')} uden tilmelding)\n"
    ) in month
    assert "Tilmeldinger:" not in month, "one word for one thing: Tilmeldt"


async def test_a_centres_own_figures_are_its_row_in_sorens_spreadsheet(bot: Harness) -> None:
    activity_id, centres = await tournament(bot)
    await bot.store.roles.grant(60, RoleName.COORDINATOR, centres["parasollen"].id, NOW)
    ida = bot.user(60, "Ida")
    await ida.send("/start")
    await ida.tap_data(f"v1:tal:show:{activity_id}:0")
    assert "Mødt op: 2 (heraf 1 uden tilmelding)" in ida.last_text()
    assert "Navne: Jens ✔️, Maria" in ida.last_text(), "Ali counts for Reden, not here"
    bot.clock.now = lambda: AFTER  # type: ignore[method-assign]
    rows = await export(await soren(bot), "Aktiviteter – denne måned")
    ida_centre = centres["parasollen"].name
    (row,) = [r for r in rows if (r["Aktivitet"], r["Værested"]) == ("Landsturnering", ida_centre)]
    assert (row["Mødt op"], row["Heraf uden tilmelding"]) == ("2", "1")


async def test_the_monthly_file_counts_people_for_their_own_centre(bot: Harness) -> None:
    await tournament(bot)
    bot.clock.now = lambda: AFTER  # type: ignore[method-assign]
    rows = await export(await soren(bot), "Deltagere pr. måned – i år")
    assert [list(r.values()) for r in rows] == [
        ["2026-12", "Café Parasollen", "2"],
        ["2026-12", "Kofoeds Skole", "1"],
        ["2026-12", "Reden", "1"],  # Ali; Kim only waits
    ]
    assert list(rows[0]) == ["Måned", "Værested", "Forskellige deltagere"]


async def test_200_centres_fit_one_message_and_all_200_rows_are_in_the_file(
    bot: Harness,
) -> None:
    name = "Værestedet ved Åen & Co " * 3  # 75 characters, "&" escaped in the message
    centres = [
        await bot.store.centres.add(f"c{i}", f"{i:03d} {name}", "By", "Europe/Copenhagen")
        for i in range(200)
    ]
    activity_id = await bot.activity(None, "Landsturnering", capacity=300)
    for number, centre in enumerate(centres):
        for k in range(2):
            uid = 1000 + 2 * number + k
            await bot.store.people.touch(uid, "P", "da", NOW)
            await bot.store.people.join_centre(uid, centre.id, NOW)
            await bot.store.signups.join(activity_id, uid, NOW, bot.services.planner)
    me = await soren(bot)
    await me.send("/tal")
    await me.tap("1. Landsturnering")
    card = me.last_text()
    assert len(card) <= 4096
    assert "Tilmeldt: 300 af 300\nHeraf uden telefon: 0\nVenteliste: 100" in card
    shown = card.count(" tilmeldt · ")
    assert 10 < shown < 200
    assert card.endswith(f"… og {200 - shown} væresteder mere")
    rows = await export(me, "Aktiviteter – i år")
    assert {r["Aktivitet"] for r in rows} == {"Landsturnering"}
    assert len(rows) == 200
    assert total(rows, "Tilmeldt") == 300 and total(rows, "Venteliste") == 100
    assert {r["Værested"] for r in rows} == {c.name for c in centres}


async def test_a_counter_sign_up_counts_for_the_centre_that_signed_them_up(bot: Harness) -> None:
    parasollen = await bot.centre()
    await bot.centre("kofoed", "Kofoeds Skole")
    activity_id = await bot.activity(None, "Landsturnering", capacity=10)
    ole = await person(bot, 3, "Ole", "kofoed")
    await ole.tap("Landsturnering")
    await ole.tap_data(ole.last_message().buttons()[0][1])
    lene = await staff(bot, 50, "Lene", parasollen)
    await lene.tap_data(f"v1:act:show:{activity_id}:0")
    await lene.tap("➕ Tilmeld en uden telefon")
    await lene.send("Poul")  # a man without a phone, at Parasollen's counter
    bot.clock.now = lambda: ON_THE_DAY  # type: ignore[method-assign]
    await lene.tap_data(f"v1:tal:att:{activity_id}")
    await lene.tap("⬜ Poul (uden telefon)")  # Parasollen ticks him: he counts for them
    assert "Mødt op: 1 (heraf 0 uden tilmelding)" in lene.last_text()
    bot.clock.now = lambda: AFTER  # type: ignore[method-assign]
    me = await soren(bot)
    await me.tap_data(f"v1:tal:show:{activity_id}:0")
    assert (
        "Café Parasollen: 1 tilmeldt · 0 på venteliste · 1 mødt op\n"
        "Kofoeds Skole: 1 tilmeldt · 0 på venteliste · 0 mødt op"
    ) in me.last_text()
    assert "Uden værested" not in me.last_text()
    rows = await export(me, "Aktiviteter – denne måned")
    assert [[r["Værested"], *(r[f] for f in FIGURES)] for r in rows] == [
        ["Café Parasollen", "1", "1", "0", "1", "0"],
        ["Kofoeds Skole", "1", "0", "0", "0", "0"],
    ]
