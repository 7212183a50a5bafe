"""The Group Intervention Plan: one page per intervention group, for the adult who runs it.

Laid out as the SEN support plan guidance's form (its Appendix 1), its headings in its
order: the year or class, the pupils involved, why the intervention is needed, the review
date, the intervention, who delivers it and why it was chosen; the **Intervention review**
(Pupil, Pre, Plan, Post, Plan, Progress, Further action?); the **Intervention evaluation**
(cost, progress made, then boxes for pupil feedback, suggested changes, who completed it and
when).  Portrait A4 through the page engine (:mod:`provmap.write.pages`); a group of the
usual size fits one page.

Every figure is copied from :func:`provmap.numbers.groups.term_groups` (the rollup's own
rows); this module only words and draws them.  A plan names its own group's pupils and
nobody else: staff text that names another register pupil (full name or UPN) becomes
"another pupil" (:class:`provmap.reports.redact.Redactor`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import xlsxwriter

from ..glossary import codes_in, produced_by
from ..numbers.groups import GroupPlan, Member, TermGroups, term_groups
from ..schema import GROUP, NEED_AREA, ONE_TO_ONE, QFT
from ..numbers.disclosure import printed_ratio
from ..numbers.rollup import Rollup
from ..values import format_age, format_money, plural
from ..words import (count_words, date_words, match_key, need_words, number_words,
                     year_group_words)
from ..write.batch import write_many
from ..write import fit
from ..write.names import OutsideFolder, file_name, group_plan_file, inside
from ..write.pages import (FONT, SIZE, Formats, Look, Page, outcome_format, span_pt,
                           write_document)
from ..write.pdf import PdfUnavailable, convert_to_pdf
from .redact import Redactor

__all__ = ["GroupsRefused", "NoGroups", "PdfUnavailable", "PlansWritten", "plan_folder",
           "render_plan", "write_group_plans"]

TITLE = "Group Intervention Plan"
#: Seven columns, the review table's: Pupil, Pre, Plan, Post, Plan, Progress, Further
#: action?  100 characters across: the page engine prints them on portrait A4 at 91% (the
#: largest scale at which LibreOffice, the wider, fits them), so the text prints at 10 pt and
#: the smallest (a heading's note) at 9.1 pt (docs/printing.md).
WIDTHS = [15.0, 8.0, 28.0, 8.0, 11.0, 17.0, 13.0]
LAST = len(WIDTHS) - 1
LOOK = Look(title_pt=26, merged_bands=True, section_pt=19, space_pt=5, centred=True,
            landscape=False)
Bands = tuple[tuple[float, str], ...]   # Settings' impact bands: (lower bound, name)
LINES_TO_WRITE = 3             # ruled lines where the Provisions sheet gives no reason
LINE_PT = 20.0
BOX_PT = 36.0                  # a box to write in (pupil feedback, suggested changes)


class GroupsRefused(ValueError):
    """What was asked for cannot be made (an unknown class or provision); the message
    lists what exists."""


class NoGroups(GroupsRefused):
    """The term has no intervention group, so there is no plan to make."""


@dataclass(frozen=True)
class PlanItem:
    """What a worker needs to draw one plan: the plan (staff text already redacted), where
    it goes under the folder, and the page's produced-on line and key to codes."""

    plan: GroupPlan
    path: str                        # relative: "<class>/<provision> - <label>.xlsx"
    produced: str
    key: tuple[tuple[str, str], ...]


@dataclass
class PlansWritten:
    """What :func:`write_group_plans` wrote, and what the SENCo should hear about."""

    folder: Path
    plans: list[GroupPlan]
    paths: list[Path]                # the workbooks, in the plans' order
    pdfs: list[Path] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)     # "Lego therapy (Lego A): 3O ..."
    without_usable_rows: list[str] = field(default_factory=list)

    @property
    def written(self) -> list[Path]:
        return self.paths + self.pdfs


# --------------------------------------------------------------------------- names

def plan_folder(year: str, term: str) -> str:
    """`Group plans 2025-26 Autumn`: the folder a term's plans go in."""
    return file_name("Group plans", year, term)


def _relative_paths(plans: Sequence[GroupPlan]) -> list[str]:
    """`<class>/<provision> - <label, or the class>.xlsx` for each plan.  Two plans never
    share a name, even in different folders (the PDFs are made in one folder), so a clash
    (a label that is also a class's name) takes ` (2)`."""
    seen: set[str] = set()
    out = []
    for p in plans:
        name, n = group_plan_file(p.provision, p.label or p.class_name), 1
        while name.casefold() in seen:
            n += 1
            name = group_plan_file(p.provision, p.label or p.class_name, f" ({n}).xlsx")
        seen.add(name.casefold())
        out.append(f"{file_name(p.class_name, fallback='No class')}/{name}")
    return out


# --------------------------------------------------------------------------- words

def _how(p: GroupPlan) -> str:
    """`Lego therapy: 1 session a week of 45 minutes, for 10 weeks; a group of 4`."""
    parts = []
    if p.sessions_per_week:
        n = p.sessions_per_week
        parts.append(f"{count_words(n)} session{'s' if n != 1 else ''} a week"
                     + (f" of {count_words(p.minutes_per_session)} minutes"
                        if p.minutes_per_session else ""))
    elif p.minutes_per_session:
        parts.append(f"sessions of {count_words(p.minutes_per_session)} minutes")
    if p.weeks:
        parts.append(f"for {count_words(p.weeks)} week{'s' if p.weeks != 1 else ''}")
    size = f"a group of {p.group_size}" if p.group_size > 1 else "one pupil"
    if p.group_size > len(p.members):
        size += f" ({len(p.members)} on this plan)"
    return f"{p.provision}: " + ", ".join(parts) + ("; " if parts else "") + size


def _year_or_class(p: GroupPlan) -> str:
    """The class; or, for pupils of several classes, their year groups (and the classes)."""
    if len(p.classes) == 1:
        years = ", ".join(year_group_words(y) for y in p.year_groups)
        return f"{p.classes[0]} ({years})" if years else p.classes[0]
    years = [year_group_words(y) for y in p.year_groups]
    if len(years) > 1 and all(w.startswith("Year ") for w in years):
        nums = [w[5:] for w in years]
        words = "Years " + ", ".join(nums[:-1]) + " and " + nums[-1]
    else:
        words = " and ".join(years) if len(years) <= 2 else ", ".join(years)
    return f"{words or 'Several classes'} ({', '.join(p.classes)})"


def _score(p: GroupPlan, v: float | None) -> str:
    if v is None:
        return ""
    return format_age(v) if p.measure_kind == "months" else number_words(v) or ""


def ratio_words(ratio: float, bands: Bands) -> str:
    """A ratio gain as every report prints it (`2.28`; 1.996 is `1.99`, beside `modest`):
    :func:`provmap.numbers.disclosure.printed_ratio`."""
    return f"{printed_ratio(ratio, bands):.2f}"


def _gain(p: GroupPlan, gain: float) -> str:
    if p.measure_kind == "months":
        g = number_words(gain, 1)
        return f"{'+' if gain > 0 else ''}{g} month{'' if abs(gain) == 1 else 's'}"
    return f"{'+' if gain > 0 else ''}{number_words(gain)}"


def _progress(p: GroupPlan, mb: Member, bands: Bands) -> str:
    """The pupil's gain in the measure, and the ratio gain for months measures."""
    if mb.gain is None:
        return ""
    text = "no change" if mb.gain == 0 else _gain(p, mb.gain)
    if mb.ratio_gain is not None:
        text += f" ({ratio_words(mb.ratio_gain, bands)}" \
            + (f": {mb.impact})" if mb.impact else ")")
    return text


def _need(m: Member) -> str:
    """The broad area of the pupil's primary need, with its code (the key explains it):
    `communication and interaction (ASD)`."""
    if not m.primary_need:
        return ("no special educational need recorded" if m.sen_status == "N" else
                "primary need not recorded")
    area = NEED_AREA.get(m.primary_need)
    if area is None:                        # other difficulty, or a code staff made up
        words = need_words(m.primary_need) or m.primary_need
        return words[0].lower() + words[1:] if words[1:2].islower() else words
    return f"{area[0].lower() + area[1:]} ({m.primary_need})"


def _measure_note(p: GroupPlan) -> str | None:
    if not p.measure:
        return None
    kind = {"months": "an age, in years and months", "standardised": "a standardised score"
            }.get(p.measure_kind or "", None)
    way = "" if p.higher_is_better else "; lower is better, so progress is the fall"
    return f"Measure: {p.measure}" + (f" ({kind})" if kind else "") + way


def _cost_words(p: GroupPlan) -> str:
    """`£373.00 this term (£124.33 per pupil): the 3 pupils' shares of the group's cost`."""
    n = len(p.members)
    same = len({round(m.share, 2) for m in p.members}) == 1
    text = (f"{format_money(p.cost)} this term ({format_money(p.cost_per_pupil)} per pupil"
            + ("" if same else " on average") + "): "
            + (f"the {n} pupils' shares" if n > 1 else "the pupil's share")
            + " of the group's cost.")
    if p.group_size > n:
        text += (f" The group is costed for {p.group_size} (its Group size on the sheet), "
                 f"so this plan carries {n} of {p.group_size} shares.")
    typed = sum(m.cost_typed for m in p.members)
    if typed:
        text += (f" {'A cost' if typed == 1 else 'Costs'} typed on the sheet replace"
                 f"{'s' if typed == 1 else ''} the worked-out share of "
                 f"{plural(typed, 'pupil')}.")
    return text


def _progress_words(p: GroupPlan, bands: Bands) -> str:
    """`2 of 3 pupils made progress; mean gain +3.7 months, ratio gain 1.17 (modest)`."""
    n = len(p.members)
    if not p.assessed:
        return "Not assessed yet: no pupil has both a Pre and a Post score."
    text = (f"{p.making_progress} of {p.assessed} pupil{'s' if p.assessed != 1 else ''} "
            f"made progress (a gain above 0); mean gain {_gain(p, p.mean_gain or 0.0)}")
    if p.ratio_gain is not None:
        text += (f", ratio gain {ratio_words(p.ratio_gain, bands)}"
                 + (f" ({p.band} impact)" if p.band else "")
                 + f"; useful or better for {p.useful_or_better} of {p.with_ratio}")
    text += "."
    if p.assessed < n:
        text += f" {plural(n - p.assessed, 'pupil')} not assessed yet."
    return text


# --------------------------------------------------------------------------- drawing

def render_plan(item: PlanItem, path: Path, bands: Bands = ()) -> Path:
    """Write one plan's workbook to `path`, whole or not at all."""
    p = item.plan
    return write_document(path, school=p.school, title=TITLE,
                          parts=[lambda wb, formats: _draw(wb, formats, item, bands)])


def _pair_row(page: Page, cells: Sequence[tuple[str, str]], keep: bool = True,
              tall: float | None = None) -> None:
    """A row of label/value pairs: one pair across the page, or two side by side."""
    row = page.row(keep=keep)
    spans = ([((0, 0), (1, LAST))] if len(cells) == 1 else
             [((0, 0), (1, 2)), ((3, 4), (5, 6))])
    for (label, value), ((l0, l1), (v0, v1)) in zip(cells, spans):
        row.text(l0, l1, label, "label")
        row.text(v0, v1, value, "text")
    if tall:
        row.tall(tall)


def _label_lines(label: str) -> list[str]:
    """A label wrapped to its column, a line each (as :func:`provmap.write.fit.lines`
    measures it, like every row of the page)."""
    lines: list[str] = []
    for word in label.split():
        joined = f"{lines[-1]} {word}" if lines else word
        if lines and fit.lines(joined, span_pt(WIDTHS[:1]), SIZE, FONT, bold=True) == 1:
            lines[-1] = joined
        else:
            lines.append(word)
    return lines


def _lines_to_write(page: Page, label: str) -> None:
    """A label beside ruled lines, where the plan has nothing printed to say: the label's
    lines one to a row, so the lines to write on are evenly spaced."""
    words = _label_lines(label)
    n = max(LINES_TO_WRITE, len(words))
    for i in range(n):
        row = page.row(keep=i > 0)
        fmt = f"label:{int(i == 0)}{int(i == n - 1)}"
        if i < len(words):
            row.text(0, 0, words[i], fmt)
        else:
            row.blank(0, fmt)
        row.text(1, LAST, "", "rule").tall(LINE_PT)


def _draw(wb: xlsxwriter.Workbook, formats: Formats, item: PlanItem,
          bands: Bands) -> None:
    p = item.plan
    label = p.label or p.class_name
    page = Page(wb, formats, "Group plan", WIDTHS, school=p.school, title=TITLE,
                footer=f"Group plan: {p.provision} - {label}, {p.term} {p.academic_year}",
                look=LOOK)
    page.para(f"{p.provision}" + (f" ({p.label})" if p.label else "")
              + f": {p.term} term {p.academic_year}. {item.produced}", "intro")

    # The plan
    _pair_row(page, [("Year / class", _year_or_class(p)),
                     ("Review date", date_words(p.review) if p.review else "")], keep=False)
    _pair_row(page, [("Pupils involved", ", ".join(
        f"{m.name} ({year_group_words(m.year_group)})" for m in p.members))])
    needed = [f"{m.name}: {_need(m)}" + (f". Target: {m.target}" if m.target else "")
              for m in p.members]
    _pair_row(page, [("Reason the intervention is required", "\n".join(needed))])
    _pair_row(page, [("Intervention", _how(p))])
    dates = (f"{date_words(p.start)} to {date_words(p.end)}" if p.start and p.end else "")
    _pair_row(page, [("Delivered by", p.delivered_by or ""), ("Dates", dates)])
    if p.why_chosen:
        _pair_row(page, [("Reason for choosing this particular intervention", p.why_chosen)])
    else:
        _lines_to_write(page, "Reason for choosing this particular intervention")

    # Intervention review
    page.section("Intervention review", _measure_note(p))
    progress = "Progress" + (" (ratio gain)" if p.measure_kind == "months" else "")
    page.heads([(0, 0, "Pupil"), (1, 1, "Pre"), (2, 2, "Plan (target)"), (3, 3, "Post"),
                (4, 4, "Plan (outcome)"), (5, 5, progress), (6, 6, "Further action?")])
    for m in p.members:
        page.row().text(0, 0, m.name, "text_bold") \
            .text(1, 1, _score(p, m.pre)) \
            .text(2, 2, m.target or "") \
            .text(3, 3, _score(p, m.post)) \
            .text(4, 4, m.outcome or "", outcome_format(m.outcome) if m.outcome else "text") \
            .text(5, 5, _progress(p, m, bands)) \
            .text(6, 6, m.next_step or "")
    page.end_table()

    # Intervention evaluation
    page.section("Intervention evaluation")
    _pair_row(page, [("Cost of intervention", _cost_words(p))], keep=False)
    _pair_row(page, [("Progress made", _progress_words(p, bands))])
    _pair_row(page, [("Pupil feedback", "")], tall=BOX_PT)
    _pair_row(page, [("Any suggested changes", "")], tall=BOX_PT)
    _pair_row(page, [("Completed by", ""), ("Date", "")], tall=LINE_PT)

    if p.left_out:
        page.para(f"Left out of this plan: {'; '.join(p.left_out)}. "
                  f"{'This row has' if len(p.left_out) == 1 else 'These rows have'} a "
                  "problem to fix in the provision map (provmap check names it); the plan is "
                  "made from the group's other rows.", "intro", keep=True)
    if item.key:
        page.para("Key: " + "; ".join(f"{code}: {meaning}" for code, meaning in item.key)
                  + ".", "intro", keep=True)
    page.finish()


# --------------------------------------------------------------------------- many plans

def _redacted(plan: GroupPlan, red: Redactor) -> GroupPlan:
    """The plan with every piece of staff text free of pupils outside the group."""
    own = frozenset(m.upn for m in plan.members)

    def r(text: str | None) -> str | None:
        return red(text, own)
    members = tuple(dataclasses.replace(m, target=r(m.target), outcome=r(m.outcome),
                                        next_step=r(m.next_step)) for m in plan.members)
    return dataclasses.replace(plan, provision=r(plan.provision) or plan.provision,
                               label=r(plan.label), delivered_by=r(plan.delivered_by),
                               why_chosen=r(plan.why_chosen), measure=r(plan.measure),
                               members=members)


def _printed_text(p: GroupPlan) -> list[str | None]:
    """What a plan prints that may hold a code (HLTA, SDQ, ASD ...), for its key."""
    return [p.provision, p.label, p.delivered_by, p.why_chosen, p.measure,
            *(m.primary_need for m in p.members),
            *(t for m in p.members for t in (m.target, m.outcome, m.next_step))]


def _select(tg: TermGroups, class_name: str | None, provision: str | None, m: Any
            ) -> list[GroupPlan]:
    """The plans asked for: of a provision, and of a class (any of their pupils in it)."""
    plans = tg.plans
    if provision:
        with_groups = {match_key(p.provision) for p in plans}
        names = [p.name for p in m.provisions.values() if match_key(p.name) in with_groups]
        plans = [p for p in plans if match_key(p.provision) == match_key(provision)]
        if not plans:
            known = m.provision(" ".join(provision.split()))
            kind = {QFT: "quality first teaching", ONE_TO_ONE: "1:1 support"}.get(
                known.type or "", "not a group") if known is not None else ""
            what = (f"{known.name} is {kind}, which has no group plan"
                    if known is not None and known.type != GROUP else
                    f"no group of '{provision}' is in the {tg.term} term")
            raise GroupsRefused(f"{what}; the provisions with groups in the {tg.term} term "
                                f"are {', '.join(names)}.")
    if class_name:
        chosen = [p for p in plans if match_key(class_name) in {match_key(c) for c in p.classes}]
        if not chosen:
            having = {match_key(c) for p in plans for c in p.classes}
            order = [c for c in m.classes if match_key(c) in having]
            known = next((c for c in m.classes if match_key(c) == match_key(class_name)), None)
            of = f" of {plans[0].provision}" if provision else ""
            raise GroupsRefused(
                (f"class {known} has no pupil in a group{of} in the {tg.term} term" if known
                 else f"there is no class '{class_name}' in the workbook")
                + f"; the classes with a group{of} in the {tg.term} term are "
                + f"{', '.join(order)}.")
        plans = chosen
    return plans


def _render_item(item: tuple[PlanItem, Bands], out_dir: str) -> str:
    """Worker: one plan (runs in a child process for a big school)."""
    plan_item, bands = item
    path = Path(out_dir) / plan_item.path
    return str(render_plan(plan_item, path, bands))


def _tidy(root: Path, keep: set[Path]) -> None:
    """Plans of an earlier run that this run did not write (a group renamed or ended): the
    folder holds this term's plans and nothing else."""
    for old in list(root.glob("*/*")):
        if old.suffix.lower() in (".xlsx", ".pdf") and old.resolve() not in keep:
            old.unlink()
    for folder in root.iterdir():
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def write_group_plans(rollup: Rollup, out_dir: Path | str, *, class_name: str | None = None,
                      provision: str | None = None, pdf: bool = False,
                      progress: bool | Callable[[int, int], None] = True,
                      folder: str | None = None) -> PlansWritten:
    """A plan for each intervention group of the rollup's term, in
    `<out_dir>/Group plans <year> <term>/<class>/<provision> - <label, or the class>.xlsx`
    (``folder`` names that first folder; the termly job's is `Group plans`).

    ``class_name`` keeps the groups with a pupil of that class; ``provision`` those of that
    provision.  Raises :class:`NoGroups` when the term has no group and
    :class:`GroupsRefused` for a class or provision with none (the message lists those
    that have).  With ``pdf``, a PDF beside each plan (LibreOffice)."""
    m = rollup.map
    s = m.settings
    tg = term_groups(rollup)
    if not tg.plans:
        raise NoGroups(
            f"the {tg.term} term of {s.academic_year} has no intervention group, so there is "
            "no group plan to make (a plan is made for each group of Group-type provision"
            + (f"; the rows of {'; '.join(tg.without_usable_rows)} have errors to fix first"
               if tg.without_usable_rows else "") + ").")
    plans = _select(tg, class_name, provision, m)
    red = Redactor(m.pupils.values())
    plans = [_redacted(p, red) for p in plans]
    produced = produced_by(s, rollup.today)
    root = Path(out_dir) / (folder if folder is not None else plan_folder(s.academic_year,
                                                                          tg.term))
    rels = _relative_paths(plans)
    for rel in rels:
        try:
            inside(root, rel)
        except OutsideFolder as e:       # names are made safe already: this checks they stayed so
            raise GroupsRefused(str(e)) from None
    bands = tuple(s.impact_bands)
    items = [(PlanItem(p, rel, produced, tuple(codes_in(_printed_text(p), s))), bands)
             for p, rel in zip(plans, rels)]
    root.mkdir(parents=True, exist_ok=True)
    paths = write_many(items, _render_item, root, label="Writing group plans",
                       progress=progress)
    if class_name is None and provision is None:
        _tidy(root, {p.resolve() for p in paths})
    pdfs = convert_to_pdf(paths, progress=progress is True) if pdf and paths else []
    left = [f"{p.provision} ({p.label or p.class_name}): {'; '.join(p.left_out)}"
            for p in plans if p.left_out]
    return PlansWritten(folder=root, plans=plans, paths=paths, pdfs=pdfs, left_out=left,
                        without_usable_rows=list(tg.without_usable_rows))
