"""The model API: predictions, model versions and their promotion, datasets, training jobs."""

import uuid

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mlmodels.api.parsers import PredictionBodyParser
from mlmodels.api.serializers import (
    DatasetCreateInputSerializer,
    DatasetOutputSerializer,
    ModelVersionCreateInputSerializer,
    ModelVersionFactorsOutputSerializer,
    ModelVersionListInputSerializer,
    ModelVersionOutputSerializer,
    ModelVersionPromoteInputSerializer,
    PredictionCreateInputSerializer,
    PredictionOutputSerializer,
    PredictionQueryInputSerializer,
    TrainingJobOutputSerializer,
    model_version_create_schema,
)
from mlmodels.selectors import (
    model_version_factors_get,
    model_version_get,
    model_version_list,
    training_job_get,
)
from mlmodels.services import (
    dataset_create,
    model_version_promote,
    training_job_create,
    training_job_retry,
)
from mlmodels.serving import model_version_predict
from pricing_site.api import (
    IDEMPOTENCY_KEY_PARAMETER,
    error_responses,
    paginated,
    paginated_response,
    upload_read,
)
from pricing_site.idempotency import idempotency_parse

NO_MODEL = "`no_production_model`: no version of the task is in production."
NOT_FOUND = "`model_not_found`."


class PredictionCreateApi(APIView):
    computes_only = True  # Stores nothing: any client with a token may ask.
    parser_classes = [PredictionBodyParser]

    @extend_schema(
        summary="Predict claims for policies",
        parameters=[PredictionQueryInputSerializer],
        request=PredictionCreateInputSerializer,
        responses={
            200: PredictionOutputSerializer,
            **error_responses(
                _400="`invalid` or `invalid_records`: `fields` names each record index and field "
                "(`records.3.ageph`).",
                _404=f"{NOT_FOUND} `task_mismatch`: the version predicts another task.",
                _503=NO_MODEL,
            ),
        },
    )
    def post(self, request: Request) -> Response:
        query = PredictionQueryInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        body = PredictionCreateInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        prediction = model_version_predict(
            task=body.validated_data["task"],
            records=body.validated_data["records"],
            version_id=query.validated_data.get("model"),
        )
        return Response(PredictionOutputSerializer(prediction).data, status=status.HTTP_200_OK)


class ModelVersionListApi(APIView):
    write_permissions = ["mlmodels.add_modelversion"]

    @extend_schema(
        summary="Model versions",
        operation_id="models_list",
        parameters=[ModelVersionListInputSerializer],
        responses={
            200: paginated(ModelVersionOutputSerializer),
            **error_responses(_400="`invalid`."),
        },
    )
    def get(self, request: Request) -> Response:
        query = ModelVersionListInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        versions = model_version_list(task=query.validated_data.get("task"))
        return paginated_response(
            request=request,
            view=self,
            queryset=versions,
            serializer_class=ModelVersionOutputSerializer,
        )

    @extend_schema(
        summary="Train a model version in the background",
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request={"application/json": model_version_create_schema()},
        responses={
            202: TrainingJobOutputSerializer,
            200: TrainingJobOutputSerializer,
            **error_responses(
                _400="`invalid`, `invalid_idempotency_key`.",
                _404="`dataset_not_found`.",
                _422="`idempotency_key_reused`.",
            ),
        },
    )
    def post(self, request: Request) -> Response:
        body = ModelVersionCreateInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job, created = training_job_create(
            dataset_id=body.validated_data["dataset"],
            task=body.validated_data["task"],
            estimator=body.validated_data["estimator"],
            params=body.validated_data["params"],
            requested_by=request.user,
            idempotency=idempotency_parse(request, request.data),
        )
        return Response(
            TrainingJobOutputSerializer(job).data,
            status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK,
            headers={"Location": f"/api/v1/jobs/{job.pk}"},
        )


class ModelVersionDetailApi(APIView):
    @extend_schema(
        summary="One model version",
        responses={200: ModelVersionOutputSerializer, **error_responses(_404=NOT_FOUND)},
    )
    def get(self, request: Request, version_id: int) -> Response:
        version = model_version_get(version_id=version_id)
        return Response(ModelVersionOutputSerializer(version).data, status=status.HTTP_200_OK)


class ModelVersionFactorsApi(APIView):
    @extend_schema(
        summary="A model version's rating factors",
        description="Per rating variable and level, on the training data: exposure, observed "
        "and predicted average, and the relativity against the base level (a GLM's "
        "relativities; a boosted model's partial dependence). The model page shows the same.",
        responses={
            200: ModelVersionFactorsOutputSerializer,
            **error_responses(
                _404="`model_not_found`; `factors_not_available`: a claim-probability model, "
                "or one trained before factors were computed."
            ),
        },
    )
    def get(self, request: Request, version_id: int) -> Response:
        version, factors = model_version_factors_get(version_id=version_id)
        body = {"model": version.pk, "task": version.task, **factors}
        return Response(ModelVersionFactorsOutputSerializer(body).data, status=status.HTTP_200_OK)


class ModelVersionPromoteApi(APIView):
    write_permissions = ["mlmodels.promote_modelversion"]

    @extend_schema(
        summary="Put a model version in production",
        description="Four eyes: the client promoting is not the one that trained the version. "
        "A frequency or severity model needs an impact analysis of it on the current portfolio "
        "(`POST /api/v1/impact-analyses/` with its id as `frequency_model` or `severity_model`) "
        "or a written `reason`.",
        request=ModelVersionPromoteInputSerializer,
        responses={
            200: ModelVersionOutputSerializer,
            **error_responses(
                _400="`validation_error`.",
                _403="`same_author_and_approver`: the version was trained by this client; "
                "`approval_not_permitted`.",
                _404=NOT_FOUND,
                _409="`already_production`.",
                _422="`artifact_rejected`: the artifact does not verify, load or predict; "
                "`impact_analysis_required`: no impact analysis of it on the current portfolio "
                "and no `reason`. Production is unchanged.",
            ),
        },
    )
    def post(self, request: Request, version_id: int) -> Response:
        body = ModelVersionPromoteInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        version = model_version_promote(
            version=model_version_get(version_id=version_id),
            promoted_by=request.user,
            reason=body.validated_data.get("reason", ""),
        )
        return Response(ModelVersionOutputSerializer(version).data, status=status.HTTP_200_OK)


class DatasetCreateApi(APIView):
    parser_classes = [MultiPartParser]
    write_permissions = ["mlmodels.add_dataset"]

    @extend_schema(
        summary="Upload a portfolio CSV",
        request={"multipart/form-data": DatasetCreateInputSerializer},
        responses={
            201: DatasetOutputSerializer,
            200: DatasetOutputSerializer,
            **error_responses(
                _400="`invalid_dataset`: `extra.report` lists every problem; `file_too_large`."
            ),
        },
    )
    def post(self, request: Request) -> Response:
        body = DatasetCreateInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        dataset, created = dataset_create(
            content=upload_read(upload, limit=settings.PRICING_DATASET_MAX_BYTES),
            name=body.validated_data.get("name") or upload.name,
            uploaded_by=request.user,
        )
        return Response(
            DatasetOutputSerializer(dataset).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class TrainingJobDetailApi(APIView):
    @extend_schema(
        summary="State and progress of a training job",
        responses={200: TrainingJobOutputSerializer, **error_responses(_404="`job_not_found`.")},
    )
    def get(self, request: Request, job_id: uuid.UUID) -> Response:
        return Response(
            TrainingJobOutputSerializer(training_job_get(job_id=job_id)).data,
            status=status.HTTP_200_OK,
        )


class TrainingJobRetryApi(APIView):
    write_permissions = ["mlmodels.add_modelversion"]

    @extend_schema(
        summary="Queue a failed training job again",
        request=None,
        responses={
            202: TrainingJobOutputSerializer,
            **error_responses(_404="`job_not_found`.", _409="`job_not_failed`."),
        },
    )
    def post(self, request: Request, job_id: uuid.UUID) -> Response:
        job = training_job_retry(job=training_job_get(job_id=job_id))
        return Response(TrainingJobOutputSerializer(job).data, status=status.HTTP_202_ACCEPTED)
