"""Memory of a worker process: flat in the number of episodes, without paying for it in speed.

Two things made a worker's memory move with its episodes:

* glibc's malloc serves the grid's arrays (22,568 floats, 180 kB, in the baseline; an episode
  allocates and frees hundreds) with fresh ``mmap`` calls, or trims the freed top of its heap, so
  every allocation paid for zeroed pages again: about 450 page faults and 1 ms of system time per
  baseline episode, a quarter of its cost. :func:`keep_freed_memory` raises the two thresholds so
  freed blocks stay in the heap for reuse.
* A Mesa model and its agents refer to each other, so a finished episode is freed by Python's
  cyclic garbage collector, not when its last reference goes; the collector's oldest generation
  runs rarely (it is sized by the hundreds of thousands of objects the imports leave), and
  finished episodes with their arrays piled up to some 100 MB a worker before it did.
  In a worker process, :func:`settle` moves what is loaded by then out of the collector's way
  (``gc.freeze``) and :func:`collect` frees the finished episodes (about half a millisecond per 25
  episodes). A process that plays episodes itself (``--executor serial``, a notebook) is left to
  Python's own collector: freezing a user's objects would keep them for good.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import multiprocessing

# mallopt(3) parameters
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
MMAP = 16 * 2**20  # blocks below this come from the heap (glibc's default is 128 kB, adaptive)
TRIM = 64 * 2**20  # free memory the heap keeps at its top before returning it
COLLECT_EVERY = 25  # episodes between collections of finished episodes


@functools.cache
def keep_freed_memory() -> bool:
    """Tune glibc's malloc for this process (once); False where there is no glibc (macOS, musl)."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError, TypeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM))


@functools.cache
def settle() -> bool:
    """Once per process, when the engine is loaded and before the first episode: keep freed
    memory; in a worker process, also freeze the objects that live as long as it does (modules,
    the prepared scenario) so collections only look at episodes. True in a worker."""
    keep_freed_memory()
    if multiprocessing.parent_process() is None:
        return False
    gc.collect()
    gc.freeze()
    return True


def collect() -> None:
    """In a worker, free finished episodes now (their models and agents form reference cycles)."""
    if settle():
        gc.collect()
