"""Checks for everything typed by a person (an admin at the command line, later staff in the chat).

Each check returns the clean value or raises ValueError with a reason an admin can act on.
"""

from __future__ import annotations

import re
import unicodedata
from contextlib import suppress
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

TITLE_MAX = 100
PLACE_MAX = 100
DESCRIPTION_MAX = 1000
NAME_MAX = 80
CAPACITY_MAX = 1000  # places: the chat and the command line alike
AHEAD_MAX_DAYS = 366  # a date more than a year ahead is a typo (chat and command line)
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
RESERVED_SLUGS = {"national"}


def clean_text(value: str, what: str, limit: int, *, required: bool = False) -> str:
    """Trim, refuse control characters and over-long or (if required) empty text."""
    text = value.strip()
    if required and not text:
        raise ValueError(f"{what} is empty")
    if len(text) > limit:
        raise ValueError(f"{what} is {len(text)} characters; at most {limit} are allowed")
    allowed_controls = "\n" if what == "description" else ""
    if any(unicodedata.category(ch) == "Cc" and ch not in allowed_controls for ch in text):
        raise ValueError(f"{what} contains control characters")
    return text


def slug(value: str) -> str:
    """A centre's short name for links: lower-case letters, digits and dashes."""
    if not SLUG.match(value) or value in RESERVED_SLUGS:
        raise ValueError(
            f"slug {value!r} must be 1-40 lower-case letters (a-z), digits or dashes,"
            " start with a letter or digit, and not be 'national'"
        )
    return value


def capacity(value: str | int | None) -> int | None:
    """A number of places (1 to CAPACITY_MAX, as the chat's /ny_aktivitet allows), or None for
    no limit when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"capacity {value!r} is not a whole number") from None
    if number < 0:
        raise ValueError(f"capacity {number} is negative")
    if number == 0:
        raise ValueError("capacity 0 is too few: write 1 or more, or leave it empty for no limit")
    if number > CAPACITY_MAX:
        raise ValueError(f"capacity {number} is over {CAPACITY_MAX}")
    return number


class NonexistentTime(ValueError):
    """A wall-clock time the clocks skip (spring forward)."""


class AmbiguousTime(ValueError):
    """A wall-clock time that happens twice (fall back)."""


def local_time(value: str, timezone: str) -> int:
    """A date and time (see `date_and_time`) on the centre's wall clock → epoch seconds;
    refuses DST gaps and folds."""
    return local_instant(date_and_time(value), timezone)


def local_instant(naive: datetime, timezone: str) -> int:
    """A wall-clock time → epoch seconds; raises for a time that does not exist or is doubled."""
    text = naive.strftime("%Y-%m-%d %H:%M")
    tz = ZoneInfo(timezone)
    early, late = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    if early.utcoffset() != late.utcoffset():
        # Round-tripping through UTC lands elsewhere only for a time the clocks skip.
        roundtrip = datetime.fromtimestamp(early.timestamp(), tz).replace(tzinfo=None)
        if roundtrip != naive:
            raise NonexistentTime(
                f"{text} does not exist in {timezone} (clocks skip it for summer time)"
            )
        raise AmbiguousTime(
            f"{text} happens twice in {timezone} (clocks go back); pick another time"
        )
    return int(early.timestamp())


DATE_FORMS = "2026-12-05 10:00 or 05-12-2026 10.00"
_ISO_DATE_TIME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:\s+|T)(\d{1,2})[:.](\d{2})$")
_DANISH_DATE_TIME = re.compile(  # the day first, as Danish Excel writes it; one separator
    r"^(\d{1,2})([-./])(\d{1,2})\2(\d{4})\s+(?:kl\.?\s*)?(\d{1,2})[:.](\d{2})$", re.IGNORECASE
)


def date_and_time(value: str) -> datetime:
    """A date and time from a spreadsheet or the command line → a naive datetime. Either ISO
    ('2026-12-05 10:00') or the day first the Danish way ('05-12-2026 10:00', '05.12.2026
    10.00', '5/12/2026 10:00'), always with a four-digit year; no other order is guessed."""
    text = value.strip()
    iso, danish = _ISO_DATE_TIME.match(text), _DANISH_DATE_TIME.match(text)
    try:
        if iso:
            year, month, day_, hour, minute = (int(g) for g in iso.groups())
            return datetime(year, month, day_, hour, minute)
        if danish:
            d, _sep, m, y, hour_text, minute_text = danish.groups()
            return datetime(int(y), int(m), int(d), int(hour_text), int(minute_text))
    except ValueError:
        pass
    raise ValueError(f"date {value!r} is not a date and time like {DATE_FORMS}")


def start_in_range(starts: int, now: int, timezone: str) -> None:
    """The chat's rule for a new activity's start: after now, and its day at most
    AHEAD_MAX_DAYS after today (both on the centre's clock)."""
    tz = ZoneInfo(timezone)
    moment = datetime.fromtimestamp(starts, tz)
    text = moment.strftime("%Y-%m-%d %H:%M")
    if starts <= now:
        raise ValueError(f"{text} has passed")
    if moment.date() > datetime.fromtimestamp(now, tz).date() + timedelta(days=AHEAD_MAX_DAYS):
        raise ValueError(f"{text} is more than a year ahead")


def timezone_name(value: str) -> str:
    """An IANA time zone name such as Europe/Copenhagen."""
    name = value.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"timezone {value!r} is unknown: write one like Europe/Copenhagen"
        ) from None
    return name


_DAY = re.compile(r"^\s*(\d{1,2})\s*[./-]\s*(\d{1,2})(?:\s*[./-]\s*(\d{2}|\d{4}))?\s*\.?\s*$")
_TIME = re.compile(r"^\s*(?:kl\.?\s*)?(\d{1,2})(?:\s*[.:]\s*(\d{2}))?\s*$", re.IGNORECASE)


def day(value: str, today: date) -> date:
    """A typed date, Danish style: '5/12', '5.12', '5.12.2026' or '5/12-26'. Without a year,
    the next such date from today on."""
    match = _DAY.match(value)
    if not match:
        raise ValueError(value)
    d, m, y = int(match.group(1)), int(match.group(2)), match.group(3)
    if y is None:
        candidate = _date(today.year, m, d)
        return candidate if candidate >= today else _date(today.year + 1, m, d)
    return _date(int(y) + (2000 if len(y) == 2 else 0), m, d)


class PeriodError(ValueError):
    """A typed period that cannot be used; `why` is 'form', 'order', 'past' or 'far'."""

    def __init__(self, why: str, value: str) -> None:
        super().__init__(f"{why}: {value}")
        self.why = why


_PERIOD_SPLIT = re.compile(r"\s*(?:[-–—]|\btil\b|\bto\b)\s*", re.IGNORECASE)


def period(value: str, today: date) -> tuple[date, date]:
    """A typed period of closed days: '24/12-2/1', '24.12.2026-2.1.2027', '24/12 til 2/1', or
    one day ('24/12'). A date without a year is the next such date from today on; an end
    without a year is the first such date on or after the start. The period must not be over
    (it may have begun) nor end more than AHEAD_MAX_DAYS from today."""
    text = value.strip()
    first = last = None
    with suppress(ValueError):
        first = last = day(text, today)
    if first is None:
        for cut in _PERIOD_SPLIT.finditer(text):
            head, tail = text[: cut.start()], text[cut.end() :]
            try:
                first = day(head, today)
                last = day(tail, first)
            except ValueError:
                continue
            break
        else:
            raise PeriodError("form", value)
    assert first is not None and last is not None
    if last < first:
        raise PeriodError("order", value)
    if last < today:
        raise PeriodError("past", value)
    if last > today + timedelta(days=AHEAD_MAX_DAYS):
        raise PeriodError("far", value)
    return first, last


def _date(year: int, month: int, day_: int) -> date:
    try:
        return date(year, month, day_)
    except ValueError:
        raise ValueError(f"{day_}/{month}/{year}") from None


_DAY_AND_TIME = re.compile(
    r"^\s*(\d{1,2})\s*[./-]\s*(\d{1,2})(?:\s*[./-]\s*(\d{2}|\d{4}))?\s*\.?"  # 5/12, 5.12.2026
    r"\s*,?\s+(?:kl\.?\s*)?(\d{1,2})(?:\s*[.:]\s*(\d{2}))?\s*$",  # then 18, 18.30, kl. 18
    re.IGNORECASE,
)

Reading = tuple[date | None, tuple[int, int] | None]

# Days by name, as staff type them (Danish and English, whole or short, æøå or not).
_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            "mandag man monday mon",
            "tirsdag tirs tir tuesday tues tue",
            "onsdag ons wednesday wed",
            "torsdag tors tor thursday thurs thu",
            "fredag fre friday fri",
            "lørdag lør lordag loerdag saturday sat",
            "søndag søn sondag soendag sunday sun",
        )
    )
    for name in names.split()
}
_FROM_TODAY = {"i dag": 0, "idag": 0, "today": 0, "i morgen": 1, "imorgen": 1, "tomorrow": 1}
_LEADS = ("på ", "pa ", "on ", "næste ", "naeste ", "next ")
_NAMED_DAY_AND_TIME = re.compile(
    r"^\s*(\D+?)\s*,?\s+(?:kl\.?\s*)?(\d{1,2}(?:\s*[.:]\s*\d{2})?)\s*$", re.IGNORECASE
)


def named_day(value: str, today: date) -> date:
    """A day typed by name: 'mandag', 'på mandag', 'tirsdag', 'i morgen' → that day; a weekday
    is the next such day after today (within a week)."""
    words = " ".join(value.lower().split()).rstrip(".")
    for lead in _LEADS:
        words = words.removeprefix(lead)
    if words in _FROM_TODAY:
        return today + timedelta(days=_FROM_TODAY[words])
    if words not in _WEEKDAYS:
        raise ValueError(value)
    return today + timedelta(days=(_WEEKDAYS[words] - today.weekday() - 1) % 7 + 1)


def day_or_time(value: str, today: date) -> list[Reading]:
    """Every way to read what staff type when moving an activity, as (day, (hour, minute)):
    '18', '18.30', 'kl. 18' are a time alone (a bare number is never a day); '5/12', '5.12.2026'
    a day alone, and so are 'mandag', 'på tirsdag', 'i morgen' (`named_day`); '5/12 18.30',
    '5.12 kl. 18', 'mandag 18.30' both. '5.12' reads both ways: two readings.
    An empty list: it reads as neither."""
    readings: list[Reading] = []
    with suppress(ValueError):
        readings.append((None, clock_time(value)))
    with suppress(ValueError):
        readings.append((day(value, today), None))
    with suppress(ValueError):
        readings.append((named_day(value, today), None))
    named = _NAMED_DAY_AND_TIME.match(value)
    if named:
        with suppress(ValueError):
            readings.append((named_day(named.group(1), today), clock_time(named.group(2))))
    match = _DAY_AND_TIME.match(value)
    if match:
        d, m, y, hour, minute = match.groups()
        try:
            typed_day = day(f"{d}/{m}" + (f"/{y}" if y else ""), today)
            readings.append((typed_day, clock_time(f"{hour}.{minute or '00'}")))
        except ValueError:
            pass
    return readings


def clock_time(value: str) -> tuple[int, int]:
    """A typed time of day: '14', '14.30', '14:30', 'kl. 9' → (hour, minute)."""
    match = _TIME.match(value)
    if not match:
        raise ValueError(value)
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        raise ValueError(value)
    return hour, minute
