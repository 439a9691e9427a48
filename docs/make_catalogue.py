"""Compile the Spanish catalogue: cnncalc/locale/es/*.po -> cnncalc/locale/es/LC_MESSAGES/cnncalc.mo.

    python docs/make_catalogue.py          # rewrite the .mo
    python docs/make_catalogue.py --check  # exit 1 when the .mo is stale

The .po files are split by area (one per part of the program) so that they can be edited
apart; together they are one gettext domain. The .mo writer is the GNU format that the
standard library's gettext reads (magic, count, two offset tables, no hash table); writing
it here avoids a dependency on the gettext tools. tests/i18n/test_catalogue.py checks that
the committed .mo equals a fresh compilation and that every marked text is translated.
"""

from __future__ import annotations

import ast
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO_DIR = ROOT / "cnncalc" / "locale" / "es"
MO_FILE = PO_DIR / "LC_MESSAGES" / "cnncalc.mo"
HEADER = "Content-Type: text/plain; charset=UTF-8\nLanguage: es\n"


def read_po(path: Path) -> dict[str, tuple[str, int]]:
    """msgid -> (msgstr, line of the msgid) for one .po file (no plurals, no contexts)."""
    entries: dict[str, tuple[str, int]] = {}
    msgid = msgstr = None
    field = None
    line_of_id = 0

    def flush():
        if msgid is not None and msgid != "":
            if msgid in entries:
                raise SystemExit(f"{path}:{line_of_id}: duplicate msgid {msgid!r}")
            entries[msgid] = (msgstr or "", line_of_id)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("msgid "):
            flush()
            msgid, msgstr, field, line_of_id = ast.literal_eval(line[6:]), None, "id", number
        elif line.startswith("msgstr "):
            msgstr, field = ast.literal_eval(line[7:]), "str"
        elif line.startswith('"'):
            if field == "id":
                msgid += ast.literal_eval(line)
            elif field == "str":
                msgstr += ast.literal_eval(line)
            else:
                raise SystemExit(f"{path}:{number}: a string outside msgid/msgstr")
        else:
            raise SystemExit(f"{path}:{number}: cannot read {line[:40]!r}")
    flush()
    return entries


def catalogue() -> dict[str, str]:
    """Every fragment's entries, merged (a msgid in two fragments must be translated alike)."""
    merged: dict[str, str] = {}
    where: dict[str, str] = {}
    for po in sorted(PO_DIR.glob("*.po")):
        for msgid, (msgstr, line) in read_po(po).items():
            if msgid in merged and merged[msgid] != msgstr:
                raise SystemExit(f"{po.name}:{line}: {msgid!r} is translated otherwise in {where[msgid]}")
            merged[msgid], where[msgid] = msgstr, f"{po.name}:{line}"
    return merged


def mo_bytes(entries: dict[str, str]) -> bytes:
    pairs = sorted([("", HEADER)] + [(k, v) for k, v in entries.items() if v])
    ids = [k.encode() for k, _ in pairs]
    strs = [v.encode() for _, v in pairs]
    n = len(pairs)
    start = 7 * 4 + 16 * n
    table_ids, table_strs, blob = [], [], b""
    for s in ids:
        table_ids.append((len(s), start + len(blob)))
        blob += s + b"\0"
    for s in strs:
        table_strs.append((len(s), start + len(blob)))
        blob += s + b"\0"
    head = struct.pack("<7I", 0x950412DE, 0, n, 28, 28 + 8 * n, 0, 0)
    tables = b"".join(struct.pack("<2I", *t) for t in table_ids + table_strs)
    return head + tables + blob


def main(argv: list[str]) -> int:
    data = mo_bytes(catalogue())
    if "--check" in argv:
        if not MO_FILE.exists() or MO_FILE.read_bytes() != data:
            print(f"{MO_FILE} is stale: run python docs/make_catalogue.py", file=sys.stderr)
            return 1
        return 0
    MO_FILE.parent.mkdir(parents=True, exist_ok=True)
    MO_FILE.write_bytes(data)
    print(f"wrote {MO_FILE.relative_to(ROOT)} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
