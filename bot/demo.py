"""Demo data: a demo centre with a week of sample activities (and a national one), for
`vaerested-bot demo-data` and `vaerested-bot try`."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from bot.config import Config
from bot.store import Store
from bot.store.activities import NewActivity

DEMO_ACTIVITIES = (
    # (days from today, hour, title, place, capacity, description)
    (1, 10, "Fælles morgenmad", "Køkkenet", 20, "Rundstykker, kaffe og te. Alle er velkomne."),
    (1, 14, "Fodbold i parken", "Fælledparken", 10, "Vi spiller på græs. Tag gode sko på."),
    (2, 13, "Kreativt værksted", "Værkstedet", 6, "Vi maler og tegner. Alt er der."),
    (3, 11, "Gåtur ved søerne", "Mødested: hoveddøren", None, "En rolig tur på en time."),
    (4, 12, "Fællesspisning", "Spisesalen", 25, "Varm mad for 20 kr."),
    (5, 19, "Banko", "Stuen", 3, "Der er små præmier."),
)


async def add_demo_data(config: Config, store: Store) -> int:
    """A demo centre with a week of activities (and a national one); how many were added."""
    centre = await store.centres.by_slug("demo")
    if centre is None:
        centre = await store.centres.add("demo", "Demo-værestedet", "Demoby", config.bot.timezone)
    elif any(
        a.centre_id == centre.id for a, _ in await store.activities.all(since=int(time.time()))
    ):
        return 0
    today = datetime.now(config.bot.tz).replace(minute=0, second=0, microsecond=0)
    items = [
        NewActivity(
            centre_id=centre.id,
            title=title,
            starts_at=_at(today, days, hour),
            place=place,
            capacity=capacity,
            description=description,
        )
        for days, hour, title, place, capacity, description in DEMO_ACTIVITIES
    ]
    items.append(
        NewActivity(
            centre_id=None,
            title="Landsturnering i fodbold",
            starts_at=_at(today, 6, 10),
            place="Idrætsparken",
            capacity=200,
            description="Hold fra hele landet. Tilmeld dig, så finder vi et hold til dig.",
        )
    )
    await store.activities.add(items, int(time.time()))
    return len(items)


def _at(today: datetime, days: int, hour: int) -> int:
    day = (today + timedelta(days=days)).replace(tzinfo=None, hour=hour)
    return int(day.replace(tzinfo=today.tzinfo).timestamp())
