"""The admin addresses the tariff's models had before they moved here answer with a permanent
redirect to their new address, so staff bookmarks and links in old e-mails keep working."""

from django.urls import re_path
from django.views.generic import RedirectView

urlpatterns = [
    re_path(
        r"^(?:strategies|zipcodes|mlmodels)/"
        r"(?P<model>tariffversion|quote|impactanalysis|zoningproposal|tariffevaluation)/(?P<rest>.*)$",
        RedirectView.as_view(
            url="/admin/tariffs/%(model)s/%(rest)s", permanent=True, query_string=True
        ),
    )
]
