"""The admin command line: centres, activities, the all-or-nothing CSV import, clear errors."""

import asyncio
from pathlib import Path

import pytest

from bot.cli import main
from bot.store import Store

CONFIG = '[database]\npath = "admin.db"\n[bot]\ntimezone = "Europe/Copenhagen"\n'


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("VAERESTED_BOT_TOKEN", raising=False)
    monkeypatch.delenv("VAERESTED_CONFIG", raising=False)
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


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
            "2099-12-05 10:00",
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
            "2099-12-06 10:00",
        ],
        capsys,
    )
    assert code == 0
    code, out, _ = run(["activity", "list", "--config", str(config)], capsys)
    assert out == (
        "1\t2099-12-05 10:00\tP\tFodbold\t0/10\n"
        "2\t2099-12-06 10:00\tnational\tLandsturnering\t0/-\n"
    )
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
    csv.write_text(
        "centre,title,starts,capacity\n"
        "p,Fodbold,2026-12-05 10:00,5\n"
        "nope,Maling,2026-12-05 10:00,5\n"
        "p,Banko,2026-13-01 10:00,5\n"
        "p,Nattur,2026-03-29 02:30,5\n"
        "p,Høsttur,2026-10-25 02:30,5\n"
        "p,Gåtur,2026-12-06 10:00,-1\n"
        "p,,2026-12-06 10:00,3\n"
        f"p,{'x' * 101},2026-12-06 10:00,3\n",
        encoding="utf-8",
    )
    code, _out, err = run(["activity", "import", "--config", str(config), str(csv)], capsys)
    assert code == 2
    lines = err.splitlines()
    assert lines[:6] == [
        f"{csv}: line 3: unknown centre 'nope'",
        f"{csv}: line 4: date '2026-13-01 10:00' is not in the form YYYY-MM-DD HH:MM",
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
    csv.write_bytes(
        "\ufeffcentre;title;starts;place;capacity;description\n"
        "p;Fodbold;2026-12-05 10:00;Fælledparken;10;Tag sko med\n"
        "national;Landsturnering;2026-10-25 10:00;;;\n".encode("utf-8")
    )
    code, out, err = run(["activity", "import", "--config", str(config), str(csv)], capsys)
    assert (code, err) == (0, "")
    assert out == f"Imported 2 activities from {csv}\n"
    from tests.conftest import local

    assert activities(tmp_path / "admin.db") == [
        ("Landsturnering", local(2026, 10, 25, 10), None),
        ("Fodbold", local(2026, 12, 5, 10), 10),
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
