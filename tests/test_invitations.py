"""Staff invitation links: used once and for ever, dead when their maker is no admin any more,
and withdrawn by the admin who made them (issue 10)."""

from dataclasses import replace

from bot.fake_telegram import FakeUser
from bot.store.roles import RoleName
from dialogs.roles import tag
from tests.conftest import NOW, Harness

DENIED = "Det har du ikke adgang til."
USED = "Dette link er allerede brugt. Bed om et nyt."
DEAD = "Dette link virker ikke længere. Bed om et nyt."
WELCOME = "Du er nu personale på Café Parasollen."
WEEK = 7 * 86400


async def make_link(admin: FakeUser, centre: str = "Café Parasollen") -> str:
    await admin.send("/inviter")
    await admin.tap(centre)
    return admin.last_text().split("?start=s-")[1].strip()


async def an_admin(bot: Harness, user_id: int = 99) -> FakeUser:
    await bot.store.roles.grant(user_id, RoleName.ADMIN, None, NOW)
    admin = bot.user(user_id, "Admin")
    await admin.send("/start")
    return admin


async def erase(person: FakeUser) -> None:
    await person.send("/slet_mig")
    await person.tap("Ja, slet mig")
    assert person.last_text().startswith("Alt om dig er slettet.")


async def is_staff(person: FakeUser) -> bool:
    await person.send("/ny_aktivitet")
    return person.last_text() != DENIED


async def with_config_admins(bot: Harness, *admins: int) -> None:
    bot.config = replace(bot.config, bot=replace(bot.config.bot, admins=admins))
    await bot.restart()


async def test_a_used_link_stays_used_after_the_person_who_used_it_is_erased(
    bot: Harness,
) -> None:
    await bot.centre()
    token = await make_link(await an_admin(bot))
    lene = bot.user(50, "Lene")
    await lene.send(f"/start s-{token}")
    assert lene.last_text().startswith(WELCOME)
    await erase(lene)
    ole = bot.user(60, "Ole")  # anyone else holding the link, within its 7 days
    await ole.send(f"/start s-{token}")
    assert ole.last_text() == USED
    assert not await is_staff(ole)
    assert await bot.store.roles.of(60) == []


async def test_revoked_staff_cannot_erase_themselves_and_use_their_link_again(
    bot: Harness,
) -> None:
    centre = await bot.centre()
    token = await make_link(await an_admin(bot))
    lene = bot.user(50, "Lene")
    await lene.send(f"/start s-{token}")
    assert await is_staff(lene)
    await lene.tap("Afbryd")
    assert await bot.store.roles.revoke(50, RoleName.STAFF, centre.id)
    await erase(lene)
    await lene.send(f"/start s-{token}")
    assert lene.last_text() == USED
    assert not await is_staff(lene)
    assert await bot.store.roles.of(50) == []


async def test_a_link_dies_with_its_makers_admin_role(bot: Harness) -> None:
    await bot.centre()
    token = await make_link(await an_admin(bot))
    assert await bot.store.roles.revoke(99, RoleName.ADMIN, None)
    lene = bot.user(50, "Lene")
    await lene.send(f"/start s-{token}")
    assert lene.last_text() == DEAD
    assert not await is_staff(lene)
    # Checked when the link is used, not when it was made: an admin again, it works again.
    await bot.store.roles.grant(99, RoleName.ADMIN, None, NOW)
    await lene.send(f"/start s-{token}")
    assert lene.last_text().startswith(WELCOME)


async def test_a_centre_admin_role_is_not_enough_to_keep_a_link_alive(bot: Harness) -> None:
    centre = await bot.centre()
    token = await make_link(await an_admin(bot))
    await bot.store.roles.grant(99, RoleName.ADMIN, centre.id, NOW)  # a centre's admin only
    assert await bot.store.roles.revoke(99, RoleName.ADMIN, None)
    lene = bot.user(50, "Lene")
    await lene.send(f"/start s-{token}")
    assert lene.last_text() == DEAD


async def test_a_config_admins_link_works_while_they_are_in_the_config(bot: Harness) -> None:
    await bot.centre()
    await with_config_admins(bot, 99)
    admin = bot.user(99, "Admin")
    first, second = await make_link(admin), await make_link(admin)
    lene = bot.user(50, "Lene")
    await lene.send(f"/start s-{first}")
    assert lene.last_text().startswith(WELCOME)
    await with_config_admins(bot)  # taken out of the config
    ole = bot.user(60, "Ole")
    await ole.send(f"/start s-{second}")
    assert ole.last_text() == DEAD
    assert not await is_staff(ole)


async def test_a_link_dies_when_the_admin_who_made_it_is_erased(bot: Harness) -> None:
    await bot.centre()
    await with_config_admins(bot, 99)  # still in the config after the erasure
    admin = bot.user(99, "Admin")
    token = await make_link(admin)
    await erase(admin)
    lene = bot.user(50, "Lene")
    await lene.send(f"/start s-{token}")
    assert lene.last_text() == DEAD
    assert not await is_staff(lene)


async def test_an_admin_sees_their_open_links_and_withdraws_one(bot: Harness) -> None:
    await bot.centre()
    await bot.centre("kofoed", "Kofoeds Skole")
    admin = await an_admin(bot)
    other = await an_admin(bot, 98)
    parasollen = await make_link(admin)
    bot.clock.advance(3600)
    kofoed = await make_link(admin, "Kofoeds Skole")
    used = await make_link(admin)
    await bot.user(70, "Bo").send(f"/start s-{used}")  # used: not open any more
    await make_link(other)  # another admin's: not in this admin's list
    await admin.send("/inviter")
    await admin.tap("Træk et link tilbage")
    assert admin.last_text() == (
        "Dine åbne links. Tryk på et for at trække det tilbage:\n"
        "1. Café Parasollen – virker til lørdag 5. december kl. 10.00\n"
        "2. Kofoeds Skole – virker til lørdag 5. december kl. 11.00"
    )
    assert [label for label, _ in admin.last_message().buttons()] == [
        "1. Café Parasollen",
        "2. Kofoeds Skole",
        "⬅️ Tilbage",
    ]
    await admin.tap("1. Café Parasollen")
    assert admin.last_text() == (
        "Vil du trække linket til Café Parasollen tilbage? Det virker til lørdag 5. december"
        " kl. 10.00. Bagefter kan ingen bruge det."
    )
    await admin.tap("Tilbage")  # changed their mind: back to the list, nothing changed
    assert admin.last_text().startswith("Dine åbne links.")
    await admin.tap("1. Café Parasollen")
    await admin.tap("Ja, træk det tilbage")
    assert admin.last_text() == (
        "✅ Linket er trukket tilbage. Nu virker det ikke mere.\n\n"
        "Dine åbne links. Tryk på et for at trække det tilbage:\n"
        "1. Kofoeds Skole – virker til lørdag 5. december kl. 11.00"
    )
    lene, unknown = bot.user(50, "Lene"), bot.user(51, "Ukendt")
    await lene.send(f"/start s-{parasollen}")
    await unknown.send("/start s-NoSuchLinkAtAll")
    assert lene.last_text() == unknown.last_text() == DEAD  # withdrawn = never existed
    assert not await is_staff(lene)
    ole = bot.user(60, "Ole")
    await ole.send(f"/start s-{kofoed}")
    assert ole.last_text().startswith("Du er nu personale på Kofoeds Skole.")
    await admin.tap("Tilbage")
    assert admin.last_text() == "Hvor skal den nye arbejde? Vælg et værested."


async def test_no_open_links_says_so(bot: Harness) -> None:
    await bot.centre()
    admin = await an_admin(bot)
    await admin.send("/inviter")
    await admin.tap("Træk et link tilbage")
    assert admin.last_text() == "Du har ingen åbne links."
    assert [label for label, _ in admin.last_message().buttons()] == ["⬅️ Tilbage"]


async def test_the_list_of_links_is_paged(bot: Harness) -> None:
    centre = await bot.centre()
    admin = await an_admin(bot)
    for i in range(9):
        await bot.store.roles.create_invitation(f"link-number-{i}", centre.id, 99, NOW + WEEK + i)
    await admin.send("/inviter")
    await admin.tap("Træk et link tilbage")
    assert len(admin.last_message().buttons()) == 8 + 2  # eight links, Next, Back
    await admin.tap("Næste")
    assert "9. Café Parasollen" in admin.last_text()
    await admin.tap("9. Café Parasollen")
    await admin.tap("Ja, træk det tilbage")
    assert len(await bot.store.roles.open_invitations(bot.clock.now(), created_by=99)) == 8


async def test_stale_forged_and_foreign_withdraw_buttons_change_nothing(bot: Harness) -> None:
    centre = await bot.centre()
    admin = await an_admin(bot)
    other = await an_admin(bot, 98)
    token = await make_link(admin)
    gone = "Det link virker ikke mere. Det er brugt, for gammelt eller trukket tilbage."

    async def still_open() -> bool:
        return [i.token for i in await bot.store.roles.open_invitations(bot.clock.now())] == [
            token
        ]

    # Another admin's forged tap on this admin's link: not theirs, so not open for them.
    await other.tap_data(f"v1:stf:wdok:{tag(token)}")
    assert other.last_text().startswith(gone)
    assert await still_open()
    # A forged tag, and malformed data: the gentle answers, nothing changes.
    for data in ("v1:stf:wdok:0123456789ab", "v1:stf:wd:0123456789ab"):
        await admin.tap_data(data)
        assert admin.last_text().startswith(gone)
    for data in ("v1:stf:wdok:abc", "v1:stf:wdok", "v1:stf:wd:0123456789ab:1", "v1:stf:invs"):
        await admin.tap_data(data)
        assert admin.last_text().startswith("Den knap er gammel")
    assert await still_open()
    # Staff (not admin) and a plain user get "no access", also with the right tag.
    await bot.store.roles.grant(50, RoleName.STAFF, centre.id, NOW)
    lene, jens = bot.user(50, "Lene"), bot.user(1, "Jens")
    for person in (lene, jens):
        await person.send("/start")
        for data in (f"v1:stf:wdok:{tag(token)}", f"v1:stf:wd:{tag(token)}", "v1:stf:invs:0"):
            await person.tap_data(data)
            assert person.last_text() == DENIED
    assert await still_open()
    # The admin who made it, no longer an admin: no access either.
    assert await bot.store.roles.revoke(99, RoleName.ADMIN, None)
    await admin.tap_data(f"v1:stf:wdok:{tag(token)}")
    assert admin.last_text() == DENIED
    assert await still_open()
    # An admin again: withdraws it; the same button a second time (stale) says it is gone.
    await bot.store.roles.grant(99, RoleName.ADMIN, None, NOW)
    await admin.send("/inviter")
    await admin.tap("Træk et link tilbage")
    await admin.tap("1. Café Parasollen")
    confirm = admin.last_message()
    await admin.tap("Ja, træk det tilbage", confirm)
    assert admin.last_text().startswith("✅ Linket er trukket tilbage.")
    await admin.tap_data(f"v1:stf:wdok:{tag(token)}", confirm)
    assert confirm.text.startswith(gone)
    assert await bot.store.roles.open_invitations(bot.clock.now()) == []


async def test_expired_links_are_not_listed(bot: Harness) -> None:
    await bot.centre()
    admin = await an_admin(bot)
    await make_link(admin)
    bot.clock.advance(WEEK)
    await admin.send("/inviter")
    await admin.tap("Træk et link tilbage")
    assert admin.last_text() == "Du har ingen åbne links."
