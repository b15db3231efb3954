"""Uploaded portfolios: validated once, kept with their report, recognised by their hash."""

import hashlib
import io
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from mlmodels.models import Dataset
from mlmodels.schema import ValidationReport, dataset_validate, portfolio_read
from pricing_site.exceptions import ApplicationError


class InvalidDatasetError(ApplicationError):
    default_code = "invalid_dataset"


def dataset_report(*, content: bytes) -> ValidationReport:
    """The schema report of a CSV file's bytes; an unreadable file is one problem of the report."""
    try:
        frame = portfolio_read(io.BytesIO(content))
    except ValueError as error:
        report = ValidationReport(rows=0)
        report.add(None, "unreadable", reason=str(error.__cause__ or error))
        return report
    return dataset_validate(frame)


def dataset_create(*, content: bytes, name: str, uploaded_by: Any = None) -> tuple[Dataset, bool]:
    """Keep a valid portfolio; the same bytes uploaded again return the dataset already kept."""
    sha256 = hashlib.sha256(content).hexdigest()
    existing = Dataset.objects.filter(sha256=sha256).first()
    if existing:
        return existing, False
    report = dataset_report(content=content)
    if not report.is_valid:
        raise InvalidDatasetError(
            gettext(
                "The dataset %(name)s does not match the portfolio schema: %(count)s problem(s), "
                "see `extra.report`."
            )
            % {"name": name, "count": len(report.issues)},
            field="file",
            extra={"report": report.as_dict()},
        )
    try:
        with transaction.atomic():
            dataset = Dataset(
                name=name,
                sha256=sha256,
                row_count=report.rows,
                validation_report=report.as_dict(),
                uploaded_by=uploaded_by,
            )
            dataset.file.save(f"{sha256[:16]}.csv", ContentFile(content), save=False)
            dataset.save()
    except IntegrityError:  # The same file, uploaded at the same moment by someone else.
        return Dataset.objects.get(sha256=sha256), False
    return dataset, True
