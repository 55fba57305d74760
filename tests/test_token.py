"""No token, anywhere: a refused token or an unreachable Bot API stops `vaerested-bot run` with
one masked line and status 2, also with logging at DEBUG; `try` never uses a real token."""

import json
import os
import pty
import re
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.secret import mask

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "987654321:AAHbogus-but-WELL_formed-secret0XYZ"
SECRET = TOKEN.split(":", 1)[1]
# The bot as `vaerested-bot …`, but with the root logger at DEBUG before it starts.
AT_DEBUG = (
    "import logging, sys; logging.basicConfig(level=logging.DEBUG);"
    " from bot.cli import main; sys.argv[0] = 'vaerested-bot'; main()"
)


class StubBotApi:
    """A Bot API that answers every request with one fixed error, and notes the paths."""

    def __init__(self, code: int, description: str) -> None:
        self.paths: list[str] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                stub.paths.append(self.path)
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = json.dumps(
                    {"ok": False, "error_code": code, "description": description}
                ).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/bot"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def unauthorized() -> Iterator[StubBotApi]:
    stub = StubBotApi(401, "Unauthorized")
    yield stub
    stub.close()


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/bot"  # nobody listens there now: connection refused


def write_config(folder: Path, base_url: str) -> Path:
    path = folder / "config.toml"
    path.write_text(
        f'[telegram]\ntoken = "{TOKEN}"\nbase_url = "{base_url}"\n'
        f'base_file_url = "{base_url.replace("/bot", "/file/bot")}"\n'
        '[database]\npath = "bot.db"\n',
        encoding="utf-8",
    )
    return path


def run_bot(config: Path, debug: bool) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, VAERESTED_BOT_TOKEN=TOKEN, PYTHONPATH=str(ROOT))
    env.pop("VAERESTED_CONFIG", None)
    start = ["-c", AT_DEBUG] if debug else ["-m", "bot"]
    return subprocess.run(
        [sys.executable, *start, "run", "--config", str(config)],
        cwd=config.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def assert_one_masked_line(result: subprocess.CompletedProcess[str], debug: bool) -> str:
    """The last line of stderr says it all; without DEBUG it is the only output."""
    assert result.returncode == 2, result.stderr
    assert SECRET not in result.stdout + result.stderr
    assert SECRET[5:20] not in result.stdout + result.stderr  # not even a piece of it
    lines = result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    if not debug:
        assert result.stdout == "" and len(lines) == 1, result.stderr
    return lines[-1]


@pytest.mark.parametrize("debug", [False, True], ids=["info", "debug"])
@pytest.mark.parametrize(
    ("code", "description"), [(401, "Unauthorized"), (404, "Not Found")], ids=["401", "404"]
)
def test_a_refused_token_gives_one_masked_line_and_status_2(
    tmp_path: Path, code: int, description: str, debug: bool
) -> None:
    stub = StubBotApi(code, description)
    try:
        result = run_bot(write_config(tmp_path, stub.url), debug)
    finally:
        stub.close()
    assert stub.paths and stub.paths[0] == f"/bot{TOKEN}/getMe", "the stub was asked"
    line = assert_one_masked_line(result, debug)
    assert line == (
        "vaerested-bot: error: the Bot API refused the token 9876…:…XYZ"
        " — check VAERESTED_BOT_TOKEN or [telegram] token and [telegram] base_url"
    )


@pytest.mark.parametrize("debug", [False, True], ids=["info", "debug"])
def test_an_unreachable_bot_api_gives_one_line_and_status_2(tmp_path: Path, debug: bool) -> None:
    url = closed_port_url()
    line = assert_one_masked_line(run_bot(write_config(tmp_path, url), debug), debug)
    assert line.startswith(f"vaerested-bot: error: cannot reach the Bot API at {url}: ")


def test_the_mask_shows_four_of_the_id_and_three_of_the_secret() -> None:
    assert mask(TOKEN) == "9876…:…XYZ"
    assert mask("12:short") == "12…:…"  # a short secret shows nothing of itself
    assert mask("AAHno-colon-just-a-secret") == "…:…ret"  # no id: nothing from the front


def test_try_ignores_a_real_token_and_config_and_never_shows_them(
    unauthorized: StubBotApi, tmp_path: Path
) -> None:
    config = write_config(tmp_path, unauthorized.url)
    env = dict(
        os.environ, VAERESTED_BOT_TOKEN=TOKEN, VAERESTED_CONFIG=str(config), PYTHONPATH=str(ROOT)
    )
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "try", "--config", str(config)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=tmp_path,
        env=env,
    )
    os.close(slave)
    screen = ""

    def read_until(pattern: str) -> None:
        nonlocal screen
        deadline = time.monotonic() + 30
        while not re.search(pattern, screen):
            if time.monotonic() > deadline or process.poll() is not None:
                raise AssertionError(f"no {pattern!r} in:\n{screen[-3000:]}")
            ready, _, _ = select.select([master], [], [], 0.2)
            try:
                screen += os.read(master, 65536).decode(errors="replace") if ready else ""
            except OSError:  # the program ended and closed the terminal
                raise AssertionError(f"try ended early:\n{screen[-3000:]}") from None

    try:
        read_until(r"Velkommen til Demo-værestedet![\s\S]*> $")
        option = re.search(r"\[(\d+)\] [^\n]*Aktiviteter", screen)
        assert option, screen
        os.write(master, f"{option.group(1)}\n".encode())
        read_until(r"Fælles morgenmad[\s\S]*> $")
        os.write(master, b"q\n")
        assert process.wait(timeout=20) == 0
        try:  # whatever is left after q
            while select.select([master], [], [], 0.2)[0]:
                screen += os.read(master, 65536).decode(errors="replace")
        except OSError:
            pass
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)
    assert SECRET not in screen and "9876…" not in screen
    assert unauthorized.paths == [], "try never talked to the configured Bot API"
