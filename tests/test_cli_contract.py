"""The scripting contract: --format json|csv gives data only on stdout, --quiet an empty
stderr, JSON that validates against docs/schemas, --fail-on gates that exit 3, colours
only on a terminal, --help with an example, --version and shell completion."""

from __future__ import annotations

import copy
import csv
import importlib.util
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import polars as pl
import pytest
import typer
from typer.testing import CliRunner

from tables import CDR_HEADER, tiny_tables, write_tables
from segment_cli.main import app

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
SCHEMAS = ROOT / "docs" / "schemas"
runner = CliRunner()


def invoke(*args, env=None):
    return runner.invoke(app, [str(a) for a in args], env=env)


def ok(res):
    assert res.exit_code == 0, (res.exit_code, res.stderr[-2000:])
    return res


def commands() -> dict:
    return typer.main.get_command(app).commands


def validate(schema_name: str, obj) -> None:
    schema = json.loads((SCHEMAS / f"{schema_name}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(obj)


# ---------------------------------------------------------------- one run, reused

@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """`segment run` once on the bundled sample; its folder and its JSON feed the other commands."""
    out = tmp_path_factory.mktemp("contract") / "run"
    res = ok(invoke("--quiet", "run", "--data", SAMPLE, "--out", out, "--format", "json"))
    assert res.stderr == ""
    return out, json.loads(res.stdout)


@pytest.fixture(scope="module")
def fast_config(tmp_path_factory):
    cfg = tmp_path_factory.mktemp("cfg") / "fast.toml"
    cfg.write_text("[clustering]\nbootstrap = 2\n")
    return cfg


@pytest.fixture(scope="module")
def lines(run_dir, fast_config, tmp_path_factory) -> dict[str, list]:
    """Schema name -> arguments of the command whose JSON it describes (all but run)."""
    out, _ = run_dir
    tmp = tmp_path_factory.mktemp("outputs")
    feats = out / "features.parquet"
    return {
        "features": ["features", "--data", SAMPLE],
        "features-list": ["features", "--list"],
        "screen": ["screen", "--features", feats, "--by-brand", "--factors"],
        "cluster": ["cluster", "--features", feats, "--k", "3", "--config", fast_config],
        "profile": ["profile", "--run", out],
        "profile-segment": ["profile", "--run", out, "--brand", "GoTone", "--segment", "1"],
        "rules": ["rules", out, "--out", tmp / "rules.sql", "--force"],
        "compare": ["compare", out, out, "--out", tmp / "movers.parquet", "--force"],
        "score": ["score", "--model", out, "--features", feats, "--out", tmp / "scored.parquet", "--force"],
        "value": ["value", "--data", SAMPLE, "--segments", out / "assignments.parquet"],
        "churn": ["churn", "--data", SAMPLE, "--list", "alert"],
        "channels": ["channels", "--data", SAMPLE],
        "sample": ["sample", "--customers", "40", "--months", "2", "--out", tmp / "sample", "--force"],
        "report": ["report", out, "--out", tmp / "report.html", "--force"],
        "verify": ["verify", tmp / "scored.parquet.manifest.json"],  # the manifest of score, above
    }


def test_every_command_has_a_schema_and_the_schemas_are_current():
    spec = importlib.util.spec_from_file_location("schema_build", SCHEMAS / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    from segment.jobs.common import SCHEMA_VERSION

    assert build.VERSION == SCHEMA_VERSION
    for name, text in build.build().items():
        assert (SCHEMAS / name).read_text(encoding="utf-8") == text, f"{name} is stale: python docs/schemas/build.py"
    missing = [c for c in commands() if not (SCHEMAS / f"{c}.schema.json").exists()]
    assert not missing
    doc = (ROOT / "docs" / "json.md").read_text()
    assert all(p.name in doc for p in SCHEMAS.glob("*.schema.json"))


def test_run_json_validates_and_carries_the_version(run_dir):
    out, summary = run_dir
    validate("run", summary)
    assert summary["version"] == 1 and all(a["version"] == 1 for a in summary["analyses"].values())
    # the JSON is profiles.json plus the window and the analyses
    written = json.loads((out / "profiles.json").read_text())
    assert {k: summary[k] for k in written} == written
    # and analyses.json holds the rest, so that the folder alone can be reported on
    analyses = json.loads((out / "analyses.json").read_text(encoding="utf-8"))
    assert analyses == {"version": 1, **{k: summary[k] for k in ("window", "analyses", "analyses_skipped")}}


@pytest.fixture(scope="module")
def json_outputs(lines) -> dict[str, tuple[str, str]]:
    """Schema name -> (stdout, stderr) of its command with --quiet --format json."""
    return {schema: (lambda r: (r.stdout, r.stderr))(ok(invoke("--quiet", *args, "--format", "json")))
            for schema, args in lines.items()}


def test_every_command_json_is_data_only_and_validates(json_outputs):
    for schema, (stdout, stderr) in json_outputs.items():
        assert stderr == "", (schema, stderr)
        obj = json.loads(stdout)  # fails if anything but one JSON document is on stdout
        assert isinstance(obj.get("version"), int), schema
        validate(schema, obj)


def test_schemas_reject_what_the_tool_never_writes(run_dir):
    _, summary = run_dir
    for mutate in (lambda d: d.pop("version"), lambda d: d.update(version=2),
                   lambda d: d["analyses"]["churn"]["stages"].pop("alert"),
                   lambda d: d["analyses"]["churn"]["rules"][0].update(stage="doomed"),
                   lambda d: next(iter(d["brands"].values())).update(chosen_by="magic"),
                   lambda d: next(iter(d["brands"].values()))["segments"][0].update(share=1.5),
                   lambda d: d["window"].update(start="2026-13")):
        bad = copy.deepcopy(summary)
        mutate(bad)
        with pytest.raises(jsonschema.ValidationError):
            validate("run", bad)


def test_progress_goes_to_stderr_and_json_stays_clean(run_dir):
    out, _ = run_dir
    res = ok(invoke("screen", "--features", out / "features.parquet", "--format", "json"))
    assert "segment screen:" in res.stderr and "screening" in res.stderr
    assert json.loads(res.stdout)["rows"] == pl.read_parquet(out / "features.parquet").height


def read_csv(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text)))
    assert rows and len({len(r) for r in rows}) == 1, "every CSV row has the header's width"
    return rows


def test_every_command_csv_is_data_only(lines, json_outputs):
    from segment_cli.views.output import flatten

    for schema, args in lines.items():
        res = ok(invoke("--quiet", *args, "--format", "csv"))
        assert res.stderr == "", schema
        header, *body = read_csv(res.stdout)
        js = json.loads(json_outputs[schema][0])
        if schema == "churn":  # --list alert without --out: the list itself
            assert header == list(js["listing"][0]) and len(body) == js["listed"] == len(js["listing"])
            assert [r[0] for r in body] == [str(r["customer_id"]) for r in js["listing"]]
        elif schema in ("value", "channels"):
            assert header == ["key", "value"]
            assert [r[0] for r in body] == [k for k, _ in flatten(js)]
        elif schema == "features":
            assert header == ["name", "angle", "non_null", "mean", "min", "max"]
            assert [r[0] for r in body] == [i["name"] for i in js["indicators"]]
        elif schema == "features-list":
            assert [r[0] for r in body] == [i["name"] for i in js["indicators"]]
        elif schema == "screen":
            assert header[:4] == ["brand", "name", "angle", "status"]
            assert len(body) == len(js["variables"]) + sum(len(b["variables"]) for b in js["brands"].values())
        elif schema in ("cluster", "profile"):
            assert header == ["brand", "segment", "name", "size", "share", "arpu", "stability", "unstable"]
            assert [(r[0], int(r[1]), int(r[3])) for r in body] == [
                (b, s["segment"], s["size"]) for b, v in js["brands"].items() for s in v["segments"]]
        elif schema == "profile-segment":
            assert [r[0] for r in body] == [i["indicator"] for i in js["indicators"]]
        elif schema == "compare":
            assert header == ["brand", "segment_a", "name_a", "segment_b", "name_b", "customers", "share", "matched"]
            assert [(r[0], int(r[1]), int(r[3]), int(r[5])) for r in body] == [
                (b, t["segment_a"], t["segment_b"], t["customers"]) for b, c in js["brands"].items()
                for t in c["transitions"]]
        elif schema == "sample":
            assert header == ["table", "rows", "files"]
            assert {r[0]: int(r[1]) for r in body} == {t: v["rows"] for t, v in js["tables"].items()}
        elif schema == "rules":
            assert header == ["brand", "segment", "name", "rule", "customers", "precision"]
            assert len(body) == sum(len(s["rules"]) for b in js["brands"] for s in b["segments"])
        elif schema == "score":
            assert header == ["brand", "segment", "segment_name", "customers"]
            assert sum(int(r[3]) for r in body) == js["customers"]
        elif schema == "report":
            assert header == ["section", "title", "charts", "notes"]
            assert [(r[0], int(r[2])) for r in body] == [(s["id"], s["charts"]) for s in js["sections"]]
        elif schema == "verify":
            assert header == ["what", "name", "status", "recorded", "current", "detail"]
            assert [(r[0], r[1], r[2]) for r in body] == (
                [("input", i["path"], i["status"]) for i in js["inputs"]]
                + [("version", v["name"], v["status"]) for v in js["versions"]]
                + [("setting", v["name"], v["status"]) for v in js["settings"]]
                + [("output", o["path"], o["status"]) for o in js["outputs"]])
        else:
            raise AssertionError(f"no CSV check for {schema}")


def test_run_csv_is_one_row_per_segment(run_dir, fast_config):
    _, summary = run_dir
    res = ok(invoke("--quiet", "run", "--data", SAMPLE, "--config", fast_config, "--k", "2", "--format", "csv"))
    assert res.stderr == ""
    header, *body = read_csv(res.stdout)
    assert header == ["brand", "segment", "name", "size", "share", "arpu", "stability", "unstable"]
    sizes: dict[str, int] = {}
    for r in body:
        sizes[r[0]] = sizes.get(r[0], 0) + int(r[3])
    assert sizes == {b: v["customers"] for b, v in summary["brands"].items()}
    assert sorted({r[1] for r in body}) == ["1", "2"]


# ---------------------------------------------------------------- colours

COLOUR_ENV = {"NO_COLOR": None, "FORCE_COLOR": None, "TTY_COMPATIBLE": None, "TTY_INTERACTIVE": None,
              "TERM": "xterm-256color", "COLORTERM": None, "COLUMNS": "200"}
GREEN = "\x1b[32m"  # screening prints 'kept' in green


def colours(text: str) -> set[int]:
    """The colour parameters (foreground/background, 30-49 and 90-107) of the SGR escapes in text."""
    import re

    found = set()
    for params in re.findall(r"\x1b\[([0-9;]*)m", text):
        found |= {int(p) for p in params.split(";") if p and (30 <= int(p) <= 49 or 90 <= int(p) <= 107)}
    return found


def test_colours_only_on_a_terminal_and_never_with_no_color(run_dir):
    args = ("screen", "--features", run_dir[0] / "features.parquet", "--format", "table")
    piped = ok(invoke("--quiet", *args, env=COLOUR_ENV))
    assert "kept" in piped.stdout and "\x1b[" not in piped.stdout
    terminal = ok(invoke("--quiet", *args, env={**COLOUR_ENV, "FORCE_COLOR": "1"}))
    assert GREEN in terminal.stdout
    no_color = ok(invoke("--quiet", *args, env={**COLOUR_ENV, "FORCE_COLOR": "1", "NO_COLOR": "1"}))
    assert "kept" in no_color.stdout and GREEN not in no_color.stdout
    assert colours(terminal.stdout) and not colours(no_color.stdout)  # no colour at all, bold may stay
    # machines never get escapes, even when a terminal is forced
    js = ok(invoke("--quiet", *args[:-1], "json", env={**COLOUR_ENV, "FORCE_COLOR": "1"}))
    assert "\x1b[" not in js.stdout and json.loads(js.stdout)["version"] == 1


# ---------------------------------------------------------------- --fail-on

def gated_tables(tmp_path: Path) -> Path:
    """The tiny extracts plus one CDR row of an unknown customer (9) in the window and one
    row before it: 10 CDR rows, 9 in the window (2026-06..08), 1 of them unknown."""
    tables = copy.deepcopy(tiny_tables())
    rows = tables["cdr"][1]
    rows.append([9, "2026-08-05 10:00:00", "voice", "out", "c", "offnet", 10, None, 0.1, "none", 2])
    rows.append([1, "2026-04-05 10:00:00", "voice", "out", "c", "offnet", 10, None, 0.1, "none", 2])
    assert len(rows) == 10 and tables["cdr"][0] == CDR_HEADER
    return write_tables(tmp_path / "gated", tables)


@pytest.fixture
def gated(tmp_path):
    data = gated_tables(tmp_path)
    # 1/9 = 11.1% of the window is above the hard 5% stop; raise it so the gates decide
    cfg = tmp_path / "lenient.toml"
    cfg.write_text("[quality]\nmax_unknown_customer_share = 0.5\n")
    return data, cfg


def error_line(res) -> str:
    assert res.exit_code == 3, (res.exit_code, res.stderr)
    assert res.stdout == "" and "Traceback" not in res.stderr
    line = res.stderr.strip().splitlines()[-1]
    assert line.startswith("error: ")
    return line


def test_unknown_customers_gate(gated, tmp_path):
    data, cfg = gated
    out = tmp_path / "f.parquet"
    base = ("--quiet", "features", "--data", data, "--config", cfg, "--out", out, "--format", "json")
    line = error_line(invoke(*base, "--fail-on", "unknown-customers"))
    assert line == ("error: quality gate failed: unknown-customers: 11.1% of the window's CDR rows (1 of 9) "
                    "belong to 1 customer(s) not in customers, above the limit 0% (--fail-on unknown-customers); "
                    "nothing was written")
    assert not out.exists() and list(tmp_path.glob(".f.parquet*")) == []
    assert "above the limit 11%" in error_line(invoke(*base, "--fail-on", "unknown-customers=0.11"))
    res = ok(invoke(*base, "--fail-on", "unknown-customers=0.12"))
    assert json.loads(res.stdout)["cdr"]["rows_unknown_customer"] == 1 and out.exists()


def test_outside_window_gate_and_percent_limits(gated):
    data, cfg = gated
    base = ("--quiet", "value", "--data", data, "--config", cfg)
    line = error_line(invoke(*base, "--fail-on", "outside-window=9%"))
    assert "outside-window: 10% of the CDR rows (1 of 10) fall outside the window, above the limit 9%" in line
    ok(invoke(*base, "--fail-on", "outside-window=10%"))  # 10% is not above 10%
    ok(invoke(*base, "--fail-on", "unknown-service"))  # every service of the fixture is known
    # without gates or --quiet the same facts are warnings on stderr, and stdout stays JSON
    res = ok(invoke(*base[1:], "--format", "json"))
    assert "warning: cdr: 1 row(s) fall outside the window" in res.stderr
    assert json.loads(res.stdout)["analysis"] == "value"


def test_skipped_indicators_and_any(gated):
    from segment.catalogue import INDICATORS

    data, cfg = gated
    # the fixture has no interactions and no recharges table
    lacking = [i.name for i in INDICATORS if any(r.split(".")[0] in ("interactions", "recharges") for r in i.requires)]
    line = error_line(invoke("--quiet", "churn", "--data", data, "--config", cfg, "--fail-on", "skipped-indicators"))
    assert f"skipped-indicators: {len(lacking)} indicator(s) not computed for lack of an optional input" in line
    ok(invoke("--quiet", "churn", "--data", data, "--config", cfg, "--fail-on", f"skipped-indicators={len(lacking)}"))
    line = error_line(invoke("--quiet", "features", "--data", data, "--config", cfg, "--fail-on", "any"))
    # the tiny extracts' on-net peer 'a' is no customer id: the one id space's gate fails too
    assert line.startswith("error: 4 quality gates failed: unknown-customers: ")
    assert "; outside-window: " in line and "; skipped-indicators: " in line and "unknown-service" not in line
    assert "; onnet-peers: 100% of the window's distinct on-net peers (1 of 1) are not customers (e.g. 'a')" in line
    assert line.count("(--fail-on any)") == 4


def test_gates_from_the_config_and_the_command_line_wins(gated, tmp_path):
    data, _ = gated
    cfg = tmp_path / "ci.toml"
    cfg.write_text('[quality]\nmax_unknown_customer_share = 0.5\n'
                   'fail_on = ["unknown-customers=5%", "dropped-missing", "skipped-brands"]\n')
    line = error_line(invoke("--quiet", "features", "--data", data, "--config", cfg))
    # dropped-missing and skipped-brands are not measured by features: from the config they are ignored
    assert line.startswith("error: quality gate failed: unknown-customers: ")
    assert f"above the limit 5% (quality.fail_on in {cfg})" in line
    ok(invoke("--quiet", "features", "--data", data, "--config", cfg, "--fail-on", "unknown-customers=20%"))


def test_gate_usage_errors(gated, tmp_path):
    data, cfg = gated
    res = invoke("features", "--data", data, "--fail-on", "dropped-missing")
    assert res.exit_code == 2 and res.stdout == ""
    assert "--fail-on dropped-missing: this command does not measure dropped-missing" in res.stderr
    res = invoke("features", "--data", data, "--fail-on", "nonsense")
    assert res.exit_code == 2 and "unknown gate 'nonsense'" in res.stderr
    res = invoke("features", "--data", data, "--fail-on", "unknown-customers=2")
    assert res.exit_code == 2 and "must be a share in [0, 1]" in res.stderr
    res = invoke("cluster", "--features", tmp_path / "none.parquet", "--fail-on", "unknown-customers")
    assert res.exit_code == 2 and "does not measure unknown-customers" in res.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text('[quality]\nfail_on = ["dropped-missing=many"]\n')
    line = error_line(invoke("features", "--data", data, "--config", bad))
    assert "quality.fail_on: dropped-missing: the limit must be a whole number" in line


def test_dropped_missing_gate_on_a_table(tmp_path):
    table = tmp_path / "t.parquet"
    pl.DataFrame({"customer_id": [1, 2, 3, 4], "a": [1.0, 2.0, 3.0, 4.0],
                  "b": [1.0, None, None, None],  # 75% missing: dropped
                  "c": [5.0, None, 7.0, 9.0],  # 25% missing: kept by the missing rule
                  "d": [None, None, None, None]}).with_columns(pl.col("d").cast(pl.Float64)).write_parquet(table)
    out = tmp_path / "screening.json"
    line = error_line(invoke("--quiet", "screen", "--features", table, "--out", out, "--fail-on", "dropped-missing"))
    assert "dropped-missing: 2 indicator(s) dropped by screening as mostly missing (b, d), above the limit 0" in line
    assert not out.exists()
    ok(invoke("--quiet", "screen", "--features", table, "--out", out, "--fail-on", "dropped-missing=2"))
    assert json.loads(out.read_text())["summary"]["dropped"]["missing"] == 2


def test_skipped_brands_gate(tmp_path, fast_config):
    # brand A varies; brand B is constant on every indicator, so it cannot be clustered
    n = 60
    frame = pl.DataFrame({
        "customer_id": list(range(n + 20)),
        "brand": ["A"] * n + ["B"] * 20,
        "x": [float(i % 7) + (i % 3) * 0.1 for i in range(n)] + [1.0] * 20,
        "y": [float((i * 5) % 11) for i in range(n)] + [2.0] * 20,
    })
    table = tmp_path / "wide.parquet"
    frame.write_parquet(table)
    out = tmp_path / "seg"
    args = ("--quiet", "cluster", "--features", table, "--k", "2", "--skip-failed-brands", "--out", out,
            "--config", fast_config, "--format", "json")
    line = error_line(invoke(*args, "--fail-on", "skipped-brands"))
    assert "skipped-brands: 1 brand(s) could not be segmented (B), above the limit 0" in line
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == ["wide.parquet"]
    res = ok(invoke(*args))
    assert list(json.loads(res.stdout)["failed_brands"]) == ["B"] and (out / "profiles.json").exists()


def test_quality_library_boundaries():
    from segment import quality

    assert quality.parse("unknown-customers=5%") == [quality.Gate("unknown-customers", 0.05)]
    assert quality.parse(" skipped-brands = 2 ") == [quality.Gate("skipped-brands", 2.0)]
    assert [g.name for g in quality.parse("any")] == list(quality.GATES)
    m = {"unknown-customers": quality.Measure(0.05, "x"), "skipped-brands": quality.Measure(2, "y")}
    gates = quality.parse("unknown-customers=0.05") + quality.parse("skipped-brands=1")
    assert [f.gate.name for f in quality.evaluate(gates, m)] == ["skipped-brands"]
    # a gate without a measure passes; resolve drops the config's gates a command cannot measure
    assert quality.evaluate(quality.parse("dropped-missing"), m) == []
    got = quality.resolve(["unknown-customers=1%"], ["any"], quality.FEATURE_GATES)
    assert [(g.name, g.limit) for g in got] == [
        ("unknown-customers", 0.01), ("unknown-customers-billing", 0.0), ("unknown-customers-interactions", 0.0),
        ("unknown-customers-recharges", 0.0), ("unknown-service", 0.0), ("unknown-values", 0.0),
        ("duplicate-events", 0.0), ("outside-window", 0.0), ("onnet-peers", 0.0), ("skipped-indicators", 0.0),
        ("implausible", 0.0), ("skipped-files", 0.0)]
    # score measures one gate of its own
    assert [g.name for g in quality.resolve(["any"], [], quality.SCORE_GATES)] == ["unscored"]


# ---------------------------------------------------------------- help, version, completion

def test_help_of_every_command_has_an_example():
    names = list(commands())
    assert {"features", "sample", "screen", "run", "cluster", "profile", "score", "value", "churn",
            "channels"} <= set(names)
    for cmd in [[], *[[n] for n in names]]:
        res = ok(invoke(*cmd, "--help"))
        assert "Usage" in res.stdout and "Example" in res.stdout, cmd


def test_every_command_has_the_one_format_option():
    from segment_cli.options import Format

    assert [f.value for f in Format] == ["table", "json", "csv"]
    for name, cmd in commands().items():
        fmt = [p for p in cmd.params if "--format" in p.opts]
        assert len(fmt) == 1 and fmt[0].type_descriptor.annotation is Format, name
        assert "-f" in fmt[0].opts and fmt[0].default == Format.table, name
    sample = commands()["sample"]
    assert any("--file-format" in p.opts for p in sample.params)


def test_fail_on_is_on_every_command_that_reads_extracts():
    # and on score, whose gate is its own: customers it could not score
    for name, cmd in commands().items():
        reads = any("--data" in p.opts for p in cmd.params) or name == "score"
        has = any("--fail-on" in p.opts for p in cmd.params)
        assert has == reads, name


def test_version():
    from importlib.metadata import version

    res = ok(invoke("--version"))
    assert res.stdout == f"segment {version('segment')}\n"


SCRIPT = Path(sys.executable).parent / "segment"


@pytest.mark.skipif(not SCRIPT.exists(), reason="the console script is not installed beside this Python")
def test_shell_completion_of_the_console_script():
    # Typer detects the shell from the process's ancestors (none when the suite runs detached
    # from a terminal's shell); its test switch makes it take the shell named instead.
    env = {**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    res = subprocess.run([SCRIPT, "--show-completion", "bash"], capture_output=True, text=True, timeout=60, env=env)
    assert res.returncode == 0 and "_SEGMENT_COMPLETE=complete_bash" in res.stdout

    def complete(words: str) -> list[str]:
        env = {**os.environ, "_SEGMENT_COMPLETE": "complete_bash", "COMP_WORDS": words,
               "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1))}
        r = subprocess.run([SCRIPT], env=env, capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        return r.stdout.split()

    assert complete("segment fea") == ["features"]
    assert complete("segment features --format ") == ["table", "json", "csv"]
    assert "--fail-on" in complete("segment run --fa")


def test_readme_lists_the_exit_codes_and_the_contract():
    text = (ROOT / "README.md").read_text()
    table = text.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    for code in range(6):
        assert f"| {code} |" in table
    assert "--fail-on" in table and "docs/json.md" in text and "docs/quality.md" in text
