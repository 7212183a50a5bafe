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


def soffice_or_skip() -> str:
    """The LibreOffice binary; skip when missing, except in CI where it must be there."""
    import os
    import shutil
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        if os.environ.get("PROVMAP_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice is required here (PROVMAP_REQUIRE_LIBREOFFICE) but missing")
        pytest.skip("LibreOffice is not installed")
    return exe


@pytest.fixture
def soffice() -> str:
    """LibreOffice's binary for tests that open outputs in it (see soffice_or_skip)."""
    return soffice_or_skip()


def chromium_or_skip() -> str:
    """Debian's chromium, driven by Playwright; skip when either is missing, except in CI
    (PROVMAP_REQUIRE_BROWSER=1), where the browser tests must run."""
    import importlib.util
    import os
    import shutil
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    missing = [what for what, ok in (("chromium", exe),
                                     ("playwright", importlib.util.find_spec("playwright")),
                                     ("flask", importlib.util.find_spec("flask"))) if not ok]
    if missing:
        if os.environ.get("PROVMAP_REQUIRE_BROWSER"):
            pytest.fail(f"the browser tests are required here (PROVMAP_REQUIRE_BROWSER) but "
                        f"{', '.join(missing)} is missing")
        pytest.skip(f"{', '.join(missing)} is not installed")
    return exe
