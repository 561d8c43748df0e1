"""Output for people (rich, on stdout for tables and stderr for progress) and for
machines (JSON and CSV written with the standard library, never through rich)."""

from __future__ import annotations

import csv
import os
import sys
import time
from typing import Any, Iterable, Sequence

from rich.console import Console
from rich.markup import escape

def out_console() -> Console:
    # rich already honours NO_COLOR and drops colour when stdout is not a terminal.
    return Console(file=sys.stdout, highlight=False)


def err_console() -> Console:
    return Console(file=sys.stderr, highlight=False)


def for_people(obj: Any) -> Any:
    """``obj`` with every string (dict keys too) escaped for Rich markup: data such as a
    brand called "[bold]X" or "a[/]b" is drawn as it is, never read as markup (which would
    hide it or stop the view)."""
    if isinstance(obj, str):
        return escape(obj)
    if isinstance(obj, dict):
        return {for_people(k) if isinstance(k, str) else k: for_people(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(for_people(v) for v in obj)
    return obj


def write_json(obj: Any) -> None:
    from segment.io.outputs import dumps

    sys.stdout.write(dumps(obj))
    sys.stdout.flush()


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    sys.stdout.flush()


def emit(summary: dict, fmt, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bool:
    """``--format json`` (the summary) or ``csv`` (``columns`` and ``rows``) on stdout;
    False for ``table``, which the caller draws."""
    if fmt.value == "json":
        write_json(summary)
    elif fmt.value == "csv":
        write_csv(columns, rows)
    else:
        return False
    return True


def flatten(obj: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """A nested summary as (dotted key, value) rows: the CSV form of every summary."""
    rows: list[tuple[str, Any]] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            rows += flatten(v, f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            rows += flatten(v, f"{prefix}.{i}")
    else:
        rows.append((prefix, obj))
    return rows


SEGMENT_COLUMNS = ("brand", "segment", "name", "size", "share", "arpu", "stability", "unstable")


def write_segments_csv(profiles: dict) -> None:
    """The CSV form of profiles.json (run, cluster, profile): one row per segment of every brand."""
    write_csv(SEGMENT_COLUMNS, [[b, *(s[c] for c in SEGMENT_COLUMNS[1:])]
                                for b, v in profiles["brands"].items() for s in v["segments"]])


def fmt_num(x: Any, digits: int = 4) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        if x == 0:
            return "0"
        if abs(x) >= 1e5 or abs(x) < 1e-3:
            return f"{x:.3g}"
        return f"{x:.{digits}g}"
    return str(x)


class Reporter:
    """Stage-by-stage progress on stderr: a spinner on a terminal, log lines otherwise."""

    def __init__(self, quiet: bool = False, name: str = "segment"):
        self.quiet = quiet
        self.name = name
        self.t0 = time.perf_counter()
        self.console = err_console()
        self._status = None
        self.is_tty = self.console.is_terminal and not os.environ.get("CI")

    def __call__(self, stage: str) -> None:
        if self.quiet:
            return
        elapsed = time.perf_counter() - self.t0
        if self.is_tty:
            if self._status is None:
                self._status = self.console.status(stage)
                self._status.start()
            else:
                self._status.update(stage)
        else:
            print(f"{self.name}: [{elapsed:6.1f}s] {stage}", file=sys.stderr, flush=True)

    def warn(self, message: str) -> None:
        if not self.quiet:
            self.stop()
            # the message is data (file names, values, [values.cdr.service]), never markup
            self.console.print(f"[yellow]warning:[/] {escape(message)}", soft_wrap=True)

    def info(self, message: str) -> None:
        if not self.quiet:
            self.stop()
            self.console.print(escape(message), soft_wrap=True)

    def stop(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None

    def done(self, what: str = "done") -> None:
        self.stop()
        if not self.quiet:
            elapsed = time.perf_counter() - self.t0
            print(f"{self.name}: [{elapsed:6.1f}s] {what}", file=sys.stderr, flush=True)
