"""``python -m wargame`` and the ``wargame`` console script.

This module imports nothing heavy before it can catch Ctrl-C, so an interrupt while the command
is still starting ends quietly with exit status 130 rather than a traceback.
"""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from wargame.cli import app

        app()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)


if __name__ == "__main__":
    main()
