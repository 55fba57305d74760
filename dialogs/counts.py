"""Coordinators: sign-up counts, waiting lists, attendance, period figures, exports, a chart.

Who: coordinators (a centre's, or national), staff (their own centre) and admins. Entry: /tal
(/counts) with nothing, `uge`/`måned` (week/month) or `graf` (chart); /eksport (/export).
Names are shown only to the staff and coordinators of that centre. Attendance is ticked on
the day (dialogs/attendance.py). Counter sign-ups are "uden telefon", walk-ins "uden
tilmelding", and every total says which it holds. A national activity's figures are split by
centre: each person counts for one centre. Lists are summarised to fit one message. Writes:
nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks, export
from bot.access import Access
from bot.callbacks import Action, Route
from bot.context import BotContext
from bot.i18n import Translator
from bot.store.activities import Activity
from bot.store.counts import ActivityCounts, CentreCounts
from dialogs.attendance import activity_for, is_today
from dialogs.browse import card_lines, show_stale, when
from dialogs.common import (
    MESSAGE_MAX,
    Screen,
    button,
    esc,
    keyboard,
    pager,
    plain_length,
    send,
    short,
    show,
    summarise,
    tapped,
    tapped_args,
)
from dialogs.staff_steps import deny

PAGE_SIZE = 8
HORIZON_DAYS = 14
CHART_WEEKS = 12
PERIODS = {"uge": "week", "week": "week", "måned": "month", "maaned": "month", "month": "month"}


def _tz(context: BotContext) -> ZoneInfo:
    return context.config.bot.tz


def _today(context: BotContext) -> date:
    return datetime.fromtimestamp(context.now(), _tz(context)).date()


def _midnight(day: date, tz: ZoneInfo) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=tz).timestamp())


def render_counts(
    items: list[ActivityCounts], page: int, has_next: bool, context: BotContext
) -> Screen:
    """The next 14 days, one activity a line: when, what, places, waiting list, guests."""
    _ = context._
    lines = ["<b>" + _("Sign-ups – today and the next 14 days") + "</b>"]
    if not items:
        lines.append(_("No activities today or in the next 14 days."))
    rows: list[list[InlineKeyboardButton]] = []
    for number, item in enumerate(items, start=page * PAGE_SIZE + 1):
        a = item.activity
        places = (
            f"{item.confirmed}/{a.capacity}" if a.capacity is not None else str(item.confirmed)
        )
        # Point 14 of issue 11: the count holds those signed up at the counter, and says so.
        signed_up = _(
            "{places} signed up, {guests} of them without a phone",
            places=places,
            guests=item.guests,
        )
        figures = signed_up + " · " + _("{n} waiting", n=item.waitlisted)
        lines += ["", f"{number}. <b>{esc(a.title)}</b> – {esc(when(context, a))}", figures]
        rows.append([button(f"{number}. {short(a.title)}", Route.COUNTS, Action.SHOW, a.id, page)])
    rows.append(pager(Route.COUNTS, page, has_next, _))
    return Screen("\n".join(lines), keyboard(rows))


async def counts_screen(context: BotContext, access: Access, page: int) -> Screen:
    today = _today(context)
    since = _midnight(today, _tz(context))  # today's started activities too: attendance
    until = _midnight(today + timedelta(days=HORIZON_DAYS + 1), _tz(context))
    # National activities too: each centre sends people, and ticks its own people there.
    items = await context.store.counts.upcoming(
        access.scope(), since, until, page * PAGE_SIZE, PAGE_SIZE + 1, national=True
    )
    return render_counts(items[:PAGE_SIZE], page, len(items) > PAGE_SIZE, context)


async def card_screen(
    context: BotContext, access: Access, activity: Activity, page: int
) -> Screen:
    """An activity for coordinators: numbers, names (if theirs to see), centres, attendance."""
    _, store = context._, context.store
    item = await store.counts.of(activity.id) or ActivityCounts(activity, 0, 0, 0, 0)
    lines = card_lines(activity, when(context, activity), _) + [""]
    places = str(activity.capacity) if activity.capacity is not None else "–"
    # Point 14 of issue 11: the signed-up count holds those signed up at the counter (no
    # phone), and "came" those who came without signing up. Each says so: nobody adds twice.
    lines.append(_("Signed up: {n} of {places}", n=item.confirmed, places=places))
    lines.append(_("Of them without a phone: {n}", n=item.guests))
    lines.append(_("Waiting list: {n}", n=item.waitlisted))
    scope = access.name_scope(activity.centre_id)
    people = await store.counts.participants(activity.id, scope) if scope is not False else []
    came = item.attended  # everyone's; at a national activity a centre's staff see their own
    walk_ins = item.walk_ins
    if isinstance(scope, list):
        walk_ins = await store.attendance.walk_ins(activity.id, scope)
        came = sum(p.attended for p in people if not p.waitlisted) + walk_ins
    if came:
        lines.append(came_line(came, walk_ins, _))
    # Lists made from data share what room the message has left ("og 38 andre").
    lists: list[tuple[Callable[[str], str], list[str], str, bool]] = []
    if scope is not False:
        confirmed = [
            esc(p.name) + (" ✔️" if p.attended else "") for p in people if not p.waitlisted
        ]
        waiting = [esc(p.name) for p in people if p.waitlisted]
        if confirmed:
            lists.append((lambda names: _("Names: {names}", names=names), confirmed, ", ", True))
        if waiting:
            waiting_line: Callable[[str], str] = lambda names: _(
                "On the waiting list: {names}", names=names
            )
            lists.append((waiting_line, waiting, ", ", False))
    if activity.centre_id is None:  # the same figures per centre as the spreadsheet's rows
        per_centre = (await store.counts.by_centre([activity.id]))[activity.id]
        parts = [centre_line(c, _) for c in sorted(per_centre, key=lambda c: -c.confirmed)]
        if parts:
            lists.append((lambda p: _("From each centre:") + "\n" + p, parts, "\n", True))
    lines += fit_lists(lines, lists, _)
    rows = []
    if scope is not False and is_today(context, activity):
        rows.append([button(_("✔️ Attendance"), Route.COUNTS, Action.ATTENDANCE, activity.id)])
    rows.append([button(_("⬅️ Back"), Route.COUNTS, Action.PAGE, page)])
    return Screen("\n".join(lines), keyboard(rows))


def came_line(came: int, walk_ins: int, _: Translator) -> str:
    """The same words on the card and in /tal uge: "Mødt op: 5 (heraf 3 uden tilmelding)"."""
    if walk_ins:
        return _("Came: {n} (of them {walk_ins} without signing up)", n=came, walk_ins=walk_ins)
    return _("Came: {n}", n=came)


def centre_line(c: CentreCounts, _: Translator) -> str:
    """One centre's people at a national activity, in the card's words: "Reden: 12 tilmeldt ·
    3 på venteliste · 10 mødt op (heraf 2 uden tilmelding)"."""
    came = (
        _("{n} came (of them {walk_ins} without signing up)", n=c.attended, walk_ins=c.walk_ins)
        if c.walk_ins
        else _("{n} came", n=c.attended)
    )
    figures = " · ".join(
        [_("{n} signed up", n=c.confirmed), _("{n} waiting", n=c.waitlisted), came]
    )
    return _("{centre}: {figures}", centre=esc(c.centre or _("No centre")), figures=figures)


def summarise_lines(items: list[str], room: int, _: Translator, separator: str = "\n") -> str:
    """As many lines of `items` as fit in `room`, then "… og 130 væresteder mere" (the
    spreadsheet of a national coordinator has every centre's row)."""

    def rest_line(n: int) -> str:
        return _.ngettext("… and {n} more centre", "… and {n} more centres", n)

    worst = plain_length(separator + rest_line(len(items)))
    kept: list[str] = []
    used = 0
    for number, item in enumerate(items):
        step = plain_length(item) + (len(separator) if kept else 0)
        if used + step + (0 if number == len(items) - 1 else worst) > room:
            break
        kept.append(item)
        used += step
    rest = len(items) - len(kept)
    return separator.join(kept + ([rest_line(rest)] if rest else []))


def fit_lists(
    above: list[str],
    lists: list[tuple[Callable[[str], str], list[str], str, bool]],
    _: Translator,
) -> list[str]:
    """The lines of some lists of names (each: its sentence, its items, the separator, a blank
    line before it), each summarised so that all of them and `above` fit in one message (with
    the separator "\n": an item a line, as `summarise_lines`). The shortest list is fitted
    first; what it leaves over goes to the others."""
    room = MESSAGE_MAX - plain_length("\n".join(above))
    for sentence, _items, _separator, blank in lists:
        room -= plain_length(sentence("")) + 1 + (1 if blank else 0)
    fitted: dict[int, str] = {}
    order = sorted(range(len(lists)), key=lambda i: plain_length(lists[i][2].join(lists[i][1])))
    for done, i in enumerate(order):
        _sentence, items, separator, _blank = lists[i]
        fit = summarise_lines if separator == "\n" else summarise  # a line each, or a sentence
        fitted[i] = fit(items, room // (len(order) - done), _, separator)
        room -= plain_length(fitted[i])
    lines: list[str] = []
    for i, (sentence, _items, _separator, blank) in enumerate(lists):
        lines += ([""] if blank else []) + [sentence(fitted[i])]
    return lines


def _period(context: BotContext, which: str) -> tuple[int, int, str]:
    """This calendar week or month so far: (since, until, a title)."""
    _, tz, today = context._, _tz(context), _today(context)
    if which == "week":
        first = today - timedelta(days=today.weekday())
        last = first + timedelta(days=6)
        title = _("This week ({first} – {last})", first=_.day(first), last=_.day(last))
        return _midnight(first, tz), _midnight(last + timedelta(days=1), tz), title
    first = today.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    last = following - timedelta(days=1)
    title = _("This month ({first} – {last})", first=_.day(first), last=_.day(last))
    return _midnight(first, tz), _midnight(following, tz), title


async def summary_screen(context: BotContext, access: Access, which: str) -> Screen:
    _ = context._
    since, until, title = _period(context, which)
    s = await context.store.counts.summary(access.scope(), since, min(until, context.now()))
    # The card's and the spreadsheet's words: "Tilmeldt", "Heraf uden telefon", "Mødt op".
    lines = [
        "<b>" + esc(title) + "</b>",
        _("Activities held: {n}", n=s.held),
        _("Signed up: {n}", n=s.signups),
        _("Of them without a phone: {n}", n=s.guests),
        came_line(s.attended, s.walk_ins, _),
        _("Places given back: {n}", n=s.cancellations),
        _("Different people: {n}", n=s.unique),
    ]
    return Screen("\n".join(lines))


async def send_chart(update: Update, context: BotContext, access: Access) -> None:
    _, tz = context._, _tz(context)
    this_monday = _today(context) - timedelta(days=_today(context).weekday())
    first = this_monday - timedelta(weeks=CHART_WEEKS - 1)
    series = await context.store.counts.weekly(access.scope(), _midnight(first, tz), CHART_WEEKS)
    labels = [_.day(first + timedelta(weeks=i)) for i in range(CHART_WEEKS)]
    png = export.weekly_chart(labels, [s for s, _t in series], [t for _s, t in series], _)
    assert update.effective_chat is not None
    caption = _("Sign-ups and attendance per week, the last 12 weeks.")
    await context.bot.send_photo(
        update.effective_chat.id, InputFile(png, "chart.png"), caption=caption
    )


async def cmd_counts(update: Update, context: BotContext) -> None:
    access = await context.access()
    if not access.may_count:
        return await deny(update, context)
    word = (context.args[0].lower() if context.args else "").strip()
    if word in PERIODS:
        screen = await summary_screen(context, access, PERIODS[word])
    elif word in ("graf", "chart"):
        return await send_chart(update, context, access)
    else:
        screen = await counts_screen(context, access, 0)
    await send(update, context, screen)


async def on_page(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 1)
    access = await context.access()
    if ids is None or ids[0] > 1000:
        return await show_stale(update, context)
    if not access.may_count:
        return await deny(update, context)
    await show(update, context, await counts_screen(context, access, ids[0]))


async def on_show(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 2)
    activity = await activity_for(update, context, ids[0]) if ids else None
    if ids is None:
        return await show_stale(update, context)
    if activity is not None:
        await show(
            update, context, await card_screen(context, await context.access(), activity, ids[1])
        )


# -- export ------------------------------------------------------------------------------------

EXPORT_PERIODS = ("cm", "lm", "cy", "ly")  # this month, last month, this year, last year


def export_period(context: BotContext, code: str) -> tuple[date, date]:
    """[first, last] day of a period named by its button."""
    today = _today(context)
    this_month = today.replace(day=1)
    if code == "cm":
        return this_month, (this_month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    if code == "lm":
        last = this_month - timedelta(days=1)
        return last.replace(day=1), last
    year = today.year if code == "cy" else today.year - 1
    return date(year, 1, 1), date(year, 12, 31)


def render_export_menu(context: BotContext) -> Screen:
    _ = context._
    names = {
        "cm": _("this month"),
        "lm": _("last month"),
        "cy": _("this year"),
        "ly": _("last year"),
    }
    rows = [
        [
            button(
                _("📄 Activities – {period}", period=names[p]), Route.COUNTS, Action.EXPORT, "a", p
            )
        ]
        for p in EXPORT_PERIODS
    ]
    rows += [
        [
            button(
                _("📊 People per month – {period}", period=names[p]),
                Route.COUNTS,
                Action.EXPORT,
                "m",
                p,
            )
        ]
        for p in ("cy", "ly")
    ]
    text = _("Which spreadsheet? It comes as a file that opens in Excel.")
    return Screen(text, keyboard(rows))


async def cmd_export(update: Update, context: BotContext) -> None:
    if not (await context.access()).may_count:
        return await deny(update, context)
    await send(update, context, render_export_menu(context))


async def on_export(update: Update, context: BotContext) -> None:
    args = await tapped_args(update, context)
    access = await context.access()
    if args is None or len(args) != 2 or args[0] not in "am" or args[1] not in EXPORT_PERIODS:
        return await show_stale(update, context)
    if not access.may_count:
        return await deny(update, context)
    first, last = export_period(context, args[1])
    data, name = await export.export_file(
        context.store,
        access.scope(),
        args[0] == "m",
        first,
        last,
        context.config.bot.timezone,
        context._,
    )
    assert update.effective_chat is not None
    await context.bot.send_document(update.effective_chat.id, InputFile(data, name))


HANDLERS = [
    CommandHandler(["tal", "counts"], cmd_counts),
    CommandHandler(["eksport", "export"], cmd_export),
    CallbackQueryHandler(on_page, pattern=callbacks.pattern(Route.COUNTS, Action.PAGE)),
    CallbackQueryHandler(on_show, pattern=callbacks.pattern(Route.COUNTS, Action.SHOW)),
    CallbackQueryHandler(on_export, pattern=callbacks.pattern(Route.COUNTS, Action.EXPORT)),
]
