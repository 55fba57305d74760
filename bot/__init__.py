"""vaerested-bot: a Telegram bot for the users, staff and coordinators of Danish væresteder."""
