"""Things made for people who read with difficulty or have no e-mail: a calendar file, a poster
with a QR code, and the card read aloud. Pure functions (speech runs programs, in a thread)."""

from __future__ import annotations

import asyncio
import io
import logging
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

logger = logging.getLogger(__name__)

A4 = (1240, 1754)  # pixels at 150 dpi
ALARM_BEFORE = timedelta(hours=2)
DEFAULT_LENGTH = timedelta(hours=2)
VOICES = {"da": "da", "en": "en-gb"}
_UNSPOKEN = re.compile(r"[^\w\s.,:;!?'()/&+-]")  # emoji and symbols: said as noise, or not at all


def ics(
    uid: str,
    title: str,
    starts_at: int,
    ends_at: int | None,
    place: str,
    description: str,
    timezone: str,
    alarm_text: str,
) -> bytes:
    """An RFC 5545 calendar file for one activity, in the centre's time zone, with a 2-hour
    alarm."""
    from icalendar import Alarm, Calendar, Event

    tz = ZoneInfo(timezone)
    start = datetime.fromtimestamp(starts_at, tz)
    end = datetime.fromtimestamp(ends_at, tz) if ends_at else start + DEFAULT_LENGTH
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", datetime.now(ZoneInfo("UTC")))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", title)
    if place:
        event.add("location", place)
    if description:
        event.add("description", description)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", alarm_text)
    alarm.add("trigger", -ALARM_BEFORE)
    event.add_component(alarm)
    calendar = Calendar()
    calendar.add("prodid", "-//vaerested-bot//DA")
    calendar.add("version", "2.0")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def poster(heading: str, line: str, link: str, kind: str) -> bytes:
    """An A4 poster: the heading in large type, one short line, and a large QR code of the
    link. `kind` is "png" or "pdf"."""
    import segno
    from PIL import Image, ImageDraw, ImageFont

    page = Image.new("RGB", A4, "white")
    draw = ImageDraw.Draw(page)
    width = A4[0]

    def centred(text: str, top: int, size: int) -> int:
        font = ImageFont.truetype(_font(), size)
        while draw.textlength(text, font=font) > width - 120 and size > 24:
            size -= 4
            font = ImageFont.truetype(_font(), size)
        draw.text(
            ((width - draw.textlength(text, font=font)) / 2, top), text, font=font, fill="black"
        )
        return top + int(size * 1.4)

    below = centred(heading, 120, 110)
    below = centred(line, below + 20, 56)
    qr = segno.make(link, error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=24, border=2)
    code = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    side = min(900, A4[1] - below - 220)
    code = code.resize((side, side), Image.Resampling.NEAREST)
    page.paste(code, ((width - side) // 2, below + 60))
    centred(link.removeprefix("https://"), below + 60 + side + 40, 36)
    out = io.BytesIO()
    page.save(out, format="PDF" if kind == "pdf" else "PNG", resolution=150)
    return out.getvalue()


def _font() -> str:
    """DejaVu Sans Bold, which matplotlib ships: it has æ, ø, å and é."""
    import matplotlib

    return str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans-Bold.ttf")


def spoken_text(parts: Sequence[str], locale: str) -> str:
    """What "🔊 Læs op" says: plain-text parts (a title, a date, a place…) as sentences, without
    emoji or symbols, times as people say them ("kl. 10.00" → "klokken 10"). Always made from
    plain text, never from a message's HTML: "Kaffe &amp; kage" would be read "Kaffe amp kage"."""
    text = ". ".join(p for p in (_UNSPOKEN.sub("", part).strip() for part in parts) if p)
    text = re.sub(r"\b(\d{1,2})[.:]00\b", r"\1", text)  # "kl. 10.00" → "kl. 10"
    text = re.sub(r"\b(\d{1,2})[.:](\d{2})\b", r"\1 \2", text)  # "14.30" → "14 30"
    return text.replace("kl. ", "klokken ") if locale == "da" else text


def speech_available() -> str | None:
    """Why cards cannot be read aloud here, or None if they can."""
    missing = [p for p in ("espeak-ng", "opusenc") if shutil.which(p) is None]
    if missing:
        return f"{' and '.join(missing)} not installed (Debian: espeak-ng, opus-tools)"
    return None


def _speak(text: str, locale: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        wav, ogg = Path(folder) / "card.wav", Path(folder) / "card.ogg"
        # The text (a title staff typed) goes on standard input, never on the command line:
        # there "-w/path …" would be read as an option and write a file where it says.
        subprocess.run(
            [
                "espeak-ng",
                "-v",
                VOICES.get(locale, locale),
                "-s",
                "140",
                "-w",
                str(wav),
                "--stdin",
            ],
            input=text.encode("utf-8"),
            check=True,
            capture_output=True,
            timeout=60,
        )
        subprocess.run(
            ["opusenc", "--quiet", str(wav), str(ogg)], check=True, capture_output=True, timeout=60
        )
        return ogg.read_bytes()


async def speak(text: str, locale: str) -> bytes:
    """The text read aloud as an OGG/Opus voice message; made in a thread, never blocking."""
    return await asyncio.to_thread(_speak, text, locale)
