"""What every page shares: the route class that turns errors into pages, the per-request ``Ui``
(subject, language, CSRF token, rendering), form parsing with field-level problems, and the menu.

Pages call the same services as the JSON API and add no rules of their own; a refused step comes
back as the service's error and is shown beside the form that caused it.
Imports: services, web (deps, i18n), Jinja2 and Starlette.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from importlib import resources
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from starlette.datastructures import FormData

from clearance.authz.model import Subject
from clearance.domain import dates
from clearance.domain.dates import long_date
from clearance.domain.errors import (
    AuthenticationRequired,
    ClearanceError,
    FieldProblem,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from clearance.domain.organisations import Role
from clearance.domain.periods import JST
from clearance.domain.questionnaire import SECTIONS
from clearance.services.context import Deps
from clearance.web import i18n
from clearance.web.deps import current_subject, get_ctx
from clearance.web.errors import status_for
from clearance.web.ui import labels, menu
from clearance.web.ui.menu import MENU

LANG_COOKIE = "clearance_lang"


def environment() -> Environment:
    path = str(resources.files("clearance.web").joinpath("templates"))
    env = Environment(loader=FileSystemLoader(path), autoescape=select_autoescape(["html"]))
    env.globals.update(labels=labels, label=labels.label, field_label=field_label,
                       problem_text=problem_text, sections=frozenset(SECTIONS))  # fmt: skip
    # Answers and records shown as readable JSON (Japanese as is; autoescaped as text).
    # Dates follow the one date policy (domain.dates): 和暦 in Japanese, "2 December 2026" in
    # English, JST; a period's exclusive end is shown as its last valid day.
    env.filters["jst"] = lambda v, fmt="%H:%M": _jst(v, fmt)
    env.filters["jstdate"] = pass_context(lambda c, v: dates.long_date(v, c.get("lang", "ja")))
    env.filters["jstdatetime"] = pass_context(
        lambda c, v: dates.long_datetime(v, c.get("lang", "ja"))
    )
    env.filters["lastday"] = pass_context(
        lambda c, v: dates.long_date(dates.last_day(dates.parse(v)), c.get("lang", "ja"))
    )
    env.filters["jpdate"] = long_date
    return env


def _jst(value: object, fmt: str) -> str:
    """Times are stored in UTC and shown in Japan time, as the regime's periods are counted."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(JST).strftime(fmt)
    return "" if value is None else str(value)


def field_label(path: str, gettext: Callable[[str], str], lang: str) -> str:
    """A person's name for a field path: ``employment.entries.0.end`` becomes "過去10年間の職歴 ›
    記入欄 1 › 終了日"; ``rows.3.date_of_birth`` "行 3 › 生年月日"."""
    parts = path.split(".")
    out: list[str] = []
    spec = SECTIONS.get(parts[0])
    if spec is not None:
        out.append(spec.title_ja if lang == "ja" else spec.title_en)
        parts = parts[1:]
    for i, part in enumerate(parts):
        if part in ("entries", "members") and i + 1 < len(parts) and parts[i + 1].isdigit():
            continue  # the section's own list: "記入欄 2" says enough
        if part.isdigit():
            row = parts[i - 1] == "rows" if i else False
            out.append(part if row else f"{gettext('Entry')} {int(part) + 1}")
        elif part in labels.FIELD:
            out.append(gettext(labels.FIELD[part]))
        elif part in labels.FORM_FIELD:
            out.append(gettext(labels.FORM_FIELD[part]))
        elif part in labels.CRITERION:
            out.append(gettext(labels.CRITERION[part]))
        else:
            out.append(part)
    return " › ".join(out)


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "?"


def problem_text(p: FieldProblem, gettext: Callable[[str], str], limits: dict[str, str]) -> str:
    """What a person reads beside a field: the problem's own sentence in the page's language; an
    access rule that is not met names its article, as the access decision does. ``limits`` fills
    the regime's numbers (a term of at most {term} years) so the text follows the regime file."""
    if p.code in labels.PROBLEM:
        return gettext(labels.PROBLEM[p.code]).format_map(_Blank(limits))
    if p.code in labels.REASON:
        return f"{gettext(labels.REASON[p.code])}（{gettext(labels.ARTICLE[p.code])}）"
    return gettext("The value is not valid.")


def translations(request: Request) -> i18n.Translations:
    t: i18n.Translations | None = getattr(request.app.state, "translations", None)
    if t is None:
        t = request.app.state.translations = i18n.Translations()
    return t


def language(request: Request) -> str:
    return i18n.pick(request.cookies.get(LANG_COOKIE))


def render_page(
    request: Request, name: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    env: Environment | None = getattr(request.app.state, "jinja", None)
    if env is None:
        env = request.app.state.jinja = environment()
    lang = language(request)
    gt = translations(request).get(lang)
    # The language switch comes back to this very page: its query too, less the one-off banner.
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "ok"])
    here = f"{request.url.path}?{query}" if query else request.url.path
    html = env.get_template(name).render(
        request=request, lang=lang, _=gt.gettext, path=request.url.path, here=here, **context
    )
    return HTMLResponse(html, status_code=status_code)


def error_view(exc: ClearanceError, form: str = "") -> dict[str, Any]:
    """What a page shows for a refused step: a summary and, per field, the problems. ``form`` is
    the id prefix of the form that was sent, where a page has several forms with a field of the
    same name: its problems and values show in that form only."""
    fields: dict[str, list[FieldProblem]] = {}
    for p in getattr(exc, "problems", ()):
        fields.setdefault(p.field, []).append(p)
    return {"code": exc.code.value, "detail": exc.message, "fields": fields, "form": form,
            "reason": exc.details.get("reason"),
            "current": exc.details.get("current") if isinstance(exc, InvalidTransition) else None}  # fmt: skip


class UiRoute(APIRoute):
    """Pages answer in HTML: no session goes to the log-in page, any other refusal is a page with
    the same status code the API would give, never a stack trace."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        inner = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await inner(request)
            except AuthenticationRequired:
                return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
            except ClearanceError as exc:
                status = status_for(exc)
                if status >= 500:
                    raise
                # Who is logged in stays in the header (name, menu, log out) on a refusal page.
                subject: Subject | None = getattr(request.state, "subject", None)
                menu = [(p, t) for p, t, roles in MENU if subject and subject.roles & roles]
                return render_page(
                    request,
                    "error.html",
                    status,
                    error=error_view(exc),
                    subject=subject,
                    menu=menu,
                    csrf_token=getattr(request.state, "csrf_token", ""),
                )

        return handler


@dataclass
class Ui:
    request: Request
    subject: Subject
    deps: Deps
    csrf_token: str
    form: FormData | None = None
    problems: list[FieldProblem] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return language(self.request)

    def _(self, message: str) -> str:
        return translations(self.request).get(self.lang).gettext(message)

    def category(self, code: str) -> str:
        """The 細目 a designation falls under, in the page's language (never its code)."""
        c = next((c for c in self.deps.regime.categories if c.code == code), None)
        return c.label(self.lang) if c else ""

    def has(self, *roles: Role) -> bool:
        return bool(self.subject.roles & set(roles))

    def menu(self) -> list[tuple[str, str]]:
        return [(p, t) for p, t, roles in MENU if self.subject.roles & roles]

    def render(self, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        ok = self.request.query_params.get("ok")
        context.setdefault("error", None)
        context.setdefault("values", dict(self.form) if self.form else {})
        regime = self.deps.regime
        limits = {"term": str(regime.value("designation_max_term_years")),
                  "extension": str(regime.value("designation_max_extension_years")),
                  "cap": str(regime.value("designation_total_cap_years"))}  # fmt: skip
        # The menu says how much waits behind each item (the task list; a bounded scan, kept
        # for a short while per session so that moving between pages does not scan again).
        context.setdefault("counts", menu.counts(self.request, self.deps, self.subject))
        return render_page(self.request, name, status_code, subject=self.subject, ui=self,
                           limits=limits,
                           csrf_token=self.csrf_token, menu=self.menu(),
                           ok=labels.OK.get(ok or ""), **context)  # fmt: skip

    def failed(
        self, page: Callable[..., Response], exc: ClearanceError, form: str = "", **kw: Any
    ) -> Response:
        """Show the page again with the error; the submitted values stay in the form (``form``:
        the id prefix of the form sent, on pages with several)."""
        response = page(self, error=error_view(exc, form), **kw)
        response.status_code = status_for(exc)
        return response

    # -- form fields ---------------------------------------------------------------------------
    def _raw(self, name: str) -> str:
        value = self.form.get(name) if self.form is not None else None
        return value if isinstance(value, str) else ""

    def text(self, name: str, *, required: bool = True, max_length: int = 4000) -> str:
        value = self._raw(name).strip()
        if required and not value:
            self.problems.append(FieldProblem(name, "Required.", "required"))
        elif len(value) > max_length:
            self.problems.append(FieldProblem(name, "Too long.", "too_long"))
        return value

    def date(self, name: str, *, required: bool = True) -> dt.date | None:
        raw = self.text(name, required=required)
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            self.problems.append(FieldProblem(name, "Expected a date as YYYY-MM-DD.", "date"))
            return None

    def optional_id(self, name: str, *, required: bool = True) -> uuid.UUID | None:
        raw = self.text(name, required=required)
        if not raw:
            return None
        try:
            return uuid.UUID(raw)
        except ValueError:
            self.problems.append(FieldProblem(name, "Choose one of the options.", "choice"))
            return None

    def id(self, name: str) -> uuid.UUID:
        """A required choice; a placeholder until ``check`` raises for the recorded problem."""
        return self.optional_id(name) or uuid.UUID(int=0)

    def day(self, name: str) -> dt.date:
        """A required date; a placeholder until ``check`` raises for the recorded problem."""
        return self.date(name) or dt.date.min

    def many(self, name: str) -> list[str]:
        return [str(v) for v in (self.form.getlist(name) if self.form else []) if str(v).strip()]

    def flag(self, name: str) -> bool:
        return self._raw(name) in ("1", "on", "true", "yes")

    def check(self) -> None:
        """Raise every collected form problem at once (nothing is applied)."""
        if self.problems:
            problems, self.problems = tuple(self.problems), []
            raise ValidationFailed("Some fields need attention.", problems)


async def ui(request: Request) -> Ui:
    subject = await current_subject(request)  # checks the CSRF token of a form post
    form = await request.form() if request.method == "POST" else None
    if form is not None:  # a change this session makes may change its own tasks: count again
        menu.forget(request, subject)
    csrf = getattr(request.state, "csrf_token", "")
    return Ui(request, subject, get_ctx(request).deps, csrf, form)


UiDep = Annotated[Ui, Depends(ui)]


def path_id(value: str, kind: str) -> uuid.UUID:
    """An id from the URL; anything else is the same 404 as an unknown id."""
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFound(kind, value) from None


def paging(page: Any) -> dict[str, Any]:
    """What the pager macro needs from a service ``Page``."""
    return {"offset": page.offset, "limit": page.limit, "count": len(page.items),
            "total": page.total, "more": page.offset + len(page.items) < page.total}  # fmt: skip


def done(path: str, ok: str = "done") -> RedirectResponse:
    """Post/redirect/get: a reload never repeats the step."""
    sep = "&" if "?" in path else "?"
    return RedirectResponse(f"{path}{sep}ok={ok}", status_code=303)


def local_path(value: str | None, default: str = "/") -> str:
    """Only a path on this site (no scheme, no host): an open redirect is refused."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    return value
