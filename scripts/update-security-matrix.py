"""Rewrite the role matrix in docs/security.md from tests/core/test_authorization_matrix.py.

Run: MEDOFFICE_TESTING=1 .venv/bin/python scripts/update-security-matrix.py
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MEDOFFICE_TESTING", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medoffice.settings")

import django  # noqa: E402

django.setup()

from tests.core import test_authorization_matrix as matrix  # noqa: E402

doc = ROOT / "docs" / "security.md"
text = doc.read_text(encoding="utf-8")
start = text.index(matrix.MARK_START) + len(matrix.MARK_START)
end = text.index(matrix.MARK_END)
doc.write_text(text[:start] + "\n" + matrix.render_markdown() + "\n" + text[end:], encoding="utf-8")
print(f"updated {doc.relative_to(ROOT)} ({len(matrix.MATRIX)} rows)")  # noqa: T201
