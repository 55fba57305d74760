"""`vaerested-bot closure add|list|remove`: closed days of a centre (Christmas, a staff day).
Adding one cancels every date of the centre's activities in the period, and each person
signed up is told once (by the running bot's dispatcher); removing one lets series make
dates there again (single activities stay cancelled)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot import validate
from bot.cli_common import UsageError, epoch_now, with_db
from bot.config import Config
from bot.reminders import ReminderPolicy
from bot.store import Store
from bot.store.centres import Centre
from bot.store.closures import Closure

Command = Callable[..., argparse.ArgumentParser]


def add_closure_commands(sub: argparse._SubParsersAction, command: Command) -> None:  # type: ignore[type-arg]
    """Register `closure add|list|remove` under the top-level parser."""
    closure = command(sub, "closure", "close a centre for some days; list or remove closures")
    actions = closure.add_subparsers(metavar="ACTION")
    p = command(actions, "add", "close a centre: cancel every date in the period", cmd_add)
    p.add_argument("--centre", metavar="SLUG", required=True)
    p.add_argument("--from", dest="first", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="last", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--reason", default="", help="a short word to the users, e.g. 'Juleferie'")
    p = command(actions, "list", "list closures in force", cmd_list)
    p.add_argument("--centre", metavar="SLUG")
    p = command(actions, "remove", "remove a closure (series make dates there again)", cmd_remove)
    p.add_argument("id", type=int, metavar="ID")


def _day(value: str, what: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{what} {value!r} is not a date like 2026-12-24") from None


async def _centre(store: Store, slug: str) -> Centre:
    centre = await store.centres.by_slug(slug)
    if centre is None:
        raise UsageError(f"no centre with slug {slug!r} (see: vaerested-bot centre list)")
    return centre


def _check(first: date, last: date, today: date) -> None:
    if last < first:
        raise UsageError(f"--to {last} is before --from {first}")
    if last < today:
        raise UsageError(f"the period {first} to {last} is over already")
    if last > today + timedelta(days=validate.AHEAD_MAX_DAYS):
        raise UsageError(f"--to {last} is more than a year ahead")


def _line(c: Closure) -> str:
    reason = f"\t{c.reason}" if c.reason else ""
    return f"{c.id}\t{c.centre_name}\t{c.first} to {c.last}\t{c.cancelled} dates cancelled{reason}"


def cmd_add(args: argparse.Namespace) -> None:
    first, last = _day(args.first, "--from"), _day(args.last, "--to")
    try:
        reason = validate.clean_text(args.reason, "reason", 200)
    except ValueError as exc:
        raise UsageError(str(exc)) from None

    async def work(config: Config, store: Store) -> None:
        centre = await _centre(store, args.centre)
        now = epoch_now()
        _check(first, last, datetime.fromtimestamp(now, ZoneInfo(centre.timezone)).date())
        closure, done = await store.closures.add(centre.id, first, last, reason, now)
        print(
            f"closure {closure.id}: {centre.name} closed {first} to {last};"
            f" {done.dates} dates cancelled, {done.people} people will be told"
        )

    with_db(args, work)


def cmd_list(args: argparse.Namespace) -> None:
    async def work(config: Config, store: Store) -> None:
        centre_id = (await _centre(store, args.centre)).id if args.centre else None
        closures = await store.closures.in_force(centre_id)
        if not closures:
            print("No closures.")
        for c in closures:
            print(_line(c))

    with_db(args, work)


def cmd_remove(args: argparse.Namespace) -> None:
    async def work(config: Config, store: Store) -> None:
        planner = ReminderPolicy.from_config(config)
        share = config.programme.fixed_share
        closure = await store.closures.remove(args.id, epoch_now(), planner, share)
        if closure is None:
            raise UsageError(f"no closure {args.id} (see: vaerested-bot closure list)")
        print(
            f"closure {closure.id} removed: {closure.centre_name} is open {closure.first} to"
            f" {closure.last} again; weekly dates come back, single activities stay cancelled"
        )

    with_db(args, work)
