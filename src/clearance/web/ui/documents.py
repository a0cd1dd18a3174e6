"""The organisation's documents page: the register of documents it issued (発行簿: number, kind,
date, reissues) with 再交付 for each, and the issuer profile (number form, issuing title and
name, where complaints go) for those who may set it. Imports: services (documents), web.ui.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from clearance.domain.errors import ClearanceError, NotAuthorized
from clearance.domain.organisations import Role
from clearance.services import documents
from clearance.web.ui.core import Ui, UiDep, UiRoute, done, path_id

router = APIRouter(route_class=UiRoute, include_in_schema=False)
SETTERS = (Role.AGENCY_ADMIN, Role.OPERATOR_ADMIN, Role.UNIT_ADMIN, Role.SECURITY_OFFICER,
           Role.CESI_MANAGER)  # fmt: skip
FIELDS = ("number_format", "title_ja", "title_en", "name_ja", "name_en", "complaints_ja",
          "complaints_en")  # fmt: skip


def documents_page(u: Ui, **extra: Any) -> Response:
    rows = documents.issued(u.deps, u.subject)
    current: dict[str, str] = {}
    if u.has(*SETTERS):
        try:
            p = documents.profile(u.deps, u.subject)
        except NotAuthorized:
            p = None
        if p is not None:
            current = {f: getattr(p, f) for f in FIELDS}
            current["number_format"] = p.number_format.replace("{n}", "#")
    values = extra.pop("values", None) or current
    return u.render("documents.html", rows=rows, may_set=u.has(*SETTERS), values=values,
                    **extra)  # fmt: skip


@router.get("/documents")
def documents_list(u: UiDep) -> Response:
    return documents_page(u)


@router.post("/documents/settings")
def settings(u: UiDep) -> Response:
    try:
        fields = {f: u.text(f, required=f in ("number_format", "title_ja"), max_length=300)
                  for f in FIELDS}  # fmt: skip
        # The page writes the number's place as # (braces read as code to a person).
        fields["number_format"] = fields["number_format"].replace("#", "{n}")
        u.check()
        documents.set_profile(
            u.deps, u.subject, number_format=fields["number_format"], title_ja=fields["title_ja"],
            title_en=fields["title_en"], name_ja=fields["name_ja"], name_en=fields["name_en"],
            complaints_ja=fields["complaints_ja"], complaints_en=fields["complaints_en"],
        )  # fmt: skip
    except ClearanceError as exc:
        return u.failed(documents_page, exc, form="settings-")
    return done("/documents", "saved")


@router.post("/documents/{document_id}/reissue")
def reissue(u: UiDep, document_id: str) -> Response:
    try:
        u.check()
        documents.reissue(u.deps, u.subject, path_id(document_id, "document"))
    except ClearanceError as exc:
        return u.failed(documents_page, exc)
    return done("/documents", "saved")
