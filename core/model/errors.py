"""Domain exceptions: a message key and its parameters, never display text.

``NotFound("screening.campaign_missing", id=3)``: the dashboard and the CLI each turn the key into a
sentence in the user's language through the catalogue in ``core.i18n`` (a test fails on a key
that has no text, and on any Chinese literal raised from core). The class says what kind of
failure it is (the CLI's exit code: 2 for bad input, 1 otherwise); the key says which.
"""

from __future__ import annotations


class FangxianError(Exception):
    """Base of every error the product reports to a user."""

    key: str = "error.generic"

    def __init__(self, key: str | None = None, /, **params: object) -> None:
        self.key = key or type(self).key
        self.params = params
        super().__init__(self.key)

    def __str__(self) -> str:  # keys only: parameters may hold personal data, logs must not
        return self.key


class NotFound(FangxianError):
    key = "error.not_found"


class PermissionDenied(FangxianError):
    key = "error.permission_denied"


class RuleViolation(FangxianError):
    key = "error.rule_violation"


class ConcurrentChange(FangxianError):
    key = "error.concurrent_change"


class InvalidInput(FangxianError):
    key = "error.invalid_input"
