"""The web interface for every role: server-rendered pages over the same services as the API.

``routers()`` lists them for ``web.app``; each module's docstring says which pages it holds.
"""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from clearance.web.ui import (
        agency,
        cases,
        company,
        custody,
        designations,
        documents,
        oversight,
        questionnaire,
    )

    return [cases.router, questionnaire.router, company.router, designations.router,
            custody.router, agency.router, oversight.router, documents.router]  # fmt: skip
