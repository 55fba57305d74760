"""Activities from a spreadsheet (`vaerested-bot activity import FILE.csv`) or the command line:
every field checked, all rows or none, each error naming its line."""

from __future__ import annotations

import csv
import io

from bot import validate
from bot.config import Config
from bot.store import Store
from bot.store.activities import NewActivity

CSV_COLUMNS = ("centre", "title", "starts", "ends", "place", "capacity", "description")
NATIONAL = "national"
MAX_REPORTED_ERRORS = 20


async def parse_csv(
    text: str, config: Config, store: Store
) -> tuple[list[NewActivity], list[str]]:
    """Every row as an activity, or the list of 'line N: reason' errors."""
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ",;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in ("centre", "title", "starts") if c not in header]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if missing or unknown:
        problem = f"missing {missing}" if missing else f"unknown {unknown}"
        return [], [f"line 1: columns {problem}; expected {', '.join(CSV_COLUMNS)}"]
    reader.fieldnames = header
    items, errors = [], []
    for row in reader:
        values = {k: (v or "") for k, v in row.items() if k is not None}
        if None in row:
            errors.append(f"line {reader.line_num}: more fields than columns")
            continue
        try:
            items.append(await activity_from_row(values, config, store))
        except ValueError as exc:
            errors.append(f"line {reader.line_num}: {exc}")
    if not items and not errors:
        errors.append("line 2: no activities in the file")
    return items, errors


async def activity_from_row(row: dict[str, str], config: Config, store: Store) -> NewActivity:
    """Check one activity's fields (CSV row or command line) and build it."""
    slug = row.get("centre", "").strip()
    centre_id, timezone = None, config.bot.timezone
    if slug != NATIONAL:
        centre = await store.centres.by_slug(slug)
        if centre is None:
            raise ValueError(f"unknown centre {slug!r}")
        centre_id, timezone = centre.id, centre.timezone
    title = validate.clean_text(row.get("title", ""), "title", validate.TITLE_MAX, required=True)
    starts = validate.local_time(row.get("starts", ""), timezone)
    ends = None
    if row.get("ends", "").strip():
        ends = validate.local_time(row["ends"], timezone)
        if ends <= starts:
            raise ValueError("ends must be after starts")
    return NewActivity(
        centre_id=centre_id,
        title=title,
        starts_at=starts,
        ends_at=ends,
        place=validate.clean_text(row.get("place", ""), "place", validate.PLACE_MAX),
        capacity=validate.capacity(row.get("capacity", "")),
        description=validate.clean_text(
            row.get("description", ""), "description", validate.DESCRIPTION_MAX
        ),
    )
