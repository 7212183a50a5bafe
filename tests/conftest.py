import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from builders import build_workbook  # noqa: E402


@pytest.fixture
def make_workbook(tmp_path):
    """Build a small standard workbook; keyword arguments replace its parts."""
    counter = iter(range(10_000))

    def make(**parts):
        return build_workbook(tmp_path / f"map{next(counter)}.xlsx", **parts)

    return make
