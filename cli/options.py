"""Every option of every command, declared once.

A command's signature names the options it takes from here; ``@with_inputs`` appends
the options of the commands that read extracts (--data, the per-table overrides,
--config, --encoding, the window, the engine, --fail-on) and hands the command their
values as one dict, ready for the job's request.
"""

from __future__ import annotations

import functools
import inspect
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class Population(str, Enum):
    stable = "stable"
    all = "all"


class Stage(str, Enum):
    churned = "churned"
    alert = "alert"
    warning = "warning"
    healthy = "healthy"


class EngineName(str, Enum):
    duckdb = "duckdb"
    spark = "spark"


class FileFormat(str, Enum):
    parquet = "parquet"
    csv = "csv"


def _out(help: str, required: bool = False):
    return Annotated[Path if required else Optional[Path], typer.Option("--out", "-o", help=help, show_default=False)]


# ---------------------------------------------------------------- shared by many commands
OutputFormat = Annotated[Format, typer.Option("--format", "-f", help="table for people; json or csv for scripts (data only on stdout).")]
Force = Annotated[bool, typer.Option("--force", help="Overwrite an existing output.")]
ConfigFile = Annotated[Optional[Path], typer.Option("--config", "-c", help="TOML config: column mapping and thresholds.", show_default=False)]
FeaturesFile = Annotated[Optional[Path], typer.Option("--features", help="A wide table (CSV or Parquet: one row per customer) instead of --data.", show_default=False)]
IdCol = Annotated[str, typer.Option("--id", help="Id column of the table.")]
Segments = Annotated[Optional[Path], typer.Option("--segments", help="Segments table (customer_id, segment[, brand]; .parquet or .csv) for per-segment cross-tabs.")]
TableOut = _out("Write one row per customer here (.parquet, .csv, or .xlsx: a workbook with the summary's tables too).")
PairsOut = _out("Write one row per pair found here (.parquet or .csv).")
ExcelCsv = Annotated[bool, typer.Option("--excel-csv", help="Start a CSV --out with a byte-order mark, so Excel reads Chinese text right (also [output] csv_bom).")]

# ---------------------------------------------------------------- segmenting (run, cluster)
K = Annotated[str, typer.Option("--k", help="Segments per brand: auto (chosen by prediction strength) or a number.")]
Seed = Annotated[Optional[int], typer.Option("--seed", help="Random seed (default: clustering.seed of the config, 42).")]
SkipFailed = Annotated[bool, typer.Option("--skip-failed-brands", help="Report a brand that cannot be segmented and go on with the others.")]
BrandCol = Annotated[Optional[str], typer.Option("--brand", help="Brand column; segments are formed within each brand.")]
NoBrand = Annotated[bool, typer.Option("--no-brand", help="The table has no brand: segment it as one.")]
RunOut = _out("Folder for the outputs (features, screening, assignments, profiles, model, value, churn, channels).")
ClusterOut = _out("Folder for screening.json, assignments.parquet, profiles.json, model.json, model.sql.")
ProfileCols = Annotated[Optional[list[str]], typer.Option("--profile", metavar="COL", help="A column to describe in the profiles, never to cluster on (repeatable; also [clustering] profile).", show_default=False)]
OutcomeCols = Annotated[Optional[list[str]], typer.Option("--outcome", metavar="COL", help="An outcome (two values, e.g. churn): profiled as a rate per segment, never clustered on (repeatable; columns named churn, churned, label, target are outcomes already: [clustering] outcome_names).", show_default=False)]
Revenue = Annotated[Optional[str], typer.Option("--revenue", metavar="COL", help="The revenue column: its mean is each segment's ARPU; not clustered on (default: total_fee when present; also [clustering] revenue).", show_default=False)]
Names = Annotated[Optional[Path], typer.Option("--names", help="A TOML file of segment names, [brand] number = \"name\", used instead of the generated ones everywhere (docs/segments.md).", show_default=False)]
Previous = Annotated[Optional[Path], typer.Option("--previous", help="Output folder of an earlier run / cluster: segments that match one of its segments keep that segment's number and name (model.json records the evidence).", show_default=False)]

# ---------------------------------------------------------------- compare
RunA = Annotated[Path, typer.Argument(help="The earlier run: an output folder of segment run / cluster.", show_default=False)]
RunB = Annotated[Path, typer.Argument(help="The later run, compared with RUN_A.", show_default=False)]
MoversOut = _out("Write the customers who moved (customer_id, brand, segment_a, name_a, segment_b, name_b, matched_b) here (.parquet or .csv).")

RunReport = Annotated[bool, typer.Option("--report", help="Also write report.html (segment report) into the --out folder, listed in its manifest.")]

# ---------------------------------------------------------------- report
ReportRun = Annotated[Path, typer.Argument(help="A folder written by segment run (or segment cluster).", show_default=False)]
ReportPrevious = Annotated[Optional[Path], typer.Option("--previous", help="An earlier run folder: how customers moved between segments, and the screening diff.", show_default=False)]
ReportOut = _out("The HTML file to write (e.g. report.html).", required=True)

# ---------------------------------------------------------------- features, screen
FeaturesOut = _out("Write the features here (.parquet or .csv).")
ListCatalogue = Annotated[bool, typer.Option("--list", help="List the indicator catalogue and exit.")]
ScreenBrandCol = Annotated[str, typer.Option("--brand", help="Brand column (not screened; used by --by-brand).")]
ByBrand = Annotated[bool, typer.Option("--by-brand", help="Also screen each brand separately.")]
Factors = Annotated[bool, typer.Option("--factors", help="Add the factor-analysis view (KMO, Bartlett, loadings).")]
ScreenOut = _out("Write the JSON report here (e.g. screening.json), or a workbook of its tables (.xlsx).")

# ---------------------------------------------------------------- churn, profile, score, verify
ListStage = Annotated[Optional[Stage], typer.Option("--list", help="A retention list: the customers of one stage with segment, value tier and score, preferred channel and reasons, highest value score first; printed, or written to --out.")]


def list_option(what: str):
    """``--list`` of value and channels: a campaign list of one ``what``."""
    return Annotated[Optional[str], typer.Option("--list", help=f"A campaign list: the customers of one {what}, with segment, value tier and score and preferred channel, highest value score first; printed, or written to --out.")]
RunDir = Annotated[Path, typer.Option("--run", help="Output folder of segment run / cluster (holds profiles.json).")]
ProfileBrand = Annotated[Optional[str], typer.Option("--brand", "-b", help="Only this brand.")]
ProfileOut = _out("Write what is shown here: .json, or .xlsx (a workbook of its tables).")
ProfileSegment = Annotated[Optional[int], typer.Option("--segment", "-s", help="Every indicator of this segment (needs --brand), sorted by how much it differs.")]
RulesRun = Annotated[Path, typer.Argument(help="An output folder of segment run / cluster (holds model.json), or its model.json.", show_default=False)]
RulesFeatures = Annotated[Optional[Path], typer.Option("--features", help="Features to learn the rules on (default: the run's features.parquet; a cluster folder needs it).", show_default=False)]
RulesOut = _out("Where rules.sql goes (default: beside model.json).")
Model = Annotated[Path, typer.Option("--model", help="Output folder of segment run / cluster, or its model.json.")]
ScoreFeatures = Annotated[Path, typer.Option("--features", help="Features of the customers to score (CSV or Parquet).")]
ScoreOut = _out("Assignments to write (.parquet or .csv).", required=True)
Manifest = Annotated[Path, typer.Argument(help="A manifest.json, a FILE.manifest.json, or a folder holding manifest.json.", show_default=False)]

# ---------------------------------------------------------------- sample
SampleOut = _out("Folder to create with the extracts.", required=True)
SampleCustomers = Annotated[int, typer.Option("--customers", help="Number of subscribers.")]
SampleMonths = Annotated[int, typer.Option("--months", help="Calendar months of history.")]
SampleSeed = Annotated[int, typer.Option("--seed", help="Random seed; the same seed gives the same bytes.")]
SampleEnd = Annotated[str, typer.Option("--end-month", help="Last month generated, YYYY-MM.")]
SampleFileFormat = Annotated[FileFormat, typer.Option("--file-format", help="File format of the extracts.")]
SampleStructure = Annotated[str, typer.Option("--structure", help="Planted segments: default, sizes, counts, subtle, noisy or overlap (docs/segments.md).")]

FailOn = Annotated[Optional[list[str]], typer.Option(
        "--fail-on", metavar="GATE[=LIMIT]", rich_help_panel="Quality",
        help="Exit 3 (and write nothing) when a data-quality warning passes LIMIT: unknown-customers[=SHARE] "
             "(and unknown-customers-billing, -interactions, -recharges), unknown-service[=SHARE], unknown-values[=SHARE], "
             "duplicate-events[=SHARE], outside-window[=SHARE], skipped-indicators[=N], implausible[=N], skipped-files[=N], "
             "dropped-missing[=N], skipped-brands[=N], skipped-analyses[=N], or any. Repeatable; adds to the config's "
             "quality.fail_on (docs/quality.md).",
        show_default=False)]
ScoreFailOn = Annotated[Optional[list[str]], typer.Option(
    "--fail-on", metavar="GATE[=LIMIT]", rich_help_panel="Quality",
    help="Exit 3 (and write nothing) when more than LIMIT customers cannot be scored: unscored[=N] or any.",
    show_default=False)]

# ---------------------------------------------------------------- the inputs of every extract-reading command
def _opt(kind, help: str, panel: str):
    return Annotated[Optional[kind], typer.Option(help=help, rich_help_panel=panel)]


_TABLE = "{} table: a file, glob or folder (overrides --data)."
_INPUTS = [
    ("data", Annotated[Optional[Path], typer.Option("--data", "-d", help="Folder holding customers.*, cdr.* (or cdr/), billing.* and the optional interactions.*, recharges.*.", show_default=False)]),
    ("config", ConfigFile),
    ("encoding", _opt(str, "Encoding of CSV inputs (utf-8, gbk, ...); overrides the config.", "Inputs")),
    *[(t, _opt(str, _TABLE.format(t), "Inputs")) for t in ("customers", "cdr", "billing")],
    *[(t, _opt(str, f"{t} table (optional).", "Inputs")) for t in ("interactions", "recharges")],
    ("months", _opt(int, "Calendar months in the window (default 3).", "Window")),
    ("end_month", _opt(str, "Last month of the window, YYYY-MM (default: latest billed).", "Window")),
    ("population", _opt(Population, "stable: a bill and an event every month; all: any activity.", "Window")),
    ("threads", _opt(int, "Threads for DuckDB and for the clustering fits run side by side (default: all cores); outputs do not depend on it.", "Engine")),
    ("memory_limit", _opt(str, "DuckDB memory limit, e.g. 4GB; beyond it DuckDB spills to --temp-dir.", "Engine")),
    ("temp_dir", _opt(Path, "Folder where DuckDB spills when over the memory limit (default: a private folder under TMPDIR, removed after the run).", "Engine")),
    ("engine", _opt(EngineName, "Where the SQL runs: duckdb (embedded, default) or spark (needs pip install 'segment[spark]'); overrides [engine] name.", "Engine")),
    ("spark_master", _opt(str, "Spark master: local[N], spark://host:7077, yarn, k8s://... (default: [engine] spark_master, $SPARK_MASTER, local[*]).", "Engine")),
    ("spark_remote", _opt(str, "Spark Connect server, sc://host:15002 (default: [engine] spark_remote, $SPARK_REMOTE).", "Engine")),
    ("fail_on", FailOn),
]


def _plain(value):
    """Option values as the library takes them: enums by value, lists as tuples."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return tuple(value) or None
    return value


def with_inputs(command):
    """Decorator: the command takes ``inputs: dict`` (the values of the options above,
    keyed as the jobs' requests name them); the CLI shows the options."""
    sig = inspect.signature(command, eval_str=True)  # Typer takes __signature__ as it is
    own = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in sig.parameters.values() if p.name != "inputs"]
    extra = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=ann)
             for name, ann in _INPUTS]

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        values = {name: _plain(kwargs.pop(name, None)) for name, _ in _INPUTS}
        return command(*args, inputs=values, **kwargs)

    wrapper.__signature__ = sig.replace(parameters=[*own, *extra])
    return wrapper
