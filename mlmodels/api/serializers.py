"""Serializers of the model API: predictions, model versions, datasets and training jobs."""

from rest_framework import serializers

from mlmodels.models import Dataset, Estimator, ModelVersion, Task, TrainingJob

MAX_RECORDS = 10_000


class PredictionCreateInputSerializer(serializers.Serializer):
    task = serializers.ChoiceField(choices=Task.choices)
    records = serializers.ListField(
        child=serializers.DictField(),
        min_length=1,
        max_length=MAX_RECORDS,
        help_text="1 to 10,000 policies, each with the features of the dataset schema: coverage, "
        "ageph, bm, power, agec, fuel, use, fleet, postcode.",
    )


class PredictionQueryInputSerializer(serializers.Serializer):
    model = serializers.IntegerField(required=False, min_value=1, help_text="A model version id.")


class PredictionOutputSerializer(serializers.Serializer):
    task = serializers.CharField()
    model_version = serializers.IntegerField(source="version_id")
    average_claim_cost = serializers.DecimalField(max_digits=12, decimal_places=2)
    predictions = serializers.ListField(child=serializers.FloatField(), source="values")


class DatasetOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Dataset
        fields = ["id", "name", "row_count", "sha256", "validation_report", "uploaded_at"]


class DatasetCreateInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A portfolio CSV in the dataset schema.")
    name = serializers.CharField(required=False, max_length=200)


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


class ModelVersionListInputSerializer(serializers.Serializer):
    task = serializers.ChoiceField(choices=Task.choices, required=False)


class ModelVersionCreateInputSerializer(serializers.Serializer):
    dataset = serializers.IntegerField(min_value=1)
    task = serializers.ChoiceField(choices=Task.choices)
    estimator = serializers.ChoiceField(choices=Estimator.choices)
    params = serializers.DictField(required=False, default=dict)


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
