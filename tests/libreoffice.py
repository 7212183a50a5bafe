"""Have LibreOffice recalculate every formula of a workbook, for tests that compare what a
spreadsheet program shows with provmap's own numbers."""

from __future__ import annotations

import subprocess
from pathlib import Path

import openpyxl

_RECALC_ON_LOAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
    'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
    '<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>\n'
    '</oor:items>\n')


def recalculated(path: Path, soffice: str, work: Path) -> Path:
    """Strip the cached values (openpyxl saves formulas without results), have LibreOffice
    (its own profile, set to recalculate on load) convert the file, and return the copy."""
    work.mkdir(parents=True, exist_ok=True)
    stripped = work / "stripped.xlsx"
    openpyxl.load_workbook(path).save(stripped)
    profile = work / "lo-profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_RECALC_ON_LOAD,
                                                               encoding="utf-8")
    out = work / "out"
    subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(out), str(stripped)],
                   check=True, capture_output=True, timeout=180)
    return out / "stripped.xlsx"
