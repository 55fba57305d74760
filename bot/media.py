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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from PIL.Image import Image as PILImage
    from PIL.ImageFont import FreeTypeFont

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
    code = _qr(link, 24).convert("RGB")
    side = min(900, A4[1] - below - 220)
    code = code.resize((side, side), Image.Resampling.NEAREST)
    page.paste(code, ((width - side) // 2, below + 60))
    centred(link.removeprefix("https://"), below + 60 + side + 40, 36)
    out = io.BytesIO()
    page.save(out, format="PDF" if kind == "pdf" else "PNG", resolution=150)
    return out.getvalue()


def _font(bold: bool = True) -> str:
    """DejaVu Sans (Bold), which matplotlib ships: it has æ, ø, å and é."""
    import matplotlib

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name)


def _qr(link: str, scale: int) -> PILImage:
    """The link's QR code (error correction M), `scale` pixels a module, as a grey image."""
    import segno
    from PIL import Image

    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=scale, border=2)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("L")


# The week's programme: laid out once in pixels of an A4 page at 150 dpi (measured with the
# same DejaVu fonts as drawn), drawn by matplotlib, so the PDF has real text and the PNG is the
# same picture.
Row = tuple[str, str, str]  # time, title, place ("" for none)
MARGIN = 70
QR_SIDE = 280
GUTTER = 50
LARGEST, SMALLEST, ONE_COLUMN_LEAST = 46, 20, 32
CUT_AT = {1: 36, 2: 26}  # the type shrinks to this, no further, so long titles need no cut


@dataclass(frozen=True)
class Text:
    """One piece of text on the page: left edge and baseline in pixels from the top left."""

    x: float
    y: float
    text: str
    px: int
    bold: bool = False
    grey: bool = False


def week_poster(
    heading: str,
    period: str,
    scan: str,
    link: str,
    days: Sequence[tuple[str, Sequence[Row]]],
    empty: str,
    more: Callable[[int], str],
    kind: str,
) -> bytes:
    """An A4 sheet of a week's programme: the centre's name, the week, the QR code of the join
    link, and day by day each activity's time, title and place. However full the week, it is
    one page: the type shrinks, then two columns, then a day shows its first activities and
    `more(n)` ("+ 3 mere"). Titles and places too long for their line end in "…". With no
    activity at all, `empty` says so. `kind` is "pdf" (with real, searchable text) or "png"."""
    figure = week_figure(heading, period, scan, link, days, empty, more)
    out = io.BytesIO()
    with _pdf_fonts():
        figure.savefig(out, format="pdf" if kind == "pdf" else "png", dpi=150)
    return out.getvalue()


def week_figure(
    heading: str,
    period: str,
    scan: str,
    link: str,
    days: Sequence[tuple[str, Sequence[Row]]],
    empty: str,
    more: Callable[[int], str],
) -> Figure:
    """The week's sheet as a matplotlib figure (A4, 150 dpi)."""
    import numpy
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.lines import Line2D
    from PIL import Image

    width, height = A4
    texts = _week_header(heading, period, scan, link)
    top = MARGIN + QR_SIDE + 40
    if any(rows for _day, rows in days):
        texts += _week_days(days, more, top + 40, height - MARGIN)
    else:
        size = _shrink(empty, 60, 28, True, width - 2 * MARGIN)
        empty = _cut(empty, size, True, width - 2 * MARGIN)
        texts.append(Text(MARGIN, top + 160, empty, size, True))
    figure = Figure(figsize=(width / 150, height / 150), dpi=150)
    fonts = {b: FontProperties(fname=_font(b)) for b in (True, False)}
    for t in texts:
        figure.text(
            t.x / width,
            1 - t.y / height,
            t.text,
            fontproperties=fonts[t.bold],
            size=t.px * 72 / 150,
            color="#777777" if t.grey else "black",
            va="baseline",
        )
    x0, x1 = MARGIN / width, 1 - MARGIN / width
    rule = 1 - top / height
    figure.add_artist(Line2D([x0, x1], [rule, rule], color="black", linewidth=1.5))
    qr = _qr(link, 1)
    side = qr.width * (QR_SIDE // qr.width)  # whole pixels a module
    qr = qr.resize((side, side), resample=Image.Resampling.NEAREST)
    # Drawn pixel for pixel (no resampling, which could merge or split modules).
    at = (width - MARGIN - qr.width, height - MARGIN - qr.width)
    figure.figimage(numpy.asarray(qr), *at, cmap="gray", vmin=0, vmax=255, origin="upper")
    return figure


def _week_header(heading: str, period: str, scan: str, link: str) -> list[Text]:
    room = A4[0] - 2 * MARGIN - QR_SIDE - 40
    texts, y = [], float(MARGIN)
    for text, largest, least, bold in (
        (heading, 84, 44, True),
        (period, 40, 26, False),
        (scan, 32, 24, False),
        (link.removeprefix("https://"), 24, 18, False),
    ):
        size = _shrink(text, largest, least, bold, room)
        y += size * 1.05
        texts.append(Text(MARGIN, y, _cut(text, size, bold, room), size, bold, grey=not bold))
        y += size * 0.45
    return texts


def _week_days(
    days: Sequence[tuple[str, Sequence[Row]]], more: Callable[[int], str], top: int, bottom: int
) -> list[Text]:
    """The days, in the largest type that fits one column (at least ONE_COLUMN_LEAST), else
    two; if even the smallest type in two columns does not fit, each day shows fewer rows.
    The type also shrinks (down to CUT_AT) until no line needs cutting."""
    room = bottom - top
    longest = max(len(rows) for _day, rows in days)
    for cap in range(longest, 0, -1):
        shown = [(day, _capped(rows, cap, more)) for day, rows in days]
        for columns, least in ((1, ONE_COLUMN_LEAST), (2, SMALLEST)):
            for size in range(LARGEST, least - 1, -2):
                split = _split(shown, size, columns, room)
                if split is not None and (size <= CUT_AT[columns] or _whole(split, size)):
                    return _place_days(split, size, top)
    raise AssertionError("one row a day always fits")  # pragma: no cover


def _whole(columns: list[list[tuple[str, list[Row]]]], size: int) -> bool:
    """Whether every line fits its column at this size, uncut."""
    cut = [t for t in _place_days(columns, size, 0) if t.text.endswith("…")]
    return not cut


def _capped(rows: Sequence[Row], cap: int, more: Callable[[int], str]) -> list[Row]:
    if len(rows) <= cap:
        return list(rows)
    return [*rows[: cap - 1], ("", more(len(rows) - cap + 1), "")]


def _day_height(rows: Sequence[Row], size: int, last: bool) -> float:
    return size * (1.5 + 1.35 * len(rows) + (0 if last else 0.5))


def _split(
    days: list[tuple[str, list[Row]]], size: int, columns: int, room: int
) -> list[list[tuple[str, list[Row]]]] | None:
    """The days in `columns` columns (in order; the first column the longer), or None if they
    do not fit the height `room` at this size."""
    cuts = [len(days)] if columns == 1 else range(1, len(days))
    best: tuple[float, list[list[tuple[str, list[Row]]]]] | None = None
    for cut in cuts:
        parts = [days[:cut], days[cut:]] if columns == 2 else [days]
        tallest = max(
            sum(_day_height(rows, size, i == len(part) - 1) for i, (_d, rows) in enumerate(part))
            for part in parts
        )
        if tallest <= room and (best is None or tallest < best[0]):
            best = (tallest, parts)
    return None if best is None else best[1]


def _place_days(columns: list[list[tuple[str, list[Row]]]], size: int, top: int) -> list[Text]:
    width = (A4[0] - 2 * MARGIN - GUTTER * (len(columns) - 1)) / len(columns)
    clock = _measure("00.00", size, True) + size * 0.7
    gap = size * 0.7
    texts = []
    for number, column in enumerate(columns):
        x, y = MARGIN + number * (width + GUTTER), float(top)
        for day, rows in column:
            head = round(size * 1.12)
            y += head
            texts.append(Text(x, y, _cut(day, head, True, width), head, True, grey=not rows))
            y += size * 0.5
            for time, title, place in rows:
                y += size * 1.0
                room = width - clock
                if time:
                    texts.append(Text(x, y, time, size, True))
                title_room = room
                if place:
                    title_room = max(room * 0.6, room - gap - _measure(place, size, False))
                title = _cut(title, size, bool(time), title_room)
                texts.append(Text(x + clock, y, title, size, bool(time), grey=not time))
                if place:
                    left = room - _measure(title, size, True) - gap
                    at = x + clock + _measure(title, size, True) + gap
                    texts.append(Text(at, y, _cut(place, size, False, left), size, grey=True))
                y += size * 0.35
            y += size * 0.5
    return texts


def _measure(text: str, px: int, bold: bool) -> float:
    """The width of text in pixels, with a little to spare (matplotlib hints a bit wider)."""
    return float(_pil_font(px, bold).getlength(text)) * 1.03


@cache
def _pil_font(px: int, bold: bool) -> FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(_font(bold), px)


def _shrink(text: str, largest: int, least: int, bold: bool, room: float) -> int:
    size = largest
    while size > least and _measure(text, size, bold) > room:
        size -= 2
    return size


def _cut(text: str, px: int, bold: bool, room: float) -> str:
    """The text, or as much of it as fits `room` pixels followed by "…"."""
    if _measure(text, px, bold) <= room:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest beginning that fits with "…"
        middle = (low + high + 1) // 2
        if _measure(text[:middle].rstrip() + "…", px, bold) <= room:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…"


@contextmanager
def _pdf_fonts() -> Iterator[None]:
    """TrueType (Type 42) fonts in the PDF: text a reader can search and copy."""
    import matplotlib

    with matplotlib.rc_context({"pdf.fonttype": 42}):
        yield


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
