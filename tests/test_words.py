"""One word for one thing, no jargon (issue 11, points 14 and 15).

Point 14: someone Lene signs up at the counter has no phone ("uden telefon"); someone who comes
without signing up is counted at the door ("uden tilmelding"). "Gæst" is not used for either.
/tal, the card and the spreadsheet say whether a total holds them, so Søren never adds them
twice. Point 15: "For hele landet", not "Landsdækkende"; a button is "gammel", not "forældet";
help says that typing is only for writing to the staff."""

from __future__ import annotations

import csv
import io

from babel.messages.pofile import read_po

from bot.fake_telegram import FakeUser
from bot.i18n import LOCALES_DIR
from bot.store.roles import RoleName
from tests.conftest import NOW, Harness, local


def everything_seen(*people: FakeUser) -> str:
    return "\n".join(
        m.text + " " + " ".join(b for b, _ in m.buttons())
        for p in people
        for m in p.bot_messages()
    )


async def test_soren_can_tell_counter_sign_ups_from_walk_ins_and_never_adds_twice(
    bot: Harness,
) -> None:
    centre = await bot.centre()
    activity_id = await bot.activity(centre, "Fællesspisning", local(2026, 11, 28, 17), 5)
    for uid, name in ((1, "Jens"), (2, "Maria")):
        person = bot.user(uid, name)
        await person.send("/start c-parasollen")
        await bot.store.signups.join(activity_id, uid, NOW, bot.services.planner)
    await bot.store.roles.grant(50, RoleName.STAFF, centre.id, NOW)
    lene = bot.user(50, "Lene")
    await lene.send("/start")
    for name in ("Poul", "Kim"):  # two men without a phone, at the counter
        await lene.tap_data(f"v1:act:show:{activity_id}:0")
        await lene.tap("➕ Tilmeld en uden telefon")
        await lene.send(name)
    assert "Uden telefon: Poul, Kim" in lene.last_text()
    bot.clock.now = lambda: local(2026, 11, 28, 17, 30)  # type: ignore[method-assign]
    await lene.tap_data(f"v1:tal:att:{activity_id}")
    labels = [b for b, _ in lene.last_message().buttons()]
    assert "⬜ Poul (uden telefon)" in labels and "+ 1 uden tilmelding" in labels
    await lene.tap("⬜ Jens")
    await lene.tap("⬜ Poul")
    await lene.tap("+ 1 uden tilmelding")  # a woman who came without signing up
    assert "Mødt op: 3 (heraf 1 uden tilmelding)" in lene.last_text()

    await bot.store.roles.grant(70, RoleName.COORDINATOR, None, NOW)
    soren = bot.user(70, "Søren")
    await soren.send("/tal")
    assert "4/5 tilmeldt, heraf 2 uden telefon · 0 på venteliste" in soren.last_text()
    await soren.tap("Fællesspisning")
    card = soren.last_text()
    assert "Tilmeldt: 4 af 5\nHeraf uden telefon: 2\nVenteliste: 0" in card
    assert "Mødt op: 3 (heraf 1 uden tilmelding)" in card
    await soren.send("/eksport")
    await soren.tap("Aktiviteter – denne måned")
    (document,) = [m for m in soren.bot_messages() if m.kind == "document"]
    header, row = list(
        csv.reader(io.StringIO(document.file_bytes.decode("utf-8-sig")), delimiter=";")
    )
    figures = dict(zip(header, row, strict=True))
    assert figures["Tilmeldt"] == "4" and figures["Heraf uden telefon"] == "2"
    assert figures["Mødt op"] == "3" and figures["Heraf uden tilmelding"] == "1"
    assert "gæst" not in everything_seen(lene, soren).lower()


def danish() -> dict[str, str]:
    with (LOCALES_DIR / "da" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale="da")
    texts = {}
    for m in catalog:
        if m.id:
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            texts[m.id if isinstance(m.id, str) else m.id[0]] = " ".join(strings)
    return texts


def test_no_jargon_in_the_danish_texts() -> None:
    words = ("landsdækkende", "forældet", "gæst")
    found = {(w, msgid) for msgid, text in danish().items() for w in words if w in text.lower()}
    # Entries the code no longer uses stay until the catalogue is cleaned; they are never shown.
    obsolete = {
        "Guests without phone",
        "Guests without a phone: {n}",
        "{places} signed up · {waiting} waiting · {guests} guests",
    }
    assert {(w, m) for w, m in found if m not in obsolete} == set()


async def test_maria_reads_plain_words_on_old_buttons_and_national_activities(
    bot: Harness,
) -> None:
    await bot.centre()
    await bot.activity(None, "Landsturnering")
    maria = bot.user(2, "Maria")
    await maria.send("/start")
    assert "🌍 For hele landet" in [b for b, _ in maria.last_message().buttons()]
    await maria.tap("For hele landet")
    assert maria.last_text().startswith("Her er det, der sker for hele landet")
    await maria.tap("Landsturnering")
    assert "🏠 For hele landet" in maria.last_text()
    await maria.tap_data("v1:act:show:999:0")  # a button from days ago
    assert maria.last_text().startswith("Den knap er gammel – her er det, der sker nu.")


async def test_help_says_typing_is_only_for_writing_to_the_staff(bot: Harness) -> None:
    await bot.centre()
    jens = bot.user(1)
    await jens.send("/start c-parasollen")
    await jens.press("❓ Hjælp")
    assert "Du skal kun skrive, når du vil skrive til personalet." in jens.texts()[-2]
    assert "aldrig skrive" not in jens.texts()[-2]
    assert [b for b, _ in jens.last_message().buttons()] == ["💬 Skriv til personalet"]
