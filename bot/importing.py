"""Activities and centres from a spreadsheet (`vaerested-bot activity import FILE.csv`,
`vaerested-bot centre import FILE.csv`) or the command line: every field checked, all rows or
none, each error naming its line and every fault of it; exact copies skipped."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from bot import validate
from bot.config import Config
from bot.store import Store
from bot.store.activities import NewActivity
from bot.store.series import EVERY, NewSeries, check_time

CSV_COLUMNS = (
    "centre",
    "title",
    "starts",
    "ends",
    "place",
    "capacity",
    "description",
    "repeat",  # week, 2weeks or empty: a series, its first date `starts`
    "until",  # a series' last possible date (YYYY-MM-DD); empty: until further notice
)
CENTRE_COLUMNS = ("slug", "name", "city", "timezone")
NATIONAL = "national"
MAX_REPORTED_ERRORS = 20
NewCentre = tuple[str, str, str, str]  # slug, name, city, timezone

T = TypeVar("T")


@dataclass
class Sheet(Generic[T]):
    """What a file holds: the new rows, or the errors; and the skipped exact copies."""

    items: list[T] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    there: int = 0  # rows already in the database
    series: list[NewSeries] = field(default_factory=list)  # rows with `repeat` (activities)
    repeated: int = 0  # rows the same as an earlier row of the file


def read_text(path: Path) -> str:
    """A CSV file's text: UTF-8 (with or without BOM) or, when its bytes are not UTF-8, Windows-1252
    (what Danish Excel's "CSV (semikolonsepareret)" writes). ValueError says why it cannot."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror}") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError(f"{path} is UTF-16 text: in Excel, save it as 'CSV UTF-8' instead")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    raise ValueError(f"cannot read {path}: it is neither UTF-8 nor Windows-1252 text")


def summary(sheet: Sheet[Any], added: int, nouns: tuple[str, str], source: Path) -> str:
    """'Imported 3 activities from F; 2 were there already and were skipped'."""
    text = f"Imported {added} {nouns[added != 1]} from {source}"
    if sheet.there:
        verb = "was" if sheet.there == 1 else "were"
        text += f"; {sheet.there} {verb} there already and {verb} skipped"
    if sheet.repeated:
        verb = "was" if sheet.repeated == 1 else "were"
        rows = "row repeated" if sheet.repeated == 1 else "rows repeated"
        text += f"; {sheet.repeated} {rows} an earlier row and {verb} skipped"
    return text


def _table(
    text: str, columns: Sequence[str], required: Sequence[str]
) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """The rows (line number, column → value) of a comma- or semicolon-separated text with a
    header row; blank rows left out. Or the errors."""
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ",;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in columns]
    if missing or unknown:
        problem = f"missing {missing}" if missing else f"unknown {unknown}"
        return [], [f"line 1: columns {problem}; expected {', '.join(columns)}"]
    reader.fieldnames = header
    rows, errors = [], []
    for row in reader:
        if None in row:
            errors.append(f"line {reader.line_num}: more fields than columns")
            continue
        values = {k: (v or "") for k, v in row.items()}
        if any(v.strip() for v in values.values()):  # Excel leaves rows of only ';'
            rows.append((reader.line_num, values))
    return rows, errors


def _collect(faults: list[str], check: Callable[..., T], *args: Any) -> T | None:
    """check(*args), or None with its ValueError's reason added to `faults`."""
    try:
        return check(*args)
    except ValueError as exc:
        faults.append(str(exc))
        return None


async def parse_csv(text: str, config: Config, store: Store, now: int) -> Sheet[NewActivity]:
    """Every new row as an activity, or the list of 'line N: reason' errors."""
    rows, errors = _table(text, CSV_COLUMNS, ("centre", "title", "starts"))
    sheet: Sheet[NewActivity] = Sheet(errors=errors)
    seen: set[tuple[int | None, str, int]] = set()
    for line, values in rows:
        series: NewSeries | None = None
        try:
            if values.get("repeat", "").strip():
                series, copy = await check_series(values, config, store, now)
                item = series_start(series)
            else:
                if values.get("until", "").strip():
                    raise ValueError("until is only for a series: fill in repeat (week or 2weeks)")
                item, copy = await check_activity(values, config, store, now)
        except ValueError as exc:
            sheet.errors.append(f"line {line}: {exc}")
            continue
        key = (item.centre_id, item.title, item.starts_at)
        if copy is not None:
            sheet.there += 1
        elif key in seen:
            sheet.repeated += 1
        else:
            seen.add(key)
            if series is not None:
                sheet.series.append(series)
            else:
                sheet.items.append(item)
    if not rows and not sheet.errors:
        sheet.errors.append("line 2: no activities in the file")
    return sheet


async def check_activity(
    row: dict[str, str], config: Config, store: Store, now: int, *, check_start: bool = True
) -> tuple[NewActivity, int | None]:
    """Check one activity's fields (CSV row or command line) by the chat's rules and build it,
    with the id of an exact copy (same centre, title and start) if there is one. A copy may
    have started already (a file imported again); a new one may not. ValueError names every
    fault."""
    faults: list[str] = []
    slug = row.get("centre", "").strip()
    centre_id, timezone, known = None, config.bot.timezone, True
    if slug != NATIONAL:
        centre = await store.centres.by_slug(slug)
        if centre is None:
            faults.append(f"unknown centre {slug!r}")
            known = False
        else:
            centre_id, timezone = centre.id, centre.timezone
    title = _collect(faults, _text, row, "title", validate.TITLE_MAX, True)
    starts = _collect(faults, validate.local_time, row.get("starts", ""), timezone)
    ends = None
    if row.get("ends", "").strip():
        ends = _collect(faults, validate.local_time, row["ends"], timezone)
        if starts is not None and ends is not None and ends <= starts:
            faults.append("ends must be after starts")
    place = _collect(faults, _text, row, "place", validate.PLACE_MAX)
    capacity = _collect(faults, validate.capacity, row.get("capacity", ""))
    description = _collect(faults, _text, row, "description", validate.DESCRIPTION_MAX)
    copy = None
    if known and title is not None and starts is not None:
        copy = await store.activities.copy_of(centre_id, title, starts)
        if copy is None and check_start:
            _collect(faults, validate.start_in_range, starts, now, timezone)
    if faults or title is None or starts is None:
        raise ValueError("; ".join(faults))
    new = NewActivity(
        centre_id=centre_id,
        title=title,
        starts_at=starts,
        ends_at=ends,
        place=place or "",
        capacity=capacity,
        description=description or "",
    )
    return new, copy


async def check_series(
    row: dict[str, str], config: Config, store: Store, now: int, created_by: int | None = None
) -> tuple[NewSeries, int | None]:
    """Check a series' fields (a CSV row with `repeat`, or `activity add --every`): an activity
    whose start is the first date, and `repeat` and `until`; with the id of an exact copy (same
    centre, title, first date and time). ValueError names every fault."""
    new, _ = await check_activity(row, config, store, now, check_start=False)  # checked below
    faults: list[str] = []
    every = row.get("repeat", "").strip()
    if every not in EVERY:
        faults.append(f"repeat {every!r} must be one of: {', '.join(sorted(EVERY))} (or empty)")
    if new.centre_id is None:
        faults.append("a national activity cannot repeat: give it a centre")
    centre = await store.centres.get(new.centre_id) if new.centre_id is not None else None
    timezone = centre.timezone if centre is not None else config.bot.timezone
    first = datetime.fromtimestamp(new.starts_at, ZoneInfo(timezone))
    until, text = None, row.get("until", "").strip()
    if text:
        try:
            until = date.fromisoformat(text)
        except ValueError:
            faults.append(f"until {text!r} is not a date like 2026-12-31")
        if until is not None and until < first.date():
            faults.append("until is before the first date")
    _collect(faults, check_time, first.time(), first.date(), timezone)
    copy = None
    if not faults and centre is not None:
        copy = await store.series.copy_of(
            centre.id, new.title, first.date(), first.strftime("%H:%M")
        )
        if copy is None:
            _collect(faults, validate.start_in_range, new.starts_at, now, timezone)
    if faults or centre is None:
        raise ValueError("; ".join(faults))
    series = NewSeries(
        centre_id=centre.id,
        title=new.title,
        first_date=first.date(),
        local_time=first.strftime("%H:%M"),
        every_weeks=EVERY[every],
        until_date=until,
        place=new.place,
        capacity=new.capacity,
        description=new.description,
        duration_s=None if new.ends_at is None else new.ends_at - new.starts_at,
        created_by=created_by,
    )
    return series, copy


def series_start(series: NewSeries) -> NewActivity:
    """A series' first date as an activity, only for telling rows apart (`parse_csv`)."""
    at = datetime.combine(series.first_date, datetime.strptime(series.local_time, "%H:%M").time())
    return NewActivity(series.centre_id, series.title, int(at.timestamp()))


def _text(row: dict[str, str], what: str, limit: int, required: bool = False) -> str:
    return validate.clean_text(row.get(what, ""), what, limit, required=required)


def check_centre(row: dict[str, str], config: Config) -> NewCentre:
    """Check one centre's fields (a CSV row); ValueError names every fault."""
    faults: list[str] = []
    slug = _collect(faults, validate.slug, row.get("slug", "").strip())
    name = _collect(faults, _text, row, "name", validate.NAME_MAX, True)
    city = _collect(faults, _text, row, "city", validate.NAME_MAX)
    zone = row.get("timezone", "").strip() or config.bot.timezone
    timezone = _collect(faults, validate.timezone_name, zone)
    if faults or slug is None or name is None or city is None or timezone is None:
        raise ValueError("; ".join(faults))
    return slug, name, city, timezone


async def parse_centres(text: str, config: Config, store: Store) -> Sheet[NewCentre]:
    """Every new row as (slug, name, city, timezone), or the list of 'line N: reason' errors.
    A row the same as a centre that exists (or as an earlier row) is skipped; a slug that
    exists with another name, city or timezone is an error."""
    rows, errors = _table(text, CENTRE_COLUMNS, ("slug", "name"))
    sheet: Sheet[NewCentre] = Sheet(errors=errors)
    first: dict[str, tuple[int, NewCentre]] = {}
    for line, values in rows:
        try:
            new = check_centre(values, config)
        except ValueError as exc:
            sheet.errors.append(f"line {line}: {exc}")
            continue
        slug = new[0]
        if slug in first:
            earlier_line, earlier = first[slug]
            if earlier == new:
                sheet.repeated += 1
            else:
                sheet.errors.append(f"line {line}: slug {slug!r} is on line {earlier_line} too")
            continue
        first[slug] = (line, new)
        old = await store.centres.by_slug(slug)
        if old is None:
            sheet.items.append(new)
        elif (old.slug, old.name, old.city, old.timezone) == new:
            sheet.there += 1
        else:
            sheet.errors.append(
                f"line {line}: a centre with slug {slug!r} exists already with another name,"
                f" city or timezone ({old.name}, {old.city or '-'}, {old.timezone})"
            )
    if not rows and not sheet.errors:
        sheet.errors.append("line 2: no centres in the file")
    return sheet
