"""What the command-line modules share: the one-line error, the database, the clock, join
links, and files read or written (a missing folder is one line, not a traceback)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import NoReturn

from bot.config import Config, load_config
from bot.importing import MAX_REPORTED_ERRORS, read_text
from bot.store import Store
from bot.store.centres import Centre


class UsageError(Exception):
    """Bad input from the command line; the message is the one line shown."""


def with_db(args: argparse.Namespace, work: Callable[[Config, Store], Awaitable[None]]) -> None:
    """Load the config, open (and migrate) the database, run `work`, close it."""
    config = load_config(args.config, require_token=False)

    async def go() -> None:
        store = await Store.open(config.database.path)
        try:
            await work(config, store)
        finally:
            await store.close()

    asyncio.run(go())


def epoch_now() -> int:
    """Now, in seconds since the epoch."""
    return int(datetime.now().timestamp())


async def centre_named(store: Store, slug: str) -> Centre:
    """The centre with that slug, or the one-line error."""
    centre = await store.centres.by_slug(slug)
    if centre is None:
        raise UsageError(f"unknown centre {slug!r} (see: vaerested-bot centre list)")
    return centre


async def centre_id_of(store: Store, slug: str | None) -> int | None:
    """An optional --centre: its id, or None for every centre."""
    return None if not slug else (await centre_named(store, slug)).id


async def join_link(store: Store, slug: str) -> str:
    """A centre's join link (the bot's username once it has run)."""
    username = await store.setting("bot_username")
    return f"https://t.me/{username or '<bot-username>'}?start=c-{slug}"


def check_folder(path: Path) -> None:
    """Before any work: the folder of a file to write exists (one line, not a traceback)."""
    if not path.parent.is_dir():
        problem = "is not a folder" if path.parent.exists() else "does not exist: create it first"
        raise UsageError(f"folder {path.parent} {problem}")


def write_file(path: Path, data: bytes) -> None:
    """Write a file, or say in one line why it cannot be written."""
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None


def read_csv_file(path: Path) -> str:
    """A CSV file's text (UTF-8 or Windows-1252), or one line saying why not."""
    try:
        return read_text(path)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def refuse(path: Path, errors: list[str]) -> NoReturn:
    """Each bad line on its own line (at most MAX_REPORTED_ERRORS), then exit 2."""
    shown = errors[:MAX_REPORTED_ERRORS]
    more = len(errors) - len(shown)
    for error in shown[:-1]:
        print(f"{path}: {error}", file=sys.stderr)
    last = shown[-1] + (f" (and {more} more errors)" if more else "")
    raise UsageError(f"{path}: {last}; nothing was imported")
