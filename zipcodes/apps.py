"""App config of the zipcode risk table app."""

from django.apps import AppConfig


class ZipcodesConfig(AppConfig):
    name = "zipcodes"
    verbose_name = "Zipcode risk classes"
