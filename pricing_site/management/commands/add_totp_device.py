"""Give a staff member an authenticator app (TOTP): prints the link and QR code to scan."""

import io
from typing import Any

import qrcode
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from pricing_site.exceptions import ApplicationError
from pricing_site.selectors import staff_user_get


class Command(BaseCommand):
    help = (
        "Add a TOTP device to staff member USER and print what their authenticator app scans "
        "(the otpauth:// link and its QR code). Shown once: keep it from others."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("user")
        parser.add_argument("--name", default="authenticator app", help="the device's name")
        parser.add_argument(
            "--replace", action="store_true", help="remove the user's devices first (a lost phone)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = staff_user_get(username=options["user"])
        except ApplicationError as error:
            raise CommandError(error.message) from error
        if options["replace"]:
            TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name=options["name"], confirmed=True)
        code = qrcode.QRCode(border=1)
        code.add_data(device.config_url)
        picture = io.StringIO()
        code.print_ascii(out=picture)
        self.stdout.write(device.config_url)
        self.stdout.write(picture.getvalue())
