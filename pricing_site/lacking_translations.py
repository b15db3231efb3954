"""Texts of Django, django-import-export and django-axes that staff read in the admin and that those
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
    # django-axes's admin of login attempts (it has French, not Dutch).
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Failed Logins"),
    gettext_noop("Logout Time"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Access lock out"),
)
