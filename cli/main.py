"""The ``segment`` command: global options, the one error handler, and the sub-commands.

Exit codes (the same for every command): 0 ok; 1 internal error (a bug); 2 usage
error; 3 input or data error; 4 a check found a difference; 5 out of a resource (disk
space, memory, spill folder); 128 + N stopped by signal N (130 SIGINT, 143 SIGTERM, 129
SIGHUP) after removing temporary outputs.
"""

from __future__ import annotations

import os
import signal
import sys
import traceback
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Annotated

import typer
from typer.core import TyperGroup

from segment.errors import SegmentError


@dataclass(frozen=True)
class Settings:
    quiet: bool = False
    debug: bool = False


# The signal that stopped the run, if any (set by _on_signal, read by the handler below).
_stopped_by: int | None = None
# True when running as the `segment` program (run()), not inside a caller such as a test runner.
_console_script = False


def _on_signal(signum, frame) -> None:
    """SIGINT, SIGTERM, SIGHUP: unwind like Ctrl-C, so that every temporary output is removed.

    Raises once; a second signal during the clean-up is not allowed to cut it short.
    """
    global _stopped_by
    if _stopped_by is None:
        _stopped_by = signum
        raise KeyboardInterrupt


class SegmentGroup(TyperGroup):
    """Turns a SegmentError from any command into one line on stderr and its exit code;
    an interruption by a signal into exit 128 + the signal number (130 SIGINT, 143 SIGTERM)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except SegmentError as e:
            if _stopped_by is not None:
                _interrupted(_stopped_by)
            settings = ctx.obj if isinstance(ctx.obj, Settings) else Settings()
            if settings.debug:
                traceback.print_exc()
            print(f"error: {e}", file=sys.stderr)
            raise typer.Exit(e.exit_code) from None
        except (KeyboardInterrupt, Exception) as e:
            # after a signal, any error is the interruption rewrapped: DuckDB turns it into
            # RuntimeError('Query interrupted'), a C extension's import into ImportError
            if _stopped_by is None and not isinstance(e, KeyboardInterrupt):
                raise
            _interrupted(_stopped_by or signal.SIGINT)


def _interrupted(signum: int):
    print(f"error: interrupted by {signal.Signals(signum).name}; no partial output was left", file=sys.stderr)
    if _console_script:
        # Every temporary output is gone by now (removed as the interruption unwound). Exit
        # at once: a normal exit would first wait for the worker threads of an abandoned
        # clustering fit, and an interruption during that wait ends Python with its own code.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(128 + signum)
    raise typer.Exit(128 + signum) from None


app = typer.Typer(
    cls=SegmentGroup,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode="rich",
)


def _version() -> str:
    try:
        return version("segment")
    except PackageNotFoundError:  # running from a checkout without installing
        return "0+unknown"


def _print_version(value: bool) -> None:
    if value:
        print(f"segment {_version()}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or warnings on stderr.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show the traceback of errors.")] = False,
    show_version: Annotated[
        bool, typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Telecom customer segmentation from call-detail and billing extracts.

    Exit codes: 0 ok, 1 internal error, 2 usage error, 3 input or data error (or a failed --fail-on gate), 4 check failed, 5 out of disk space or memory.

    stdout carries the data (--format json|csv for scripts); stderr progress, warnings and errors.

    Example: [bold]segment run --data extracts/ --out results/ --format json > summary.json[/]
    """
    if quiet:
        # --quiet means nothing on stderr but errors, library warnings (numpy, scikit-learn) included.
        import warnings

        warnings.simplefilter("ignore")
    ctx.obj = Settings(quiet=quiet, debug=debug)


from . import (  # noqa: E402
    channels, churn, cluster, compare, features, graph, profile, report, rules, run as run_, sample, score, screen,
    value, verify,
)

# in the order of segment --help
for _command in (features, sample, screen, run_, cluster, profile, rules, compare, score, value, churn, channels,
                 graph, report, verify):
    _command.register(app)


def run() -> None:
    """Console-script entry point."""
    global _console_script
    _console_script = True
    if hasattr(signal, "SIGPIPE"):
        # `segment ... | head` ends quietly instead of raising BrokenPipeError.
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        # a signal the caller ignores (nohup, a background job) stays ignored
        if signum is not None and signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, _on_signal)
    try:
        app()
    except KeyboardInterrupt:
        # an interruption that surfaced outside a command's handler (while a finished job's
        # threads were being shut down): the same exit code, never Python's own
        sys.exit(128 + (_stopped_by or signal.SIGINT))


if __name__ == "__main__":
    run()
