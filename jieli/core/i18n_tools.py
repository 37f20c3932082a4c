"""Translation catalogue tools that need no GNU gettext at run time.

``make``    runs Django's makemessages for zh-hans (needs xgettext, a developer tool);
``compile`` writes the .mo files with polib, so ``make run`` works without gettext installed;
``check``   runs makemessages on a scratch copy and fails if any zh-hans string is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"
LANG_DIR = "zh_Hans"
PO = LOCALE / LANG_DIR / "LC_MESSAGES" / "django.po"
MAKEMESSAGES = [
    sys.executable,
    "manage.py",
    "makemessages",
    "-l",
    LANG_DIR,
    "--no-location",
    "--ignore",
    ".venv/*",
    "--ignore",
    "var/*",
    "--ignore",
    "bench/*",
]


def compile_catalogues() -> int:
    for po_path in LOCALE.glob("*/LC_MESSAGES/*.po"):
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
    return 0


def make_catalogues() -> int:
    return subprocess.call(MAKEMESSAGES, cwd=ROOT)  # noqa: S603 - fixed argument list


def missing_entries(po_path: Path) -> list[str]:
    po = polib.pofile(str(po_path))
    missing = [e.msgid for e in po.untranslated_entries()]
    missing += [e.msgid for e in po.fuzzy_entries()]
    return missing


def check_catalogues() -> int:
    if shutil.which("xgettext") is None:
        if os.environ.get("CI") == "true":
            print("i18n check: xgettext is missing (install gettext)", file=sys.stderr)
            return 1
        print("i18n check skipped: xgettext (GNU gettext) is not installed")
        return 0
    original = PO.read_bytes() if PO.exists() else None
    try:
        result = subprocess.run(  # noqa: S603 - fixed argument list
            MAKEMESSAGES, cwd=ROOT, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            print(result.stdout, result.stderr, file=sys.stderr)
            return result.returncode
        missing = missing_entries(PO)
    finally:
        if original is None:
            PO.unlink(missing_ok=True)
        else:
            PO.write_bytes(original)
    if missing:
        print(
            f"{len(missing)} zh-hans strings are missing or fuzzy; run `make messages` and "
            "translate them in locale/zh_Hans/LC_MESSAGES/django.po:",
            file=sys.stderr,
        )
        for msgid in missing[:50]:
            print("  -", msgid.replace("\n", " ")[:120], file=sys.stderr)
        return 1
    print("i18n check: every zh-hans string is translated")
    return 0


def main(argv: list[str]) -> int:
    commands = {"compile": compile_catalogues, "make": make_catalogues, "check": check_catalogues}
    if len(argv) != 1 or argv[0] not in commands:
        print("usage: python -m jieli.core.i18n_tools {compile|make|check}", file=sys.stderr)
        return 2
    return commands[argv[0]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
