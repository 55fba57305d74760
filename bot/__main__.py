"""`python -m bot …` is the same as the `vaerested-bot …` command."""

from bot.cli import main

main()
