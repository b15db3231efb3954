"""App configs of the project package (commands, receivers, API keys) and of the admin."""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PricingSiteConfig(AppConfig):
    default = True  # beside the admin's config below
    name = "pricing_site"
    verbose_name = _("Pricing site")

    def ready(self) -> None:
        from pricing_site import receivers  # noqa: F401


class PricingAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on the site that asks approvers for a second factor."""

    default = False  # named in INSTALLED_APPS in place of django.contrib.admin
    default_site = "pricing_site.admin_site.PricingAdminSite"
