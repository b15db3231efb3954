"""What the API's shared conventions store: the API clients' keys."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey


class ApiKey(AbstractAPIKey):
    """A key of an API client (a user who cannot log in to the admin). The key is shown once, at
    creation: `<prefix>.<secret>`, the prefix naming it in logs and the admin; only the prefix
    and a SHA-512 hash of the whole key are stored, so a copy of the table authenticates no one.
    A client has several keys while one is rotated out (until its expiry)."""

    # The library's fields, named in the staff's languages.
    prefix = models.CharField(_("prefix"), max_length=8, unique=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    name = models.CharField(
        _("name"), max_length=50, help_text=_("What the key is for, such as the client's app.")
    )
    revoked = models.BooleanField(
        _("revoked"),
        blank=True,
        default=False,
        help_text=_("A revoked key is refused at once; it cannot be undone."),
    )
    expiry_date = models.DateTimeField(
        _("expires"), blank=True, null=True, help_text=_("Refused from then on.")
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_keys",
        verbose_name=_("API client"),
    )
    last_used_at = models.DateTimeField(
        _("last used"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Written at most once a minute."),
    )

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API key")  # type: ignore[assignment]
        verbose_name_plural = _("API keys")  # type: ignore[assignment]
