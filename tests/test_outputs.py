"""Atomic outputs: the final name holds nothing, the old output or the complete new one."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from segment.io import outputs
from segment.errors import OutputError, OutputExistsError


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_atomic_dir_force_replaces_the_old_folder_and_leaves_nothing_beside_it(tmp_path):
    out = tmp_path / "results"
    with outputs.atomic_dir(out) as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(f".results.{outputs._HOST}.{os.getpid()}.")
        (tmp / "a.txt").write_text("old")
    with pytest.raises(OutputExistsError):
        with outputs.atomic_dir(out):
            pass
    with outputs.atomic_dir(out, force=True) as tmp:
        (tmp / "b.txt").write_text("new")
        assert (out / "a.txt").read_text() == "old"  # the old output stays until the new one is complete
    assert sorted(p.name for p in out.iterdir()) == ["b.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]


def test_exchange_swaps_two_folders(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "x").write_text("a"), (b / "x").write_text("b")
    if not outputs._exchange(a, b):
        pytest.skip("this system cannot swap two paths in one step")
    assert (a / "x").read_text() == "b" and (b / "x").read_text() == "a"


def test_a_failure_inside_removes_the_temporary(tmp_path):
    for writer in (outputs.atomic_dir, outputs.atomic_path):
        out = tmp_path / "out"
        with pytest.raises(KeyboardInterrupt):
            with writer(out) as tmp:
                assert tmp.exists()
                raise KeyboardInterrupt
        assert list(tmp_path.iterdir()) == []


def test_stale_temporaries_of_dead_processes_of_this_host_are_removed(tmp_path):
    out = tmp_path / "f.parquet"
    dead, me = _dead_pid(), os.getpid()
    stale = tmp_path / f".f.parquet.{outputs._HOST}.{dead}.abc123.tmp"
    stale_dir = tmp_path / f".f.parquet.{outputs._HOST}.{dead}.def456.tmp"
    mine = tmp_path / f".f.parquet.{outputs._HOST}.{me}.ghi789.tmp"
    other_host = tmp_path / f".f.parquet.elsewhere.{dead}.abc123.tmp"
    other_output = tmp_path / f".f.parquet.x.{outputs._HOST}.{dead}.abc123.tmp"  # the temporary of 'f.parquet.x'
    for p in (stale, mine, other_host, other_output):
        p.write_text("partial")
    stale_dir.mkdir()
    (stale_dir / "part").write_text("partial")
    assert outputs.remove_stale_temporaries(out) == [stale, stale_dir]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in (mine, other_host, other_output))


def test_the_old_side_of_an_interrupted_swap_is_put_back(tmp_path):
    out = tmp_path / "results"
    old = tmp_path / f".results.{outputs._HOST}.{_dead_pid()}.abc123-old.tmp"
    old.mkdir()
    (old / "model.json").write_text("{}")
    outputs.remove_stale_temporaries(out)
    assert (out / "model.json").read_text() == "{}" and not old.exists()


def test_output_folder_missing_is_a_usage_error(tmp_path):
    with pytest.raises(OutputError, match=r"cannot write .*/nope/f.csv: folder .*/nope does not exist") as e:
        outputs.check_writable(tmp_path / "nope" / "f.csv", force=False)
    assert e.value.exit_code == 2


def test_atomic_path_refuses_to_replace_a_folder(tmp_path):
    (tmp_path / "f.csv").mkdir()
    with pytest.raises(OutputError, match="it is a folder"):
        with outputs.atomic_path(tmp_path / "f.csv", force=True):
            pass


def test_private_workdirs_of_dead_processes_are_removed(tmp_path, monkeypatch):
    monkeypatch.setattr(outputs.tempfile, "tempdir", str(tmp_path))
    stale = tmp_path / f".segment-work.{outputs._HOST}.{_dead_pid()}.abc123.tmp"
    stale.mkdir()
    (stale / "0_cdr.csv").write_text("a transcoded copy")
    work = outputs.private_workdir()
    assert work.parent == tmp_path and work.name.startswith(f".segment-work.{outputs._HOST}.{os.getpid()}.")
    assert [p.name for p in tmp_path.iterdir()] == [work.name]


def test_atomic_dir_force_over_a_file_leaves_nothing_beside_it(tmp_path):
    out = tmp_path / "results"
    out.write_text("a file where the folder goes")
    with outputs.atomic_dir(out, force=True) as tmp:
        (tmp / "model.json").write_text("{}")
    assert [p.name for p in out.iterdir()] == ["model.json"]
    assert [p.name for p in tmp_path.iterdir()] == ["results"]


def test_two_step_swap_without_exchange(tmp_path, monkeypatch):
    monkeypatch.setattr(outputs, "_exchange", lambda a, b: False)
    out = tmp_path / "results"
    out.mkdir()
    (out / "old.txt").write_text("old")
    with outputs.atomic_dir(out, force=True) as tmp:
        (tmp / "new.txt").write_text("new")
    assert [p.name for p in out.iterdir()] == ["new.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["results"]


def test_interrupted_between_the_two_renames_puts_the_old_folder_back(tmp_path, monkeypatch):
    monkeypatch.setattr(outputs, "_exchange", lambda a, b: False)
    real, calls = os.replace, []

    def replace(a, b):
        calls.append((a, b))
        if len(calls) == 2:  # the old folder is aside, the new one not yet in place
            raise KeyboardInterrupt
        real(a, b)

    out = tmp_path / "results"
    out.mkdir()
    (out / "old.txt").write_text("old")
    with pytest.raises(KeyboardInterrupt):
        with outputs.atomic_dir(out, force=True) as tmp:
            (tmp / "new.txt").write_text("new")
            monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(os, "replace", real)
    assert [p.name for p in out.iterdir()] == ["old.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["results"]


def test_outputs_get_the_mode_of_a_new_file_not_the_private_mode_of_a_temporary(tmp_path):
    """mkstemp/mkdtemp make 0600/0700 temporaries; a written output has 0666/0777 less the umask."""
    old = os.umask(0o027)
    try:
        with outputs.atomic_path(tmp_path / "report.json") as tmp:
            tmp.write_text("{}\n")  # reuses the temporary file, keeping its mode
        with outputs.atomic_dir(tmp_path / "run") as tmp:
            (tmp / "a.txt").write_text("a\n")
    finally:
        os.umask(old)
    assert (tmp_path / "report.json").stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "run").stat().st_mode & 0o777 == 0o750
