"""Privacy: see everything the bot holds about you, and erase it; the one-time notice.

Who: everyone. Entry: /mine_data (/my_data), /slet_mig (/delete_me) with one confirming tap;
the notice after the first /start. Also the daily retention run (people not seen for
`[privacy] forget_after`, announcements older than 90 days). Writes: user (erasure).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from telegram import InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.callbacks import Action, Route
from bot.context import BotContext, Services
from bot.i18n import N_
from bot.store.activities import Activity
from dialogs.browse import show_stale, when
from dialogs.common import Screen, button, esc, keyboard, language_name, send, show, tapped

logger = logging.getLogger(__name__)

ANNOUNCEMENTS_KEPT_S = 90 * 86400
LINE_KEPT_S = 7 * 86400  # messages to staff: long enough to answer
GUEST_NAMES_KEPT_S = 30 * 86400  # names of people signed up at the counter, after the start
STATUS = {
    "confirmed": N_("signed up"),
    "waitlisted": N_("on the waiting list"),
    "cancelled": N_("cancelled"),
}


def notice_text(context: BotContext) -> str:
    """The privacy notice, shown with the welcome at a person's first /start."""
    return context._(
        "🔒 We keep only your first name, your language and what you sign up for – never your"
        " phone number. A message you write to the staff is deleted after 7 days. See it all"
        " with /mine_data, erase it with /slet_mig."
    )


SHOWN_SIGNUPS = 10  # the message lists this many (upcoming first); the file has them all
SHOWN_MESSAGES = 3
QUOTE_MAX = 60


def _status(activity: Activity, status: str, came: bool) -> str:
    if came:
        return N_("you came")
    if activity.status == "cancelled" and status != "cancelled":
        return N_("the activity was cancelled")
    return STATUS.get(status, status)


def _quote(text: str) -> str:
    return esc(text if len(text) <= QUOTE_MAX else text[: QUOTE_MAX - 1].rstrip() + "…")


def _message_line(context: BotContext, message: dict[str, Any]) -> str:
    quoted = f"«{_quote(message['text'])}»" if message["text"] else ""
    if message["voice_message"]:
        quoted = (context._("🎤 voice message") + " " + quoted).strip()
    return "   – " + quoted


def _signup_lines(context: BotContext, signups: list[Any]) -> list[str]:
    """Up to SHOWN_SIGNUPS sign-ups: those still ahead (soonest first), then the earlier ones
    (latest first), each under its own heading, and how many more are in the file."""
    _, now = context._, context.now()
    ahead = [s for s in signups if s[0].starts_at > now][:SHOWN_SIGNUPS]
    past = [s for s in reversed(signups) if s[0].starts_at <= now][: SHOWN_SIGNUPS - len(ahead)]
    lines = []
    for heading, group in ((N_("• Sign-ups ahead:"), ahead), (N_("• Earlier sign-ups:"), past)):
        if group:
            lines.append(_(heading))
        for activity, status, came, _at in group:
            line = f"{esc(activity.title)}, {esc(when(context, activity))}: "
            lines.append("   – " + line + _(_status(activity, status, came)))
    more = len(signups) - len(ahead) - len(past)
    if more:
        lines.append("   " + _("… and {n} more – all are in the file.", n=more))
    return lines


def _staff_lines(context: BotContext, data: dict[str, Any]) -> list[str]:
    _ = context._
    lines = []
    if data["roles"]:
        roles = ", ".join(
            f"{r['role']} ({esc(r['centre'] or _('national'))})" for r in data["roles"]
        )
        lines.append(_("• Roles: {roles}", roles=roles))
    counts = [
        ("fixed_places", N_("• Fixed places: {n}")),
        ("activities_created", N_("• Activities you created: {n}")),
        ("series_created", N_("• Weekly activities you created: {n}")),
        ("attendance_ticked", N_("• Activities where you ticked who came: {n}")),
        ("announcements_written", N_("• Announcements you wrote: {n}")),
        ("invitations_made", N_("• Invitation links you made: {n}")),
        ("invitations_used", N_("• Invitation links you used: {n}")),
        ("answers_written", N_("• Messages from users you answered: {n}")),
        ("care_marks_made", N_("• People you marked as talked to or not now: {n}")),
    ]
    lines += [_(text, n=len(data[key])) for key, text in counts if data[key]]
    return lines


async def cmd_my_data(update: Update, context: BotContext) -> None:
    assert context.user is not None
    _ = context._
    data = await context.store.privacy.personal_data(context.user.id)
    if data is None:  # pragma: no cover - the middleware has just stored the person
        return
    centres = ", ".join(esc(c["name"]) for c in data["centres"]) or _("none")
    lines = [
        "<b>" + _("This is what we know about you") + "</b>",
        "",
        _("• Your Telegram id: {id}", id=data["telegram_id"]),
        _("• Your first name: {name}", name=esc(data["first_name"])),
        _("• Language: {language}", language=language_name(data["language"])),
        _("• Centres: {centres}", centres=centres),
        _("• Reminders: on") if data["reminders"] else _("• Reminders: off"),
    ]
    if data["care_consents"]:
        may_write = ", ".join(esc(c["centre"]) for c in data["care_consents"])
        lines.append(_("• Centres that may write to you: {centres}", centres=may_write))
    if data["signups"]:
        lines += _signup_lines(context, data["signups"])
    planned = sum(
        n["state"] == "pending" and n["due_at"] > context.now() for n in data["notifications"]
    )
    sent = sum(n["state"] == "sent" for n in data["notifications"])
    if planned:
        lines.append(_("• Reminders we will send you: {n}", n=planned))
    if sent:
        lines.append(_("• Reminders and news we have sent you: {n}", n=sent))
    if data["messages"]:
        lines.append(
            _("• Messages to the staff (deleted after 7 days): {n}", n=len(data["messages"]))
        )
        lines += [_message_line(context, m) for m in data["messages"][-SHOWN_MESSAGES:]]
    if data["announcements"]:
        lines.append(
            _(
                "• Messages from your centres (deleted after 90 days): {n}",
                n=len(data["announcements"]),
            )
        )
    if data["draft"]:
        lines.append(_("• Something you had started but not finished (deleted after a day)"))
    lines += _staff_lines(context, data)
    lines += [
        "",
        _("Everything is in the file below."),
        _("We never store your phone number. Messages to the staff are deleted after 7 days."),
        _("To erase all of it: /slet_mig"),
    ]
    await send(update, context, Screen("\n".join(lines)))
    export = dict(
        data,
        signups=[
            {
                "activity": a.title,
                "centre": a.centre_name,
                "starts": _iso(a.starts_at),
                "status": "activity cancelled" if a.status == "cancelled" else s,
                "came": came,
                "signed_up": _iso(at),
            }
            for a, s, came, at in data["signups"]
        ],
    )
    assert update.effective_chat is not None
    document = InputFile(
        json.dumps(_readable(export), ensure_ascii=False, indent=2).encode(), "mine-data.json"
    )
    await context.bot.send_document(update.effective_chat.id, document)


def _iso(instant: int | None) -> str | None:
    return None if instant is None else datetime.fromtimestamp(instant, UTC).isoformat()


def _readable(value: Any, key: str = "") -> Any:
    """Instants (keys ending in _at, first/last_seen) as ISO 8601 times, everywhere."""
    if isinstance(value, dict):
        return {k: _readable(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_readable(v) for v in value]
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and (key.endswith("_at") or key in ("first_seen", "last_seen"))
    ):
        return _iso(value)
    return value


async def cmd_delete_me(update: Update, context: BotContext) -> None:
    _ = context._
    text = _(
        "Do you want us to erase everything we know about you? Your places in activities"
        " ahead are given back. This cannot be undone."
    )
    if (await context.access()).is_staff:
        text += "\n\n" + _("You also lose your access as staff.")
    yes = button(_("Yes, erase me"), Route.SETTINGS, Action.ERASE)
    no = button(_("No, keep my data"), Route.SETTINGS, Action.KEEP)
    await send(update, context, Screen(text, keyboard([[yes], [no]])))


async def on_erase(update: Update, context: BotContext) -> None:
    if await tapped(update, context, 0) is None:
        return await show_stale(update, context)
    assert context.user is not None
    services = context.services
    await context.store.privacy.forget(context.user.id, context.now(), services.planner)
    services.wake_dispatcher()  # someone may have moved up from a waiting list
    logger.info("a user erased their data")
    text = context._(
        "Everything about you is erased. Thank you, and you are always welcome back –"
        " press /start to begin again."
    )
    await show(update, context, Screen(text))


async def on_keep(update: Update, context: BotContext) -> None:
    if await tapped(update, context, 0) is None:
        return await show_stale(update, context)
    await show(update, context, Screen(context._("Good. We have not erased anything.")))


async def run_retention(services: Services) -> tuple[int, int]:
    """Erase people not seen for `forget_after`, and announcements older than 90 days."""
    assert services.store is not None
    store, now = services.store, services.clock.now()
    people = 0
    for user_id in await store.people.inactive(now - services.config.privacy.forget_after):
        people += await store.privacy.forget(user_id, now, services.planner)
    announcements = await store.broadcasts.purge(now - ANNOUNCEMENTS_KEPT_S)
    await store.line.purge(now - LINE_KEPT_S, now)
    await store.drafts.purge(now)
    await store.counter_signups.forget_names(now - GUEST_NAMES_KEPT_S)
    if people or announcements:
        logger.info(
            "retention: erased %d inactive people and %d old announcements", people, announcements
        )
    services.wake_dispatcher()
    return people, announcements


HANDLERS = [
    CommandHandler(["mine_data", "my_data"], cmd_my_data),
    CommandHandler(["slet_mig", "delete_me"], cmd_delete_me),
    CallbackQueryHandler(on_erase, pattern=callbacks.pattern(Route.SETTINGS, Action.ERASE)),
    CallbackQueryHandler(on_keep, pattern=callbacks.pattern(Route.SETTINGS, Action.KEEP)),
]
