"""Where the shared public X12 samples are (``shared/x12-samples`` beside the checkout)."""

from __future__ import annotations

from pathlib import Path

import pytest


def samples_folder() -> Path:
    for parent in Path(__file__).resolve().parents:
        for candidate in (
            parent / "shared" / "x12-samples",
            parent.parent / "shared" / "x12-samples",
        ):
            if candidate.is_dir():
                return candidate
    pytest.skip("the shared X12 samples folder is not beside this checkout")


def sample(name: str) -> Path:
    return samples_folder() / name
