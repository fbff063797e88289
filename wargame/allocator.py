"""Keep the C allocator from handing memory back to the system between episodes.

An episode allocates and frees arrays over the whole package grid (22,568 floats, 180 kB, in the
baseline) hundreds of times. glibc's malloc serves blocks that size with fresh ``mmap`` calls or
trims the freed top of its heap, so every allocation paid for zeroed pages again: about 450 page
faults and 1 ms of system time per baseline episode, a quarter of its cost. Raising the two
thresholds keeps freed blocks in the heap for reuse; memory stays flat in the number of episodes
(the heap holds what one episode needs, at most ``TRIM`` more).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

# mallopt(3) parameters
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
MMAP = 16 * 2**20  # blocks below this come from the heap (glibc's default is 128 kB, adaptive)
TRIM = 64 * 2**20  # free memory the heap keeps at its top before returning it


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
