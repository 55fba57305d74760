"""The programme on the wall: a centre's week (Monday to Sunday) as an A4 sheet, for the
`poster --week` command and the staff's "🖨️ Ugeprogram".

A calendar week, not "the coming 7 days": the sheet goes up on Monday morning and is right
until Sunday night, and two sheets never overlap. Shown: the centre's scheduled activities and
the national ones (marked "For hele landet"); cancelled ones are left out. Written in the
bot's default language (Danish): the sheet is for the people at the centre, whatever language
the staff member who prints it uses. Times are in the centre's time zone."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import media
from bot.i18n import Translator
from bot.store import Store
from bot.store.activities import Activity
from bot.store.centres import Centre

MOST = 500  # activities read for one week; a day shows what fits and "+ N mere"


@dataclass(frozen=True)
class Week:
    monday: date
    activities: list[Activity]  # in order of start

    @property
    def number(self) -> int:
        return self.monday.isocalendar().week

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)


def today(centre: Centre, now: int | None = None) -> date:
    """The day it is now (or at `now`) at the centre."""
    tz = ZoneInfo(centre.timezone)
    return (datetime.now(tz) if now is None else datetime.fromtimestamp(now, tz)).date()


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


async def week_of(store: Store, centre: Centre, day: date) -> Week:
    """The scheduled activities of the centre and national ones in the week of `day`."""
    tz = ZoneInfo(centre.timezone)
    monday = monday_of(day)
    since = int(datetime.combine(monday, time(), tz).timestamp())
    until = int(datetime.combine(monday + timedelta(days=7), time(), tz).timestamp())
    rows = await store.counts.upcoming([centre.id], since, until, 0, MOST, national=True)
    return Week(monday, [r.activity for r in rows])


def sheet(week: Week, centre: Centre, link: str, _: Translator, kind: str) -> bytes:
    """The week as a PDF or PNG (`kind`), in `_`'s language."""
    tz = ZoneInfo(centre.timezone)
    by_day: dict[date, list[media.Row]] = defaultdict(list)
    for a in week.activities:
        moment = datetime.fromtimestamp(a.starts_at, tz)
        place = a.place
        if a.centre_id is None:
            national = _("National – for all centres")
            place = f"{national} · {place}" if place else national
        by_day[moment.date()].append((_.clock(moment.hour, moment.minute), a.title, place))
    days = []
    for offset in range(7):
        day = week.monday + timedelta(days=offset)
        name = _.day(day)
        days.append((name[:1].upper() + name[1:], by_day[day]))
    period = _(
        "Week {week}: {first} to {last}",
        week=week.number,
        first=_.day(week.monday),
        last=_.day(week.sunday),
    )
    return media.week_poster(
        centre.name,
        period,
        _("Scan and see what's on"),
        link,
        days,
        _("No activities this week"),
        lambda n: _.ngettext("+ {n} more", "+ {n} more", n),
        kind,
    )


async def write_week(
    store: Store, centre: Centre, first: str | None, link: str, _: Translator, out: Path
) -> str:
    """`poster --week [--from YYYY-MM-DD]`: write the sheet and say what was written. An empty
    week still gives a sheet ("Ingen aktiviteter denne uge", and the QR code)."""
    from bot.cli_common import UsageError, write_file

    try:
        day = date.fromisoformat(first) if first else today(centre)
    except ValueError:
        raise UsageError("--from must be a date like 2026-12-31") from None
    week = await week_of(store, centre, day)
    write_file(out, sheet(week, centre, link, _, out.suffix.lower().lstrip(".")))
    count = len(week.activities)
    return f"Wrote week {week.number} ({count} activities) for {link} to {out}"
