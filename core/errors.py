"""Domain exceptions. Pages and the CLI turn them into messages in the user's language.

Each error carries a message key (looked up in the UI's translation table) and parameters,
plus a plain Chinese message for the CLI and logs.
"""

from __future__ import annotations


class FangxianError(Exception):
    """Base of every error the product reports to a user."""

    key: str = "error.generic"

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


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
