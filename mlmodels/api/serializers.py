"""Serializers of the model API: predictions, model versions, datasets and training jobs."""

from typing import Any

from django.core.validators import MaxLengthValidator, MinLengthValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mlmodels.models import Dataset, Estimator, ModelVersion, Task, TrainingJob
from mlmodels.pipelines import PARAM_BOUNDS, ParamBound
from mlmodels.schema import COLUMNS, record_categories
from pricing_site.api import JsonInputSerializer, PageInputSerializer, QueryInputSerializer

MAX_RECORDS = 10_000


def record_integer(name: str, **kwargs: Any) -> serializers.IntegerField:
    """A record's whole-number feature, with the schema's bounds."""
    low, high = COLUMNS[name].minimum, COLUMNS[name].maximum
    return serializers.IntegerField(
        min_value=None if low is None else int(low),
        max_value=None if high is None else int(high),
        **kwargs,
    )


def record_choice(name: str, **kwargs: Any) -> serializers.ChoiceField:
    """A record's category, with the schema's values and the API's other spellings of them."""
    return serializers.ChoiceField(choices=list(record_categories(COLUMNS[name])), **kwargs)


# Built from the dataset schema like `PredictionRecord` and `records_validate`, which check the
# records: the documentation cannot drift from the checks.
class PredictionRecordSerializer(serializers.Serializer):
    """One policy's features (documentation; records are checked by the dataset schema)."""

    coverage = record_choice("coverage")
    ageph = record_integer("ageph")
    bm = record_integer("bm")
    power = record_integer("power")
    agec = record_integer("agec")
    fuel = record_choice(
        "fuel",
        help_text="`petrol` (as quotes say it) or `gasoline` (as the portfolio says it).",
    )
    use = record_choice("use")
    fleet = record_integer("fleet")
    postcode = record_integer(
        "postcode",
        required=False,
        help_text="Only for a location-aware model (analysis); the tariff's models ignore it.",
    )


@extend_schema_field(PredictionRecordSerializer(many=True))
class RecordsField(serializers.Field):
    """A list of 1 to 10,000 records, passed on as sent: `records_validate` checks every record
    at a fraction of the cost of a DRF field per value (3 million calls for 10,000 records)."""

    default_error_messages = {"not_a_list": "Expected a list of records."}

    def __init__(self, **kwargs: Any) -> None:
        # As validators, the bounds are also the schema's minItems and maxItems.
        bounds = [
            MinLengthValidator(1, message="Send at least one record."),
            MaxLengthValidator(MAX_RECORDS, message=f"Send at most {MAX_RECORDS} records."),
        ]
        super().__init__(validators=bounds, **kwargs)

    def to_internal_value(self, data: Any) -> list[Any]:
        if not isinstance(data, list):
            self.fail("not_a_list")
        return data


class CheckedPredictionBody(dict[str, Any]):
    """A prediction body `PredictionBodyParser` decoded and checked as a whole: a task of
    `Task`, 1 to `MAX_RECORDS` `CheckedRecords`."""


class PredictionCreateInputSerializer(JsonInputSerializer):
    task = serializers.ChoiceField(choices=Task.choices)
    records = RecordsField(
        help_text="1 to 10,000 policies with the features of the dataset schema."
    )

    def run_validation(self, data: Any = serializers.empty) -> Any:
        # Checked already, at a fiftieth of the fields' cost (a sixth of a one-record prediction).
        if isinstance(data, CheckedPredictionBody):
            return data
        return super().run_validation(data)


class PredictionQueryInputSerializer(QueryInputSerializer):
    model = serializers.IntegerField(required=False, min_value=1, help_text="A model version id.")

    def run_validation(self, data: Any = serializers.empty) -> Any:
        # Most predictions send no query, which has nothing to check: its one field is optional
        # and has no default.
        return {} if not data else super().run_validation(data)


class PredictionOutputSerializer(serializers.Serializer):
    task = serializers.CharField()
    model_version = serializers.IntegerField(source="version_id")
    average_claim_cost = serializers.DecimalField(max_digits=12, decimal_places=2)
    predictions = serializers.ListField(child=serializers.FloatField(), source="values")

    def to_representation(self, prediction: Any) -> dict[str, Any]:
        # The fields above document the answer; building it by hand spares a FloatField call per
        # prediction (0.4 ms of a 1,000-record request). The values are floats already.
        return {
            "task": prediction.task,
            "model_version": prediction.version_id,
            "average_claim_cost": str(prediction.average_claim_cost),  # stored in cents
            "predictions": prediction.values,
        }


class DatasetOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Dataset
        fields = ["id", "name", "row_count", "sha256", "validation_report", "uploaded_at"]


class DatasetCreateInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A portfolio CSV in the dataset schema.")
    name = serializers.CharField(required=False, max_length=200)


class ModelVersionPromoteInputSerializer(JsonInputSerializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Why it is promoted. Required for a frequency or severity model that no impact "
        "analysis of the current portfolio backs; kept in the tariff change log.",
    )


class ModelVersionOutputSerializer(serializers.ModelSerializer):
    status = serializers.CharField()
    dataset = DatasetOutputSerializer()

    class Meta:
        model = ModelVersion
        fields = [
            "id",
            "task",
            "estimator",
            "status",
            "is_production",
            "metrics",
            "params",
            "average_claim_cost",
            "sklearn_version",
            "training_seconds",
            "dataset",
            "created_at",
            "promoted_at",
        ]


class ModelVersionListInputSerializer(PageInputSerializer):
    task = serializers.ChoiceField(choices=Task.choices, required=False)


class ModelVersionCreateInputSerializer(JsonInputSerializer):
    dataset = serializers.IntegerField(min_value=1)
    task = serializers.ChoiceField(choices=Task.choices)
    estimator = serializers.ChoiceField(choices=Estimator.choices)
    # Bounds per estimator: `params_validate`; documented by `model_version_create_schema`.
    params = serializers.DictField(required=False, default=dict)


def model_version_create_schema() -> dict[str, Any]:
    """The training request's OpenAPI schema: one variant per task and estimator, each listing
    the parameters that estimator takes with their bounds (what `params_validate` enforces)."""

    def variant(task: str, estimator: str, bounds: dict[str, ParamBound]) -> dict[str, Any]:
        params = {
            name: {
                "type": "integer" if bound.kind is int else "number",
                "minimum": bound.minimum,
                "maximum": bound.maximum,
            }
            for name, bound in bounds.items()
        }
        return {
            "type": "object",
            "required": ["dataset", "task", "estimator"],
            "properties": {
                "dataset": {"type": "integer", "minimum": 1},
                "task": {"type": "string", "enum": [task]},
                "estimator": {"type": "string", "enum": [estimator]},
                "params": {"type": "object", "properties": params, "additionalProperties": False},
            },
        }

    return {
        "oneOf": [
            variant(task, estimator, bounds) for (task, estimator), bounds in PARAM_BOUNDS.items()
        ]
    }


class TrainingJobOutputSerializer(serializers.ModelSerializer):
    dataset = serializers.IntegerField(source="dataset_id")
    model_version = serializers.IntegerField(source="model_version_id", allow_null=True)

    class Meta:
        model = TrainingJob
        fields = [
            "id",
            "state",
            "progress",
            "step",
            "error",
            "attempts",
            "dataset",
            "task",
            "estimator",
            "params",
            "model_version",
            "created_at",
            "started_at",
            "finished_at",
        ]


class RatingFactorLevelSerializer(serializers.Serializer):
    level = serializers.CharField(help_text="A value or band (`17–24`, `70+`) of the variable.")
    exposure = serializers.FloatField(
        help_text="Years insured (frequency) or claims (severity) of the training data at it."
    )
    observed = serializers.FloatField(
        allow_null=True, help_text="Claims per year, or mean capped cost per claim, observed."
    )
    predicted = serializers.FloatField(
        allow_null=True, help_text="The model's average prediction on the same policies."
    )
    relativity = serializers.FloatField(
        help_text="The model's factor at this level against the base level."
    )
    low = serializers.FloatField(
        required=False, help_text="A GLM's relativity: lower bound of its 95 % interval."
    )
    high = serializers.FloatField(
        required=False, help_text="A GLM's relativity: upper bound of its 95 % interval."
    )


class RatingFactorSerializer(serializers.Serializer):
    variable = serializers.CharField(
        help_text="`ageph`, `bm`, `power`, `agec`, `fuel`, `coverage`, `use`, `fleet`, `zone`."
    )
    base_level = serializers.CharField(help_text="The level with most exposure (relativity 1).")
    levels = RatingFactorLevelSerializer(many=True)


class ModelVersionFactorsOutputSerializer(serializers.Serializer):
    model = serializers.IntegerField()
    task = serializers.ChoiceField(choices=Task.choices)
    kind = serializers.ChoiceField(
        choices=["relativities", "partial_dependence"],
        help_text="A GLM's relativities, or a boosted model's partial dependence.",
    )
    measure = serializers.ChoiceField(choices=["frequency", "mean_cost"])
    exposure = serializers.ChoiceField(choices=["years", "claims"])
    variables = RatingFactorSerializer(many=True)
