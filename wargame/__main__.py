"""``python -m wargame``."""

from wargame.cli import app

app()
