"""The Celery app: configuration from Django settings (CELERY_*), tasks autodiscovered per app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pricing_site.settings")

app = Celery("pricing_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
