"""The bot token never shows: one way to mask it, used in messages and in every log record.

A token is `<bot id>:<secret>`; whoever has the secret controls the bot. PTB puts the token in
request URLs (logged by httpx and httpcore) and in `InvalidToken`'s message, so `run` masks it
in every log record as the record is made, whatever logger, level or handler.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

_hidden: list[str] = []  # tokens masked in every log record from now on


def mask(token: str) -> str:
    """'1234…:…xyz': the first 4 characters of the bot id and the last 3 of the secret."""
    bot_id, colon, secret = token.partition(":")
    if not colon or not bot_id.isdigit():  # not token-shaped: all of it may be secret
        bot_id, secret = "", token
    tail = secret[-3:] if len(secret) >= 12 else ""  # a short secret shows nothing
    return f"{bot_id[:4]}…:…{tail}"


def redact(text: str, token: str) -> str:
    """`text` with the token, and its secret part alone (as in an encoded URL), masked."""
    if not token:
        return text
    secret = token.partition(":")[2] or token
    return text.replace(token, mask(token)).replace(secret, mask(token))


def hide_in_logs(token: str) -> None:
    """From now on no log record carries the token: each one's message, arguments and
    traceback are rendered and masked when the record is made."""
    if not token or token in _hidden:
        return
    if not _hidden:
        logging.setLogRecordFactory(_masking(logging.getLogRecordFactory()))
    _hidden.append(token)


def _masking(make: Any) -> Any:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = make(*args, **kwargs)
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 -- a record factory must never raise at the caller
            # Bad arguments: logging would print them, token and all, with its own error.
            text = _unformattable(record)
            record.msg, record.args = text, None
        trace = record.exc_text or ""
        if record.exc_info and record.exc_info[0] is not None:
            trace = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        for token in _hidden:
            if redact(text, token) != text:
                text = redact(text, token)
                record.msg, record.args = text, None
            if redact(trace, token) != trace:
                trace = redact(trace, token)
                # Formatters print exc_text as it is; without exc_info none renders the raw one.
                record.exc_info, record.exc_text = None, trace
            if record.stack_info:
                record.stack_info = redact(record.stack_info, token)
        return record

    return factory


def _unformattable(record: logging.LogRecord) -> str:
    try:
        return f"{record.msg} {record.args!r}"
    except Exception:  # noqa: BLE001 -- as above
        return "(a log message that could not be formatted)"
