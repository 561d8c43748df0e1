"""Named failures. Each user-facing failure has its own class and exit code.

Exit-code contract (the same for every command, listed in the README):
0 success; 1 unexpected internal error (a bug); 2 usage error (bad option or
option value, output exists without --force or cannot be written); 3 input or data error (missing
file or column, bad type, empty population, failed data-quality gate); 4 a
check found a difference; 5 the machine ran out of a resource (disk space, memory) or a
work folder became unusable during the run.
"""

from __future__ import annotations


class SegmentError(Exception):
    """Base of every error the tool reports to a user as one line.

    A subclass states its exit code once, in its class line (``exit_code=3``); classes
    below it inherit the code.
    """

    exit_code = 1

    def __init_subclass__(cls, exit_code: int | None = None, **kwargs):
        super().__init_subclass__(**kwargs)
        if exit_code is not None:
            cls.exit_code = exit_code


# 2: the command line is wrong
class UsageError(SegmentError, exit_code=2):
    """An option value the tool cannot work with (the command line is wrong)."""


class OutputExistsError(UsageError):
    """The output already exists and --force was not given."""


class OutputError(UsageError):
    """The output cannot be written: its folder is missing or read-only, or the write failed."""


# 3: the inputs or the data are wrong
class InputError(SegmentError, exit_code=3):
    """An input file is missing, unreadable, empty or of an unknown format."""


class ConfigError(InputError):
    """The TOML config cannot be read or holds an unknown key or a bad value."""


class SchemaError(InputError):
    """A required column is missing or a column cannot be read as its type."""


class DataError(InputError):
    """The data breaks a rule of the input contract (duplicates, negatives, ...)."""


class EmptyPopulationError(DataError):
    """No customer is left after the window and population filters."""


class QualityGateError(DataError):
    """A data-quality gate (--fail-on, quality.fail_on) failed: the data is usable but not clean enough."""


# 4: a check found a difference
class CheckFailed(SegmentError, exit_code=4):
    """A verification found a difference."""


# 5: the machine, not the command line or the data
class ResourceError(SegmentError, exit_code=5):
    """The run needs more than the machine gives it: disk space, memory, a usable work folder."""


class DiskFullError(ResourceError):
    """No space left on the device of an output, the work folder or the spill folder."""


class OutOfMemoryError(ResourceError):
    """The engine reached its memory limit and could not spill to disk."""


class SpillError(ResourceError):
    """The folder the engine spills to (--temp-dir, or the private work folder) failed during the run."""
