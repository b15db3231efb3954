"""What the commands that read a portfolio file share: reading it, and errors for operators."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import CommandError, OutputWrapper

from mlmodels.schema import report_text
from pricing_site.exceptions import ApplicationError


def portfolio_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from error


@contextmanager
def operator_errors(stderr: OutputWrapper) -> Iterator[None]:
    """A refused request ends the command with its message, and an invalid file's report."""
    try:
        yield
    except ApplicationError as error:
        if "report" in error.extra:
            stderr.write(report_text(error.extra["report"]))
        raise CommandError(error.message) from error
