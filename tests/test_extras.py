"""Posters with a QR code that scans, calendar files with the right instant, cards read aloud."""

import io
import subprocess
import sys
from datetime import UTC
from pathlib import Path

import pytest
import zxingcpp
from icalendar import Calendar
from PIL import Image

from bot.fake_telegram import BOT_USERNAME
from bot.store.roles import RoleName
from tests.conftest import NOW, Harness, local

ROOT = Path(__file__).resolve().parent.parent


def decode(png: bytes) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


@pytest.mark.parametrize("day", [(2026, 3, 29, 10), (2026, 10, 25, 10), (2026, 12, 5, 19, 30)])
async def test_the_calendar_file_has_the_right_instant_and_an_alarm(
    bot: Harness, day: tuple[int, ...]
) -> None:
    bot.clock.now = lambda: local(2026, 1, 10, 10)  # type: ignore[method-assign]
    centre = await bot.centre()
    starts = local(*day)
    await bot.activity(centre, "Fodbold", starts_at=starts, place="Fælledparken")
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    await jens.tap("Fodbold")
    await jens.tap("Til min kalender")
    (document,) = [m for m in jens.bot_messages() if m.kind == "document"]
    assert document.text == (
        "Tryk på filen for at lægge den i din kalender.\nDu er ikke tilmeldt endnu."
    )
    assert [b for b, _ in document.buttons()] == ["✅ Tilmeld mig", "⬅️ Tilbage til listen"]
    calendar = Calendar.from_ical(document.file_bytes)
    (event,) = calendar.walk("VEVENT")
    start = event["DTSTART"].dt
    assert str(start.tzinfo) == "Europe/Copenhagen"
    assert int(start.astimezone(UTC).timestamp()) == starts
    assert str(event["SUMMARY"]) == "Fodbold" and str(event["LOCATION"]) == "Fælledparken"
    (alarm,) = event.walk("VALARM")
    assert alarm["TRIGGER"].dt.total_seconds() == -7200
    assert calendar.walk("VTIMEZONE"), "the time zone travels with the file"


async def test_a_card_is_read_aloud_as_a_real_voice_message(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.activity(centre, "Fodbold", place="Fælledparken")
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    await jens.tap("Fodbold")
    await jens.tap("Læs op")
    (voice,) = [m for m in jens.bot_messages() if m.kind == "voice"]
    assert voice.file_bytes.startswith(b"OggS") and b"OpusHead" in voice.file_bytes[:100]
    assert len(voice.file_bytes) > 5_000


async def test_without_the_speech_programs_there_is_no_button_and_the_log_says_why(
    bot: Harness,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing to run here
    await bot.restart()
    assert "reading cards aloud is off: espeak-ng and opusenc not installed" in caplog.text
    centre = await bot.centre()
    await bot.activity(centre, "Fodbold")
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    await jens.tap("Fodbold")
    assert "🔊 Læs op" not in [b for b, _ in jens.last_message().buttons()]


async def test_staff_get_a_poster_for_an_activity(bot: Harness) -> None:
    centre = await bot.centre()
    activity_id = await bot.activity(centre, "Fodbold")
    await bot.store.roles.grant(50, RoleName.STAFF, centre.id, NOW)
    lene = bot.user(50, "Lene")
    await lene.send("/start")
    await lene.tap_data(f"v1:act:show:{activity_id}:0")
    await lene.tap("Plakat")
    (document,) = [m for m in lene.bot_messages() if m.kind == "document"]
    assert document.file_bytes.startswith(b"%PDF")
    assert document.text == "Print den på A4, og hæng den op, hvor folk kan se den."
    await lene.send("/plakat")
    assert len([m for m in lene.bot_messages() if m.kind == "document"]) == 2
    jens = bot.user(1)
    await jens.send("/plakat")
    assert jens.last_text() == "Det har du ikke adgang til."
    await jens.tap_data(f"v1:stf:poster:{activity_id}")
    assert jens.last_text() == "Det har du ikke adgang til."


def test_the_poster_from_the_command_line_scans_to_the_join_link(tmp_path: Path) -> None:
    import asyncio

    from bot.store import Store

    config = tmp_path / "config.toml"
    config.write_text('[database]\npath = "x.db"\n', encoding="utf-8")
    run = [sys.executable, "-m", "bot"]
    subprocess.run(
        [
            *run,
            "centre",
            "add",
            "--config",
            str(config),
            "--slug",
            "parasollen",
            "--name",
            "Café Parasollen",
        ],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    out = tmp_path / "plakat.png"
    failed = subprocess.run(
        [*run, "poster", "--config", str(config), "--centre", "parasollen", "--out", str(out)],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert failed.returncode == 2 and "run the bot once first" in failed.stderr

    async def learn_username() -> None:
        store = await Store.open(tmp_path / "x.db")
        await store.set_setting("bot_username", BOT_USERNAME)
        await store.close()

    asyncio.run(learn_username())
    subprocess.run(
        [*run, "poster", "--config", str(config), "--centre", "parasollen", "--out", str(out)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    assert decode(out.read_bytes()) == [f"https://t.me/{BOT_USERNAME}?start=c-parasollen"]
    pdf = tmp_path / "plakat.pdf"
    subprocess.run(
        [*run, "poster", "--config", str(config), "--centre", "parasollen", "--out", str(pdf)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    assert pdf.read_bytes().startswith(b"%PDF")


def test_poster_of_one_activity_scans_to_its_link() -> None:
    from bot.media import poster

    png = poster(
        "Fodbold – lørdag", "Scan og se, hvad der sker", "https://t.me/x_bot?start=a-7", "png"
    )
    assert decode(png) == ["https://t.me/x_bot?start=a-7"]


async def test_read_aloud_says_times_as_people_do_and_keeps_the_next_step(bot: Harness) -> None:
    from dialogs.extras import spoken

    centre = await bot.centre()
    await bot.activity(centre, "Banko", starts_at=local(2026, 12, 5, 19, 30), place="Stuen")
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    await jens.tap("Banko")
    await jens.tap("Læs op")
    (voice,) = [m for m in jens.bot_messages() if m.kind == "voice"]
    assert voice.text == "Banko\nDu er ikke tilmeldt endnu."
    assert [b for b, _ in voice.buttons()] == ["✅ Tilmeld mig", "⬅️ Tilbage til listen"]
    activity = await bot.store.activities.get(1)
    assert activity is not None

    class Context:
        _ = __import__("bot.i18n", fromlist=["translator"]).translator("da")

    said = spoken(activity, "lørdag 5. december kl. 19.30", Context())  # type: ignore[arg-type]
    assert "klokken 19 30" in said and "📅" not in said


async def test_erasing_warns_staff_that_they_lose_access(bot: Harness) -> None:
    centre = await bot.centre()
    await bot.store.roles.grant(50, RoleName.STAFF, centre.id, NOW)
    lene = bot.user(50, "Lene")
    await lene.send("/slet_mig")
    assert lene.last_text().endswith("Du mister også din adgang som personale.")


@pytest.mark.parametrize("prefix", ["-w{folder}/pwned.wav ", "--w{folder}/pwned.wav ", "--help "])
async def test_a_title_that_looks_like_an_option_is_read_aloud_not_obeyed(
    bot: Harness, tmp_path: Path, prefix: str
) -> None:
    """The card's text goes to espeak-ng on its standard input: a title starting with "-" is
    words to say, never an option (`-w/path` would make it write a file where staff chose)."""
    folder = tmp_path / "target"
    folder.mkdir()
    centre = await bot.centre()
    await bot.activity(centre, prefix.format(folder=folder) + "Fodbold", place="Fælledparken")
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    await jens.tap("· -")
    await jens.tap("Læs op")
    (voice,) = [m for m in jens.bot_messages() if m.kind == "voice"]
    assert voice.file_bytes.startswith(b"OggS") and len(voice.file_bytes) > 5_000
    assert list(folder.iterdir()) == [], "espeak-ng wrote a file where the title said"
