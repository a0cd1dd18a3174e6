"""Pure ASGI middleware: security headers on every response, a request body size limit, and the
bounded retry of requests that failed on a transient conflict."""

from __future__ import annotations

import asyncio
import json
import logging
import random
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clearance.domain.errors import RETRY_SIGNAL

log = logging.getLogger("clearance.retry")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", CSP.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"cross-origin-resource-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
        ]
        if hsts:
            self.headers.append(
                (b"strict-transport-security", b"max-age=63072000; includeSubDomains")
            )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers.extend(h for h in self.headers if h[0] not in present)
                if b"cache-control" not in present:
                    # Nothing here is cacheable by default; static files set their own.
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _TooLarge(BaseException):
    """Raised from ``receive`` when the body passes the limit. A BaseException on purpose: the
    framework turns any ``Exception`` during body parsing into a generic 400."""


class BodySizeLimit:
    """Refuse bodies over ``limit`` bytes with 413, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for key, value in scope.get("headers", []):
            if key == b"content-length":
                try:
                    too_big = int(value) > self.limit
                except ValueError:
                    too_big = True
                if too_big:
                    await self._reject(send)
                    return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._reject(send)

    async def _reject(self, send: Send) -> None:
        body: dict[str, Any] = {
            "type": "urn:clearance:problem:payload_too_large",
            "title": "Request Entity Too Large",
            "status": 413,
            "detail": f"The request body is larger than {self.limit} bytes.",
            "code": "payload_too_large",
        }
        data = json.dumps(body).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(data)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": data})


class RetryTransient:
    """Run a request again when it failed on a transient conflict (a serialization failure, a
    deadlock or a busy database: ``ConcurrentUpdate``), at most ``attempts`` times in all, with a
    short jittered back-off. Each attempt is a whole transaction that was rolled back, so running
    it again is safe; the body is read once and replayed. The last attempt's answer stands: a 409
    ``conflict`` with ``Retry-After`` when every attempt met a conflict."""

    def __init__(self, app: ASGIApp, *, attempts: int = 4, base_delay: float = 0.01) -> None:
        self.app = app
        self.attempts = attempts
        self.base_delay = base_delay

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        for attempt in range(1, self.attempts + 1):
            if not await self._attempt(scope, bytes(body), receive, send,
                                       last=attempt == self.attempts):  # fmt: skip
                return
            log.info("retrying %s %s after a transient conflict (attempt %d)", scope["method"],
                     scope["path"], attempt)  # fmt: skip
            await asyncio.sleep(self.base_delay * 2 ** (attempt - 1) * (0.5 + random.random()))  # noqa: S311 - jitter

    async def _attempt(self, scope: Scope, body: bytes, receive: Receive, send: Send, *,
                       last: bool) -> bool:  # fmt: skip
        """One run of the request; True when it met a transient conflict and was not answered."""
        replayed = False
        signal: list[str] = []
        discard = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        async def deliver(message: Message) -> None:
            nonlocal discard
            if message["type"] == "http.response.start" and signal and message["status"] == 409:
                if last:
                    message["headers"] = [*message.get("headers", []), (b"retry-after", b"1")]
                else:
                    discard = True
            if not discard:
                await send(message)

        token = RETRY_SIGNAL.set(signal)
        try:
            await self.app(scope, replay, deliver)
        finally:
            RETRY_SIGNAL.reset(token)
        return discard
