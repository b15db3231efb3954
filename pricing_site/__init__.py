"""The pricing_site project package: settings, URLs, Celery app and shared API conventions."""

from pricing_site.celery import app as celery_app

__all__ = ("celery_app",)
