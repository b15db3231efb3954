"""The admin site: Django's, with a second factor for the staff who put prices in force.

When PRICING_OTP_REQUIRED is on (production), whoever may approve a rule, a tariff version or a
zoning, or promote a model, logs in with the password and then a code of the authenticator app
(TOTP, django-otp) before any admin page opens; other staff log in with the password alone."""

from typing import Any

import django_otp
from django import forms
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

# Who puts a price in force: the rights every approval and promotion checks.
APPROVING_PERMISSIONS = (
    "strategies.approve_pricingrule",
    "tariffs.approve_tariffversion",
    "tariffs.approve_zoningproposal",
    "mlmodels.promote_modelversion",
)


def second_factor_required(user: Any) -> bool:
    return settings.PRICING_OTP_REQUIRED and any(
        user.has_perm(permission) for permission in APPROVING_PERMISSIONS
    )


def second_factor_missing(request: HttpRequest) -> bool:
    """A logged-in staff member who must give a code and has not yet in this session."""
    user = request.user
    return (
        user.is_authenticated
        and user.is_staff
        and second_factor_required(user)
        and not user.is_verified()  # type: ignore[attr-defined]
    )


class SecondFactorForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PricingAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and not second_factor_missing(request)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        if second_factor_missing(request):  # the password is given: now the code
            next_url = urlencode({"next": request.GET.get("next", "")})
            return HttpResponseRedirect(f"{reverse('admin:second_factor')}?{next_url}")
        return super().login(request, extra_context)

    def get_urls(self) -> list[Any]:
        second_factor: URLPattern = path(
            "second-factor/", self.second_factor_view, name="second_factor"
        )
        return [second_factor, *super().get_urls()]

    def second_factor_view(self, request: HttpRequest) -> HttpResponse:
        """The code of the staff member's TOTP device, once per session; said plainly when
        the account has none yet (an administrator adds it: `add_totp_device USER`)."""
        if not (request.user.is_authenticated and request.user.is_staff):
            return HttpResponseRedirect(reverse("admin:login"))
        next_url = request.POST.get("next") or request.GET.get("next") or reverse("admin:index")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("admin:index")
        has_device = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
        form = SecondFactorForm(request.POST or None)
        if has_device and form.is_valid():
            device = django_otp.match_token(request.user, form.cleaned_data["token"])
            if device is not None:
                django_otp.login(request, device)
                return HttpResponseRedirect(next_url)
            form.add_error("token", gettext("This code is not valid: type the current one."))
        context = {
            **self.each_context(request),
            "title": gettext("Second factor"),
            "form": form,
            "has_device": has_device,
            "next": next_url,
        }
        return render(request, "admin/second_factor.html", context)
