"""Spreadsheets and charts for coordinators: CSV that Danish Excel opens right (UTF-8 with BOM,
';' between fields), and a PNG bar chart (matplotlib, loaded only when a chart is asked for)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import N_, Translator
from bot.store import Store
from bot.store.counts import ActivityCounts

ACTIVITY_COLUMNS = (
    N_("Date"),
    N_("Time"),
    N_("Centre"),
    N_("Activity"),
    N_("Place"),
    N_("Places"),
    # Point 14 of issue 11: each total says what it holds, so nobody adds a part of it twice.
    N_("Signed up in all"),
    N_("Waiting list"),
    N_("Of them without a phone"),
    N_("Came in all"),
    N_("Of them without signing up"),
)
MONTHLY_COLUMNS = (N_("Month"), N_("Centre"), N_("Different people with a place"))


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


def activities_csv(items: list[ActivityCounts], default_timezone: str, _: Translator) -> bytes:
    """One row per activity with its numbers."""
    national = _("National – for all centres")
    rows: list[list[object]] = []
    for item in items:
        a = item.activity
        local = datetime.fromtimestamp(a.starts_at, ZoneInfo(a.timezone or default_timezone))
        rows.append(
            [
                local.strftime("%Y-%m-%d"),
                local.strftime("%H:%M"),
                a.centre_name or national,
                a.title,
                a.place,
                "" if a.capacity is None else a.capacity,
                item.confirmed,
                item.waitlisted,
                item.guests,
                item.attended,
                item.walk_ins,
            ]
        )
    return _csv([_(c) for c in ACTIVITY_COLUMNS], rows)


def monthly_csv(items: list[tuple[str, str, int]], _: Translator) -> bytes:
    """Per month and centre: how many different people had a place. No names."""
    national = _("National – for all centres")
    rows: list[list[object]] = [[m, c or national, n] for m, c, n in items]
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
    return activities_csv(items, timezone, _), f"aktiviteter-{first}-{last}.csv"


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
