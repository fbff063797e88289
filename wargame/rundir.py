"""Run directories: the one place results are written to disk.

Layout: ``<out>/<experiment>/<UTC time>-<short id>/`` with ``config.yaml``, ``manifest.json`` and
whatever the run produces. Every file is written atomically (a temporary file in the same folder,
then ``os.replace``), so a killed process leaves either the old file or the new one, never half of
one. A run directory is created exclusively: nothing existing is ever overwritten by a new run.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import platform
import re
import secrets
import shutil
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from wargame.errors import Problem, WargameError
from wargame.tables import to_json

MANIFEST = "manifest.json"
CONFIG = "config.yaml"


def folder_name(text: str, fallback: str, limit: int = 60) -> str:
    """``text`` as one folder name: letters, digits, ``_``, ``.`` and ``-`` kept, runs of anything else
    one ``_``, at most ``limit`` characters (``fallback`` if nothing is left)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")[:limit] or fallback


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` then move ``tmp`` over ``path`` in one step."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())  # the rename must not land before the bytes do
        os.replace(tmp, path)
    finally:
        with suppress(OSError):
            tmp.unlink(missing_ok=True)


def output_folder(path: Path) -> Path:
    """``path`` made (with its parents) and proven writable, before anything is computed or
    printed: a read-only run directory is one clear error, never a traceback halfway through."""
    probe = path / f".probe.{os.getpid()}.tmp"
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe.touch()
        probe.unlink()
    except OSError as err:
        raise WargameError(
            Problem(str(path), "", f"cannot write results here: {err.strerror or err} (nothing was changed)")
        ) from None
    return path


def write_text(path: Path, text: str, mode: int | None = None) -> None:
    """Write ``text`` atomically; with ``mode`` (say 0o600 for a file holding secrets) the file has
    those permissions from the moment it appears."""

    def write(tmp: Path) -> None:
        tmp.touch(mode=mode or 0o666)
        if mode is not None:
            os.chmod(tmp, mode)  # touch's mode is filtered by the umask; a secret's must not be
        tmp.write_text(text, encoding="utf-8")

    atomic_write(path, write)


def json_text(data: Any) -> str:
    return to_json(data) + "\n"


# libyaml's emitter when PyYAML has it: the same YAML, several times faster (a classroom game
# saves its transcript after every move)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def yaml_text(data: Any) -> str:
    return yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True)


def write_json(path: Path, data: Any) -> None:
    write_text(path, json_text(data))


def write_yaml(path: Path, data: Any) -> None:
    write_text(path, yaml_text(data))


def clean_temporaries(folder: Path) -> None:
    """Remove temporary files a killed writer left behind."""
    for tmp in folder.rglob(".*.tmp"):
        tmp.unlink(missing_ok=True)


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in ("peninsula-wargame", "mesa", "numpy", "pandas", "pyarrow", "pydantic", "scipy"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def create(
    out: str | Path, experiment: str, label: str | None = None, files: Mapping[str, str] | None = None
) -> Path:
    """Make a new run directory ``<out>/<experiment>/<UTC time>-<id>/`` (``<UTC time>-<label>``
    when a label is given and free) holding ``files`` (name -> text) from the moment it exists: it
    is filled under a hidden name and renamed into place, so no run directory is ever half made."""
    base = Path(out) / experiment
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    try:
        base.mkdir(parents=True, exist_ok=True)
        for attempt in range(10):
            tail = label if label and attempt == 0 else "-".join(filter(None, [label, secrets.token_hex(3)]))
            run_dir = base / f"{stamp}-{tail}"
            if run_dir.exists():
                continue  # never reuse an existing directory
            building = base / f".{run_dir.name}.{os.getpid()}.tmp"
            building.mkdir()
            try:
                for name, text in (files or {}).items():
                    write_text(building / name, text)
                os.rename(building, run_dir)  # fails if the name was taken meanwhile (not empty)
                return run_dir
            except OSError:
                shutil.rmtree(building, ignore_errors=True)
                if run_dir.exists():
                    continue
                raise
    except OSError as err:
        raise WargameError(
            Problem(str(out), "--out", f"cannot create a run directory there: {err.strerror}")
        ) from None
    raise WargameError(Problem(str(base), "--out", "could not find a free run directory name"))


def new_manifest(command: list[str] | None, **fields: Any) -> dict[str, Any]:
    return {
        "status": "running",
        "command": command if command is not None else sys.argv,
        "started": utc_now(),
        "finished": None,
        "versions": versions(),
        **fields,
    }


def read_json(path: Path, what: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WargameError(Problem(str(path), "", f"{what} is missing: is this a run directory?")) from None
    except (OSError, ValueError) as err:
        raise WargameError(Problem(str(path), "", f"{what} is unreadable or corrupt: {err}")) from None
    if not isinstance(data, dict):
        raise WargameError(Problem(str(path), "", f"{what} is corrupt: not a JSON object"))
    return data


def read_yaml_mapping(path: Path, what: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WargameError(Problem(str(path), "", f"{what} is missing: is this a run directory?")) from None
    except (OSError, yaml.YAMLError) as err:
        raise WargameError(Problem(str(path), "", f"{what} is unreadable or corrupt: {err}")) from None
    if not isinstance(data, dict):
        raise WargameError(Problem(str(path), "", f"{what} is corrupt: not a mapping"))
    return data


@contextmanager
def locked(run_dir: Path) -> Iterator[None]:
    """Hold ``run_dir``'s lock: two processes never write one run directory at once."""
    try:
        fh = open(run_dir / ".lock", "a")  # noqa: SIM115 - held for the whole block
    except OSError as err:
        raise WargameError(
            Problem(str(run_dir), "", f"cannot lock the run directory: {err.strerror}")
        ) from None
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WargameError(
                Problem(str(run_dir), "", "another process is writing this run directory right now")
            ) from None
        yield
    finally:
        fh.close()


def require_dir(path: str | Path) -> Path:
    p = Path(path)
    if not p.is_dir():
        raise WargameError(Problem(str(path), "", "no such run directory"))
    return p
