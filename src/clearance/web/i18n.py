"""Translations of the web interface: Japanese (the default) and English, from gettext catalogues.

The catalogues are ``web/locale/<lang>/LC_MESSAGES/messages.po``, edited as text and read at start-up
with Babel (no compile step, so a clean clone runs as is). Message ids are English; the English
catalogue maps each id to itself, the Japanese one gives the legal and administrative wording.
``scripts/i18n.py`` extracts the ids from the templates and ``web/ui`` and merges them into both
catalogues; ``tests/unit/test_i18n.py`` fails when a visible string has no translation.

Imports: Babel and the standard library only.
"""

from __future__ import annotations

import gettext
import io
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGS = ("ja", "en")
DEFAULT_LANG = "ja"


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    """Mark a string for extraction; it is translated where it is shown."""
    return message


def load(lang: str) -> gettext.GNUTranslations:
    path = resources.files("clearance.web").joinpath("locale", lang, "LC_MESSAGES", "messages.po")
    with path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


class Translations:
    """Both catalogues, loaded once per application."""

    def __init__(self) -> None:
        self._by_lang = {lang: load(lang) for lang in LANGS}

    def get(self, lang: str) -> gettext.GNUTranslations:
        return self._by_lang.get(lang, self._by_lang[DEFAULT_LANG])


def pick(requested: str | None) -> str:
    return requested if requested in LANGS else DEFAULT_LANG
