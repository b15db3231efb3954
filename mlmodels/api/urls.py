"""API routes of the mlmodels app."""

from django.urls import path

from mlmodels.api import views

app_name = "mlmodels"

urlpatterns = [
    path("predictions/", views.PredictionCreateApi.as_view(), name="predictions"),
    path("models/", views.ModelVersionListApi.as_view(), name="models"),
    path("models/<int:version_id>", views.ModelVersionDetailApi.as_view(), name="model"),
    path("models/<int:version_id>/factors", views.ModelVersionFactorsApi.as_view(), name="factors"),
    path("models/<int:version_id>/promote", views.ModelVersionPromoteApi.as_view(), name="promote"),
    path("datasets/", views.DatasetCreateApi.as_view(), name="datasets"),
    path("jobs/<uuid:job_id>", views.TrainingJobDetailApi.as_view(), name="job"),
    path("jobs/<uuid:job_id>/retry", views.TrainingJobRetryApi.as_view(), name="job_retry"),
]
