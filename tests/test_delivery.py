"""Delivery pacing: never faster than the overall rate, never two messages a second to a chat."""

from bot.delivery import Delivery
from bot.fake_telegram import FakeTelegram
from tests.conftest import Harness


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_pacing_keeps_the_overall_rate_and_one_per_second_per_chat(bot: Harness) -> None:
    clock = FakeTime()
    delivery = Delivery(bot.app.bot, 10, sleep=clock.sleep, monotonic=clock.monotonic)  # type: ignore[attr-defined]
    people = [bot.user(uid, f"P{uid}") for uid in range(1, 6)]
    for person in people:
        await delivery.send(person.id, "Hej")
    assert abs(clock.now - 0.4) < 1e-9  # 5 messages at 10/s: 0.1 s apart
    before = clock.now
    await delivery.send(1, "igen")
    assert clock.now - before >= 0.6 - 1e-9  # chat 1 last got one at 0.0: waits until 1.0
    assert abs(clock.now - 1.0) < 1e-9
    assert all(len(p.texts()) >= 1 for p in people)


async def test_a_chat_that_does_not_exist_fails_without_retrying(bot: Harness) -> None:
    assert isinstance(bot.fake, FakeTelegram)
    delivery = Delivery(bot.app.bot, 100)  # type: ignore[attr-defined]
    outcome, error = await delivery.send(424242, "Hej")
    assert (outcome.name, error) == ("FAILED", "Chat not found")
    assert len(bot.fake.calls_of("sendMessage")) == 1
