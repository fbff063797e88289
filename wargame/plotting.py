"""What every figure shares: matplotlib drawing to files only, the colours, and saving a figure.

Import ``plt`` from here, not from matplotlib: the file-only backend must be chosen before pyplot
first loads (it works on servers and in CI without a display).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: works on servers and in CI without a display
import matplotlib.pyplot as plt

from wargame import rundir

BLUE, RED, GREEN = "#4c72b0", "#c44e52", "#55a868"
ORANGE = "#dd8452"


def save(fig: plt.Figure, path: Path) -> Path:
    """Write ``fig`` to ``path`` as a PNG (atomically) and free it."""
    rundir.atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=110, bbox_inches="tight"))
    plt.close(fig)
    return path
