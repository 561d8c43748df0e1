"""The bad-input corpus (tests/bad_inputs/): every case gives its exact exit code and stderr
line, and leaves nothing at its output path."""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from segment_cli.main import app

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "case.toml").is_file())


def _load(name: str) -> dict:
    return tomllib.loads((CORPUS / name / "case.toml").read_text(encoding="utf-8"))


def _make_read_only(folder: Path):
    """Make ``folder`` unwritable, also for root; return the undo, or skip saying why."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return lambda: folder.chmod(0o755)
    # root ignores permission bits; the immutable attribute stops root too (ext4, xfs, btrfs)
    if shutil.which("chattr") is None:
        pytest.skip("running as root and chattr is not available: cannot make a folder read-only")
    res = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True)
    if res.returncode != 0:
        pytest.skip(f"running as root and chattr +i failed ({res.stderr.strip()}): cannot make a folder read-only")
    return lambda: subprocess.run(["chattr", "-i", str(folder)], check=True)


def _leftovers(out_dir: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in out_dir.iterdir() if p.name not in keep)


@pytest.mark.parametrize("name", CASES)
def test_bad_input(name, tmp_path):
    case = _load(name)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / case.get("out", "unused")
    today = date.today()
    subst = {"{case}": str(CORPUS / name), "{corpus}": str(CORPUS), "{out_dir}": str(out_dir), "{out}": str(out),
             "{today}": today.isoformat(), "{tomorrow}": (today + timedelta(days=1)).isoformat(),
             "{this_month}": f"{today:%Y-%m}"}

    def fill(text: str) -> str:
        for k, v in subst.items():
            text = text.replace(k, v)
        return text

    setup = case.get("setup")
    undo = None
    target = out_dir / f"target-{out.name}"
    if setup == "out_exists":
        out.write_text("precious")
    elif setup == "out_read_only":
        undo = _make_read_only(out_dir)
    elif setup == "out_dangling_link":
        out.symlink_to(out_dir / "no_such_folder" / out.name)
    elif setup == "out_link":
        target.write_text("precious")
        out.symlink_to(target)
    try:
        res = CliRunner().invoke(app, ["--quiet", *[fill(a) for a in case["args"]]])
    finally:
        if undo:
            undo()
    expected = fill(case["stderr"])
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert (res.exit_code, res.stderr) == (case["exit_code"], expected + "\n" if expected else ""), res.stdout
    if case["exit_code"] == 0:
        assert out.exists()
        manifest = out / "manifest.json" if out.is_dir() else Path(f"{out}.manifest.json")
        assert manifest.is_file()  # every output gets its manifest (docs/reproducibility.md)
        if setup == "out_link":  # written where the link points; the link stays
            assert out.is_symlink() and target.read_bytes()[:4] == b"PAR1"
        assert _leftovers(out_dir, {out.name, manifest.name} | ({target.name} if setup == "out_link" else set())) == []
    elif setup == "out_exists":
        assert out.read_text() == "precious"
        assert _leftovers(out_dir, {out.name}) == []
    elif setup == "out_dangling_link":
        assert res.stdout == "" and out.is_symlink()
        assert _leftovers(out_dir, {out.name}) == []
    else:
        assert res.stdout == ""
        assert _leftovers(out_dir, set()) == []


def test_corpus_is_what_make_corpus_writes(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
    names = maker.write(tmp_path)
    assert sorted(names) == CASES
    for path in sorted(tmp_path.rglob("*")):
        if path.is_file() and path.suffix != ".parquet":  # Parquet bytes carry the writer's version
            rel = path.relative_to(tmp_path)
            assert (CORPUS / rel).read_bytes() == path.read_bytes(), rel
    committed = {p.relative_to(CORPUS) for p in CORPUS.rglob("*") if p.is_file()} - {Path("make_corpus.py")}
    made = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()}
    assert committed - {p for p in committed if "__pycache__" in p.parts} == made


def test_readme_lists_every_case():
    text = (CORPUS / "README.md").read_text(encoding="utf-8")
    for name in CASES:
        assert f"| `{name}` | {_load(name)['about']} |" in text
