"""Spreadsheets and charts for coordinators: CSV that Danish Excel opens right (UTF-8 with BOM,
';' between fields), and a PNG bar chart (matplotlib, loaded only when a chart is asked for)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import N_, Translator
from bot.store import Store
from bot.store.counts import ActivityCounts, CentreCounts

# A row per activity and centre: a centre's activity has one row; a national activity one row
# per centre its people count for (their first centre; a walk-in: the centre that counted them),
# and its places on its first row only. Every column adds up without counting anyone twice.
ACTIVITY_COLUMNS = (
    N_("Date"),
    N_("Time"),
    N_("Centre"),  # whose people the row counts
    N_("Activity"),
    N_("Held by"),  # the centre, or "For hele landet"
    N_("Place"),
    N_("Places"),
    # The card's and /tal's words. "Heraf" columns are part of the column before them.
    N_("Signed up"),
    N_("Of them without a phone"),
    N_("Waiting list"),
    N_("Came"),
    N_("Of them without signing up"),
)
MONTHLY_COLUMNS = (N_("Month"), N_("Centre"), N_("Different people"))


def _cell(value: object) -> object:
    """Text that Excel would run as a formula (=, +, -, @) is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _csv(header: list[str], rows: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def activities_csv(
    items: list[ActivityCounts],
    per_centre: dict[int, list[CentreCounts]],
    default_timezone: str,
    _: Translator,
) -> bytes:
    """One row per centre's activity, and per centre at a national activity, with its numbers."""
    national, nobody = _("National – for all centres"), _("No centre")
    rows: list[list[object]] = []
    for item in items:
        a = item.activity
        local = datetime.fromtimestamp(a.starts_at, ZoneInfo(a.timezone or default_timezone))
        first = [local.strftime("%Y-%m-%d"), local.strftime("%H:%M")]
        places = "" if a.capacity is None else a.capacity
        if a.centre_id is not None:
            figures = [item.confirmed, item.guests, item.waitlisted, item.attended, item.walk_ins]
            rows.append([*first, a.centre_name, a.title, a.centre_name, a.place, places, *figures])
            continue
        centres = per_centre.get(a.id) or [CentreCounts("", 0, 0, 0, 0, 0)]  # nobody yet
        for number, c in enumerate(centres):
            figures = [c.confirmed, c.guests, c.waitlisted, c.attended, c.walk_ins]
            name = nobody if c.centre is None else c.centre
            here = places if number == 0 else ""  # the places once: a sum counts them once
            rows.append([*first, name, a.title, national, a.place, here, *figures])
    return _csv([_(c) for c in ACTIVITY_COLUMNS], rows)


def monthly_csv(items: list[tuple[str, str | None, int]], _: Translator) -> bytes:
    """Per month and centre: how many different people had a place. No names. At a national
    activity people count for their own centre."""
    nobody = _("No centre")
    rows: list[list[object]] = [[m, nobody if c is None else c, n] for m, c, n in items]
    return _csv([_(c) for c in MONTHLY_COLUMNS], rows)


async def export_file(
    store: Store,
    scope: list[int] | None,
    monthly: bool,
    first: date,
    last: date,
    timezone: str,
    _: Translator,
) -> tuple[bytes, str]:
    """The CSV of the days first…last (local), and a file name for it."""
    tz = ZoneInfo(timezone)
    since = int(datetime(first.year, first.month, first.day, tzinfo=tz).timestamp())
    end = last + timedelta(days=1)
    until = int(datetime(end.year, end.month, end.day, tzinfo=tz).timestamp())
    if monthly:
        rows = await store.counts.export_monthly(scope, since, until, timezone)
        return monthly_csv(rows, _), f"deltagere-{first}-{last}.csv"
    items = await store.counts.export_activities(scope, since, until)
    national = [i.activity.id for i in items if i.activity.centre_id is None]
    per_centre = await store.counts.by_centre(national) if national else {}
    return activities_csv(items, per_centre, timezone, _), f"aktiviteter-{first}-{last}.csv"


def weekly_chart(labels: list[str], signups: list[int], came: list[int], _: Translator) -> bytes:
    """A PNG bar chart: sign-ups and attendance per week."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import MaxNLocator

    figure, axes = plt.subplots(figsize=(8, 4.5), dpi=100)
    x = list(range(len(labels)))
    width = 0.4
    axes.bar([i - width / 2 for i in x], signups, width, label=_("Signed up"), color="#2b7bb9")
    axes.bar([i + width / 2 for i in x], came, width, label=_("Came"), color="#f29e38")
    axes.set_xticks(x, labels, rotation=45, ha="right", fontsize=8)
    axes.set_title(_("Sign-ups and attendance per week"))
    axes.set_ylabel(_("People"))
    axes.legend()
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    plt.close(figure)
    return out.getvalue()
