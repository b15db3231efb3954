"""What the readiness probe reports beyond the database and the cache: each app registers, when
it is ready, a check of what it knows can degrade (a production model that failed to load)."""

from collections.abc import Callable
from typing import Any

# A check answers nothing when all is well, else what is degraded (JSON-able), under its name.
DegradationCheck = Callable[[], Any]
checks: dict[str, DegradationCheck] = {}


def degradation_check_register(*, name: str, check: DegradationCheck) -> None:
    checks[name] = check


def degradations_get() -> dict[str, Any]:
    """What each registered check finds degraded, by its name; empty when nothing is."""
    found = {name: check() for name, check in checks.items()}
    return {name: degraded for name, degraded in found.items() if degraded}
