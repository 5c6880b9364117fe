"""Loaded by pytest (`-p medoffice.testing`) before Django: marks the process as a test run."""

import os

os.environ.setdefault("MEDOFFICE_TESTING", "1")
