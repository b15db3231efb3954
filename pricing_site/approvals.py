"""Four eyes on every price change: the one rule every approving service applies (rules, tariff
versions, zonings, model promotions), through the admin, the API and the commands alike."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext

from pricing_site.exceptions import ApplicationError, ForbiddenError


def approval_check(
    *, author_ids: Iterable[int | None], approver: Any, permission: str, subject: str
) -> bool:
    """Refuse an approval of *subject* by nobody, by someone without *permission*
    ("app_label.codename"), or by one of its authors (*author_ids*: whoever drafted or changed
    it); True when the approver approves their own draft alone, which only
    `PRICING_SINGLE_PERSON_APPROVAL` allows (the change log marks it)."""
    if approver is None or not getattr(approver, "pk", None):
        raise ApplicationError(
            gettext("Name who approves %(subject)s: every price change has an approver.")
            % {"subject": subject},
            code="approver_required",
            field="approved_by",
        )
    if not approver.has_perm(permission):
        raise ForbiddenError(
            gettext("%(user)s may not approve %(subject)s.")
            % {"user": approver.get_username(), "subject": subject},
            code="approval_not_permitted",
        )
    alone = approver.pk in set(author_ids)
    if alone and not settings.PRICING_SINGLE_PERSON_APPROVAL:
        raise ForbiddenError(
            gettext(
                "%(user)s drafted %(subject)s and cannot approve it too: another person with the "
                "right to approve does (four eyes)."
            )
            % {"user": approver.get_username(), "subject": subject},
            code="same_author_and_approver",
        )
    return alone
