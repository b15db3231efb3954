"""Texts of Django and django-import-export that staff read in the admin and that those
projects have not translated into Dutch or French yet: named here so that `make messages` keeps
them in our catalogues, which Django reads before its own (LOCALE_PATHS)."""

from django.utils.translation import gettext_noop

LACKING = (
    gettext_noop("- Select an option -"),
    gettext_noop("Filter by %(field_name)s"),
    gettext_noop("This exporter will export the following fields: "),
    gettext_noop("Select all"),
    # The headings a changelist gives its search box and page links (read out by screen readers).
    gettext_noop("Search %(name)s"),
    gettext_noop("Pagination %(name)s"),
)
