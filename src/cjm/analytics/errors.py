"""Errors of the analytics engine: each one is a sentence for the user, a hint on what to
do, and the process exit code, so the CLI prints them without a traceback.

Exit codes: 2 for a problem with the request, the configuration or the input data (the user
fixes a file), 3 for the environment (something must be installed).
"""

from __future__ import annotations


class AnalyticsError(Exception):
    """Base class: `message` says what is wrong, `hint` what to do, `exit_code` 2 or 3."""

    exit_code = 2

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\nhint: {self.hint}" if self.hint else self.message


class RequestError(AnalyticsError):
    """The request or the semantics do not fit together (unknown step, min above max…)."""


class NoEventsMappedError(AnalyticsError):
    """No touchpoint of the map says which events mean it was reached."""


class InputNotFoundError(AnalyticsError):
    """The source path or glob matches no file."""


class MissingColumnError(AnalyticsError):
    """A column the configuration names is not in the data."""


class BadTimestampError(AnalyticsError):
    """Times that do not parse, or that mix values with and without a UTC offset."""


class CorruptInputError(AnalyticsError):
    """A file cannot be read: a corrupt Parquet file, a truncated gzip, broken JSON."""


class EmptyInputError(AnalyticsError):
    """The source holds no event at all."""


class EmptyResultError(AnalyticsError):
    """There are events, but no unit entered the funnel."""


class EngineUnavailableError(AnalyticsError):
    """The engine cannot run here: pyspark or Java is missing, or the cluster is unreachable."""

    exit_code = 3
