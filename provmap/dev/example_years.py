"""The example school's earlier years: the same children a year younger.

``generate_history(pupils, seed, years=2)`` gives the example school's workbooks for
``years`` academic years ending with the example's own (2025-26), oldest first.  The own
year is exactly what ``generate_school`` makes; each earlier year is built backwards from
the one after it, so that the years cohere the way a SENCo would expect:

- the register is the later year's pupils a year younger (same UPN, name, date of birth;
  year group one less; the same form one year group down: `4O` -> `3O`, `1M` -> `RM`);
  the later year's Reception children were not yet at the school; the earlier year's
  Year 6, new children with valid UPNs, left in the summer;
- most pupils on the SEN register later were on it already (some newly identified, a few
  EHC plans issued in the later year), and a few came off it;
- every provision row with Next step `Continue` in the earlier Summer is the same provision
  in the pupil's later Autumn with the same Target, and its Post is that Autumn's Pre
  (the rule `provmap new-year` and `roll-forward` follow); within the year, a provision that
  goes on into the next term is `Continue` too, and other rows `Stop`, `Change` or `Refer`;
- all three terms are finished: Posts, outcomes, next steps and reviews are all in, and
  there are no deliberate mistakes (the own year has those).
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

from .. import schema
from .this_year import (CATCH_UP, ESTABLISHMENT, FORENAMES, SCHOOL, SURNAMES, YEARS,
                      ExamplePupil, SchoolYear, catch_up, choose, class_names, finish_year, gain,
                      group_sizes, measure_value, needs, new_pupil, on_scale, register_order,
                      review, row_frame, set_scores, this_year, upn)
from ..calendar import default_term_dates, start_year
from ..workbook.defaults import DEFAULT_PROVISIONS
from ..workbook.standard import ExampleData, new_workbook

__all__ = ["generate_history", "write_history", "history_file"]

Plan = dict[str, list[str]]                      # UPN -> provisions in a term


def generate_history(pupils: int = 200, seed: int = 2025, years: int = 2, terms: int = 3, *,
                     establishment: int = ESTABLISHMENT) -> dict[str, ExampleData]:
    """Academic year -> the example school's rows, for ``years`` years, oldest first.

    ``terms`` applies to the own year (2025-26) only; earlier years are finished.
    """
    if years < 1:
        raise ValueError("the example needs at least one year")
    school_years = [this_year(pupils, seed, terms, establishment)]
    for _ in range(years - 1):
        school_years.append(year_before(school_years[-1], pupils, seed, establishment))
    return {y.year: y.data for y in reversed(school_years)}


def history_file(directory: Path | str, year: str) -> Path:
    """Where ``write_history`` puts one year's workbook."""
    return Path(directory) / f"Provision map {year}.xlsx"


def write_history(directory: Path | str, pupils: int = 200, seed: int = 2025, years: int = 2,
                  terms: int = 3, *, school: str = SCHOOL,
                  establishment: int = ESTABLISHMENT) -> list[Path]:
    """Write the example school's last ``years`` workbooks into ``directory``, oldest first."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    history = generate_history(pupils, seed, years, terms, establishment=establishment)
    return [new_workbook(history_file(directory, year), school, year, data=data)
            for year, data in history.items()]


def year_before(later: SchoolYear, pupils: int, seed: int, establishment: int) -> SchoolYear:
    """The school a year before ``later``: its children a year younger, plus its leavers."""
    year0 = start_year(later.year) - 1
    year = f"{year0}-{(year0 + 1) % 100:02d}"
    rng = random.Random(f"{seed} {year}")
    classes = class_names(pupils)
    class_order = [c for ys in classes for c in ys]

    # --- the register -----------------------------------------------------------------
    people = [_younger(rng, p, classes) for p in later.people if p.year != YEARS[0]]
    names, serial = set(later.names), later.serial
    leaving = len(YEARS) - 1
    sizes = Counter(p.form for p in later.people if p.year == YEARS[leaving])
    for form, klass in enumerate(classes[leaving]):
        for _ in range(sizes[form]):
            pick = _new_name(rng, names)
            serial += 1
            roll = rng.random()
            status = "E" if roll < 0.03 else "K" if roll < 0.20 else "N"
            people.append(new_pupil(rng, FORENAMES[pick // len(SURNAMES)],
                                    SURNAMES[pick % len(SURNAMES)], leaving, form, klass,
                                    status, year0, upn(establishment, serial, year0, leaving)))
    people.sort(key=register_order)
    by_class: dict[str, list[ExamplePupil]] = {}
    for p in people:
        by_class.setdefault(p.klass, []).append(p)

    # --- provision, from the Summer back to the Autumn ----------------------------------
    prov = {p["Provision"]: p for p in DEFAULT_PROVISIONS}
    sen = [p for p in people if p.status in ("K", "E")]
    later_plan: Plan = {u: [m for m, _, _ in rs] for u, rs in later.autumn.items()}
    wave2 = [p for p in people if p.status == "N" and rng.random() < (
        0.5 if set(later_plan.get(p.row["UPN"], ())) & set(CATCH_UP) else 0.05)]
    pupils_with_provision = sen + wave2
    plans = _plans(rng, pupils_with_provision, later_plan, prov)

    term_names = schema.DEFAULT_TERMS
    dates = default_term_dates(year)
    next_pre = {(u, m): pre for u, rs in later.autumn.items() for m, pre, _ in rs}
    targets = {(u, m): t for u, rs in later.autumn.items() for m, _, t in rs if t}
    group_style: dict[tuple[str, str, str], dict] = {}
    rows: dict[str, list[dict]] = {}
    reviews: dict[str, list[dict]] = {}
    for ti in reversed(range(len(term_names))):
        term = term_names[ti]
        after = plans[ti + 1] if ti + 1 < len(term_names) else later_plan
        term_rows: dict[str, list[dict]] = {c: [] for c in class_order}
        this_pre: dict[tuple[str, str], float] = {}
        for p in pupils_with_provision:
            u = p.row["UPN"]
            for m in plans[ti][u]:
                goes_on = m in after.get(u, ())
                row = row_frame(rng, p, prov[m], term, dates[f"{term} start"], group_style,
                                len(classes[0]))
                if goes_on and ti == len(term_names) - 1 and (u, m) in targets:
                    row["Target"] = targets[(u, m)]
                if prov[m]["Type"] == schema.QFT:
                    if goes_on:
                        row["Next step"] = "Continue"
                else:
                    summer = ti == len(term_names) - 1
                    post = next_pre.get((u, m)) if goes_on and (
                        summer or rng.random() < 0.9) else None
                    this_pre[(u, m)] = _scores(rng, row, prov[m], p, ti, post)
                    _outcome(rng, row, prov[m], goes_on)
                term_rows[p.klass].append(row)
        next_pre = this_pre
        group_sizes(term_rows)
        for c in class_order:
            rows[f"{c} {term}"] = term_rows[c]
            reviews[f"{c} {term}"] = [review(rng, p, ti, summer=False)
                                      for p in by_class.get(c, []) if p.status in ("K", "E")]
    order = [f"{c} {t}" for c in class_order for t in term_names]
    rows = {name: rows[name] for name in order}
    reviews = {name: reviews[name] for name in order}
    data, autumn = finish_year(rng, year0, people, sen, class_order, term_names, rows, reviews,
                               prov, notes=("Year 6 transition meetings with the secondary "
                                            "SENCos in June.",
                                            "Order a second Lego therapy set for the autumn."),
                               establishment=establishment)
    return SchoolYear(year, data, people, autumn, names, serial)


def _younger(rng: random.Random, p: ExamplePupil, classes: list[list[str]]) -> ExamplePupil:
    """``p`` a year earlier: a year group down, the same form, SEN status as it was then."""
    yi = YEARS.index(p.year) - 1
    roll = rng.random()
    if p.status == "E":
        status = "E" if roll < 0.7 else "K"            # the plan was issued in the later year
    elif p.status == "K":
        status = "K" if roll < 0.8 else "N"            # newly identified in the later year
    else:
        status = "K" if roll < 0.025 else "N"          # came off the SEN register since
    need, second = p.row["Primary need"], p.row["Secondary need"]
    if status == "N":
        need = second = None
    elif need is None:
        need, second = needs(rng, status)
    klass = classes[yi][p.form]
    row = {**p.row, "Year group": YEARS[yi], "Class": klass, "SEN status": status,
           "Primary need": need, "Secondary need": second}
    return ExamplePupil(row, p.name, YEARS[yi], klass, p.form, status,
                  schema.NEED_AREA.get(need or ""), p.age_months - 12)


def _new_name(rng: random.Random, used: set[int]) -> int:
    """A (forename, surname) pick no other pupil of any year has, while the lists allow."""
    combos = len(FORENAMES) * len(SURNAMES)
    while len(used) < combos:
        pick = rng.randrange(combos)
        if pick not in used:
            used.add(pick)
            return pick
    return rng.randrange(combos)


def _plans(rng: random.Random, pupils: list[ExamplePupil], later_plan: Plan,
           prov: dict[str, dict]) -> list[Plan]:
    """Each term's provisions per pupil, chosen backwards from what the later Autumn holds."""
    summer: Plan = {}
    for p in pupils:
        carried = later_plan.get(p.row["UPN"], [])
        if p.status == "N":
            summer[p.row["UPN"]] = [m for m in carried if m in CATCH_UP] or [catch_up(rng, p)]
            continue
        plan = [m for m in carried if rng.random() < 0.8] or choose(rng, p, prov)
        if rng.random() < 0.3:                       # and one that stopped in the summer
            plan += [m for m in choose(rng, p, prov) if m not in plan][:1]
        summer[p.row["UPN"]] = list(dict.fromkeys(plan))
    out = [summer]
    for _ in range(len(schema.DEFAULT_TERMS) - 1):
        after, plan_ = out[0], {}
        for p in pupils:
            u = p.row["UPN"]
            kept = [m for m in after[u] if rng.random() < 0.8]
            plan_[u] = kept or (choose(rng, p, prov) if p.status != "N" else after[u])
        out.insert(0, plan_)
    return out


def _plausible(provision: dict, value: float) -> float:
    """Keep a score worked out backwards on its scale (up to its Highest score)."""
    kind = provision.get("Measure kind")
    if kind == "months":
        return max(30, value)
    if kind == "standardised":
        return max(55, value)
    return on_scale(provision, value)


def _scores(rng: random.Random, row: dict, provision: dict, p: ExamplePupil, ti: int,
            post: float | None) -> float:
    """Pre and Post of a row whose Post is given (next term's Pre) or drawn; returns Pre."""
    if post is None:
        post = measure_value(rng, provision, p, ti)
    step = gain(rng, provision)
    lower_is_better = provision.get("Higher is better") == "N"
    pre = _plausible(provision, post + step if lower_is_better else post - step)
    set_scores(rng, row, provision, pre, post)
    return pre


def _outcome(rng: random.Random, row: dict, provision: dict, goes_on: bool) -> None:
    """A finished term's outcome from the gain; Continue exactly when the provision goes on."""
    progress = row["_post"] - row["_pre"]
    if provision.get("Higher is better") == "N":
        progress = -progress
    if progress <= 0:
        row["Outcome"] = "Not achieved"
        row["Next step"] = "Continue" if goes_on else rng.choice(("Change", "Refer"))
        row["Comments"] = ("No progress yet: one more term, then review with the SENCo."
                           if goes_on else "Little progress: discuss an alternative with "
                           "the SENCo.")
    elif progress >= 6:
        row["Outcome"], row["Next step"] = "Achieved", "Continue" if goes_on else "Stop"
    else:
        row["Outcome"] = "Partly achieved"
        row["Next step"] = "Continue" if goes_on else rng.choice(("Change", "Stop"))
