"""Every staff/coordinator action × every role, as in the README's table: a person without the
right role is told "Det har du ikke adgang til." and nothing changes."""

from collections.abc import Awaitable, Callable

import pytest

from bot.fake_telegram import FakeUser
from bot.store.roles import RoleName
from dialogs.roles import tag
from tests.conftest import NOW, Harness, local

DENIED = "Det har du ikke adgang til."
ROLES = ["user", "staff", "staff elsewhere", "coordinator", "national coordinator", "admin"]
Probe = Callable[[Harness, FakeUser, int, int], Awaitable[bool]]


async def new_activity(bot: Harness, who: FakeUser, cid: int, aid: int) -> bool:
    await who.send("/ny_aktivitet")
    return who.last_text() != DENIED


async def change_activity(bot: Harness, who: FakeUser, cid: int, aid: int) -> bool:
    await who.tap_data(f"v1:stf:edit:{aid}:p")
    return "Hvor?" in who.last_text()


async def cancel_activity(bot: Harness, who: FakeUser, cid: int, aid: int) -> bool:
    await who.tap_data(f"v1:stf:cancelok:{aid}")
    activity = await bot.store.activities.get(aid)
    assert activity is not None
    allowed = activity.status == "cancelled"
    assert allowed or who.last_text() == DENIED
    return allowed


async def sign_up_guest(bot: Harness, who: FakeUser, cid: int, aid: int) -> bool:
    await who.tap_data(f"v1:stf:edit:{aid}:g")
    return "Skriv kun fornavnet" in who.last_text()


async def write_to_centre(bot: Harness, who: FakeUser, cid: int, aid: int) -> bool:
    await who.send("/besked")
    if who.last_text() == DENIED:
        return False
    await who.tap_data(f"v1:bc:aud:c:{cid}")
    return "Skriv beskeden" in who.last_text()


async def write_to_everyone(bot: Harness, who: FakeUser, cid: int, aid: int) -> bool:
    await who.send("/besked")
    if who.last_text() == DENIED:
        return False
    await who.tap_data("v1:bc:aud:all")
    return "Skriv beskeden" in who.last_text()


async def invite_staff(bot: Harness, who: FakeUser, cid: int, aid: int) -> bool:
    await who.send("/inviter")
    allowed = who.last_text() != DENIED
    await who.tap_data(f"v1:stf:inv:{cid}")  # the centre's button, also forged by the others
    made = await bot.store.roles.open_invitations(bot.clock.now(), created_by=50)
    assert bool(made) is ("?start=s-" in who.last_text()) is allowed
    return allowed


async def withdraw_own_link(bot: Harness, who: FakeUser, cid: int, aid: int) -> bool:
    """A link they made (as an admin, or before they stopped being one): see and withdraw it."""
    await bot.store.roles.create_invitation("made-by-fifty-123", cid, 50, NOW + 86400)
    await who.tap_data("v1:stf:invs:0")
    listed = "1. Café Parasollen – virker til" in who.last_text()
    await who.tap_data(f"v1:stf:wdok:{tag('made-by-fifty-123')}")
    withdrawn = await bot.store.roles.open_invitations(bot.clock.now()) == []
    assert listed is withdrawn and (withdrawn or who.last_text() == DENIED)
    return withdrawn


async def use_invitation(bot: Harness, who: FakeUser, cid: int, aid: int) -> bool:
    await bot.store.roles.grant(98, RoleName.ADMIN, None, NOW)
    await bot.store.roles.create_invitation("made-by-admin-123", cid, 98, NOW + 86400)
    await who.send("/start s-made-by-admin-123")
    return who.last_text().startswith("Du er nu personale på Café Parasollen.")


async def see_counts(bot: Harness, who: FakeUser, cid: int, aid: int) -> bool:
    await who.send("/tal")
    return "1. Fodbold" in who.last_text()


async def see_names(bot: Harness, who: FakeUser, cid: int, aid: int) -> bool:
    await who.tap_data(f"v1:tal:show:{aid}:0")
    return "Navne: Jens" in who.last_text()


async def tick_attendance(bot: Harness, who: FakeUser, cid: int, aid: int) -> bool:
    bot.clock.now = lambda: local(2026, 12, 5, 11)  # type: ignore[method-assign]
    await who.tap_data(f"v1:tal:att:{aid}")
    return "Tryk på dem, der kom." in who.last_text()


async def export(bot: Harness, who: FakeUser, cid: int, aid: int) -> bool:
    await who.send("/eksport")
    return who.last_text().startswith("Hvilket regneark?")


# action: (probe, the roles allowed) — the same table is in the README
MATRIX: dict[str, tuple[Probe, set[str]]] = {
    "make an activity": (new_activity, {"staff", "staff elsewhere", "admin"}),
    "change an activity": (change_activity, {"staff", "admin"}),
    "cancel an activity": (cancel_activity, {"staff", "admin"}),
    "sign up a guest": (sign_up_guest, {"staff", "admin"}),
    "write to the centre": (write_to_centre, {"staff", "admin"}),
    "write to everyone": (write_to_everyone, {"admin"}),
    "make an invitation link": (invite_staff, {"admin"}),
    "see and withdraw own invitation links": (withdraw_own_link, {"admin"}),
    "use an invitation link": (use_invitation, set(ROLES)),
    "see the centre's counts": (
        see_counts,
        {"staff", "coordinator", "national coordinator", "admin"},
    ),
    "see names": (see_names, {"staff", "coordinator", "admin"}),
    "tick attendance": (tick_attendance, {"staff", "coordinator", "admin"}),
    "export": (
        export,
        {"staff", "staff elsewhere", "coordinator", "national coordinator", "admin"},
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(MATRIX))
async def test_every_action_for_every_role(bot: Harness, action: str, role: str) -> None:
    here = await bot.centre()
    elsewhere = await bot.centre("kofoed", "Kofoeds Skole")
    aid = await bot.activity(here, "Fodbold", capacity=5)
    jens = bot.user(1, "Jens")
    await jens.send("/start c-parasollen")
    await jens.tap("Fodbold")
    await jens.tap("Tilmeld mig")
    grants = {
        "staff": (RoleName.STAFF, here.id),
        "staff elsewhere": (RoleName.STAFF, elsewhere.id),
        "coordinator": (RoleName.COORDINATOR, here.id),
        "national coordinator": (RoleName.COORDINATOR, None),
        "admin": (RoleName.ADMIN, None),
    }
    if role in grants:
        await bot.store.roles.grant(50, grants[role][0], grants[role][1], NOW)
    who = bot.user(50, "Tester")
    await who.send("/start")
    probe, allowed = MATRIX[action]
    assert await probe(bot, who, here.id, aid) is (role in allowed)
    activities = await bot.store.activities.all()
    if action != "cancel an activity" or role not in allowed:
        assert [a.status for a, _ in activities] == ["scheduled"]
