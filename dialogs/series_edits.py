"""What a staff edit of a date of a weekly series will change: the "Kun denne gang" /
"Denne og alle de næste" question, the stop question, and how many are told (screens only;
the handlers are in dialogs/card_edits.py)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.callbacks import Action, Route
from bot.context import BotContext
from bot.store.activities import Activity
from bot.store.edits import SeriesEdit
from dialogs.common import (
    Screen,
    button,
    esc,
    keyboard,
)


def date_of(context: BotContext, activity: Activity) -> str:
    tz = ZoneInfo(activity.timezone or context.config.bot.timezone)
    return context._.day(datetime.fromtimestamp(activity.starts_at, tz).date())


def scope_question(
    context: BotContext, activity: Activity, field: str, following: SeriesEdit
) -> Screen:
    """Only this date, or the series from it on? Says what each would change."""
    _, day, more = context._, esc(date_of(context, activity)), following.dates - 1
    title = "<b>" + esc(activity.title) + "</b>"
    if field == "x":
        lines = [
            _("🗑️ {title} is a fixed activity. Cancel only this date, or stop it?", title=title),
            "",
            _("• Only this time: {day} is cancelled.", day=day),
            _.ngettext(
                "• This and all the following: {title} stops. {day} and {n} more date are"
                " cancelled.",
                "• This and all the following: {title} stops. {day} and {n} more dates are"
                " cancelled.",
                more,
                title=title,
                day=day,
            ),
        ]
    else:
        lines = [
            _("✏️ {title} is a fixed activity. Change only this date, or more?", title=title),
            "",
            _("• Only this time: {day} changes. The other dates stay as they are.", day=day),
            _.ngettext(
                "• This and all the following: {day} and {n} more date change. New dates too.",
                "• This and all the following: {day} and {n} more dates change. New dates too.",
                more,
                day=day,
            ),
        ]
    if field != "c":
        lines += ["", _("Everyone signed up gets one message.")]
    rows = [
        [button(_("Only this time"), Route.STAFF, Action.EDIT_ONE, activity.id, field)],
        [
            button(
                _("This and all the following"), Route.STAFF, Action.EDIT_ALL, activity.id, field
            )
        ],
        [button(_("⬅️ Back"), Route.ACTIVITY, Action.SHOW, activity.id, 0)],
    ]
    return Screen("\n".join(lines), keyboard(rows))


def end_question(context: BotContext, activity: Activity, following: SeriesEdit | None) -> Screen:
    _ = context._
    n = following.dates if following else 0
    question = _.ngettext(
        "Stop {title} from {day}? {n} date is cancelled. Everyone signed up gets one message.",
        "Stop {title} from {day}? {n} dates are cancelled. Everyone signed up gets one message.",
        n,
        title="<b>" + esc(activity.title) + "</b>",
        day=esc(date_of(context, activity)),
    )
    yes = button(_("Yes, stop it"), Route.STAFF, Action.END_OK, activity.id)
    no = button(_("No, keep it"), Route.ACTIVITY, Action.SHOW, activity.id, 0)
    return Screen(question, keyboard([[yes], [no]]))


def told_line(context: BotContext, told: int) -> str:
    if not told:
        return context._("Nobody needs a message.")
    return context._.ngettext(
        "{n} person gets one message.", "{n} people get one message each.", told
    )
