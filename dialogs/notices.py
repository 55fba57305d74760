"""Notices: reminders before an activity, and word that a place opened up, the activity moved,
or it was cancelled. Written here, sent by bot/reminders.py through bot/delivery.py.

Who: users. Entry: a reminder's "👍 Jeg kommer" / "Jeg kan ikke komme" (one tap; the second
gives the place back, promotes the waiting list and thanks, no blame). Also follows whether a
person blocked the bot (my_chat_member). Writes: signup, user.active.
"""

from __future__ import annotations

from telegram import ChatMember, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, ChatMemberHandler

from bot import callbacks
from bot.callbacks import Action, Route
from bot.context import BotContext
from bot.db import CancelOutcome, Notice, NoticeKind
from bot.i18n import Translator, translator
from dialogs.browse import card_lines, list_screen, show_stale
from dialogs.common import Screen, button, esc, keyboard, show, tapped


def render(notice: Notice, default_locale: str, default_timezone: str, now: int) -> Screen:
    """The message for one notice, in the person's language."""
    _ = translator(notice.locale or default_locale)
    a = notice.activity
    starts = _.when(a.starts_at, a.timezone or default_timezone, now)
    title = "<b>" + esc(a.title) + "</b>"
    see = button(_("See the activity"), Route.ACTIVITY, Action.SHOW, a.id, 0)
    if notice.kind is NoticeKind.REMINDER:
        text = "\n".join([_("⏰ A reminder – you are signed up:"), ""] + card_lines(a, starts, _))
        return Screen(text, reminder_buttons(a.id, _))
    if notice.kind is NoticeKind.PROMOTED:
        text = _(
            "🎉 Good news! A place opened up for you at {title}, {when}. You are now signed up.",
            title=title,
            when=esc(starts),
        )
        return Screen(text, keyboard([[see]]))
    if notice.kind is NoticeKind.CHANGED:
        lines = [_("📅 There is a change – here is how it is now:"), ""]
        return Screen("\n".join(lines + card_lines(a, starts, _)), keyboard([[see]]))
    text = _("😔 {title} ({when}) is cancelled. Sorry!", title=title, when=esc(starts))
    others = button(_("📅 See other activities"), Route.ACTIVITY, Action.PAGE, 0)
    return Screen(text, keyboard([[others]]))


def reminder_buttons(activity_id: int, _: Translator) -> InlineKeyboardMarkup | None:
    return keyboard(
        [
            [button(_("👍 I'm coming"), Route.REMINDER, Action.COMING, activity_id)],
            [button(_("I can't come"), Route.REMINDER, Action.NOT_COMING, activity_id)],
        ]
    )


async def on_coming(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 1)
    if ids is None:
        return await show_stale(update, context)
    activity = await context.db.get_activity(ids[0])
    if activity is None or activity.status != "scheduled" or activity.starts_at <= context.now():
        return await show_stale(update, context, activity)
    starts = context._.when(
        activity.starts_at, activity.timezone or context.config.bot.timezone, context.now()
    )
    lines = card_lines(activity, starts, context._) + ["", context._("👍 Lovely – see you!")]
    await show(update, context, Screen("\n".join(lines)))


async def on_not_coming(update: Update, context: BotContext) -> None:
    ids = await tapped(update, context, 1)
    if ids is None:
        return await show_stale(update, context)
    assert context.user is not None
    services = context.services
    result = await context.db.cancel_signup(
        ids[0], context.user.id, context.now(), services.planner
    )
    activity = result.view.activity if result.view else None
    if result.outcome is CancelOutcome.UNAVAILABLE or activity is None:
        return await show_stale(update, context, activity)
    services.wake_dispatcher()
    text = context._(
        "Thank you for letting us know. Your place for {title} goes to someone else."
        " Hope to see you another time! 🙂",
        title="<b>" + esc(activity.title) + "</b>",
    )
    await show(update, context, await list_screen(context, 0, text))


async def on_my_chat_member(update: Update, context: BotContext) -> None:
    """Someone blocked (or unblocked) the bot: write to them only while they let us."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    blocked = change.new_chat_member.status in (ChatMember.BANNED, ChatMember.LEFT)
    await context.db.set_user_active(change.chat.id, not blocked)


HANDLERS = [
    CallbackQueryHandler(on_coming, pattern=callbacks.pattern(Route.REMINDER, Action.COMING)),
    CallbackQueryHandler(
        on_not_coming, pattern=callbacks.pattern(Route.REMINDER, Action.NOT_COMING)
    ),
    ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER),
]
