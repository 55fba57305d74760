"""The programme on the wall: a centre's week on one A4 sheet, read back from the PDF's text and
its QR code, from the chat ("🖨️ Ugeprogram", /ugeprogram) and from the command line."""

import asyncio
import io
import itertools
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import zxingcpp
from PIL import Image, ImageOps
from pypdf import PdfReader

from bot import week_poster
from bot.fake_telegram import BOT_USERNAME, FakeUser
from bot.i18n import translator
from bot.media import A4, week_figure
from bot.store import Store
from bot.store.centres import Centre
from bot.store.roles import RoleName
from tests.conftest import NOW, Harness, local

ROOT = Path(__file__).resolve().parent.parent
JOIN = f"https://t.me/{BOT_USERNAME}?start=c-parasollen"


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1, "one sheet of paper"
    return " ".join(reader.pages[0].extract_text().split())


def pdf_codes(pdf: bytes) -> list[str]:
    """The QR codes of the PDF's pictures. matplotlib stores a black-and-white picture as 1 bit
    a pixel with PNG row filters, which pypdf 7 decodes wrongly: the stream is a PNG's image
    data, so it is read as a PNG (index 0 is white: inverted)."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    codes = []
    for ref in page["/Resources"]["/XObject"].values():
        picture = ref.get_object()
        if picture["/BitsPerComponent"] != 1:
            image = picture.decode_as_image()
        else:
            size = struct.pack(">IIBBBBB", picture["/Width"], picture["/Height"], 1, 0, 0, 0, 0)
            png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", size) + chunk(b"IDAT", picture._data)
            image = ImageOps.invert(Image.open(io.BytesIO(png + chunk(b"IEND", b""))).convert("L"))
        codes += [r.text for r in zxingcpp.read_barcodes(image)]
    return codes


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_codes(png: bytes) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


async def a_week(bot: Harness) -> Centre:
    """Week 48 of 2026 (Monday 23 – Sunday 29 November; now is Saturday 28th, 10.00) at Café
    Parasollen, with a cancelled activity, another centre's, a national one and next week's."""
    centre = await bot.centre()
    other = await bot.centre("solsikken", "Solsikken")
    await bot.activity(centre, "Morgenmad", local(2026, 11, 23, 9, 30), place="Køkkenet")
    await bot.activity(centre, "Fællesspisning", local(2026, 11, 26, 17, 30), place="Stuen")
    banko = await bot.activity(centre, "Banko", local(2026, 11, 29, 19), place="Stuen")
    assert await bot.store.edits.cancel(banko, NOW)
    await bot.activity(centre, "Fodbold", local(2026, 11, 28, 14), place="Fælledparken")
    await bot.activity(other, "Strikning", local(2026, 11, 25, 10), place="Loftet")
    await bot.activity(None, "Landsmøde", local(2026, 11, 29, 12), place="Odense")
    await bot.activity(centre, "Yoga", local(2026, 11, 30, 10), place="Salen")
    return centre


async def staff(bot: Harness, centre: Centre) -> FakeUser:
    await bot.store.roles.grant(50, RoleName.STAFF, centre.id, NOW)
    lene = bot.user(50, "Lene")
    await lene.send("/start")
    return lene


def documents(person: FakeUser) -> list[bytes]:
    return [m.file_bytes for m in person.bot_messages() if m.kind == "document"]


async def test_staff_print_this_weeks_programme_and_the_next(bot: Harness) -> None:
    centre = await a_week(bot)
    lene = await staff(bot, centre)
    await lene.send("/ugeprogram")
    (message,) = [m for m in lene.bot_messages() if m.kind == "document"]
    assert message.text == (
        "Program for uge 48 på Café Parasollen. Print det på A4, og hæng det op, hvor folk kan"
        " se det."
    )
    text = pdf_text(message.file_bytes)
    assert "Café Parasollen" in text
    assert "Uge 48: mandag 23. november til søndag 29. november" in text
    for shown in (
        "Mandag 23. november 09.30 Morgenmad Køkkenet",
        "Torsdag 26. november 17.30 Fællesspisning Stuen",
        "Lørdag 28. november 14.00 Fodbold Fælledparken",
        "Søndag 29. november 12.00 Landsmøde For hele landet · Odense",
    ):
        assert shown in text
    for day in ("Tirsdag 24. november", "Onsdag 25. november", "Fredag 27. november"):
        assert day in text, "every day of the week, also one with nothing on"
    for left_out in ("Banko", "Strikning", "Yoga"):  # cancelled, another centre's, next week's
        assert left_out not in text
    assert pdf_codes(message.file_bytes) == [JOIN]

    await lene.tap("Næste uge")
    nxt = pdf_text(documents(lene)[1])
    assert "Uge 49: mandag 30. november til søndag 6. december" in nxt
    assert "Mandag 30. november 10.00 Yoga Salen" in nxt and "Fodbold" not in nxt


async def test_the_week_programme_button_is_under_the_centres_poster(bot: Harness) -> None:
    centre = await a_week(bot)
    lene = await staff(bot, centre)
    await lene.send("/plakat")
    (poster,) = [m for m in lene.bot_messages() if m.kind == "document"]
    assert [b for b, _ in poster.buttons()] == ["🖨️ Ugeprogram"]
    await lene.tap("Ugeprogram")
    assert "Fællesspisning" in pdf_text(documents(lene)[1])
    await lene.send("/hjaelp")
    help_line = "/ugeprogram – ugens program til opslagstavlen."
    assert any(help_line in m.text for m in lene.bot_messages())


async def test_an_english_staff_member_gets_the_danish_sheet_for_the_wall(bot: Harness) -> None:
    centre = await a_week(bot)
    await bot.store.roles.grant(51, RoleName.STAFF, centre.id, NOW)
    sam = bot.user(51, "Sam", "en")
    await sam.send("/start")
    await sam.send("/week")
    (message,) = [m for m in sam.bot_messages() if m.kind == "document"]
    assert message.text.startswith("The programme for week 48 at Café Parasollen.")
    assert "Torsdag 26. november 17.30 Fællesspisning" in pdf_text(message.file_bytes)


async def test_a_week_with_nothing_on_says_so_instead_of_an_empty_sheet(bot: Harness) -> None:
    centre = await bot.centre()
    lene = await staff(bot, centre)
    await lene.send("/ugeprogram")
    assert documents(lene) == []
    assert lene.last_text() == (
        "Der sker ikke noget på Café Parasollen i uge 48. Lav en aktivitet med /ny_aktivitet."
    )
    await bot.activity(centre, "Julefrokost", local(2026, 12, 3, 18), place="Stuen")
    await lene.tap("Næste uge")
    assert "3. december 18.00 Julefrokost Stuen" in pdf_text(documents(lene)[0])


async def test_only_the_centres_staff_and_only_weeks_not_over(bot: Harness) -> None:
    centre = await a_week(bot)
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    await jens.send("/ugeprogram")
    assert jens.last_text() == "Det har du ikke adgang til."
    await jens.tap_data(f"v1:stf:week:{centre.id}:20261123")
    assert jens.last_text() == "Det har du ikke adgang til."
    lene = await staff(bot, centre)
    for old_or_forged in ("20261116", "20261124", "20261399", "0"):  # over, no Monday, no day
        await lene.tap_data(f"v1:stf:week:{centre.id}:{old_or_forged}")
        assert lene.last_text().startswith("Den knap er gammel"), old_or_forged
    await lene.tap_data("v1:stf:week:999:20261123")
    assert lene.last_text().startswith("Den knap er gammel")
    assert documents(lene) == []


def test_the_worst_week_fits_one_page_and_cuts_long_titles() -> None:
    """7 days × 8 activities with 100-letter titles and long places: every day, time and a
    beginning of every title is on the one page, cut with "…"; nothing overlaps or leaves the
    page (measured by matplotlib itself)."""
    _ = translator("da")
    days = []
    for day in range(7):
        rows = [
            (
                f"{8 + n}.{15 * (n % 4):02d}",
                f"D{day}A{n} " + "Fællesspisning med æblegrød og rødgrød med fløde " * 3,
                "Det store lokale på første sal ved køkkenet",
            )
            for n in range(8)
        ]
        days.append((f"Dag {day}", rows))
    args = ("Café Parasollen", "Uge 48", "Scan og se, hvad der sker", JOIN, days)
    more = lambda n: _.ngettext("+ {n} more", "+ {n} more", n)
    figure = week_figure(*args, "Ingen aktiviteter denne uge", more)
    texts = layout_boxes(figure)
    shown = " ".join(text for text, _box in texts)
    for day, rows in days:
        assert day in shown
        for time, title, _place in rows:
            assert time in shown
            assert any(t.startswith(title.split()[0]) and t.endswith("…") for t, _b in texts)
    assert "mere" not in shown, "the worst case shows every activity"

    crowded = [(name, rows * 4) for name, rows in days]  # 32 a day: a day shows what fits
    texts = layout_boxes(week_figure(*args[:4], crowded, "", more))
    assert any(t.startswith("+ ") and t.endswith(" mere") for t, _b in texts)


def layout_boxes(figure: "object") -> list[tuple[str, tuple[float, float, float, float]]]:
    """Each text's extent in pixels; checks each is inside the page and none overlaps."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    assert isinstance(figure, Figure)
    renderer = FigureCanvasAgg(figure).get_renderer()
    boxes = []
    for text in figure.texts:
        box = text.get_window_extent(renderer)
        assert 0 <= box.x0 and box.x1 <= A4[0] and 0 <= box.y0 and box.y1 <= A4[1], text
        boxes.append((text.get_text(), (box.x0, box.y0, box.x1, box.y1)))
    for (a, (ax0, ay0, ax1, ay1)), (b, (bx0, by0, bx1, by1)) in itertools.combinations(boxes, 2):
        assert ax1 <= bx0 or bx1 <= ax0 or ay1 <= by0 or by1 <= ay0, (a, b)
    return boxes


def test_the_week_from_the_command_line_as_pdf_and_png(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[database]\npath = "x.db"\n', encoding="utf-8")

    async def prepare() -> None:
        store = await Store.open(tmp_path / "x.db")
        await store.set_setting("bot_username", BOT_USERNAME)
        centre = await store.centres.add("parasollen", "Café Parasollen", "", "Europe/Copenhagen")
        from bot.store.activities import NewActivity

        await store.activities.add(
            [
                NewActivity(
                    centre.id, "Fællesspisning", local(2026, 12, 10, 17, 30), place="Stuen"
                ),
                NewActivity(None, "Landsmøde", local(2026, 12, 13, 12), place="Odense"),
            ],
            NOW,
        )
        await store.close()

    asyncio.run(prepare())

    def poster(*extra: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "bot", "poster", "--config", str(config)]
        return subprocess.run(
            [*command, "--centre", "parasollen", *extra],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )

    pdf, png = tmp_path / "uge.pdf", tmp_path / "uge.png"
    done = poster("--week", "--from", "2026-12-09", "--out", str(pdf))
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"Wrote week 50 (2 activities) for {JOIN} to {pdf}\n"
    text = pdf_text(pdf.read_bytes())
    assert "Uge 50: mandag 7. december til søndag 13. december" in text
    assert "Torsdag 10. december 17.30 Fællesspisning Stuen" in text
    assert "Søndag 13. december 12.00 Landsmøde For hele landet · Odense" in text
    assert pdf_codes(pdf.read_bytes()) == [JOIN]

    assert poster("--week", "--from", "2026-12-13", "--out", str(png)).returncode == 0
    assert png.read_bytes().startswith(b"\x89PNG") and png_codes(png.read_bytes()) == [JOIN]
    assert Image.open(png).size == A4

    empty = poster("--week", "--from", "2027-01-04", "--out", str(pdf))
    assert "(0 activities)" in empty.stdout
    assert "Ingen aktiviteter denne uge" in pdf_text(pdf.read_bytes())
    assert pdf_codes(pdf.read_bytes()) == [JOIN]

    wrong = poster("--week", "--from", "9/12", "--out", str(pdf))
    assert wrong.returncode == 2 and "--from must be a date like 2026-12-31" in wrong.stderr
    alone = poster("--from", "2026-12-09", "--out", str(pdf))
    assert alone.returncode == 2 and "--from goes with --week" in alone.stderr


def test_the_week_is_monday_to_sunday() -> None:
    from datetime import date

    assert week_poster.monday_of(date(2026, 11, 29)) == date(2026, 11, 23)  # a Sunday
    assert week_poster.monday_of(date(2026, 11, 23)) == date(2026, 11, 23)
