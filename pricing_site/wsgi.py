"""WSGI entry point (gunicorn pricing_site.wsgi)."""

import os

import django

from pricing_site.handlers import SiteHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pricing_site.settings")
django.setup(set_prefix=False)  # as get_wsgi_application does before building its handler
application = SiteHandler()
