"""Announcements: staff write to their centre's users, or to one activity's participants.

Who: staff (national admins also to everyone). Entry: /besked. Steps: audience (buttons;
among more than 6 centres a page at a time, or typed part of a name or town) → the message (typed, or a photo or voice message with a caption) → preview with the number of
people → "Send". Sending is durable: one delivery row per person, sent by the dispatcher at the
paced rate, resumed after a restart; staff get a progress message (at most every 5 s) with a
stop button, and a report at the end. Writes: draft, broadcast, delivery.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.callbacks import Action, Route
from bot.context import BotContext
from bot.i18n import N_, Translator, translator
from bot.store.broadcasts import BroadcastJob, BroadcastStatus
from bot.store.drafts import Draft
from dialogs.browse import show_stale, when
from dialogs.card_edits import no_phone_line
from dialogs.common import (
    MESSAGE_MAX,
    PAGE_SIZE,
    Screen,
    button,
    centre_choices,
    esc,
    keyboard,
    plain_length,
    reply,
    search_centres,
    send,
    short,
    show,
    summarise,
    tapped,
    tapped_args,
    turn_page,
)
from dialogs.staff_steps import deny

KIND = "broadcast"
TEXT_MAX = 3900  # leaves room for the centre's name above it, within Telegram's 4096
CAPTION_MAX = 900  # within Telegram's 1024 for a caption


def _nav(_: Translator) -> list[InlineKeyboardButton]:
    return [
        button(_("⬅️ Back"), Route.BROADCAST, Action.BACK),
        button(_("✖️ Stop"), Route.BROADCAST, Action.ABORT),
    ]


async def render_step(context: BotContext, draft: Draft, problem: str = "") -> Screen:
    _, d = context._, draft.data
    lines = [problem, ""] if problem else []
    lines.append(_("<b>New announcement</b>"))
    rows: list[list[InlineKeyboardButton]] = []
    if draft.step == "audience":
        lines.append(_("Who should get it?"))
        more, centre_rows = centre_choices(  # an admin's 200 centres: a page at a time
            d["centres"],
            d,
            _,
            lambda cid, name: button(
                _("👥 Everyone at {centre}", centre=short(name)),
                Route.BROADCAST,
                Action.AUDIENCE,
                "c",
                cid,
            ),
            (Route.BROADCAST, Action.PAGE, ()),
        )
        lines += more
        rows += centre_rows
        rows.append(
            [
                button(
                    _("🎯 The participants of one activity"), Route.BROADCAST, Action.AUDIENCE, "a"
                )
            ]
        )
        if d["national"]:
            rows.append(
                [button(_("🌍 Everyone at every centre"), Route.BROADCAST, Action.AUDIENCE, "all")]
            )
    elif draft.step == "activity":
        lines.append(_("Which activity?"))
        for number, (activity_id, title, starts) in enumerate(d["activities"], start=1):
            lines += ["", f"{number}. <b>{esc(title)}</b>", esc(starts)]
            label = f"{number}. {short(title)}"
            rows.append([button(label, Route.BROADCAST, Action.AUDIENCE, "a", activity_id)])
        if not d["activities"]:
            lines.append(_("There are no upcoming activities."))
    elif draft.step == "message":
        lines.append(
            _("Write the message. You can also send a photo or a voice message with a text.")
        )
    elif draft.step == "preview":
        count = d["count"]
        if count:
            lines.append(_.ngettext("It goes to {n} person:", "It goes to {n} people:", count))
        else:
            lines.append(_("There is nobody to send it to yet (nobody signed up or reachable)."))
        guests_at = len(lines)
        lines.append("")
        if d.get("media_kind") == "photo":
            lines.append(_("📷 A photo with the text:"))
        elif d.get("media_kind") == "voice":
            lines.append(_("🎤 A voice message with the text:"))
        lines.append(esc(d["text"]) or "–")
        lines[guests_at:guests_at] = await left_out_lines(context, d, "\n".join(lines))
        if d.get("guests"):  # as many names as fit beside a text of up to TEXT_MAX characters
            lines.insert(guests_at, guests_line(d["guests"], "\n".join(lines), _))
        if count:
            rows.append([button(_("📤 Send"), Route.BROADCAST, Action.SEND)])
    rows.append(_nav(_))
    return Screen("\n".join(lines), keyboard(rows))


def guests_line(guests: list[str] | str, rest: str, _: Translator) -> str:
    """The line "40 personer har ingen telefon. Sig det selv til dem: Ole, Hans (venter) og 38
    andre": the people signed up at the counter (those on the waiting list marked so: they
    get it too), as many names as fit in one message beside `rest` (the preview's other lines)."""
    names = [esc(n) for n in guests] if isinstance(guests, list) else [esc(guests)]
    return no_phone_line(names, MESSAGE_MAX - plain_length(rest) - 1, _)  # 1: the line break


def names_line(line: Callable[[str], str], names: Sequence[str], room: int, _: Translator) -> str:
    """`line` with as many of `names` (first names) as fit in `room` characters: "Bo og Kim",
    "Bo, Kim og 38 andre"; empty when not even one name fits. Who did not get an announcement
    to an activity is named, as staff must tell them ("the bus leaves at 9, not 10")."""
    listed = [esc(n or "?") for n in names]
    room -= plain_length(line(""))
    if len(listed) > 1:
        every = _("{names} and {last}", names=", ".join(listed[:-1]), last=listed[-1])
        if plain_length(every) <= room:
            return line(every)
    some = summarise(listed, room, _)
    return "" if some == _("{n} in all", n=len(listed)) else line(some)


async def left_out_lines(context: BotContext, d: dict[str, Any], rest: str) -> list[str]:
    """The preview's lines on who will not get it, and why, beside `rest` (its other lines).
    An activity's participants who blocked the bot are named (to the staff of its centre, who
    see their names anyway); for a centre or everyone: how many blocked the bot, and how many
    turned its messages off (their choice)."""
    _ = context._
    assert context.user is not None
    left = await context.store.broadcasts.left_out(
        d["audience"], d.get("centre"), d.get("activity"), context.user.id
    )
    n, lines, named = left.blocked, [], ""

    def blocked(names: str) -> str:
        return _.ngettext(
            "{n} person has blocked the bot and will not get it. Tell {names} yourself.",
            "{n} people have blocked the bot and will not get it. Tell them yourself: {names}.",
            n,
            names=names,
        )

    if left.names and (await context.access()).can_see_names(d.get("centre")):
        guests = d.get("guests")  # the "no phone" line comes after: room for it at its shortest
        reserve = plain_length(guests_line(guests, "x" * MESSAGE_MAX, _)) + 1 if guests else 0
        named = names_line(blocked, left.names, MESSAGE_MAX - plain_length(rest) - 1 - reserve, _)
    if named:
        lines.append(named)
    elif n:
        lines.append(
            _.ngettext(
                "{n} person has blocked the bot and will not get it.",
                "{n} people have blocked the bot and will not get it.",
                n,
            )
        )
    if left.muted:
        lines.append(
            _.ngettext(
                "{n} person has turned messages off and will not get it.",
                "{n} people have turned messages off and will not get it.",
                left.muted,
            )
        )
    return lines


def render_delivery(job: BroadcastJob, default_locale: str) -> str:
    """What a user receives: who it is from, then the staff's words."""
    sender = job.sender or translator(default_locale)("National – for all centres")
    return f"📣 <b>{esc(sender)}</b>\n\n{esc(job.text)}"


def render_progress(status: BroadcastStatus, names: bool = True) -> Screen:
    """The staff member's progress message, and at the end the report. Sent to an activity's
    participants, the report names who did not get it (first names, as many as fit), unless
    `names` is False: the person shown it may not see that centre's names."""
    _ = translator(status.author_locale or "da")
    c = status.counts
    done = c.get("sent", 0) + c.get("blocked", 0) + c.get("failed", 0) + c.get("unknown", 0)
    if status.state == "sending":
        text = _("📤 Sending… {done} of {total} done.", done=done, total=status.total)
        stop = button(_("⏹ Stop sending"), Route.BROADCAST, Action.STOP, status.id)
        return Screen(text, keyboard([[stop]]))
    got = _("{sent} of {total} have got the message.", sent=c.get("sent", 0), total=status.total)
    lines = [("✅ " if status.state == "done" else _("⏹ Stopped.") + " ") + got]
    problems = (
        ("blocked", N_("{n} have blocked the bot.")),
        ("failed", N_("{n} could not be reached.")),
        ("unknown", N_("{n} may or may not have got it (the connection broke).")),
        ("skipped", N_("{n} not sent because you stopped.")),
    )
    lines += [_(text, n=c[state]) for state, text in problems if c.get(state)]
    if names:
        lines += missed_lines(status, MESSAGE_MAX - plain_length("\n".join(lines)), _)
    return Screen("\n".join(lines))


def missed_lines(status: BroadcastStatus, room: int, _: Translator) -> list[str]:
    """The report's lines naming an activity's participants who did not (or may not) have got
    it, within `room` characters; when both are long, each gets about half."""
    missed, unsure = status.missed, status.unsure

    def not_got(names: str) -> str:
        return _.ngettext(
            "{n} person has not got it. Tell {names} yourself.",
            "{n} people have not got it. Tell them yourself: {names}.",
            len(missed),
            names=names,
        )

    def maybe_not(names: str) -> str:
        return _.ngettext(
            "{n} person may not have got it. To be sure, tell {names} yourself.",
            "{n} people may not have got it. To be sure, tell them yourself: {names}.",
            len(unsure),
            names=names,
        )

    lines = []
    if missed:
        # keep room for the "may not" line: all of it, or half the room if it is longer
        wanted = plain_length(names_line(maybe_not, unsure, room, _)) + 1 if unsure else 0
        lines.append(names_line(not_got, missed, room - 1 - min(wanted, room // 2), _))
        room -= plain_length(lines[-1]) + 1
    if unsure:
        lines.append(names_line(maybe_not, unsure, room - 1, _))
    return [line for line in lines if line]


async def cmd_broadcast(update: Update, context: BotContext) -> None:
    access = await context.access()
    if not access.is_staff:
        return await deny(update, context)
    assert context.user is not None
    centres = [
        (c.id, c.name) for c in await context.store.centres.all() if access.can_manage(c.id)
    ]
    draft = Draft(KIND, "audience", {"centres": centres, "national": access.admin})
    await context.store.drafts.save(context.user.id, draft, context.now())
    await send(update, context, await render_step(context, draft))


async def _save(update: Update, context: BotContext, draft: Draft, problem: str = "") -> None:
    assert context.user is not None
    await context.store.drafts.save(context.user.id, draft, context.now())
    await reply(update, context, await render_step(context, draft, problem))


async def _load(update: Update, context: BotContext) -> Draft | None:
    assert context.user is not None
    draft = await context.store.drafts.get(context.user.id, context.now())
    if draft is None or draft.kind != KIND:
        await show_stale(update, context)
        return None
    if not (await context.access()).is_staff:
        await deny(update, context)
        return None
    return draft


async def on_audience(update: Update, context: BotContext) -> None:
    args = await tapped_args(update, context)
    if args is None:
        return await show_stale(update, context)
    draft = await _load(update, context)
    if draft is None:
        return
    access, d = await context.access(), dict(draft.data)
    kind, target = args[0], (callbacks.number(args[1]) if len(args) > 1 else None)
    if kind == "c" and target is not None and access.can_manage(target):
        d.update(audience="centre", centre=target, activity=None)
    elif kind == "all" and access.admin:
        d.update(audience="all", centre=None, activity=None)
    elif kind == "a" and target is None:
        rows = await context.store.activities.all(since=context.now())
        d["activities"] = [
            (a.id, a.title, when(context, a))
            for a, _ in rows
            if a.status == "scheduled" and access.can_manage(a.centre_id)
        ][:10]
        return await _save(update, context, Draft(KIND, "activity", d))
    elif kind == "a" and target is not None:
        activity = await context.store.activities.get(target)
        if activity is None or not access.can_manage(activity.centre_id):
            return await deny(update, context)
        d.update(audience="activity", centre=activity.centre_id, activity=activity.id)
    else:
        return await deny(update, context)
    await _save(update, context, Draft(KIND, "message", d))


async def on_page(update: Update, context: BotContext) -> None:
    """Another page of the centres to write to (from a search: the whole list again)."""
    ids = await tapped(update, context, 1)
    if ids is None:
        return await show_stale(update, context)
    draft = await _load(update, context)
    if draft is None:
        return
    if draft.step != "audience":
        notice = context._("That button is out of date – here is where you are.")
        return await _save(update, context, draft, notice)
    await _save(update, context, Draft(KIND, "audience", turn_page(draft.data, ids[0])))


async def on_message(update: Update, context: BotContext, draft: Draft) -> None:
    """Typed text, or a photo or voice message, while an announcement waits for its words."""
    message = update.message
    assert message is not None
    if draft.step == "audience" and message.text and len(draft.data["centres"]) > PAGE_SIZE:
        d, notice = await search_centres(context, message.text, draft.data)
        return await _save(update, context, Draft(KIND, "audience", d), notice)
    if draft.step != "message":
        return await _save(update, context, draft, context._("Please tap one of the buttons."))
    if not (await context.access()).is_staff:
        return await deny(update, context)
    d = dict(draft.data, media_kind=None, media_id=None)
    if message.photo:
        d.update(media_kind="photo", media_id=message.photo[-1].file_id)
    elif message.voice:
        d.update(media_kind="voice", media_id=message.voice.file_id)
    elif not message.text:
        return await _save(
            update, context, draft, context._("Send text, a photo or a voice message.")
        )
    text = (message.text or message.caption or "").strip()
    limit = CAPTION_MAX if d["media_kind"] else TEXT_MAX
    size = len(text.encode("utf-16-le")) // 2  # as Telegram counts: an emoji may be two
    if size > limit:
        return await _save(
            update,
            context,
            draft,
            context._(
                "That is {n} characters; at most {limit} fit. Please shorten it.",
                n=size,
                limit=limit,
            ),
        )
    d["text"] = text
    assert context.user is not None
    d["count"] = await context.store.broadcasts.count_audience(
        d["audience"], d.get("centre"), d.get("activity"), context.user.id
    )
    if d.get("activity"):
        guests = await context.store.counter_signups.of(d["activity"])
        mark = context._
        d["guests"] = [
            mark("{name} (waiting)", name=g.name) if g.waiting else g.name for g in guests
        ]
    await _save(update, context, Draft(KIND, "preview", d))


async def on_send(update: Update, context: BotContext) -> None:
    if await tapped(update, context, 0) is None:
        return await show_stale(update, context)
    draft = await _load(update, context)
    if draft is None:
        return
    if draft.step != "preview":
        return await _save(update, context, draft)
    d, access = draft.data, await context.access()
    allowed = access.admin if d["audience"] == "all" else access.can_manage(d.get("centre"))
    if not allowed:
        return await deny(update, context)
    assert context.user is not None and update.effective_chat is not None
    media = (d["media_kind"], d["media_id"]) if d.get("media_kind") else None
    broadcast_id, _count = await context.store.broadcasts.create(
        context.user.id,
        d["audience"],
        d.get("centre"),
        d.get("activity"),
        d["text"],
        media,
        context.now(),
    )
    await context.store.drafts.delete(context.user.id)
    status = await context.store.broadcasts.status(broadcast_id)
    assert status is not None
    screen = render_progress(status)
    await show(update, context, screen)
    query = update.callback_query
    if query is not None and query.message is not None:
        await context.store.broadcasts.set_report(
            broadcast_id, update.effective_chat.id, query.message.message_id
        )
    context.services.wake_dispatcher()


async def on_stop(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 1)
    owner = await context.store.broadcasts.owner(ids[0]) if ids else None
    if ids is None or owner is None:
        return await show_stale(update, context)
    access = await context.access()
    assert context.user is not None
    if owner[0] != context.user.id and not access.can_manage(owner[1]):
        return await deny(update, context)
    await context.store.broadcasts.stop(ids[0], context.now())
    status = await context.store.broadcasts.status(ids[0])
    if status is not None:
        await show(update, context, render_progress(status, access.can_see_names(owner[1])))


async def on_nav(update: Update, context: BotContext) -> None:
    """Back and Stop inside the dialog."""
    args = await tapped_args(update, context)
    cb = callbacks.decode(update.callback_query.data if update.callback_query else None)
    if args is None or cb is None:
        return await show_stale(update, context)
    draft = await _load(update, context)
    if draft is None:
        return
    if cb.action is Action.ABORT:
        assert context.user is not None
        await context.store.drafts.delete(context.user.id)
        return await show(update, context, Screen(context._("OK – nothing was sent.")))
    previous = {"activity": "audience", "message": "audience", "preview": "message"}
    if draft.step == "audience":
        assert context.user is not None
        await context.store.drafts.delete(context.user.id)
        return await show(update, context, Screen(context._("OK – nothing was sent.")))
    await _save(update, context, Draft(KIND, previous[draft.step], dict[str, Any](draft.data)))


HANDLERS = [
    CommandHandler(["besked", "broadcast"], cmd_broadcast),
    CallbackQueryHandler(on_audience, pattern=callbacks.pattern(Route.BROADCAST, Action.AUDIENCE)),
    CallbackQueryHandler(on_page, pattern=callbacks.pattern(Route.BROADCAST, Action.PAGE)),
    CallbackQueryHandler(on_send, pattern=callbacks.pattern(Route.BROADCAST, Action.SEND)),
    CallbackQueryHandler(on_stop, pattern=callbacks.pattern(Route.BROADCAST, Action.STOP)),
    CallbackQueryHandler(on_nav, pattern=callbacks.pattern(Route.BROADCAST, Action.BACK)),
    CallbackQueryHandler(on_nav, pattern=callbacks.pattern(Route.BROADCAST, Action.ABORT)),
]
