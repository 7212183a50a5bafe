"""scripts/termly_rollup.py: the SENCo's end-of-term command."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "termly_rollup.py"


@pytest.fixture(scope="module")
def termly():
    spec = importlib.util.spec_from_file_location("termly_rollup", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_writes_everything_and_summarises(termly, make_workbook, tmp_path, capsys):
    rows = [{"Pupil": "Jonathan Smith", "Provision": "Precision teaching", "Pre": 86,
             "Post": 92},
            {"Pupil": "Aisha Khan", "Provision": "Lego therapy", "Pre": 20, "Post": 26},
            {"Pupil": "Leo Brown", "Provision": "Lego therapy", "Pre": 18, "Post": 18},
            {"Pupil": "Nobody Known", "Provision": "Lego therapy"}]
    path = make_workbook(sheets={"3O Autumn": {"provision": rows}})
    out = tmp_path / "out"
    code = termly.main([str(path), "--term", "autumn", "--out", str(out),
                        "--today", "2026-01-10"])
    text = capsys.readouterr().out
    assert code == 0
    assert (out / "Oak Tree Primary 2025-26 Autumn - SENCo rollup.xlsx").exists()
    assert "1 error in the workbook" in text and "'Nobody Known'" in text
    # 108 + 240 = £348.00 (the unknown pupil's row is left out).
    assert "Cost this term: £348.00" in text
    assert "rows left out: 1" in text
    if importlib.util.find_spec("provmap.reports.governors"):
        assert (out / "Oak Tree Primary 2025-26 Autumn - Governors report.xlsx").exists()
    if importlib.util.find_spec("provmap.reports.pop"):
        assert len(list(out.glob("3O/*.xlsx"))) == 3        # Jonathan (K), Aisha (E), Leo (K)


def test_unreadable_file_is_one_line(termly, tmp_path, capsys):
    bad = tmp_path / "map.xlsx"
    bad.write_text("not a workbook")
    assert termly.main([str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "map.xlsx" in err
    assert not (tmp_path / "o").exists()


def test_unknown_term_is_refused(termly, make_workbook, tmp_path, capsys):
    assert termly.main([str(make_workbook()), "--term", "Winter", "--out",
                        str(tmp_path / "o")]) == 2
    assert "Winter" in capsys.readouterr().err


def test_nothing_computable_stops(termly, make_workbook, tmp_path, capsys):
    rows = [{"Pupil": "Nobody Known", "Provision": "Lego therapy"}]
    path = make_workbook(sheets={"3O Autumn": {"provision": rows}})
    assert termly.main([str(path), "--out", str(tmp_path / "o")]) == 1
    captured = capsys.readouterr()
    assert "Nobody Known" in captured.out and "Nothing can be worked out" in captured.err
    assert not (tmp_path / "o").exists()
