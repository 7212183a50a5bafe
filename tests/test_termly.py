"""provmap.termly: the termly job as a library call (the script and the page are shells)."""

from __future__ import annotations

import pytest

from provmap.values import format_money
import provmap
from provmap import termly
from provmap.numbers.disclosure import DisclosureError

ROWS = [{"Pupil": "Jonathan Smith", "Provision": "Precision teaching", "Pre": 86, "Post": 92},
        {"Pupil": "Aisha Khan", "Provision": "Lego therapy", "Pre": 20, "Post": 26},
        {"Pupil": "Leo Brown", "Provision": "Lego therapy", "Pre": 18, "Post": 18},
        {"Pupil": "Nobody Known", "Provision": "Lego therapy"}]


def test_the_figures_are_the_rollups_and_everything_is_written(make_workbook, tmp_path):
    path = make_workbook(sheets={"3O Autumn": {"provision": ROWS}})
    steps: list[termly.Step] = []
    result = termly.run_termly(path, "autumn", tmp_path / "out", progress=steps.append)
    m = provmap.load(path)
    direct = provmap.rollup(m, term="Autumn", problems=provmap.check(m))
    s, f = direct.summary, result.figures
    assert (f.term, f.cost_term, f.cost_year, f.flags, f.rows_excluded, f.errors) == \
        ("Autumn", s["cost_term"], s["cost_year"], s["flags"], s["rows_excluded"], s["errors"])
    assert f.cost_term == pytest.approx(348.0) and f.rows_excluded == 1
    assert result.problems == provmap.check(m)
    assert [p.code for p in result.errors] == ["unknown-pupil"]
    assert result.senco.is_file() and result.governors.is_file()
    assert sorted(p.parent.name for p in result.pops) == ["3O", "3O", "3O"]
    # the group plans beside the POPs: the Lego therapy group of Aisha and Leo
    assert [p.relative_to(tmp_path / "out").as_posix() for p in result.group_plans] == \
        ["Group plans/3O/Lego therapy - 3O.xlsx"]
    assert result.written == [result.senco, result.governors, *result.pops,
                              *result.group_plans]
    assert not result.failed
    # progress: each stage starts (Step(what)), then the POPs count up to their total
    starts = [s.what for s in steps if s.done == 0 and s.total == 0]
    assert starts == [termly.READING, termly.CHECKING, termly.SENCO, termly.GOVERNORS,
                      termly.POPS, termly.GROUPS]
    assert [(s.done, s.total) for s in steps if s.what == termly.GROUPS and s.done] == [(1, 1)]
    counts = [(s.done, s.total) for s in steps if s.what == termly.POPS and s.done]
    assert counts == [(1, 3), (2, 3), (3, 3)]
    assert termly.Step(termly.POPS, 0, 3) in steps            # the total, before the first


def test_lines_are_what_the_script_prints(make_workbook):
    path = make_workbook(sheets={"3O Autumn": {"provision": ROWS[:2]}})
    f = termly.prepare(path, "Autumn").figures
    lines = f.lines()
    assert lines[0].startswith(f"{f.school}, Autumn {f.academic_year} (year so far: Autumn)")
    assert lines[2] == f"  Cost this term: {format_money(f.cost_term)}; year to date: " \
                       f"{format_money(f.cost_year)}"
    assert format_money(1234.5) == "£1,234.50"


def test_an_output_that_fails_is_one_line_and_the_rest_are_written(
        make_workbook, tmp_path, monkeypatch):
    import provmap.reports.governors as governors

    def refuse(*_a, **_k):
        raise DisclosureError("a group is too small to report")
    monkeypatch.setattr(governors, "write_governors", refuse)
    path = make_workbook(sheets={"3O Autumn": {"provision": ROWS[:2]}})
    result = termly.run_termly(path, None, tmp_path / "out")
    assert result.failed == [(termly.GOVERNORS, "a group is too small to report")]
    assert result.governors is None and result.senco.is_file() and len(result.pops) == 3


def test_no_pops_when_asked(make_workbook, tmp_path):
    path = make_workbook(sheets={"3O Autumn": {"provision": ROWS[:2]}})
    result = termly.run_termly(path, None, tmp_path / "out", pops=False)
    assert result.pops == [] and result.senco.is_file()


def test_an_unknown_term_and_an_unusable_file_are_refused(make_workbook, tmp_path):
    with pytest.raises(termly.TermRefused, match="'Winter' is not a term"):
        termly.prepare(make_workbook(), "Winter")
    bad = tmp_path / "map.xlsx"
    bad.write_text("not a workbook")
    with pytest.raises(provmap.UnreadableWorkbook):
        termly.run_termly(bad, None, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_nothing_computable_writes_nothing(make_workbook, tmp_path):
    path = make_workbook(sheets={"3O Autumn": {"provision": ROWS[3:]}})
    result = termly.run_termly(path, None, tmp_path / "out")
    assert not result.computable and result.written == []
    assert not (tmp_path / "out").exists()


def test_the_default_folder_is_beside_the_workbook(make_workbook):
    path = make_workbook()
    assert termly.default_out(path, "Spring") == path.resolve().parent / "Spring rollup"
