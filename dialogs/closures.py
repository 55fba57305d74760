"""Staff: closed days (/lukket, "🏖️ Lukkedage" in the staff help).

Who: staff of a centre (admins: any centre). Entry: /lukket. Steps: centre (if more than one)
→ the closures in force, each with "Fjern", and the period typed ("24/12-2/1",
"24.12.2026-2.1.2027" or one day "24/12") → a reason for the users (typed, or "Spring over")
→ a preview saying how many dates are cancelled and how many people are told → "✅ Luk".
Closing cancels every date of the centre's activities in the period and tells each person
once, in one message (bot/store/closures.py). "Fjern" ends a closure: series make dates
there again, fixed-place holders get their place back and are told once; single activities
stay cancelled. After "Fjern" the list of closures shows "➕ Luk flere dage" and "✅ Færdig".
State: the draft table (kind "closed"). Every tap and typed answer re-checks the role.
Writes: closure, activity.status, notification.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks, validate
from bot.callbacks import Action, Route
from bot.context import BotContext
from bot.store.drafts import Draft
from dialogs.common import Screen, button, centre_choices, esc, keyboard, peek, reply, turn_page
from dialogs.staff_steps import deny

KIND = "closed"
REASON_MAX = 200
SHOWN_MAX = 5  # closures with a "Fjern" button on one screen (6 buttons with "Stop")


async def _centres(context: BotContext) -> list[tuple[int, str]]:
    access = await context.access()
    return [(c.id, c.name) for c in await context.store.centres.all() if access.can_manage(c.id)]


async def cmd_closed(update: Update, context: BotContext) -> None:
    """/lukket: the centre's closures, and a period to type for a new one."""
    assert context.user is not None
    centres = await _centres(context)
    if not centres:
        return await deny(update, context)
    if len(centres) == 1:
        draft = Draft(KIND, "period", {"centre": centres[0][0]})
    else:
        draft = Draft(KIND, "centre", {"centres": centres})
    await _save_and_show(update, context, draft)


async def _save_and_show(
    update: Update, context: BotContext, draft: Draft, notice: str = ""
) -> None:
    assert context.user is not None
    await context.store.drafts.save(context.user.id, draft, context.now())
    await reply(update, context, await _screen(context, draft, notice))


def _today(context: BotContext, timezone: str) -> date:
    return datetime.fromtimestamp(context.now(), ZoneInfo(timezone)).date()


def _period(context: BotContext, first: date, last: date) -> str:
    _ = context._
    if first == last:
        return _.day(first)
    return _("{first} to {last}", first=_.day(first), last=_.day(last))


async def _screen(context: BotContext, draft: Draft, notice: str) -> Screen:
    """What the draft's step shows."""
    _, d = context._, draft.data
    lines = [notice, ""] if notice else []
    lines.append("<b>" + _("🏖️ Closed days") + "</b>")
    rows: list[list[InlineKeyboardButton]] = []
    stop = [button(_("✖️ Stop"), Route.CLOSED, Action.ABORT)]
    if draft.step == "centre":
        choose, rows = centre_choices(
            d["centres"],
            d,
            _,
            lambda cid, name: button(name, Route.CLOSED, Action.CENTRE, cid),
            (Route.CLOSED, Action.PAGE, ()),
        )
        lines += [_("Which centre?"), *choose]
        return Screen("\n".join(lines), keyboard([*rows, stop]))
    centre = await context.store.centres.get(int(d["centre"]))
    assert centre is not None
    lines[-1] = "<b>" + _("🏖️ Closed days at {centre}", centre=esc(centre.name)) + "</b>"
    if draft.step in ("period", "list"):
        today = _today(context, centre.timezone)
        closures = await context.store.closures.in_force(centre.id, since=today)
        if closures:
            lines += ["", _("Closed now:")]
        elif draft.step == "list":
            lines += ["", _("No closed days now.")]
        for c in closures:
            why = f" – {esc(c.reason)}" if c.reason else ""
            lines.append("• " + esc(_period(context, c.first, c.last)) + why)
        # After "Fjern" (step "list"): no typing step open, "➕ Luk flere dage" and "✅ Færdig".
        for c in closures[: SHOWN_MAX - (draft.step == "list")]:
            days = f"{c.first:%d/%m}–{c.last:%d/%m}"
            label = _("Remove {days}", days=days)
            rows.append([button(label, Route.CLOSED, Action.REMOVE, c.id)])
        if draft.step == "list":
            more = button(_("➕ Close more days"), Route.CLOSED, Action.CENTRE, centre.id)
            rows.append([more])
            stop = [button(_("✅ Done"), Route.CLOSED, Action.ABORT)]
            return Screen("\n".join(lines), keyboard([*rows, stop]))
        lines += [
            "",
            _("Which days do you close? Write for example 24/12-2/1, or one day like 24/12."),
        ]
    elif draft.step == "reason":
        first, last = date.fromisoformat(d["first"]), date.fromisoformat(d["last"])
        lines += [
            _("Closed: {days}", days=esc(_period(context, first, last))),
            "",
            _("Write a short reason for the users, for example Christmas. Or tap Skip."),
        ]
        rows.append([button(_("Skip"), Route.CLOSED, Action.SKIP)])
    else:  # preview
        first, last = date.fromisoformat(d["first"]), date.fromisoformat(d["last"])
        what = await context.store.closures.preview(centre.id, first, last, context.now())
        lines.append(_("Closed: {days}", days=esc(_period(context, first, last))))
        if d.get("reason"):
            lines.append(_("Reason: {reason}", reason=esc(d["reason"])))
        lines += [
            "",
            _.ngettext("{n} date is cancelled.", "{n} dates are cancelled.", what.dates),
            _.ngettext("{n} person gets a message.", "{n} people get a message.", what.people),
        ]
        rows.append([button(_("✅ Close"), Route.CLOSED, Action.CREATE)])
    return Screen("\n".join(lines), keyboard([*rows, stop]))


async def _load(update: Update, context: BotContext) -> Draft | None:
    """The caller's closed-days draft, if they may still work on it; else say why."""
    assert context.user is not None
    draft = await context.store.drafts.get(context.user.id, context.now())
    if draft is None or draft.kind != KIND:
        await context.answer_query(update, context._("✅ That is done already."))
        return None
    access = await context.access()
    if not (
        access.is_staff if draft.step == "centre" else access.can_manage(draft.data["centre"])
    ):
        await deny(update, context)
        return None
    return draft


async def on_text(update: Update, context: BotContext, draft: Draft) -> None:
    """Typed text at a step: the period, or the reason."""
    message = update.message
    text = message.text if message is not None and message.text else ""
    access = await context.access()
    if draft.step != "centre" and not access.can_manage(draft.data.get("centre")):
        return await deny(update, context)
    _, d = context._, draft.data
    if not text:
        return await _save_and_show(update, context, draft, _("Please write it with letters."))
    if draft.step == "centre":
        return await _save_and_show(update, context, draft, _("Please tap the centre."))
    if draft.step == "period":
        centre = await context.store.centres.get(int(d["centre"]))
        assert centre is not None
        try:
            first, last = validate.period(text, _today(context, centre.timezone))
        except validate.PeriodError as exc:
            return await _save_and_show(update, context, draft, _period_problem(context, exc))
        data = {**d, "first": first.isoformat(), "last": last.isoformat()}
        return await _save_and_show(update, context, Draft(KIND, "reason", data))
    if draft.step == "reason":
        try:
            reason = validate.clean_text(text, "reason", REASON_MAX, required=True)
        except ValueError:
            problem = _("Please write at most {n} letters.", n=REASON_MAX)
            return await _save_and_show(update, context, draft, problem)
        return await _save_and_show(
            update, context, Draft(KIND, "preview", {**d, "reason": reason})
        )
    await _save_and_show(update, context, draft, _("Please tap one of the buttons."))


def _period_problem(context: BotContext, exc: validate.PeriodError) -> str:
    _ = context._
    if exc.why == "order":
        return _("The last day is before the first. Write the first day first.")
    if exc.why == "past":
        return _("Those days are over. Write days that are still to come.")
    if exc.why == "far":
        return _("That is more than a year ahead. Write days within a year.")
    return _("I can't read that. Write for example 24/12-2/1, or 24.12.2026-2.1.2027.")


async def on_button(update: Update, context: BotContext) -> None:
    """A tap in the dialog: centre, page, Skip, ✅ Close or Stop."""
    query = update.callback_query
    assert query is not None and context.user is not None
    cb = callbacks.decode(query.data)
    draft = await _load(update, context)
    if cb is None or draft is None:
        return
    d: dict[str, Any] = draft.data
    if cb.action is Action.ABORT:
        await context.store.drafts.delete(context.user.id)
        await context.answer_query(update)
        if draft.step == "list":  # after "Fjern": something was changed
            return await reply(update, context, Screen(context._("✅ Done.")))
        return await reply(update, context, Screen(context._("OK – nothing was changed.")))
    if draft.step == "list" and cb.action is Action.CENTRE:  # ➕ Luk flere dage
        await context.answer_query(update)
        return await _save_and_show(update, context, Draft(KIND, "period", d))
    ids = cb.ints(1)
    if draft.step == "centre" and cb.action is Action.CENTRE and ids:
        await context.answer_query(update)
        if not (await context.access()).can_manage(ids[0]):
            return await deny(update, context)
        return await _save_and_show(update, context, Draft(KIND, "period", {"centre": ids[0]}))
    if draft.step == "centre" and cb.action is Action.PAGE and ids:
        await context.answer_query(update)
        return await _save_and_show(update, context, Draft(KIND, "centre", turn_page(d, ids[0])))
    if draft.step == "reason" and cb.action is Action.SKIP:
        await context.answer_query(update)
        return await _save_and_show(update, context, Draft(KIND, "preview", {**d, "reason": ""}))
    if draft.step == "preview" and cb.action is Action.CREATE:
        return await _close(update, context, draft)
    await context.answer_query(update, context._("✅ That is done already."))


async def _close(update: Update, context: BotContext, draft: Draft) -> None:
    """✅ Luk: cancel the dates, tell the people (through the dispatcher), say what was done."""
    assert context.user is not None
    _, d = context._, draft.data
    first, last = date.fromisoformat(d["first"]), date.fromisoformat(d["last"])
    closure, done = await context.store.closures.add(
        int(d["centre"]), first, last, str(d.get("reason") or ""), context.now()
    )
    await context.store.drafts.delete(context.user.id)
    context.services.wake_dispatcher()
    await context.answer_query(update)
    lines = [
        _(
            "✅ {centre} is closed {days}.",
            centre=esc(closure.centre_name),
            days=esc(_period(context, first, last)),
        ),
        _.ngettext("{n} date is cancelled.", "{n} dates are cancelled.", done.dates),
        _.ngettext("{n} person gets a message.", "{n} people get a message.", done.people),
    ]
    await reply(update, context, Screen("\n".join(lines)))


async def on_remove(update: Update, context: BotContext) -> None:
    """ "Fjern": end a closure (series make dates there again; single activities do not)."""
    assert context.user is not None
    ids = peek(update, 1)
    closure = await context.store.closures.get(ids[0]) if ids else None
    if closure is None:
        return await context.answer_query(update, context._("✅ That is done already."))
    await context.answer_query(update)
    if not (await context.access()).can_manage(closure.centre_id):
        return await deny(update, context)
    services, _ = context.services, context._
    removed = await context.store.closures.remove(
        closure.id, context.now(), services.planner, services.config.programme.fixed_share
    )
    services.wake_dispatcher()
    notice = _(
        "The closure {days} is removed. Weekly activities come back. Cancelled single"
        " activities stay cancelled.",
        days=esc(_period(context, closure.first, closure.last)),
    )
    back = removed.back if removed is not None else 0
    notice += "\n" + _.ngettext(
        "{n} person has their place again and gets a message.",
        "{n} people have their place again and get a message.",
        back,
    )
    draft = Draft(KIND, "list", {"centre": closure.centre_id})
    await _save_and_show(update, context, draft, notice)


HANDLERS = [
    CommandHandler(["lukket", "closed"], cmd_closed),
    CallbackQueryHandler(on_remove, pattern=callbacks.pattern(Route.CLOSED, Action.REMOVE)),
    CallbackQueryHandler(
        on_button,
        pattern=callbacks.pattern_any(
            Route.CLOSED,
            Action.CENTRE,
            Action.PAGE,
            Action.SKIP,
            Action.CREATE,
            Action.ABORT,
        ),
    ),
]
