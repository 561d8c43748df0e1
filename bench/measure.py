"""What the benchmark scripts here share: running a child process and measuring it, and
generating the extracts once.

Each measurement is a separate process, so its peak RSS (from the OS accounting of that
child, `os.wait4`) is its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable


@dataclass(frozen=True)
class Measured:
    wall: float  # seconds
    rss: int  # peak resident set size, bytes
    out: str  # the child's stdout
    err: str  # the child's stderr
    cpu: float = 0.0  # user + system seconds of the child (its threads included)


def run_measured(cmd: list[str], env: dict | None = None, every: Callable[[], None] | None = None) -> Measured:
    """Run ``cmd`` to its end; exit this script with its stderr if it fails.

    ``every`` is called every 0.2 s while the child runs (e.g. to poll a folder's size).
    """
    done = threading.Event()
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    streams = {}

    def drain(name: str, stream) -> None:  # both pipes at once, so that neither fills up
        streams[name] = stream.read()

    def tick() -> None:
        while not done.wait(0.2):
            every()

    readers = [threading.Thread(target=drain, args=(n, s)) for n, s in (("out", p.stdout), ("err", p.stderr))]
    if every:
        readers.append(threading.Thread(target=tick))
    for r in readers:
        r.start()
    _, status, usage = os.wait4(p.pid, 0)  # not p.wait(): wait4 gives this child's own peak RSS
    wall = time.perf_counter() - t0
    done.set()
    for r in readers:
        r.join()
    p.returncode = code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"command failed with exit {code}: {' '.join(cmd)}\n{streams['err']}")
    return Measured(wall, usage.ru_maxrss * 1024, streams["out"], streams["err"], usage.ru_utime + usage.ru_stime)


def sample(segment: str, folder: Path, customers: int, months: int = 4, seed: int = 1) -> Path:
    """The extracts in ``folder``, generated with `segment sample` the first time."""
    if not folder.exists():
        folder.parent.mkdir(parents=True, exist_ok=True)
        print(f"generating {folder} ...", file=sys.stderr)
        m = run_measured([segment, "-q", "sample", "--customers", str(customers), "--months", str(months),
                          "--seed", str(seed), "--out", str(folder)])
        print(f"sample: {m.wall:.1f} s, peak RSS {m.rss / 2**30:.2f} GiB", file=sys.stderr)
    return folder
