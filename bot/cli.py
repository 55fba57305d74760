"""The `vaerested-bot` command: run the bot and administer centres and activities.

Every subcommand takes `--config PATH` after its name (default: $VAERESTED_CONFIG, then
./config.toml, then built-in defaults). Bad input exits non-zero with one line saying why.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import NoReturn

from bot import validate
from bot.cli_closures import add_closure_commands
from bot.cli_common import (
    UsageError,
    centre_id_of,
    centre_named,
    check_folder,
    epoch_now,
    join_link,
    read_csv_file,
    refuse,
    with_db,
    write_file,
)
from bot.cli_run import cmd_run, cmd_try
from bot.cli_series import add_arguments, add_commands, add_series
from bot.config import Config, ConfigError
from bot.demo import add_demo_data
from bot.importing import NATIONAL, check_activity, parse_centres, parse_csv, summary
from bot.store import DatabaseError, DuplicateError, Store
from bot.store.roles import RoleName


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the console script and of `python -m bot`."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):  # no command, or a group (`centre`) without its action
        getattr(args, "group", parser).print_help()
        sys.exit(2)
    try:
        args.handler(args)
    except (ConfigError, DatabaseError, UsageError) as exc:
        _fail(str(exc))


def _fail(message: str) -> NoReturn:
    print(f"vaerested-bot: error: {message}", file=sys.stderr)
    sys.exit(2)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vaerested-bot", description="Telegram bot for væresteder: run it and set it up."
    )
    sub = parser.add_subparsers(metavar="COMMAND")

    def command(
        parent: argparse._SubParsersAction,  # type: ignore[type-arg]
        name: str,
        help_text: str,
        handler: Callable[[argparse.Namespace], None] | None = None,
    ) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = parent.add_parser(name, help=help_text, description=help_text)
        if handler is not None:
            p.add_argument("--config", metavar="PATH", help="config file (default: see README)")
            p.set_defaults(handler=handler)
        else:
            p.set_defaults(group=p)
        return p

    command(sub, "run", "run the bot (long polling)", cmd_run)
    command(sub, "try", "try the bot in this terminal, without Telegram (demo data)", cmd_try)
    command(sub, "demo-data", "add a demo centre with a week of sample activities", cmd_demo)
    p = command(sub, "poster", "an A4 poster with a QR code of a join link", cmd_poster)
    p.add_argument("--centre", metavar="SLUG", required=True, help="the centre")
    p.add_argument("--activity", type=int, metavar="ID", help="one activity's poster instead")
    p.add_argument("--week", action="store_true", help="the week's programme (Monday–Sunday)")
    p.add_argument("--from", dest="first", metavar="YYYY-MM-DD", help="a day of that week")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.pdf|FILE.png")
    p = command(sub, "backup", "copy the database safely, also while the bot runs", cmd_backup)
    p.add_argument("path", type=Path, metavar="PATH", help="the new file")

    centre = command(sub, "centre", "add, import or list centres").add_subparsers(metavar="ACTION")
    p = command(centre, "add", "add a centre and print its join link", cmd_centre_add)
    p.add_argument("--slug", required=True, help="short name for links, e.g. parasollen")
    p.add_argument("--name", required=True, help="the name people know, e.g. 'Café Parasollen'")
    p.add_argument("--city", default="", help="town or city")
    command(centre, "list", "list centres with their join links", cmd_centre_list)
    p = command(centre, "import", "add centres from CSV, all or nothing", cmd_centre_import)
    p.add_argument("file", metavar="FILE.csv", type=Path, help="columns slug,name,city,timezone")

    activity = command(sub, "activity", "add, import or list activities").add_subparsers(
        metavar="ACTION"
    )
    p = command(activity, "add", "add one activity", cmd_activity_add)
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--centre", metavar="SLUG", help="the centre it belongs to")
    where.add_argument("--national", action="store_true", help="a national activity")
    p.add_argument("--title", required=True)
    when = f"local time, like {validate.DATE_FORMS}"
    p.add_argument("--starts", required=True, metavar="'YYYY-MM-DD HH:MM'", help=when)
    p.add_argument("--ends", metavar="'YYYY-MM-DD HH:MM'", help=when)
    p.add_argument("--place", default="")
    p.add_argument("--capacity", help="number of places (leave out for no limit)")
    p.add_argument("--description", default="")
    add_arguments(p)
    p = command(activity, "import", "import activities from CSV, all or nothing", cmd_import)
    p.add_argument("file", metavar="FILE.csv", type=Path)
    p = command(activity, "list", "list upcoming activities", cmd_activity_list)
    p.add_argument("--centre", metavar="SLUG")

    p = command(sub, "export", "write a CSV of activities (or people per month)", cmd_export)
    scope = p.add_mutually_exclusive_group(required=True)
    scope.add_argument("--centre", metavar="SLUG", help="one centre")
    scope.add_argument("--national", action="store_true", help="every centre and national")
    p.add_argument("--from", dest="first", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="last", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--out", required=True, type=Path, metavar="FILE.csv")
    p.add_argument(
        "--monthly",
        action="store_true",
        help="different people per month and centre instead (no names)",
    )

    role = command(sub, "role", "grant or revoke roles; list or withdraw staff invitations")
    actions = role.add_subparsers(metavar="ACTION")
    for name, handler in (("grant", cmd_role_grant), ("revoke", cmd_role_revoke)):
        p = command(actions, name, f"{name} a role", handler)
        p.add_argument("--user", type=int, required=True, help="Telegram user id")
        p.add_argument("--role", choices=[r.value for r in RoleName], required=True)
        p.add_argument("--centre", metavar="SLUG", help="leave out for a national role")
    p = command(
        actions,
        "invitations",
        "list open staff invitation links (unused, unexpired), or withdraw one",
        cmd_role_invitations,
    )
    p.add_argument(
        "--withdraw",
        metavar="TOKEN",
        help="withdraw this link (its token, or the whole link); write --withdraw=TOKEN"
        " if it starts with '-'",
    )
    add_closure_commands(sub, command)
    add_commands(sub, command)
    return parser


def cmd_poster(args: argparse.Namespace) -> None:
    from bot.i18n import translator
    from bot.media import poster

    kind = args.out.suffix.lower().lstrip(".")
    if kind not in ("pdf", "png"):
        raise UsageError("--out must end in .pdf or .png")
    if args.week and args.activity is not None or args.first and not args.week:
        raise UsageError("--from goes with --week, and --week not with --activity")
    check_folder(args.out)

    async def work(config: Config, store: Store) -> None:
        centre = await centre_named(store, args.centre)
        username = await store.setting("bot_username")
        if username is None:
            raise UsageError("the bot's username is not known yet: run the bot once first")
        heading, payload = centre.name, f"c-{centre.slug}"
        if args.activity is not None:
            activity = await store.activities.get(args.activity)
            if activity is None or activity.centre_id != centre.id:
                raise UsageError(f"no activity {args.activity} at {args.centre}")
            heading, payload = activity.title, f"a-{activity.id}"
        _ = translator(config.bot.default_locale)
        link = f"https://t.me/{username}?start={payload}"
        if args.week:
            from bot.week_poster import write_week

            print(await write_week(store, centre, args.first, link, _, args.out))
            return
        write_file(args.out, poster(heading, _("Scan and see what's on"), link, kind))
        print(f"Wrote the poster for {link} to {args.out}")

    with_db(args, work)


def cmd_backup(args: argparse.Namespace) -> None:
    check_folder(args.path)

    async def work(config: Config, store: Store) -> None:
        try:
            await store.backup(args.path)
        except (OSError, sqlite3.Error) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else exc
            raise UsageError(f"cannot write {args.path}: {reason}") from None
        print(
            f"Backed up {config.database.path} to {args.path} ({args.path.stat().st_size} bytes)"
        )

    with_db(args, work)


def cmd_centre_add(args: argparse.Namespace) -> None:
    try:
        slug = validate.slug(args.slug)
        name = validate.clean_text(args.name, "name", validate.NAME_MAX, required=True)
        city = validate.clean_text(args.city, "city", validate.NAME_MAX)
    except ValueError as exc:
        raise UsageError(str(exc)) from None

    async def work(config: Config, store: Store) -> None:
        try:
            await store.centres.add(slug, name, city, config.bot.timezone)
        except DuplicateError:
            raise UsageError(f"a centre with slug {slug!r} exists already") from None
        print(f"Added centre {slug}: {name}")
        print(f"Join link (for the QR poster): {await join_link(store, slug)}")
        if await store.setting("bot_username") is None:
            print("(Run the bot once; then `vaerested-bot centre list` shows the full link.)")

    with_db(args, work)


def cmd_centre_list(args: argparse.Namespace) -> None:
    async def work(config: Config, store: Store) -> None:
        centres = await store.centres.all()
        if not centres:
            print("No centres yet. Add one with: vaerested-bot centre add --slug S --name N")
        for c in centres:
            city = f" ({c.city})" if c.city else ""
            print(f"{c.slug}\t{c.name}{city}\t{await join_link(store, c.slug)}")

    with_db(args, work)


def cmd_activity_add(args: argparse.Namespace) -> None:
    row = {
        "centre": NATIONAL if args.national else args.centre,
        "title": args.title,
        "starts": args.starts,
        "ends": args.ends or "",
        "place": args.place,
        "capacity": args.capacity or "",
        "description": args.description,
        "repeat": args.every or "",
        "until": args.until or "",
    }
    if args.until and not args.every:
        raise UsageError("--until is for a series: add --every week or --every 2weeks")

    async def work(config: Config, store: Store) -> None:
        if args.every:
            return await add_series(row, config, store)
        try:
            new, copy = await check_activity(row, config, store, epoch_now())
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        if copy is not None:  # run twice by mistake: refuse, so the admin knows nothing was added
            raise UsageError(
                f"activity {copy} has the same centre, title and start already; nothing was added"
            )
        (activity_id,) = await store.activities.add([new], epoch_now())
        print(f"Added activity {activity_id}: {new.title}")

    with_db(args, work)


def cmd_import(args: argparse.Namespace) -> None:
    text = read_csv_file(args.file)

    async def work(config: Config, store: Store) -> None:
        sheet = await parse_csv(text, config, store, epoch_now())
        if sheet.errors:
            refuse(args.file, sheet.errors)
        ids = await store.activities.add(sheet.items, epoch_now())
        made = await store.series.create_many(
            sheet.series, epoch_now(), config.programme.weeks_ahead
        )
        print(summary(sheet, len(ids) + len(made), ("activity", "activities"), args.file))
        if made:
            dates = sum(len(d) for _, d in made)
            print(f"{len(made)} of them repeat (series): made {dates} dates for now")

    with_db(args, work)


def cmd_centre_import(args: argparse.Namespace) -> None:
    text = read_csv_file(args.file)

    async def work(config: Config, store: Store) -> None:
        sheet = await parse_centres(text, config, store)
        if sheet.errors:
            refuse(args.file, sheet.errors)
        try:
            added = await store.centres.add_many(sheet.items)
        except DuplicateError as exc:  # added meanwhile by someone else
            raise UsageError(f"a centre with slug {exc} exists already; nothing was imported")
        for c in added:
            print(f"{c.slug}\t{c.name}\t{await join_link(store, c.slug)}")
        print(summary(sheet, len(added), ("centre", "centres"), args.file))
        if added and await store.setting("bot_username") is None:
            print("(Run the bot once; then `vaerested-bot centre list` shows the full links.)")

    with_db(args, work)


async def _role_target(store: Store, args: argparse.Namespace) -> tuple[RoleName, int | None]:
    role = RoleName(args.role)
    if args.centre is None:
        return role, None
    return role, (await centre_named(store, args.centre)).id


def cmd_role_grant(args: argparse.Namespace) -> None:
    async def work(config: Config, store: Store) -> None:
        role, centre_id = await _role_target(store, args)
        if role is RoleName.STAFF and centre_id is None:
            raise UsageError("staff belong to a centre: add --centre SLUG")
        where = args.centre or "national"
        if await store.roles.grant(args.user, role, centre_id, epoch_now()):
            print(f"User {args.user} is now {role.value} ({where})")
        else:
            print(f"User {args.user} was {role.value} ({where}) already")

    with_db(args, work)


def cmd_role_revoke(args: argparse.Namespace) -> None:
    async def work(config: Config, store: Store) -> None:
        role, centre_id = await _role_target(store, args)
        where = args.centre or "national"
        if not await store.roles.revoke(args.user, role, centre_id):
            raise UsageError(f"user {args.user} is not {role.value} ({where})")
        print(f"User {args.user} is no longer {role.value} ({where})")

    with_db(args, work)


def cmd_role_invitations(args: argparse.Namespace) -> None:
    async def work(config: Config, store: Store) -> None:
        now = epoch_now()
        if args.withdraw is not None:
            token = args.withdraw.split("?start=s-")[-1]  # the token, or the whole link
            by_token = {i.token: i for i in await store.roles.open_invitations(now)}
            if token not in by_token or not await store.roles.withdraw_invitation(token, now):
                raise UsageError(
                    f"no open invitation {args.withdraw!r} (unknown, used, expired or withdrawn)"
                )
            slug = by_token[token].centre.slug
            print(f"Withdrew the invitation to {slug}; the link no longer works")
            return
        links = await store.roles.open_invitations(now)
        if not links:
            print("No open invitations.")
        for i in links:
            expires = datetime.fromtimestamp(i.expires_at, config.bot.tz).strftime(
                "%Y-%m-%d %H:%M"
            )
            maker = "erased" if i.created_by is None else str(i.created_by)
            works = await store.roles.invitation_maker_is_admin(i.token, config.bot.admins)
            note = "" if works else "\t[does not work: its maker is no admin now]"
            print(f"{i.token}\t{i.centre.slug}\texpires {expires}\tmade by {maker}{note}")

    with_db(args, work)


def cmd_export(args: argparse.Namespace) -> None:
    from bot.export import export_file  # matplotlib and friends load only when needed
    from bot.i18n import translator

    try:
        first, last = date.fromisoformat(args.first), date.fromisoformat(args.last)
    except ValueError:
        raise UsageError("--from and --to must be dates like 2026-12-31") from None
    if last < first:
        raise UsageError("--to is before --from")
    check_folder(args.out)

    async def work(config: Config, store: Store) -> None:
        centre_id = await centre_id_of(store, args.centre)
        scope = None if centre_id is None else [centre_id]
        _ = translator(config.bot.default_locale)
        data, _name = await export_file(
            store, scope, args.monthly, first, last, config.bot.timezone, _
        )
        write_file(args.out, data)
        rows = data.count(b"\n") - 1
        print(f"Wrote {rows} rows to {args.out}")

    with_db(args, work)


def cmd_activity_list(args: argparse.Namespace) -> None:
    async def work(config: Config, store: Store) -> None:
        centre_id = await centre_id_of(store, args.centre)
        rows = await store.activities.all(centre_id, since=epoch_now())
        if not rows:
            print("No upcoming activities.")
        in_series = await store.series.date_ids(centre_id, epoch_now())
        shown: set[int] = set()
        for a, confirmed in rows:
            series_id = in_series.get(a.id)
            if series_id is not None and (series_id in shown or a.status != "scheduled"):
                continue  # a series shows its next date only: `series list` has the rest
            when = datetime.fromtimestamp(a.starts_at, config.bot.tz).strftime("%Y-%m-%d %H:%M")
            places = f"{confirmed}/{a.capacity}" if a.capacity is not None else f"{confirmed}/-"
            status = "" if a.status == "scheduled" else f" [{a.status}]"
            centre_name = a.centre_name or NATIONAL
            repeat = ""
            if series_id is not None:
                shown.add(series_id)
                repeat = f"\t[series {series_id}: next date]"
            print(f"{a.id}\t{when}\t{centre_name}\t{a.title}\t{places}{status}{repeat}")

    with_db(args, work)


def cmd_demo(args: argparse.Namespace) -> None:
    async def work(config: Config, store: Store) -> None:
        added = await add_demo_data(config, store)
        if not added:
            print("The demo centre has upcoming activities already; nothing added.")
            return
        print(f"Added the demo centre 'demo' with {added} activities")
        print(f"Join link: {await join_link(store, 'demo')}")

    with_db(args, work)
