"""`vaerested-bot try`, driven through a pseudo-terminal as a person would: numbers to tap."""

import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Terminal:
    def __init__(self) -> None:
        self.master, slave = pty.openpty()
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "try"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=ROOT,
            env=env,
        )
        os.close(slave)
        self.screen = ""

    def read_until(self, pattern: str, seconds: float = 30) -> str:
        deadline = time.monotonic() + seconds
        while not re.search(pattern, self.screen):
            if time.monotonic() > deadline:
                raise AssertionError(f"no {pattern!r} in:\n{self.screen[-2000:]}")
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                self.screen += os.read(self.master, 65536).decode(errors="replace")
        return self.screen

    def type(self, text: str) -> None:
        self.screen = ""
        os.write(self.master, (text + "\n").encode())

    def option(self, label: str) -> str:
        match = re.search(rf"\[(\d+)\] [^\n]*{re.escape(label)}", self.screen)
        assert match, f"no option {label!r} in:\n{self.screen[-2000:]}"
        return match.group(1)


def test_signing_up_for_a_demo_activity_by_typing_numbers() -> None:
    terminal = Terminal()
    try:
        terminal.read_until(r"Velkommen til Demo-værestedet![\s\S]*> $")
        terminal.type(terminal.option("Fælles morgenmad"))
        terminal.read_until(r"Tilmeld mig[\s\S]*> $")
        terminal.type(terminal.option("Tilmeld mig"))
        terminal.read_until(r"✅ Du er tilmeldt\. Vi ses![\s\S]*> $")
        terminal.type(terminal.option("Mine tilmeldinger"))
        terminal.read_until(r"1\. Fælles morgenmad[\s\S]*✅ Du har en plads")
        terminal.type("q")
        assert terminal.process.wait(timeout=20) == 0
    finally:
        if terminal.process.poll() is None:
            terminal.process.kill()
        os.close(terminal.master)
