"""Extract the web interface's messages and merge them into both catalogues.

    python scripts/i18n.py          # update src/clearance/web/locale/{ja,en}/LC_MESSAGES/messages.po
    python scripts/i18n.py --check  # list ids without a Japanese translation; exit 1 if any

Ids come from the templates (``_("…")``) and from ``web/ui`` and ``web/pages.py`` (``_``, ``N_``,
``_t``). English maps each id to itself; Japanese keeps its translations, and ids no longer used are
dropped. tests/unit/test_i18n.py runs the same extraction.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

WEB = Path(__file__).resolve().parents[1] / "src" / "clearance" / "web"
KEYWORDS = {"_": None, "N_": None, "_t": None, "gettext": None}
METHODS = [
    ("templates/**.html", "jinja2.ext:babel_extract"),
    ("ui/**.py", "python"),
    ("pages.py", "python"),
]


def extract() -> dict[str, list[str]]:
    """Message id -> where it is used."""
    found: dict[str, list[str]] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(WEB), METHODS, keywords=KEYWORDS, options_map={"templates/**.html": {}}
    ):
        if isinstance(message, tuple):
            message = message[0]
        if message:
            found.setdefault(message, []).append(filename)
    return found


def po_path(lang: str) -> Path:
    return WEB / "locale" / lang / "LC_MESSAGES" / "messages.po"


def read(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang)
    with path.open("rb") as f:
        return read_po(f, locale=lang)


def write(lang: str, ids: dict[str, list[str]]) -> list[str]:
    old = read(lang)
    new = Catalog(
        locale=lang, project="Clearance", header_comment=f"# Clearance web interface ({lang})"
    )
    missing = []
    for msgid in sorted(ids):
        previous = old.get(msgid)
        text = msgid if lang == "en" else (previous.string if previous else "")
        if not text:
            missing.append(msgid)
        new.add(msgid, text, locations=[(f, 0) for f in sorted(set(ids[msgid]))[:3]])
    po_path(lang).parent.mkdir(parents=True, exist_ok=True)
    with po_path(lang).open("wb") as f:
        write_po(f, new, width=100, omit_header=False, no_location=True)
    return missing


def main() -> int:
    ids = extract()
    if "--check" in sys.argv:
        ja = read("ja")
        missing = [m for m in ids if not (ja.get(m) and ja.get(m).string)]
        for m in missing:
            print(m)
        return 1 if missing else 0
    write("en", ids)
    missing = write("ja", ids)
    print(f"{len(ids)} messages; {len(missing)} without Japanese")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
