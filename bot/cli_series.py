"""The command line for series (weekly activities): `activity add … --every week|2weeks
[--until YYYY-MM-DD]`, `series list [--centre S]` and `series end ID [--from YYYY-MM-DD]`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from bot.cli_common import UsageError, centre_id_of, epoch_now, with_db
from bot.config import Config
from bot.importing import check_series
from bot.store import Store
from bot.store.series import EVERY, Series

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def add_arguments(activity_add: argparse.ArgumentParser) -> None:
    """`--every` and `--until` on `activity add`."""
    activity_add.add_argument(
        "--every",
        choices=sorted(EVERY),
        help="repeat every week or every other week from --starts",
    )
    activity_add.add_argument(
        "--until",
        metavar="YYYY-MM-DD",
        help="its last possible date (default: until further notice)",
    )


def add_commands(sub: Any, command: Callable[..., argparse.ArgumentParser]) -> None:
    """The `series` group: list and end."""
    group = command(sub, "series", "list or end weekly activities (series)")
    actions = group.add_subparsers(metavar="ACTION")
    p = command(actions, "list", "list series with their next date", cmd_series_list)
    p.add_argument("--centre", metavar="SLUG")
    p = command(
        actions, "end", "end a series: its dates from then on are cancelled", cmd_series_end
    )
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument(
        "--from",
        dest="first",
        metavar="YYYY-MM-DD",
        help="the first date to cancel (default: today)",
    )


async def add_series(row: dict[str, str], config: Config, store: Store) -> None:
    """`activity add … --every`: make the series and its dates on the window ahead."""
    row = {**row, "repeat": row.get("repeat", "")}
    try:
        new, copy = await check_series(row, config, store, epoch_now())
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if copy is not None:
        raise UsageError(
            f"series {copy} has the same centre, title, first date and time; nothing was added"
        )
    series_id, ids = await store.series.create(new, epoch_now(), config.programme.weeks_ahead)
    print(f"Added series {series_id}: {new.title}, {describe_every(new.every_weeks)}")
    print(
        f"Made {len(ids)} dates up to {config.programme.weeks_ahead} weeks ahead; more come daily"
    )


def describe_every(every_weeks: int) -> str:
    return "every week" if every_weeks == 1 else "every other week"


def describe(s: Series, config: Config) -> str:
    """One line of `series list`: id, centre, day and time, how often, till when, next date."""
    span = f"from {s.first_date}"
    span += f" until {s.until_date}" if s.until_date else " until further notice"
    if s.ended_at is not None:
        span += " [ended]"
    nxt = "next: none"
    if s.next_starts_at is not None:
        when = datetime.fromtimestamp(s.next_starts_at, config.bot.tz).strftime("%Y-%m-%d %H:%M")
        nxt = f"next: {when} (activity {s.next_id})"
    day = f"{WEEKDAYS[s.weekday]} {s.local_time}"
    every = describe_every(s.every_weeks)
    return f"{s.id}\t{s.centre_name}\t{s.title}\t{day}\t{every}\t{span}\t{nxt}"


def cmd_series_list(args: argparse.Namespace) -> None:
    async def work(config: Config, store: Store) -> None:
        centre_id = await centre_id_of(store, args.centre)
        found = await store.series.all(centre_id, epoch_now())
        if not found:
            print("No series. Make one with: vaerested-bot activity add … --every week")
        for s in found:
            print(describe(s, config))

    with_db(args, work)


def cmd_series_end(args: argparse.Namespace) -> None:
    async def work(config: Config, store: Store) -> None:
        now = epoch_now()
        series = await store.series.get(args.id, now)
        if series is None:
            raise UsageError(f"no series {args.id}")
        today = datetime.fromtimestamp(now, config.bot.tz).date()
        try:
            first = date.fromisoformat(args.first) if args.first else today
        except ValueError:
            raise UsageError("--from must be a date like 2026-12-31") from None
        if first < today:
            raise UsageError("--from has passed: past dates cannot be cancelled")
        cancelled = await store.series.end(args.id, first, now)
        if cancelled is None:
            raise UsageError(f"series {args.id} has ended already")
        print(
            f"Ended series {args.id} ({series.title}) from {first}: cancelled"
            f" {len(cancelled)} dates; the running bot tells the people signed up"
        )

    with_db(args, work)
