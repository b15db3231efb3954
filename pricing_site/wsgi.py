"""WSGI entry point (gunicorn pricing_site.wsgi)."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pricing_site.settings")
django.setup(set_prefix=False)  # as get_wsgi_application does before building its handler

from pricing_site.handlers import SiteHandler  # noqa: E402 - its authentication needs the apps

application = SiteHandler()
