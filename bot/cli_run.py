"""`vaerested-bot run` (the bot itself, with a clear line for a refused token) and
`vaerested-bot try` (the real bot against a fake Telegram in the terminal)."""

from __future__ import annotations

import argparse
import asyncio
import logging

from bot.cli_common import UsageError
from bot.config import TOKEN_ENV, Config, load_config
from bot.secret import hide_in_logs, mask, redact


def cmd_run(args: argparse.Namespace) -> None:
    """Run the bot until Ctrl-C or SIGTERM."""
    from bot.app import ALLOWED_UPDATES, build_application  # PTB loads only when needed

    config = load_config(args.config)
    token = config.telegram.token
    hide_in_logs(token)  # before anything can log a request URL or PTB's InvalidToken
    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO
    )
    from telegram.error import TelegramError

    app = build_application(config)
    try:
        # PTB's start-up would log a whole traceback (with the token) for a refused token.
        asyncio.run(_check_token(config))
        app.run_polling(allowed_updates=ALLOWED_UPDATES)
    except TelegramError as exc:
        raise UsageError(redact(_telegram_problem(config, exc), token)) from None


async def _check_token(config: Config) -> None:
    """Ask the Bot API who we are (getMe), as PTB's start-up will; its errors propagate."""
    from telegram import Bot

    bot = Bot(
        config.telegram.token,
        base_url=config.telegram.base_url,
        base_file_url=config.telegram.base_file_url,
    )
    async with bot:  # initialize() calls getMe
        pass


def _telegram_problem(config: Config, exc: Exception) -> str:
    """The one line for a Bot API that refuses the token, cannot be reached, or fails."""
    from telegram.error import InvalidToken, NetworkError

    url = config.telegram.base_url
    if isinstance(exc, InvalidToken):
        where = "" if url.startswith("https://api.telegram.org/") else " and [telegram] base_url"
        return (
            f"the Bot API refused the token {mask(config.telegram.token)}"
            f" — check {TOKEN_ENV} or [telegram] token{where}"
        )
    if isinstance(exc, NetworkError):
        return f"cannot reach the Bot API at {url}: {exc}"
    return f"the Bot API at {url} failed: {exc}"


def cmd_try(args: argparse.Namespace) -> None:
    """The real bot against an in-process fake Telegram, in the terminal."""
    from bot.try_mode import run

    logging.basicConfig(format="%(levelname)s %(name)s: %(message)s", level=logging.WARNING)
    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass
