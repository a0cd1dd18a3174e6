"""Browser pages outside the role workflows: log in, the start page, log out, the language switch.
Server-rendered with Jinja2, no inline scripts; the role pages live in ``web.ui``.

The login form uses a double-submit CSRF token (cookie + hidden field) because there is no session
yet; pages behind a session use the session's own CSRF token.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from clearance.domain.errors import ClearanceError, InvalidCredentials, Throttled
from clearance.domain.periods import JST
from clearance.services import auth, tasks
from clearance.services.assessments import invitations
from clearance.web import i18n
from clearance.web.deps import client_address, cookie_name, current_subject, get_ctx, get_deps
from clearance.web.ui import labels
from clearance.web.ui.core import LANG_COOKIE, local_path, render_page
from clearance.web.ui.menu import MENU, menu_counts, task_link

router = APIRouter(include_in_schema=False)
LOGIN_CSRF = "clearance_login_csrf"


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("subject", None)
    return render_page(request, name, status, **context)


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", csrf_token=token, next=local_path(next))
    ctx = get_ctx(request)
    response.set_cookie(
        LOGIN_CSRF, token, httponly=True, samesite="strict", secure=ctx.settings.secure_cookies
    )
    return response


@router.post("/login")
def login_submit(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    totp: Annotated[str, Form(max_length=10)],
    csrf_token: Annotated[str, Form(max_length=100)],
    next_path: Annotated[str, Form(alias="next", max_length=500)] = "/",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF, "")
    if not expected or not hmac.compare_digest(expected, csrf_token):
        return render(
            request,
            "login.html",
            403,
            csrf_token=expected,
            login_error="csrf",
            username=username,
            next=local_path(next_path),
        )
    ctx = get_ctx(request)
    try:
        result = auth.login(
            get_deps(request), username=username, password=password, code=totp,
            client=client_address(request),
        )  # fmt: skip
    except (InvalidCredentials, Throttled) as exc:
        status = 429 if isinstance(exc, Throttled) else 401
        return render(
            request,
            "login.html",
            status,
            csrf_token=expected,
            next=local_path(next_path),
            login_error="throttled" if status == 429 else "credentials",
            username=username,
        )
    response = RedirectResponse(local_path(next_path), status_code=303)
    response.set_cookie(
        cookie_name(ctx), result.token, max_age=ctx.settings.session_absolute_seconds,
        httponly=True, secure=ctx.settings.secure_cookies, samesite="strict", path="/",
    )  # fmt: skip
    response.delete_cookie(LOGIN_CSRF)
    return response


@router.get("/")
async def home(request: Request) -> Response:
    try:
        subject = await current_subject(request)
    except ClearanceError:
        return RedirectResponse("/login", status_code=303)
    menu = [(p, t) for p, t, roles in MENU if subject.roles & roles]
    deps = get_deps(request)
    waiting = await run_in_threadpool(tasks.waiting_on, deps, subject)
    today = deps.clock.now().astimezone(JST).date()
    # The person's invitations (each links to the page that acts on it) and whether they are
    # also e-mailed.
    notes = (await run_in_threadpool(invitations.for_me, deps, subject)
             if subject.person_id is not None else [])  # fmt: skip
    contact = await run_in_threadpool(invitations.my_contact, deps, subject)
    return render(request, "home.html", subject=subject, csrf_token=request.state.csrf_token,
                  menu=menu, tasks=waiting, today=today, task_link=task_link,
                  invitations=notes, invitation_link=invitations.link, contact=contact,
                  counts=menu_counts(waiting),
                  person=subject.person_id is not None, ok=labels.OK.get(
                      request.query_params.get("ok") or ""))  # fmt: skip


@router.get("/lang/{lang}")
def switch_language(request: Request, lang: str, next: str = "/") -> Response:
    """Remember the chosen language (a preference, not a secret) and go back to the page."""
    response = RedirectResponse(local_path(next), status_code=303)
    response.set_cookie(LANG_COOKIE, i18n.pick(lang), max_age=365 * 86400, samesite="lax",
                        httponly=True, secure=get_ctx(request).settings.secure_cookies)  # fmt: skip
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    try:
        subject = await current_subject(request)  # checks the CSRF token of the form
    except ClearanceError:
        return RedirectResponse("/login", status_code=303)
    auth.logout(get_deps(request), subject, request.state.session_token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(cookie_name(get_ctx(request)), path="/")
    return response
