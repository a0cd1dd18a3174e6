"""Browser pages: log in, home, log out. Server-rendered with Jinja2, no inline scripts.

The login form uses a double-submit CSRF token (cookie + hidden field) because there is no session
yet; pages behind a session use the session's own CSRF token. Full role workflows come with the web
interface issue; these pages share the same services as the API.
"""

from __future__ import annotations

import hmac
import secrets
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from clearance.domain.errors import ClearanceError, InvalidCredentials, Throttled
from clearance.services import auth
from clearance.web.deps import client_address, cookie_name, current_subject, get_ctx, get_deps

router = APIRouter(include_in_schema=False)
LOGIN_CSRF = "clearance_login_csrf"


def _env() -> Environment:
    path = str(resources.files("clearance.web").joinpath("templates"))
    return Environment(loader=FileSystemLoader(path), autoescape=select_autoescape(["html"]))


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    env = getattr(request.app.state, "jinja", None)
    if env is None:
        env = request.app.state.jinja = _env()
    html = env.get_template(name).render(request=request, **context)
    return HTMLResponse(html, status_code=status)


@router.get("/login")
def login_form(request: Request) -> Response:
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", csrf_token=token, error=None)
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
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF, "")
    if not expected or not hmac.compare_digest(expected, csrf_token):
        return render(request, "login.html", 403, csrf_token=expected, error="csrf")
    ctx = get_ctx(request)
    try:
        result = auth.login(
            get_deps(request), username=username, password=password, code=totp,
            client=client_address(request),
        )  # fmt: skip
    except (InvalidCredentials, Throttled) as exc:
        status = 429 if isinstance(exc, Throttled) else 401
        return render(request, "login.html", status, csrf_token=expected, error=exc.message)
    response = RedirectResponse("/", status_code=303)
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
    return render(request, "home.html", subject=subject, csrf_token=request.state.csrf_token)


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
