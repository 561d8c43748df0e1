"""Options shared by several commands, declared once."""

from __future__ import annotations

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


DataDir = Annotated[Optional[Path], typer.Option("--data", "-d", help="Folder holding customers.*, cdr.* (or cdr/), billing.* and the optional interactions.*, recharges.*.", show_default=False)]
Customers = Annotated[Optional[str], typer.Option(help="customers table: a file, glob or folder (overrides --data).", rich_help_panel="Inputs")]
Cdr = Annotated[Optional[str], typer.Option(help="cdr table: a file, glob or folder (overrides --data).", rich_help_panel="Inputs")]
Billing = Annotated[Optional[str], typer.Option(help="billing table: a file, glob or folder (overrides --data).", rich_help_panel="Inputs")]
Interactions = Annotated[Optional[str], typer.Option(help="interactions table (optional).", rich_help_panel="Inputs")]
Recharges = Annotated[Optional[str], typer.Option(help="recharges table (optional).", rich_help_panel="Inputs")]
ConfigFile = Annotated[Optional[Path], typer.Option("--config", "-c", help="TOML config: column mapping and thresholds.", show_default=False)]
Encoding = Annotated[Optional[str], typer.Option(help="Encoding of CSV inputs (utf-8, gbk, ...); overrides the config.", rich_help_panel="Inputs")]
OutputFormat = Annotated[Format, typer.Option("--format", "-f", help="table for people; json or csv for scripts (data only on stdout).")]
Force = Annotated[bool, typer.Option("--force", help="Overwrite an existing output.")]
Threads = Annotated[Optional[int], typer.Option(help="Threads for DuckDB and for the clustering fits run side by side (default: all cores); outputs do not depend on it.", rich_help_panel="Engine")]
MemoryLimit = Annotated[Optional[str], typer.Option(help="DuckDB memory limit, e.g. 4GB; beyond it DuckDB spills to --temp-dir.", rich_help_panel="Engine")]
FailOn = Annotated[Optional[list[str]], typer.Option(
    "--fail-on", metavar="GATE[=LIMIT]", rich_help_panel="Quality",
    help="Exit 3 (and write nothing) when a data-quality warning passes LIMIT: unknown-customers[=SHARE], "
         "unknown-service[=SHARE], outside-window[=SHARE], skipped-indicators[=N], dropped-missing[=N], "
         "skipped-brands[=N], skipped-analyses[=N], or any. Repeatable; adds to the config's quality.fail_on (docs/quality.md).",
    show_default=False)]
TempDir = Annotated[Optional[Path], typer.Option(help="Folder where DuckDB spills when over the memory limit (default: a private folder under TMPDIR, removed after the run).", rich_help_panel="Engine")]
