"""The admin's history of an object ("History" on its page) for changes made by a service."""

from typing import Any

from django.contrib.admin.models import CHANGE, LogEntry
from django.db.models import Model


def admin_history_record(*, user: Any, obj: Model, message: str) -> None:
    """Add *message* to *obj*'s admin history as done by *user*; a change with no user behind it
    (a command run by an operator) has no line there."""
    if user is None or user.pk is None:
        return
    LogEntry.objects.log_actions(
        user_id=user.pk,
        queryset=[obj],
        action_flag=CHANGE,
        change_message=message,
        single_object=True,
    )
