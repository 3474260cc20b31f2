"""Errors that name the thing and the reason. The CLI prints them as one line, never a traceback."""

from __future__ import annotations


class PipelineError(Exception):
    """Base class: `str(err)` is a complete, user-readable sentence."""


class SourceUnavailable(PipelineError):
    """The publication service cannot be reached (no network, DNS, refused)."""


class SruDiagnostic(PipelineError):
    """The SRU service answered with a diagnostic (also inside HTTP 200)."""


class MalformedResponse(PipelineError):
    """A response or file is not what was promised (bad XML, HTML instead of PDF, truncated)."""


class FetchFailed(PipelineError):
    """A download failed after all retries."""


class ParseFailed(PipelineError):
    """A file could not be parsed: `ParseFailed(path, reason)`."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class QualityGateFailed(PipelineError):
    """A batch failed a critical expectation and was quarantined."""


class InvalidParameter(PipelineError):
    """A wrong value for a parameter given by a user (CLI option or DAG Param)."""
