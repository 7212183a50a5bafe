import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

sys.path.insert(0, str(Path(__file__).parent))

# One policy for every property test: by default the same examples on every run (CI stays
# reproducible, a failure is the same failure on the next machine), with no example database
# left in the clone.  PROVMAP_HYPOTHESIS=explore draws new examples each run, for looking
# harder on a developer's machine; a school it finds goes into a test as written draws
# (see test_governors.SEVENTEEN).
settings.register_profile("fixed", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("PROVMAP_HYPOTHESIS", "fixed"))

from builders import build_workbook  # noqa: E402
from invariants import unlocated_exclusions  # noqa: E402


@pytest.fixture
def make_workbook(tmp_path):
    """Build a small standard workbook; keyword arguments replace its parts.

    After the test, every workbook it built is held to the invariant that each row left out
    of the numbers has an error at its own sheet and row.
    """
    counter = iter(range(10_000))
    built: list[Path] = []

    def make(**parts):
        path = build_workbook(tmp_path / f"map{next(counter)}.xlsx", **parts)
        built.append(path)
        return path

    yield make
    for path in built:
        if path.exists():
            assert not unlocated_exclusions(path), f"{path.name}: rows left out unlocated"


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
