"""Translations and dates: catalogues built in memory from the .po files, one translator per user.

The .po files are the only source: they are compiled at start-up, so a stale .mo never exists.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"


def N_(message: str) -> str:
    """Mark a string for extraction; translate it later, per user."""
    return message


# TRANSLATORS: a Babel date pattern, the one way every date is written. Keep the letters
# (EEEE weekday, d day, MMMM month, HH.mm time); literal words go in single quotes.
DATE_PATTERN = N_("EEEE d MMMM 'at' HH:mm")
# TRANSLATORS: the same Babel pattern with the year (y), for dates in another year than now.
DATE_YEAR_PATTERN = N_("EEEE d MMMM y 'at' HH:mm")
# TRANSLATORS: a Babel pattern for a day without the time, as on a button ("lørdag 5. december").
DAY_PATTERN = N_("EEEE d MMMM")
# TRANSLATORS: a Babel pattern for a time of day alone ("14.30" in Danish).
TIME_PATTERN = N_("HH:mm")
# TRANSLATORS: the seven weekdays, Monday first, as short as on a button ("Tor 17.30"),
# separated by single spaces.
SHORT_WEEKDAYS = N_("Mon Tue Wed Thu Fri Sat Sun")
# TRANSLATORS: a Babel pattern for day and month on a button ("5/12"), for days a week or more
# away.
SHORT_DATE_PATTERN = N_("d/M")
TODAY, TOMORROW = N_("Today"), N_("Tomorrow")  # on buttons: "I dag 19.00", "I morgen 10.00"
# In a sentence ("⏰ Husk: Fodbold i dag kl. 17.30."): the day in words, with the time.
TODAY_AT, TOMORROW_AT = N_("today at {time}"), N_("tomorrow at {time}")
# TRANSLATORS: a date further away, in the same sentence: "on Saturday 5 December at 10:00"
# (Danish needs no word before the date: "{date}").
ON_DATE = N_("on {date}")


class CatalogueMissing(Exception):
    """A configured locale has no catalogue."""


@cache
def _translations(locale: str) -> Translations:
    po = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po.exists():
        raise CatalogueMissing(f"no catalogue for locale {locale!r}: {po} is missing")
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=locale, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


@dataclass(frozen=True)
class Translator:
    """Translate into one language: `_("Hi {name}", name=n)` fills placeholders after lookup."""

    locale: str

    def __call__(self, message: str, **values: Any) -> str:
        text = _translations(self.locale).gettext(message)
        return text.format(**values) if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        """Translate a sentence with a count `n` (also available as `{n}`)."""
        text = _translations(self.locale).ngettext(singular, plural, n)
        return text.format(n=n, **values)

    def pgettext(self, context: str, message: str, **values: Any) -> str:
        """Translate a short label that needs a context to be unambiguous."""
        text = str(_translations(self.locale).pgettext(context, message))
        return text.format(**values) if values else text

    def when(self, epoch: int, timezone: str, now: int | None = None) -> str:
        """The one way a date is written: 'lørdag 5. december kl. 10.00' (+ year if not now's)."""
        tz = ZoneInfo(timezone)
        moment = datetime.fromtimestamp(epoch, tz)
        pattern = DATE_PATTERN
        if now is not None and datetime.fromtimestamp(now, tz).year != moment.year:
            pattern = DATE_YEAR_PATTERN
        return format_datetime(moment, self(pattern), locale=self.locale)

    def day_when(self, epoch: int, timezone: str, now: int) -> str:
        """When, in a sentence as said aloud: 'i dag kl. 17.30', 'i morgen kl. 10.00', else the
        whole date ('on Saturday 5 December at 10:00'). Today is `now`'s day in `timezone`."""
        moment, days = _days_ahead(epoch, timezone, now)
        clock = self.clock(moment.hour, moment.minute)
        if days == 0:
            return self(TODAY_AT, time=clock)
        if days == 1:
            return self(TOMORROW_AT, time=clock)
        return self(ON_DATE, date=self.when(epoch, timezone, now))

    def short_when(self, epoch: int, timezone: str, now: int, *, dated: bool = False) -> str:
        """When, short enough for a button: 'I dag 17.30', 'Tor 17.30' (the coming six days),
        'Tor 10/12 17.30' (further away, so two Thursdays never read the same). `dated`: always
        'Tor 3/12 17.30' (a list of one weekday's dates, where 'Tor 17.30' says not which)."""
        moment, days = _days_ahead(epoch, timezone, now)
        clock = self.clock(moment.hour, moment.minute)
        if days == 0 and not dated:
            return f"{self(TODAY)} {clock}"
        if days == 1 and not dated:
            return f"{self(TOMORROW)} {clock}"
        weekday = self(SHORT_WEEKDAYS).split()[moment.weekday()]
        if 1 < days < 7 and not dated:
            return f"{weekday} {clock}"
        day = format_date(moment.date(), self(SHORT_DATE_PATTERN), locale=self.locale)
        return f"{weekday} {day} {clock}"

    def day(self, value: date) -> str:
        """A day on its own: 'lørdag 5. december'."""
        return format_date(value, self(DAY_PATTERN), locale=self.locale)

    def clock(self, hour: int, minute: int) -> str:
        """A time of day on its own: '14.30'."""
        return format_time(time(hour, minute), self(TIME_PATTERN), locale=self.locale)


def _days_ahead(epoch: int, timezone: str, now: int) -> tuple[datetime, int]:
    """The local moment of `epoch`, and how many days after `now`'s day it falls (0: today)."""
    tz = ZoneInfo(timezone)
    moment = datetime.fromtimestamp(epoch, tz)
    return moment, (moment.date() - datetime.fromtimestamp(now, tz).date()).days


def load_all(locales: tuple[str, ...]) -> None:
    """Compile every configured catalogue now, so a missing one fails at start-up."""
    for locale in locales:
        _translations(locale)


@cache
def translator(locale: str) -> Translator:
    """The translator for a locale."""
    return Translator(locale)
