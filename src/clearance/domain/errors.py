"""The one error tree of Clearance, with stable codes.

::

    ClearanceError
    ├── DomainError                 a rule of the regime or of the data was broken
    │   ├── ValidationFailed        input is well-formed JSON but breaks a rule (422)
    │   └── InvalidTransition       the object's status does not allow the step (409)
    ├── ApplicationError
    │   ├── AuthenticationRequired  no or an expired credential (401)
    │   ├── InvalidCredentials      login failed; same answer whether or not the account exists (401)
    │   ├── Throttled               too many attempts; carries retry_after seconds (429)
    │   ├── NotAuthorized           the decision function denied; carries the Decision (403)
    │   ├── NotFound                no such object, or its existence is need-to-know (404)
    │   ├── Conflict                uniqueness or concurrent modification (409)
    │   │   └── ConcurrentUpdate    transient (serialization failure, deadlock); retried, then 409
    │   └── CsrfFailed              a browser form without a valid anti-forgery token (403)
    ├── ConfigurationError          settings or regime file are unusable (start-up stops)
    ├── AuditIntegrityError         the audit log failed verification
    └── InfrastructureError         storage or key-file failure, raised ``from`` the driver error

The HTTP status of each class lives in one table in ``clearance.web.errors``; nothing here knows HTTP.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum, unique
from typing import Any


@unique
class ErrorCode(StrEnum):
    """Stable, documented error codes. Clients may switch on these; never rename one."""

    AUDIT_INTEGRITY = "audit_integrity"
    AUTHENTICATION_REQUIRED = "authentication_required"
    CONFIGURATION = "configuration"
    CONFLICT = "conflict"
    CSRF_FAILED = "csrf_failed"
    INFRASTRUCTURE = "infrastructure"
    INTERNAL = "internal_error"
    INVALID_CREDENTIALS = "invalid_credentials"
    INVALID_TRANSITION = "invalid_transition"
    MALFORMED_REQUEST = "malformed_request"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_AUTHORIZED = "not_authorized"
    NOT_FOUND = "not_found"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    THROTTLED = "throttled"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    VALIDATION_FAILED = "validation_failed"


@dataclass(frozen=True)
class FieldProblem:
    """One problem with one input field; ``field`` is a dotted path such as ``family.0.name``."""

    field: str
    message: str
    code: str = "invalid"


class ClearanceError(Exception):
    """Root of every error Clearance raises on purpose."""

    code: ErrorCode = ErrorCode.INTERNAL

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class DomainError(ClearanceError):
    pass


class ValidationFailed(DomainError):
    code = ErrorCode.VALIDATION_FAILED

    def __init__(self, message: str, problems: tuple[FieldProblem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


class InvalidTransition(DomainError):
    code = ErrorCode.INVALID_TRANSITION

    def __init__(
        self, *, kind: str, current: str, attempted: str, allowed: tuple[str, ...]
    ) -> None:
        allowed_text = ", ".join(allowed) if allowed else "nothing (terminal status)"
        super().__init__(
            f"{kind} is {current}; '{attempted}' is not allowed. Allowed from {current}: {allowed_text}.",
            current=current,
            attempted=attempted,
            allowed=list(allowed),
        )


class ApplicationError(ClearanceError):
    pass


class AuthenticationRequired(ApplicationError):
    code = ErrorCode.AUTHENTICATION_REQUIRED


class InvalidCredentials(ApplicationError):
    code = ErrorCode.INVALID_CREDENTIALS

    def __init__(self) -> None:
        # One message for every cause (unknown user, bad password, bad second factor, disabled):
        # the answer must not reveal whether an account exists.
        super().__init__("The user name, password or one-time code is not correct.")


class Throttled(ApplicationError):
    code = ErrorCode.THROTTLED

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Too many failed attempts. Try again in {retry_after} seconds.",
            retry_after=retry_after,
        )
        self.retry_after = retry_after


class NotAuthorized(ApplicationError):
    code = ErrorCode.NOT_AUTHORIZED

    def __init__(self, message: str, *, reason: str, rule: str | None = None) -> None:
        super().__init__(message, reason=reason, rule=rule)
        self.reason = reason
        self.rule = rule


class NotFound(ApplicationError):
    code = ErrorCode.NOT_FOUND

    def __init__(self, kind: str, ident: object) -> None:
        super().__init__(f"No {kind} with id {ident} exists, or you may not see it.", kind=kind)
        self.kind = kind


class Conflict(ApplicationError):
    code = ErrorCode.CONFLICT


# Set by the web layer around one attempt of a request: a transient conflict appends to it, so the
# request can be tried again (web.middleware.RetryTransient). A mutable list, because services run
# in worker threads on a copy of the context.
RETRY_SIGNAL: ContextVar[list[str] | None] = ContextVar("clearance_retry_signal", default=None)


class ConcurrentUpdate(Conflict):
    """A transient conflict: a serialization failure, a deadlock or a busy database. Nothing was
    applied, and the same request may simply be tried again (the web layer does, a bounded number
    of times, before answering 409 with Retry-After)."""

    def __init__(self, message: str = "The record changed at the same time; retry.") -> None:
        super().__init__(message)
        signal = RETRY_SIGNAL.get()
        if signal is not None:
            signal.append(message)


class CsrfFailed(ApplicationError):
    code = ErrorCode.CSRF_FAILED

    def __init__(self) -> None:
        super().__init__(
            "The form's anti-forgery token is missing or wrong. Reload the page and retry."
        )


class ConfigurationError(ClearanceError):
    code = ErrorCode.CONFIGURATION


class AuditIntegrityError(ClearanceError):
    code = ErrorCode.AUDIT_INTEGRITY


class InfrastructureError(ClearanceError):
    code = ErrorCode.INFRASTRUCTURE


@dataclass(frozen=True)
class Problems:
    """Accumulates field problems so a validator can report every one at once."""

    items: list[FieldProblem] = field(default_factory=list)

    def add(self, field_name: str, message: str, code: str = "invalid") -> None:
        self.items.append(FieldProblem(field_name, message, code))

    def raise_if_any(self, message: str = "The input has problems; see the list.") -> None:
        if self.items:
            raise ValidationFailed(message, tuple(self.items))
