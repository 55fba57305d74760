"""Checks for everything typed by a person (an admin at the command line, later staff in the chat).

Each check returns the clean value or raises ValueError with a reason an admin can act on.
"""

from __future__ import annotations

import re
import unicodedata
from contextlib import suppress
from datetime import date, datetime
from zoneinfo import ZoneInfo

TITLE_MAX = 100
PLACE_MAX = 100
DESCRIPTION_MAX = 1000
NAME_MAX = 80
CAPACITY_MAX = 10_000
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
    """A number of places (0 or more), or None for no limit when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"capacity {value!r} is not a whole number") from None
    if number < 0:
        raise ValueError(f"capacity {number} is negative")
    if number > CAPACITY_MAX:
        raise ValueError(f"capacity {number} is over {CAPACITY_MAX}")
    return number


class NonexistentTime(ValueError):
    """A wall-clock time the clocks skip (spring forward)."""


class AmbiguousTime(ValueError):
    """A wall-clock time that happens twice (fall back)."""


def local_time(value: str, timezone: str) -> int:
    """'YYYY-MM-DD HH:MM' on the centre's wall clock → epoch seconds; refuses DST gaps and folds."""
    try:
        naive = datetime.strptime(value.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        raise ValueError(f"date {value!r} is not in the form YYYY-MM-DD HH:MM") from None
    return local_instant(naive, timezone)


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


def day_or_time(value: str, today: date) -> list[Reading]:
    """Every way to read what staff type when moving an activity, as (day, (hour, minute)):
    '18', '18.30', 'kl. 18' are a time alone (a bare number is never a day); '5/12', '5.12.2026'
    a day alone; '5/12 18.30', '5.12 kl. 18' both. '5.12' reads both ways: two readings.
    An empty list: it reads as neither."""
    readings: list[Reading] = []
    with suppress(ValueError):
        readings.append((None, clock_time(value)))
    with suppress(ValueError):
        readings.append((day(value, today), None))
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
