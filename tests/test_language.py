"""The bot's own Danish is plain: short sentences and short words (issue 11, "Language").

LIX (Björnsson's readability index) = words per sentence + 100 × the share of long words
(more than 6 letters). Under 25 is easy reading (children's books), 35 is ordinary newspaper
prose. Every Danish catalogue text is scored with the data left out: placeholders ({title},
{name}), HTML tags, /commands and emoji. LIX says nothing about a button label of two words
("Indstillinger" alone would score 101), so a text is scored when it has at least
`MIN_WORDS` words; the 15-word sentence limit holds for every entry.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Awaitable
from datetime import date
from pathlib import Path

from babel.messages.pofile import read_po

from bot.fake_telegram import FakeUser
from bot.store.series import NewSeries
from tests.conftest import Harness, local

DA = Path(__file__).resolve().parent.parent / "locales" / "da" / "LC_MESSAGES" / "messages.po"
MIN_WORDS = 5  # fewer words is a label, not a text
MEDIAN_MAX = 25.0
TEXT_MAX = 35.0
SENTENCE_MAX = 15
# Babel date patterns, not wording.
NOT_WORDING = {"EEEE d MMMM", "EEEE d MMMM 'at' HH:mm", "EEEE d MMMM y 'at' HH:mm", "HH:mm"}
# Abbreviations whose full stop does not end a sentence.
ABBREVIATIONS = ("kl.", "nr.", "fx.", "pr.", "inkl.", "ca.", "bl.a.", "dvs.", "osv.")

_TAG = re.compile(r"<[^>]*>")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_COMMAND = re.compile(r"/\w+")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?:]+(?=\s|$)|\n+")


def plain(text: str) -> str:
    """The wording alone: no tags, placeholders or commands."""
    return _COMMAND.sub(" ", _PLACEHOLDER.sub(" ", _TAG.sub(" ", text)))


def sentences(text: str) -> list[str]:
    """The sentences of a text (abbreviations like "kl." do not end one)."""
    masked = text
    for abbreviation in ABBREVIATIONS:
        masked = re.sub(
            rf"(?<![^\W\d_]){re.escape(abbreviation)}",
            abbreviation.replace(".", "\x00"),
            masked,
            flags=re.IGNORECASE,
        )
    parts = _SENTENCE_END.split(masked)
    return [p.replace("\x00", ".") for p in parts if _WORD.search(p)]


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def lix(text: str) -> float:
    """LIX of a (plain) text: words/sentences + 100 × long words/words."""
    found = words(text)
    if not found:
        return 0.0
    long = sum(1 for w in found if len(re.sub(r"[-'’]", "", w)) > 6)
    return len(found) / max(1, len(sentences(text))) + 100 * long / len(found)


def danish_texts() -> list[tuple[str, str]]:
    """(msgid, plain Danish) of every catalogue entry, each plural form on its own."""
    with DA.open("rb") as fh:
        catalog = read_po(fh, locale="da")
    texts = []
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        if msgid in NOT_WORDING:
            continue
        forms = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        texts += [(msgid, plain(form)) for form in forms if form]
    return texts


def test_lix_of_known_texts() -> None:
    """The measure itself: a short plain sentence is easy, a long official one is not."""
    assert lix("Du er tilmeldt. Vi ses!") == 5 / 2 + 100 * 1 / 5
    assert sentences("Vi ses kl. 10. Tak!") == ["Vi ses kl. 10", " Tak"]
    assert words(plain("Hej <b>{name}</b>! Se /mine_data")) == ["Hej", "Se"]
    hard = "Oplysningerne behandles fortroligt i overensstemmelse med gældende lovgivning."
    assert lix(hard) > 60


def test_danish_is_easy_to_read() -> None:
    """Median LIX ≤ 25 and no text above 35, for the texts of at least MIN_WORDS words."""
    scored = [(lix(text), msgid, text) for msgid, text in danish_texts()]
    scored = [s for s in scored if len(words(s[2])) >= MIN_WORDS]
    too_hard = sorted((s for s in scored if s[0] > TEXT_MAX), reverse=True)
    median = statistics.median(s[0] for s in scored)
    report = "\n".join(
        f"  LIX {score:5.1f}  {text.strip()!r}  ({msgid!r})" for score, msgid, text in too_hard
    )
    assert not too_hard, f"{len(too_hard)} Danish texts above LIX {TEXT_MAX}:\n{report}"
    assert median <= MEDIAN_MAX, f"median LIX {median:.1f} > {MEDIAN_MAX}"


def test_no_danish_sentence_over_15_words() -> None:
    long = [
        (len(words(sentence)), msgid, sentence.strip())
        for msgid, text in danish_texts()
        for sentence in sentences(text)
        if len(words(sentence)) > SENTENCE_MAX
    ]
    report = "\n".join(f"  {n} words: {sentence!r}  ({msgid!r})" for n, msgid, sentence in long)
    assert not long, f"{len(long)} Danish sentences over {SENTENCE_MAX} words:\n{report}"


# -- at most 6 buttons on a user's screen --------------------------------------------------------

CHOICES_MAX = 6


def choices(labels: list[str]) -> list[str]:
    """The buttons a person must choose among: all but paging and the way back."""
    return [
        label for label in labels if not (label.startswith("⬅️") or "◀️" in label or "▶️" in label)
    ]


class Screens:
    """Every screen a person is shown (sent or edited), checked as it is shown."""

    def __init__(self, person: FakeUser) -> None:
        self.person, self.seen = person, 0
        self.too_many: list[tuple[str, list[str]]] = []

    def check(self) -> None:
        touched = self.person.fake.touched.get(self.person.id, [])
        for message in touched[self.seen :]:
            labels = choices([label for label, _data in message.buttons()])
            if len(labels) > CHOICES_MAX:
                self.too_many.append((message.text.split("\n")[0][:50], labels))
        self.seen = len(touched)


async def test_a_users_screens_have_at_most_six_buttons(bot: Harness) -> None:
    """Jens (no role) walks every screen a user has, with a lot of data: 20 centres, 14
    activities (some full), national ones, six centres of his own, seven sign-ups, reminders.
    Besides paging and "Tilbage", no screen offers more than six buttons."""
    bot.services.flood.limit = 10**9  # a walk through every screen is a test, not a person
    centres = [
        await bot.store.centres.add(f"c{i}", f"Værested {i:02d}", "Byen", "Europe/Copenhagen")
        for i in range(20)
    ]
    home = centres[0]
    ids = {}
    for day in range(1, 15):
        capacity = 1 if day % 3 == 0 else 10
        title = f"Aktivitet {day:02d}"
        ids[day] = await bot.activity(home, title, local(2026, 12, day, 10), capacity)
    for day in (6, 7):
        await bot.activity(None, f"Landstur {day}", local(2026, 12, day, 12))
    knit = NewSeries(home.id, "Strikkeklub", date(2026, 12, 15), "15:00")  # after the others
    _, knitting = await bot.store.series.create(knit, bot.clock.now(), 10)  # 8 dates
    maria = bot.user(2, "Maria")
    await maria.send(f"/start c-{home.slug}")
    for day in (3, 6):  # full: Jens gets the waiting list
        await bot.store.signups.join(ids[day], maria.id, bot.clock.now(), bot.services.planner)
    jens = bot.user(1, "Jens", language_code="en")  # his phone is in English
    screens = Screens(jens)

    async def step(action: Awaitable[None]) -> None:
        await action
        screens.check()

    await step(jens.send("/start"))
    await step(jens.send(f"/start c-{home.slug}"))
    await step(jens.tap("Dansk"))
    await step(jens.send("/aktiviteter"))
    await step(jens.tap("Næste"))
    await step(jens.tap("Aktivitet 08"))
    await step(jens.tap("Tilmeld"))
    await step(jens.tap("kalender"))
    for day in (1, 2, 3, 4, 5, 6):  # from an activity's poster
        await step(jens.send(f"/start a-{ids[day]}"))
        await step(jens.tap(jens.last_message().buttons()[0][0]))  # sign up / waiting list
    for centre in centres[1:6]:
        await step(jens.send(f"/start c-{centre.slug}"))
    await step(jens.press("✅ Mine tilmeldinger"))
    await step(jens.tap("Næste"))
    await step(jens.press("⚙️ Indstillinger"))
    await step(jens.tap("Næste"))
    await step(jens.tap("🏠 Værested 04"))
    await step(jens.tap("Fjern"))
    await step(jens.tap("Nej"))
    await step(jens.press("❓ Hjælp"))
    await step(jens.send("hvornår er fodbold"))
    await step(jens.send("/mine_data"))
    await step(jens.send(f"/start a-{knitting[0]}"))  # a date of a series: its other dates
    await step(jens.tap("📅 Andre datoer"))
    await step(jens.tap("Næste"))
    await step(jens.tap(jens.last_message().buttons()[0][0]))
    bot.clock.now = lambda: local(2026, 11, 30, 10)  # type: ignore[method-assign]
    await bot.dispatch()  # reminders of the activities of 1 December
    screens.check()
    await step(jens.tap(jens.last_message().buttons()[-1][0]))  # "I can't come"
    assert screens.seen > 40, "the walk reached the screens"
    report = "\n".join(f"  {len(b)}: {t!r} {b}" for t, b in screens.too_many)
    assert not screens.too_many, f"screens with more than {CHOICES_MAX} buttons:\n{report}"
