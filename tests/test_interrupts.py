"""Killing `segment` mid-write never leaves a half-written output under the final name.

These run the installed ``segment`` in a subprocess: SIGKILL cannot be caught, so the
output is protected only by writing under a hidden temporary name and renaming; SIGINT
and SIGTERM are caught, the temporary output is removed and the exit code is 128 + N.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SEGMENT = Path(sys.executable).parent / "segment"
pytestmark = pytest.mark.skipif(not SEGMENT.exists() or os.name != "posix",
                                reason="needs the installed segment command and POSIX signals")

BIG = ["sample", "--customers", "20000", "--months", "3", "--seed", "5"]  # ~10 s when not killed


def _start(*args, env=None) -> subprocess.Popen:
    # SIGINT back to its default, as in a terminal, even if the test runner ignores it
    return subprocess.Popen([str(SEGMENT), *map(str, args)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, env=env, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def _temporaries(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.*.tmp"))


def _wait_for_temporary(proc: subprocess.Popen, out: Path, timeout: float = 120) -> Path:
    """Block until the hidden temporary output of ``out`` exists (the write has begun)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        found = _temporaries(out)
        if found:
            return found[0]
        if proc.poll() is not None:
            pytest.fail(f"segment ended before writing: {proc.returncode} {proc.stderr.read()}")
        time.sleep(0.05)
    proc.kill()
    pytest.fail("no temporary output appeared")


def _kill_mid_write(out: Path, sig: int, *extra) -> tuple[subprocess.Popen, Path, str]:
    proc = _start(*BIG, "--out", out, *extra)
    tmp = _wait_for_temporary(proc, out)
    time.sleep(0.5)  # let it write a little into the temporary folder
    assert proc.poll() is None, "the run finished before it could be killed; make BIG bigger"
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    return proc, tmp, err


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_sigkill_leaves_no_output_and_the_next_run_removes_the_leftover(tmp_path):
    out = tmp_path / "extracts"
    proc, tmp, _ = _kill_mid_write(out, signal.SIGKILL)
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists()
    # SIGKILL cannot be caught: the temporary stays, named after the dead process
    assert _temporaries(out) == [tmp] and f".{proc.pid}." in tmp.name
    done = subprocess.run([str(SEGMENT), "--quiet", "sample", "--customers", "40", "--months", "2", "--out", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["extracts"]
    assert (out / "customers.parquet").is_file()


def test_sigkill_during_force_keeps_the_old_output_complete(tmp_path):
    out = tmp_path / "extracts"
    made = subprocess.run([str(SEGMENT), "--quiet", "sample", "--customers", "40", "--months", "2", "--out", str(out)],
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    before = _digest(out)
    assert "customers.parquet" in before and len(before) >= 6
    proc, _, _ = _kill_mid_write(out, signal.SIGKILL, "--force")
    assert proc.returncode == -signal.SIGKILL
    assert _digest(out) == before


@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_sigterm_and_sigint_remove_the_temporary_output(tmp_path, sig, code):
    out = tmp_path / "extracts"
    proc, _, err = _kill_mid_write(out, sig)
    assert proc.returncode == code, err
    assert err.strip().splitlines()[-1] == f"error: interrupted by {sig.name}; no partial output was left"
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def extracts(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("interrupts") / "extracts"
    done = subprocess.run([str(SEGMENT), "--quiet", "sample", "--customers", "10000", "--months", "3", "--out", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return out


def test_sigterm_during_a_duckdb_query_cleans_up(extracts, tmp_path):
    """The signal arrives inside DuckDB's CDR aggregate: DuckDB stops, the private work
    folder (transcoded inputs) and the output's temporary are removed, exit 143."""
    work = tmp_path / "tmpdir"
    work.mkdir()
    out = tmp_path / "features.parquet"
    proc = _start("features", "--data", extracts, "--threads", "1", "--out", out,
                  env={**os.environ, "TMPDIR": str(work), "CI": "1"})
    for line in proc.stderr:
        if "aggregating call-detail records" in line:
            break
    else:
        pytest.fail("no progress line")
    assert any(work.iterdir()), "the run's private work folder should exist while it runs"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 143, err
    assert err.strip().splitlines()[-1] == "error: interrupted by SIGTERM; no partial output was left"
    assert list(work.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tmpdir"]
