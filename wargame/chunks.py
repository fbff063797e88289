"""A run directory's saved chunks: what an interrupted run keeps, and what its results are made of.

A chunk is a run of consecutive episodes, saved atomically under ``chunks/`` as soon as all of it
is played (its episodes, and its rounds if the run is traced). A resume keeps the chunks that are
there, each checked to be the one its name says; the finished run streams them, in order, into
``episodes.parquet`` (and ``rounds.parquet``).
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wargame import rundir
from wargame.errors import Problem, WargameError
from wargame.executors import Chunk

if TYPE_CHECKING:
    import pandas as pd

CHUNKS = "chunks"
log = logging.getLogger("wargame.notes")  # what a run announces; the CLI prints it


def chunk_path(run_dir: Path, i: int, kind: str = "episodes") -> Path:
    return run_dir / CHUNKS / f"{kind}-{i:06d}.parquet"


def done_chunks(run_dir: Path, chunks: list[Chunk], trace: bool) -> set[int]:
    """Chunks already saved by an earlier, interrupted attempt, each checked to be the one its name
    says: readable, and holding exactly its own episodes (a chunk copied over another is refused)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    done = set()
    for i, a, b in chunks:
        paths = [chunk_path(run_dir, i)] + ([chunk_path(run_dir, i, "rounds")] if trace else [])
        if not all(p.exists() for p in paths):
            continue
        try:
            episodes = pq.read_table(paths[0], columns=["episode"])["episode"].to_pylist()
            in_rounds = (
                set(pq.read_table(paths[1], columns=["episode"])["episode"].to_pylist()) if trace else set()
            )
        except (OSError, pa.ArrowException, KeyError) as err:
            raise WargameError(
                Problem(
                    str(paths[0]), "", f"saved chunk is corrupt ({err}); delete it and resume to recompute it"
                )
            ) from None
        if episodes != list(range(a, b)) or not in_rounds <= set(range(a, b)):
            held = f"episodes {min(episodes)}-{max(episodes)}" if episodes else "no episodes"
            raise WargameError(
                Problem(
                    str(paths[0]),
                    "",
                    f"saved chunk {i} should hold episodes {a}-{b - 1} in order but holds {held}: "
                    "it is not this run's chunk; delete it and resume to recompute it",
                )
            )
        done.add(i)
    return done


def assemble(run_dir: Path, chunks: list[Chunk], kind: str, target: str) -> None:
    """Stream the saved chunks, in order, into one Parquet file (atomically)."""
    import pyarrow.parquet as pq

    def write(tmp: Path) -> None:
        writer = None
        try:
            for i, _, _ in chunks:
                table = pq.read_table(chunk_path(run_dir, i, kind))
                if writer is None:
                    writer = pq.ParquetWriter(tmp, table.schema)
                writer.write_table(table)
        finally:
            if writer is not None:
                writer.close()

    rundir.atomic_write(run_dir / target, write)


def joined(parts: list[tuple[int, Any]]) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """A chunk's tasks' results, in episode order, as one episodes and one rounds table."""
    import pandas as pd

    ordered = [result for _, result in sorted(parts, key=lambda part: part[0])]
    episodes = pd.concat([e for e, _ in ordered], ignore_index=True)
    traced = [r for _, r in ordered if r is not None]
    return episodes, (pd.concat(traced, ignore_index=True) if traced else None)


def save_chunk(run_dir: Path, i: int, frame: pd.DataFrame, kind: str) -> None:
    path = chunk_path(run_dir, i, kind)
    rundir.atomic_write(path, lambda tmp: frame.to_parquet(tmp, index=False))


def check_size(run_dir: Path, i: int, episodes: int, left: int, announce: bool) -> None:
    """After the first saved chunk: what the whole run will take on disk (said if ``announce``: a
    big run). A run that cannot fit on the disk stops now, before it fills it."""
    size = sum(
        chunk_path(run_dir, i, kind).stat().st_size
        for kind in ("episodes", "rounds")
        if chunk_path(run_dir, i, kind).exists()
    )
    needed = 2 * size / episodes * (left - episodes)  # the chunks, then the assembled files beside them
    free = shutil.disk_usage(run_dir).free
    if needed > free:
        raise WargameError(
            Problem(
                str(run_dir),
                "--runs",
                f"the results need about {_bytes(needed)} of disk ({_bytes(size / episodes)} an episode) "
                f"and {_bytes(free)} is free: stopped after the first chunk; free space and --resume it",
            )
        )
    if announce:
        log.warning(f"about {_bytes(needed / 2)} of results ({_bytes(size / episodes)} an episode)")


def _bytes(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1000
    raise AssertionError  # unreachable


def remove_chunks(run_dir: Path) -> None:
    """Once the final files hold everything: the chunks and their folder go."""
    for path in (run_dir / CHUNKS).glob("*.parquet"):
        path.unlink()
    (run_dir / CHUNKS).rmdir()
