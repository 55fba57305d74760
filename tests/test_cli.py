"""The admin command line: centres, activities, the all-or-nothing CSV import, clear errors."""

import asyncio
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.store import Store
from tests.cli_support import CONFIG, run

CPH = ZoneInfo("Europe/Copenhagen")


def ahead(days: int, form: str = "%Y-%m-%d %H:%M", hour: int = 10) -> tuple[str, int]:
    """A start `days` from today (the command line runs on the real clock), as the admin writes
    it in `form`, and as epoch seconds."""
    moment = datetime.combine(datetime.now(CPH).date() + timedelta(days=days), time(hour), CPH)
    return moment.strftime(form), int(moment.timestamp())


def activities(path: Path) -> list[tuple[str, int, int | None]]:
    async def read() -> list[tuple[str, int, int | None]]:
        store = await Store.open(path)
        try:
            return [(a.title, a.starts_at, a.capacity) for a, _ in await store.activities.all()]
        finally:
            await store.close()

    return asyncio.run(read())


def test_centre_add_prints_the_join_link_and_list_shows_it(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        [
            "centre",
            "add",
            "--config",
            str(config),
            "--slug",
            "parasollen",
            "--name",
            "Café Parasollen",
            "--city",
            "København",
        ],
        capsys,
    )
    assert code == 0
    assert "Join link (for the QR poster): https://t.me/<bot-username>?start=c-parasollen" in out
    code, out, _ = run(["centre", "list", "--config", str(config)], capsys)
    assert out == (
        "parasollen\tCafé Parasollen (København)\thttps://t.me/<bot-username>?start=c-parasollen\n"
    )


def test_duplicate_or_bad_slug_is_one_clear_line(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(["centre", "add", "--config", str(config), "--slug", "a", "--name", "A"], capsys)
    code, _, err = run(
        ["centre", "add", "--config", str(config), "--slug", "a", "--name", "B"], capsys
    )
    assert code == 2 and err == "vaerested-bot: error: a centre with slug 'a' exists already\n"
    code, _, err = run(
        ["centre", "add", "--config", str(config), "--slug", "Æble", "--name", "B"], capsys
    )
    assert code == 2 and "slug 'Æble' must be" in err and err.count("\n") == 1


def test_activity_add_and_list(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(["centre", "add", "--config", str(config), "--slug", "p", "--name", "P"], capsys)
    code, out, _ = run(
        [
            "activity",
            "add",
            "--config",
            str(config),
            "--centre",
            "p",
            "--title",
            "Fodbold",
            "--starts",
            ahead(3)[0],
            "--capacity",
            "10",
        ],
        capsys,
    )
    assert code == 0 and out.startswith("Added activity 1: Fodbold")
    code, out, _ = run(
        [
            "activity",
            "add",
            "--config",
            str(config),
            "--national",
            "--title",
            "Landsturnering",
            "--starts",
            ahead(4)[0],
        ],
        capsys,
    )
    assert code == 0
    code, out, _ = run(["activity", "list", "--config", str(config)], capsys)
    assert out.splitlines() == [
        f"1\t{ahead(3)[0]}\tP\tFodbold\t0/10",
        f"2\t{ahead(4)[0]}\tnational\tLandsturnering\t0/-",
    ]
    code, out, _ = run(["activity", "list", "--config", str(config), "--centre", "p"], capsys)
    assert out.count("\n") == 1


def test_activity_add_refuses_a_time_that_does_not_exist(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        [
            "activity",
            "add",
            "--config",
            str(config),
            "--national",
            "--title",
            "Nat",
            "--starts",
            "2026-03-29 02:30",
        ],
        capsys,
    )
    assert code == 2
    assert "2026-03-29 02:30 does not exist in Europe/Copenhagen" in err


def test_import_is_all_or_nothing_and_names_each_bad_line(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(["centre", "add", "--config", str(config), "--slug", "p", "--name", "P"], capsys)
    csv = tmp_path / "uge.csv"
    soon, later = ahead(3)[0], ahead(4)[0]
    csv.write_text(
        "centre,title,starts,capacity\n"
        f"p,Fodbold,{soon},5\n"
        f"nope,Maling,{soon},5\n"
        "p,Banko,2026-13-01 10:00,5\n"
        "p,Nattur,2026-03-29 02:30,5\n"
        "p,Høsttur,2026-10-25 02:30,5\n"
        f"p,Gåtur,{later},-1\n"
        f"p,,{later},3\n"
        f"p,{'x' * 101},{later},3\n",
        encoding="utf-8",
    )
    code, _out, err = run(["activity", "import", "--config", str(config), str(csv)], capsys)
    assert code == 2
    lines = err.splitlines()
    assert lines[:6] == [
        f"{csv}: line 3: unknown centre 'nope'",
        (
            f"{csv}: line 4: date '2026-13-01 10:00' is not a date and time"
            " like 2026-12-05 10:00 or 05-12-2026 10.00"
        ),
        (
            f"{csv}: line 5: 2026-03-29 02:30 does not exist in Europe/Copenhagen"
            " (clocks skip it for summer time)"
        ),
        (
            f"{csv}: line 6: 2026-10-25 02:30 happens twice in Europe/Copenhagen"
            " (clocks go back); pick another time"
        ),
        f"{csv}: line 7: capacity -1 is negative",
        f"{csv}: line 8: title is empty",
    ]
    assert lines[6] == (
        f"vaerested-bot: error: {csv}: line 9: title is 101 characters;"
        " at most 100 are allowed; nothing was imported"
    )
    assert activities(tmp_path / "admin.db") == []


def test_import_of_a_good_semicolon_file_from_excel(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(["centre", "add", "--config", str(config), "--slug", "p", "--name", "P"], capsys)
    csv = tmp_path / "uge.csv"
    (soon, soon_at), (later, later_at) = ahead(3), ahead(4)
    csv.write_bytes(
        "\ufeffcentre;title;starts;place;capacity;description\n"
        f"p;Fodbold;{later};Fælledparken;10;Tag sko med\n"
        f"national;Landsturnering;{soon};;;\n".encode()
    )
    code, out, err = run(["activity", "import", "--config", str(config), str(csv)], capsys)
    assert (code, err) == (0, "")
    assert out == f"Imported 2 activities from {csv}\n"
    assert activities(tmp_path / "admin.db") == [
        ("Landsturnering", soon_at, None),
        ("Fodbold", later_at, 10),
    ]


def test_import_with_wrong_columns_says_which(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "x.csv"
    csv.write_text("centre,titel,starts\np,X,2026-12-05 10:00\n", encoding="utf-8")
    code, _, err = run(["activity", "import", "--config", str(config), str(csv)], capsys)
    assert code == 2 and "line 1: columns missing ['title']" in err


def test_demo_data_adds_a_demo_centre_once(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["demo-data", "--config", str(config)], capsys)
    assert code == 0 and "Added the demo centre 'demo' with 7 activities" in out
    code, out, _ = run(["demo-data", "--config", str(config)], capsys)
    assert "nothing added" in out
    assert len(activities(tmp_path / "admin.db")) == 7


def test_run_without_a_token_fails_with_one_line(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["run", "--config", str(config)], capsys)
    assert code == 2
    assert err == (
        "vaerested-bot: error: [telegram] token is missing:"
        " set it or the VAERESTED_BOT_TOKEN variable\n"
    )


def test_a_database_from_a_newer_version_stops_admin_commands(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    run(["centre", "list", "--config", str(config)], capsys)
    raw = sqlite3.connect(tmp_path / "admin.db")
    raw.execute("PRAGMA user_version = 42")
    raw.close()
    code, _, err = run(["centre", "list", "--config", str(config)], capsys)
    assert code == 2 and "newer vaerested-bot" in err and err.count("\n") == 1


def test_roles_are_granted_and_revoked(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.store.roles import RoleName

    run(["centre", "add", "--config", str(config), "--slug", "p", "--name", "P"], capsys)
    code, out, _ = run(
        [
            "role",
            "grant",
            "--config",
            str(config),
            "--user",
            "42",
            "--role",
            "staff",
            "--centre",
            "p",
        ],
        capsys,
    )
    assert (code, out) == (0, "User 42 is now staff (p)\n")
    code, out, _ = run(
        ["role", "grant", "--config", str(config), "--user", "7", "--role", "coordinator"], capsys
    )
    assert (code, out) == (0, "User 7 is now coordinator (national)\n")
    code, _, err = run(
        ["role", "grant", "--config", str(config), "--user", "42", "--role", "staff"], capsys
    )
    assert code == 2 and "staff belong to a centre" in err

    async def roles() -> list[tuple[str, int | None]]:
        store = await Store.open(tmp_path / "admin.db")
        try:
            return [(r.role.value, r.centre_id) for r in await store.roles.of(42)]
        finally:
            await store.close()

    assert asyncio.run(roles()) == [(RoleName.STAFF.value, 1)]
    code, out, _ = run(
        [
            "role",
            "revoke",
            "--config",
            str(config),
            "--user",
            "42",
            "--role",
            "staff",
            "--centre",
            "p",
        ],
        capsys,
    )
    assert (code, out) == (0, "User 42 is no longer staff (p)\n")
    assert asyncio.run(roles()) == []
    code, _, err = run(
        [
            "role",
            "revoke",
            "--config",
            str(config),
            "--user",
            "42",
            "--role",
            "staff",
            "--centre",
            "p",
        ],
        capsys,
    )
    assert code == 2 and "is not staff" in err


def test_backup_makes_a_private_consistent_copy(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3
    import stat

    run(["centre", "add", "--config", str(config), "--slug", "p", "--name", "P"], capsys)
    target = tmp_path / "backup.db"
    code, out, _ = run(["backup", "--config", str(config), str(target)], capsys)
    assert code == 0 and out.startswith(f"Backed up {tmp_path / 'admin.db'} to {target}")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT slug FROM centre").fetchall() == [("p",)]
    copy.close()
    code, _, err = run(["backup", "--config", str(config), str(target)], capsys)
    assert code == 2 and "exists already" in err


def test_role_invitations_lists_open_links_and_withdraws_one(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from bot.store.roles import RoleName

    config.write_text(CONFIG + "admins = [9]\n", encoding="utf-8")  # 9: an admin in the config
    run(["centre", "add", "--config", str(config), "--slug", "p", "--name", "P"], capsys)
    run(["centre", "add", "--config", str(config), "--slug", "k", "--name", "K"], capsys)
    cph = ZoneInfo("Europe/Copenhagen")
    later = int(datetime(2099, 1, 1, 12, 0, tzinfo=cph).timestamp())

    async def setup() -> None:
        store = await Store.open(tmp_path / "admin.db")
        try:
            await store.roles.grant(7, RoleName.ADMIN, None, 0)
            await store.roles.create_invitation("tok-by-seven-123", 1, 7, later)
            await store.roles.create_invitation("-dash-first-1234", 2, 9, later + 60)
            await store.roles.create_invitation(
                "tok-no-admin-123", 1, 8, later + 120
            )  # 8: no admin
            await store.roles.create_invitation("tok-used-1234567", 1, 7, later)
            await store.roles.use_invitation("tok-used-1234567", 50, 0, admins=())
            await store.roles.create_invitation("tok-expired-1234", 1, 7, 1000)
        finally:
            await store.close()

    asyncio.run(setup())
    code, out, _ = run(["role", "invitations", "--config", str(config)], capsys)
    assert (code, out) == (
        0,
        (
            "tok-by-seven-123\tp\texpires 2099-01-01 12:00\tmade by 7\n"
            "-dash-first-1234\tk\texpires 2099-01-01 12:01\tmade by 9\n"
            "tok-no-admin-123\tp\texpires 2099-01-01 12:02\tmade by 8"
            "\t[does not work: its maker is no admin now]\n"
        ),
    )
    withdraw = ["role", "invitations", "--config", str(config), "--withdraw"]
    code, out, _ = run([*withdraw, "tok-by-seven-123"], capsys)
    assert (code, out) == (0, "Withdrew the invitation to p; the link no longer works\n")
    code, out, _ = run(
        ["role", "invitations", "--config", str(config), "--withdraw=-dash-first-1234"], capsys
    )
    assert (code, out) == (0, "Withdrew the invitation to k; the link no longer works\n")
    code, out, _ = run([*withdraw, "https://t.me/vaerested_bot?start=s-tok-no-admin-123"], capsys)
    assert code == 0
    code, out, _ = run(["role", "invitations", "--config", str(config)], capsys)
    assert (code, out) == (0, "No open invitations.\n")
    for token in ("tok-by-seven-123", "no-such-token", "tok-used-1234567", "tok-expired-1234"):
        code, out, err = run([*withdraw, token], capsys)
        assert (code, out) == (2, "")
        assert err == (
            f"vaerested-bot: error: no open invitation {token!r}"
            " (unknown, used, expired or withdrawn)\n"
        )

    async def left() -> list[str]:
        store = await Store.open(tmp_path / "admin.db")
        try:
            return [i.token for i in await store.roles.open_invitations(0)]
        finally:
            await store.close()

    assert asyncio.run(left()) == ["tok-expired-1234"]  # as of time 0: the used one stays used


def test_the_admin_imports_the_same_week_twice_and_nothing_is_doubled(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(["centre", "add", "--config", str(config), "--slug", "p", "--name", "P"], capsys)
    (monday, monday_at), (tuesday, tuesday_at) = ahead(3), ahead(4)
    week = f"p,Fodbold,{monday}\np,Banko,{tuesday}\nnational,Landsturnering,{tuesday}\n"
    first = tmp_path / "uge.csv"
    first.write_text("centre,title,starts\n" + week, encoding="utf-8")
    code, out, _ = run(["activity", "import", "--config", str(config), str(first)], capsys)
    assert (code, out) == (0, f"Imported 3 activities from {first}\n")
    code, out, _ = run(["activity", "import", "--config", str(config), str(first)], capsys)
    assert (code, out) == (
        0,
        f"Imported 0 activities from {first}; 3 were there already and were skipped\n",
    )
    # The sheet grows by two rows (one of them pasted twice); only the two new ones are added.
    second = tmp_path / "uge2.csv"
    second.write_text(
        f"centre,title,starts\n{week}p,Maling,{monday}\np,Gåtur,{tuesday}\np,Maling,{monday}\n",
        encoding="utf-8",
    )
    code, out, _ = run(["activity", "import", "--config", str(config), str(second)], capsys)
    assert (code, out) == (
        0,
        (
            f"Imported 2 activities from {second}; 3 were there already and were skipped;"
            " 1 row repeated an earlier row and was skipped\n"
        ),
    )
    assert sorted(activities(tmp_path / "admin.db")) == sorted(
        [
            ("Fodbold", monday_at, None),
            ("Banko", tuesday_at, None),
            ("Landsturnering", tuesday_at, None),
            ("Maling", monday_at, None),
            ("Gåtur", tuesday_at, None),
        ]
    )
    # The same activity typed again is refused, so the admin knows nothing was added.
    add = ["activity", "add", "--config", str(config), "--centre", "p", "--title", "Fodbold"]
    code, out, err = run([*add, "--starts", monday], capsys)
    assert (code, out) == (2, "")
    assert err == (
        "vaerested-bot: error: activity 1 has the same centre, title and start already;"
        " nothing was added\n"
    )
    code, out, _ = run([*add, "--starts", tuesday], capsys)  # another day is another activity
    assert code == 0 and out.startswith("Added activity 6: Fodbold")


def test_a_danish_excel_file_in_windows_1252_with_danish_dates_imports(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(["centre", "add", "--config", str(config), "--slug", "p", "--name", "P"], capsys)
    dashes, at_1 = ahead(3, "%d-%m-%Y %H:%M")
    dots, at_2 = ahead(4, "%d.%m.%Y %H.%M", hour=18)
    slashes, at_3 = ahead(5, "%-d/%-m/%Y %H:%M", hour=9)
    iso, at_4 = ahead(6)
    csv = tmp_path / "cp1252.csv"  # "CSV (semikolonsepareret)" from Danish Excel
    csv.write_bytes(
        "centre;title;starts;place\n"
        f"p;Fællesspisning;{dashes};Køkkenet\n"
        f"p;Gåtur;{dots};Søerne\n"
        f"p;Café;{slashes};\n"
        f"p;Banko;{iso};\n".encode("cp1252")
    )
    code, out, err = run(["activity", "import", "--config", str(config), str(csv)], capsys)
    assert (code, err) == (0, "")
    assert out == f"Imported 4 activities from {csv}\n"
    assert activities(tmp_path / "admin.db") == [
        ("Fællesspisning", at_1, None),
        ("Gåtur", at_2, None),
        ("Café", at_3, None),
        ("Banko", at_4, None),
    ]
    # UTF-8 without a BOM, with Danish dates, works too.
    utf8 = tmp_path / "utf8.csv"
    utf8.write_text(f"centre;title;starts\np;Sjørup;{ahead(7, '%d-%m-%Y %H:%M')[0]}\n", "utf-8")
    code, out, _ = run(["activity", "import", "--config", str(config), str(utf8)], capsys)
    assert (code, out) == (0, f"Imported 1 activity from {utf8}\n")
    # Month first (American) or a two-digit year is never guessed at.
    american = tmp_path / "us.csv"
    american.write_text("centre,title,starts\np,X,12/31/2026 10:00\np,Y,05-12-26 10:00\n", "utf-8")
    code, _, err = run(["activity", "import", "--config", str(config), str(american)], capsys)
    assert code == 2
    assert err.splitlines() == [
        (
            f"{american}: line 2: date '12/31/2026 10:00' is not a date and time"
            " like 2026-12-05 10:00 or 05-12-2026 10.00"
        ),
        (
            f"vaerested-bot: error: {american}: line 3: date '05-12-26 10:00' is not a date and time"
            " like 2026-12-05 10:00 or 05-12-2026 10.00; nothing was imported"
        ),
    ]
    garbage = tmp_path / "garbage.csv"  # 0x81 is neither UTF-8 nor Windows-1252
    garbage.write_bytes(b"centre,title,starts\np,\x81\x81,2026-12-05 10:00\n")
    code, _, err = run(["activity", "import", "--config", str(config), str(garbage)], capsys)
    assert (code, err) == (
        2,
        f"vaerested-bot: error: cannot read {garbage}: it is neither UTF-8 nor Windows-1252 text\n",
    )


def test_a_missing_folder_is_one_line_for_every_command_that_writes_a_file(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(["centre", "add", "--config", str(config), "--slug", "p", "--name", "P"], capsys)
    missing = tmp_path / "srv" / "backup"
    export = ["export", "--config", str(config), "--from", "2026-12-01", "--to", "2026-12-31"]
    for command in (
        ["backup", "--config", str(config), str(missing / "x.db")],
        [*export, "--national", "--out", str(missing / "e.csv")],
        [*export, "--centre", "p", "--monthly", "--out", str(missing / "m.csv")],
        ["poster", "--config", str(config), "--centre", "p", "--out", str(missing / "p.pdf")],
    ):
        code, out, err = run(command, capsys)
        assert (code, out, err) == (
            2,
            "",
            f"vaerested-bot: error: folder {missing} does not exist: create it first\n",
        ), command
    assert not (tmp_path / "srv").exists()
    a_file = tmp_path / "notes.txt"
    a_file.write_text("", encoding="utf-8")
    code, _, err = run(["backup", "--config", str(config), str(a_file / "x.db")], capsys)
    assert (code, err) == (2, f"vaerested-bot: error: folder {a_file} is not a folder\n")


def test_the_command_line_keeps_the_chats_rules_and_names_every_fault(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(["centre", "add", "--config", str(config), "--slug", "p", "--name", "P"], capsys)
    add = ["activity", "add", "--config", str(config), "--centre", "p", "--title", "Fodbold"]
    code, out, err = run([*add, "--starts", "2020-12-05 10:00"], capsys)
    assert (code, out, err) == (2, "", "vaerested-bot: error: 2020-12-05 10:00 has passed\n")
    code, _, err = run([*add, "--starts", ahead(3)[0], "--capacity", "0"], capsys)
    assert (code, err) == (
        2,
        (
            "vaerested-bot: error: capacity 0 is too few:"
            " write 1 or more, or leave it empty for no limit\n"
        ),
    )
    far = ahead(400)[0]
    code, _, err = run([*add, "--starts", far], capsys)
    assert (code, err) == (2, f"vaerested-bot: error: {far} is more than a year ahead\n")
    code, _, err = run([*add, "--starts", ahead(3)[0], "--capacity", "1001"], capsys)
    assert (code, err) == (2, "vaerested-bot: error: capacity 1001 is over 1000\n")
    csv = tmp_path / "uge.csv"
    csv.write_text(
        "centre,title,starts,capacity\n"
        f"p,Fodbold,{ahead(3)[0]},10\n"
        "p,Nattur,2026-03-29 02:30,-3\n"
        "p,Banko,2020-12-05 10:00,0\n",
        encoding="utf-8",
    )
    code, _, err = run(["activity", "import", "--config", str(config), str(csv)], capsys)
    assert code == 2
    assert err.splitlines() == [
        (
            f"{csv}: line 3: 2026-03-29 02:30 does not exist in Europe/Copenhagen"
            " (clocks skip it for summer time); capacity -3 is negative"
        ),
        (
            f"vaerested-bot: error: {csv}: line 4: capacity 0 is too few: write 1 or more, or leave"
            " it empty for no limit; 2020-12-05 10:00 has passed; nothing was imported"
        ),
    ]
    assert activities(tmp_path / "admin.db") == []


def test_the_admin_adds_centres_from_a_spreadsheet(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "centre.csv"  # Danish Excel: semicolons, Windows-1252
    sheet.write_bytes(
        "slug;name;city;timezone\n"
        "parasollen;Café Parasollen;København;\n"
        "reden;Reden;Odense;\n"
        "nuuk;Værestedet Nuuk;Nuuk;America/Nuuk\n".encode("cp1252")
    )
    code, out, err = run(["centre", "import", "--config", str(config), str(sheet)], capsys)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "parasollen\tCafé Parasollen\thttps://t.me/<bot-username>?start=c-parasollen",
        "reden\tReden\thttps://t.me/<bot-username>?start=c-reden",
        "nuuk\tVærestedet Nuuk\thttps://t.me/<bot-username>?start=c-nuuk",
        f"Imported 3 centres from {sheet}",
        "(Run the bot once; then `vaerested-bot centre list` shows the full links.)",
    ]
    code, out, _ = run(["centre", "import", "--config", str(config), str(sheet)], capsys)
    assert (code, out) == (
        0,
        f"Imported 0 centres from {sheet}; 3 were there already and were skipped\n",
    )

    async def centres() -> list[tuple[str, str, str, str]]:
        store = await Store.open(tmp_path / "admin.db")
        try:
            return [(c.slug, c.name, c.city, c.timezone) for c in await store.centres.all()]
        finally:
            await store.close()

    assert asyncio.run(centres()) == [
        ("parasollen", "Café Parasollen", "København", "Europe/Copenhagen"),
        ("reden", "Reden", "Odense", "Europe/Copenhagen"),
        ("nuuk", "Værestedet Nuuk", "Nuuk", "America/Nuuk"),
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "slug,name,city\n"
        "kilden,Kilden,Aalborg\n"
        "Ålborg 2,,Aalborg\n"
        "reden,Reden Vest,Odense\n"
        "kilden,Kilden Syd,Aalborg\n",
        encoding="utf-8",
    )
    code, out, err = run(["centre", "import", "--config", str(config), str(bad)], capsys)
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        (
            f"{bad}: line 3: slug 'Ålborg 2' must be 1-40 lower-case letters (a-z), digits or"
            " dashes, start with a letter or digit, and not be 'national'; name is empty"
        ),
        (
            f"{bad}: line 4: a centre with slug 'reden' exists already with another name, city or"
            " timezone (Reden, Odense, Europe/Copenhagen)"
        ),
        (
            f"vaerested-bot: error: {bad}: line 5: slug 'kilden' is on line 2 too;"
            " nothing was imported"
        ),
    ]
    zone = tmp_path / "zone.csv"
    zone.write_text("slug,name,timezone\nkilden,Kilden,Europe/Kobenhavn\n", encoding="utf-8")
    code, _, err = run(["centre", "import", "--config", str(config), str(zone)], capsys)
    assert (code, err) == (
        2,
        (
            f"vaerested-bot: error: {zone}: line 2: timezone 'Europe/Kobenhavn' is unknown:"
            " write one like Europe/Copenhagen; nothing was imported\n"
        ),
    )
    assert len(asyncio.run(centres())) == 3


@pytest.mark.parametrize(
    ("group", "actions"),
    [
        ("centre", ["add", "list", "import"]),
        ("activity", ["add", "import", "list"]),
        ("role", ["grant", "revoke", "invitations"]),
    ],
)
def test_a_group_without_its_action_shows_that_groups_help(
    group: str, actions: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run([group], capsys)
    assert code == 2
    assert out.startswith(f"usage: vaerested-bot {group} [-h] ACTION ...")
    for action in actions:
        assert f"\n    {action}" in out
