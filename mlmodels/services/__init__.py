"""Writes of the model registry; import from here."""

from mlmodels.services.datasets import InvalidDatasetError, dataset_create
from mlmodels.services.evaluation import SAME_DATA_LINE, model_versions_compare
from mlmodels.services.jobs import training_job_create, training_job_retry
from mlmodels.services.promotion import model_version_promote
from mlmodels.services.training import model_version_train

__all__ = [
    "SAME_DATA_LINE",
    "InvalidDatasetError",
    "dataset_create",
    "model_version_promote",
    "model_version_train",
    "model_versions_compare",
    "training_job_create",
    "training_job_retry",
]
