"""Load and validate everything a params file refers to: the scenarios and their registers.

This is the friendly edge: it reads files, and it collects every problem before it gives up.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Concatenate, Literal, ParamSpec

import numpy as np
import pandas as pd

from kpro_econ.errors import AsTyped, ParamsError, Problem, unique_problems
from kpro_econ.inputs import budget as budget_inputs
from kpro_econ.inputs import kpi_registers as kpi_inputs
from kpro_econ.inputs import registers
from kpro_econ.inputs.earlier import (
    COST_BY_YEAR_CSV,
    NO_EARLIER_RUNS,
    REGISTER_CSV,
    ComparedRun,
    EarlierRuns,
    previous_register,
)
from kpro_econ.inputs.overrides import Override, ParamsReader, rewrite
from kpro_econ.inputs.risk_register import risk_register, risk_register_from_items
from kpro_econ.inputs.tables import display_path, not_a_file, read_table, resolved_path
from kpro_econ.inputs.yaml_params import ParsedYaml, scenarios_from
from kpro_econ.kpi.measures import fired_triggers, wave4_not_ready
from kpro_econ.model.assumptions import figures_in
from kpro_econ.model.costs import compute_cost_lines
from kpro_econ.model.prices import years_needed
from kpro_econ.params.codes import BASE_SCENARIO, CostLineCode, KpiTrigger
from kpro_econ.params.models import BudgetSettings, Params
from kpro_econ.risk.assessment import apply_triggers, risk_cost_lines
from kpro_econ.risk.iman_conover import correlation_problems
from kpro_econ.risk.montecarlo import uncertain_inputs

_P = ParamSpec("_P")


@dataclass(frozen=True)
class ScenarioInputs:
    """One scenario: its params and the validated registers they point to."""

    name: str
    params: Params
    change_requests: pd.DataFrame
    municipalities: pd.DataFrame
    risks: pd.DataFrame | None = None
    operations: pd.DataFrame | None = None
    adoption: pd.DataFrame | None = None


@dataclass(frozen=True)
class WorkbookInputs:
    """The params file, every scenario (the base `Basis` first) and every file that went into them."""

    params_path: Path
    scenarios: dict[str, ScenarioInputs]
    files: list[Path] = field(default_factory=list)
    previous_run: Path | None = None
    """The approved run the risk trend compares with (`EarlierRuns.compared_with`)."""
    previous_risks: pd.DataFrame | None = None
    actuals: pd.DataFrame | None = None
    budget_baseline: pd.DataFrame | None = None
    budget_baseline_run: Path | None = None
    overrides: list[str] = field(default_factory=list)
    """Every `run --set PATH=VALUE` applied to the base, as typed."""
    compared: ComparedRun | None = None
    """`previous_run` with its start time, as the reports name it."""

    @property
    def base(self) -> ScenarioInputs:
        return next(iter(self.scenarios.values()))


def load_inputs(
    params_path: Path, overrides: Sequence[Override] = (), earlier: EarlierRuns = NO_EARLIER_RUNS,
) -> WorkbookInputs:
    """Every scenario with its registers; a ParamsError listing every problem if anything is wrong.

    `overrides` (`run --set`) change the base before the scenarios; the file may `extends:` another.
    `earlier` names the approved runs the risk trend compares with (`risk.compare_to`) and the budget
    rests on (`budget.baseline`): the archive of earlier runs (`records.history.RunArchive`), or none.
    """
    reader = ParamsReader(overrides)
    try:
        return _load_inputs(Path(params_path), earlier, reader)
    except ParamsError as exc:
        raise ParamsError(rewrite(exc.problems, reader)) from None


def _load_inputs(params_path: Path, earlier: EarlierRuns, reader: ParamsReader) -> WorkbookInputs:
    data, lines = reader(params_path)  # parsed once: its lines also place the problems of the files it names
    scenarios = scenarios_from(ParsedYaml(data, lines), str(params_path))
    files = _InputFiles(display_path(params_path), params_path.parent, lines)
    loaded: dict[str, ScenarioInputs] = {}
    for name, params in scenarios.items():
        at = () if name == BASE_SCENARIO else ("scenarios", name)
        index_line = files.line(at, ("price_index",))
        files.problems += _missing_price_changes(params, files.params_file, at, index_line)
        change_requests = _change_requests(params, files, at)
        municipalities = _municipalities(params, files, at)
        risks = _risks(params, files, at)
        if change_requests is not None and municipalities is not None and risks is not False:
            operations, adoption = _kpi_inputs(params, files, at)
            not_ready = None if adoption is None else files.not_ready(adoption)
            risks = _triggered(params, risks, not_ready, files, at)
            params = _with_kpi_count(params, not_ready, files, at)
            # The base's groups are checked against its inputs (a scenario's keep the inputs still
            # uncertain in it, `workbook.simulate_scenarios`); only a model without problems can name them.
            if name == BASE_SCENARIO and not files.problems:
                names = [i.name for i in uncertain_inputs(params, change_requests, risks)]
                files.problems += [
                    replace(p, line=_correlation_line(p.field, files, at))
                    for p in correlation_problems(params.monte_carlo, names, files.params_file)
                ]
            if not files.problems:
                register = risks if isinstance(risks, pd.DataFrame) else None
                files.problems += _derived_problems(params, change_requests, register, files, at)
            loaded[name] = ScenarioInputs(name, params, change_requests, municipalities, risks, operations, adoption)
        else:
            _kpi_inputs(params, files, at)  # for their problems: those in every file are reported at once
    actuals = _actuals(scenarios[BASE_SCENARIO], files)
    signers = _allowed_signers(scenarios[BASE_SCENARIO], files)
    if files.problems:
        raise ParamsError(unique_problems(files.problems))
    risk = scenarios[BASE_SCENARIO].risk
    compared = earlier.compared_with(risk.compare_to if risk is not None else None, params_path)
    previous = compared.folder if compared is not None else None
    previous_risks = previous_register(previous) if previous is not None else None
    extra = [previous / REGISTER_CSV] if previous is not None else []
    baseline_run = None
    if actuals is not None:
        settings = scenarios[BASE_SCENARIO].budget or BudgetSettings()
        baseline_run = earlier.budget_baseline(settings.baseline, params_path)
    baseline = budget_inputs.baseline_costs(baseline_run) if baseline_run is not None else None
    extra += [baseline_run / COST_BY_YEAR_CSV] if baseline_run is not None else []
    # the params file and every file its extends chain names (the file itself is first in `reader.files`)
    used = [*reader.files, *files.tables, *signers, *extra]
    return WorkbookInputs(params_path, loaded, used, previous, previous_risks, actuals, baseline, baseline_run,
                          overrides=[str(o) for o in reader.overrides], compared=compared)


def _change_requests(params: Params, files: _InputFiles, at: tuple[str, ...]) -> pd.DataFrame | None:
    settings = params.change_requests
    if settings.items is not None:
        items, file = settings.items, files.params_file
        return files.once(("items", *at), lambda: registers.change_requests_from_items(items, file))
    assert settings.register_file is not None  # noqa: S101 (the model requires exactly one of the two)
    key = ("change_requests", "register")
    return files.register(settings.register_file, at, key, registers.change_requests)


def _municipalities(params: Params, files: _InputFiles, at: tuple[str, ...]) -> pd.DataFrame | None:
    allocation = params.allocation
    municipalities = files.register(
        allocation.municipalities, at, ("allocation", "municipalities"), registers.municipalities
    )
    if allocation.population is None:
        return municipalities
    folk1a = files.table(allocation.population, at, ("allocation", "population"))
    if municipalities is None or folk1a is None:
        return None
    table, file = folk1a
    key = ("folk1a", str(files.resolve(allocation.municipalities)), file)
    return files.once(key, lambda: registers.apply_folk1a(municipalities, table, file))


def _risks(params: Params, files: _InputFiles, at: tuple[str, ...]) -> pd.DataFrame | Literal[False] | None:
    """The validated risk register; None when the params have no risk section, False when invalid."""
    settings = params.risk
    if settings is None:
        return None
    years = params.years
    if settings.items is not None:
        items, file = settings.items, files.params_file
        lines = [files.line(at, ("risk", "items", str(i))) for i in range(len(items))]
        key_lines = [
            {str(key): line for key in item if (line := files.line(at, ("risk", "items", str(i), str(key))))}
            for i, item in enumerate(items)
        ]
        risks = files.once(("risk_items", *at),
                           lambda: risk_register_from_items(items, file, years, lines, key_lines))
    elif settings.register_file is not None:
        risks = files.register(settings.register_file, at, ("risk", "register"), risk_register, tuple(years))
    else:
        files.problems.append(Problem(files.params_file, ".".join((*at, "risk")),
                                      "angiv et register (en fil) eller items (i parameterfilen)",
                                      line=files.line(at, ("risk",))))
        return False
    return False if risks is None else risks


def _triggered(
    params: Params, risks: pd.DataFrame | None, not_ready: int | None, files: _InputFiles, at: tuple[str, ...],
) -> pd.DataFrame | None:
    """The register with the KPI triggers of `risk.triggers` applied: a risk whose rule fires has occurred
    (`not_ready`: the KPI's count of wave-4 municipalities not ready, None without an adoption register)."""
    if params.risk is None or risks is None or not params.risk.triggers:
        return risks
    ids = set(risks["id"].astype(str))
    problems = [
        Problem(files.params_file, ".".join((*at, "risk", "triggers", risk_id)),
                "ingen risiko med dette id i registret", line=files.line(at, ("risk", "triggers", risk_id)))
        for risk_id in params.risk.triggers if risk_id not in ids
    ]
    if params.kpi is None:
        problems.append(Problem(files.params_file, ".".join((*at, "risk", "triggers")),
                                "en KPI-udløser kræver kpi-afsnittet (dets antal kommuner, der ikke er klar)",
                                line=files.line(at, ("risk", "triggers"))))
    files.problems += problems
    if problems or params.kpi is None or not_ready is None:
        return risks
    fired = fired_triggers(not_ready, params.kpi.wave5_threshold)
    # With the routes costed, the wave-5 rule's cost is the route's line, not the risk's own estimate.
    routed = {KpiTrigger.WAVE5} if params.wave_routes is not None else set()
    return apply_triggers(risks, params.risk.triggers, fired, routed)


def _with_kpi_count(params: Params, not_ready: int | None, files: _InputFiles, at: tuple[str, ...]) -> Params:
    """The params with `wave_routes.not_ready` set to the KPI's count, so that the count picks the route."""
    routes = params.wave_routes
    if routes is None or params.kpi is None:
        return params
    threshold = params.kpi.wave5_threshold
    if routes.bilateral.capacity < threshold - 1:
        # the rule sends up to threshold − 1 municipalities bilaterally: the support must be able to take them
        files.problems.append(Problem(
            files.params_file, ".".join((*at, "wave_routes", "bilateral", "capacity")),
            f"skal være mindst kpi.wave5_threshold - 1 = {threshold - 1}, det højeste antal, bølge 5-reglen "
            "sender bilateralt", routes.bilateral.capacity, files.line(at, ("wave_routes", "bilateral", "capacity"))))
        return params
    if not_ready is None:
        return params
    counted = routes.model_copy(update={"not_ready": not_ready})
    return params.model_copy(update={"wave_routes": counted})


def _correlation_line(field_path: str, files: _InputFiles, at: tuple[str, ...]) -> int | None:
    """Line of a correlation problem's key, `monte_carlo.correlations.<group>.inputs` or `.rank_correlation`
    (a group's name may hold dots), else of its group, else of `correlations`."""
    group, _, key = field_path.removeprefix("monte_carlo.correlations.").rpartition(".")
    correlations = ("monte_carlo", "correlations")
    return files.line(at, (*correlations, group, key)) or files.line(at, (*correlations, group)) or files.line(
        at, correlations)


def _kpi_inputs(
    params: Params, files: _InputFiles, at: tuple[str, ...]
) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """The operations and adoption tables of the KPI report, when the params have a `kpi` section."""
    if params.kpi is None:
        return None, None
    operations = files.register(params.kpi.operations, at, ("kpi", "operations"), kpi_inputs.operations)
    adoption = files.register(params.kpi.adoption, at, ("kpi", "adoption"), kpi_inputs.adoption)
    return operations, adoption


def _allowed_signers(params: Params, files: _InputFiles) -> list[Path]:
    """The approval section's allowed signers file, an input like any other (its sha256 goes in the
    manifest); each line `IDENTITY[,…] [OPTIONS] KEYTYPE KEY` or a comment."""
    if params.approval is None or params.approval.allowed_signers is None:
        return []
    ref = params.approval.allowed_signers
    path, key = files.resolve(ref), ("approval", "allowed_signers")
    problem = not_a_file(path)
    if problem is not None:
        files.problems.append(Problem(files.params_file, ".".join(key), f"{display_path(path)}: {problem}",
                                      str(ref), files.line((), key)))
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        files.problems.append(Problem(display_path(path), "-", f"kan ikke læses som UTF-8-tekst ({exc})"))
        return []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#") and len(line.split()) < 3:
            message = "en godkender skal skrives IDENTITET NØGLETYPE NØGLE"
            files.problems.append(Problem(display_path(path), "-", message, line.strip()[:60], number))
    return [path]


@dataclass
class _InputFiles:
    """Reads each input file once, validates each register once, and keeps every problem.

    `at` is where a scenario's overrides live in the params (`()` for the base), `key` the params
    key that names the file, e.g. `("change_requests", "register")`.
    """

    params_file: str
    folder: Path
    lines: Mapping[tuple[str, ...], int]
    problems: list[Problem] = field(default_factory=list)
    tables: dict[Path, pd.DataFrame] = field(default_factory=dict)
    _unreadable: set[Path] = field(default_factory=set)
    _results: dict[Hashable, pd.DataFrame | None] = field(default_factory=dict)
    _not_ready: dict[int, int] = field(default_factory=dict)

    def not_ready(self, adoption: pd.DataFrame) -> int:
        """The KPI's count of wave-4 municipalities not ready in the latest extract of `adoption`, counted once
        for every scenario that reads the same register (`register` gives each the same frame, and keeps it for
        as long as this object lives: its id names it)."""
        if id(adoption) not in self._not_ready:
            self._not_ready[id(adoption)] = len(wave4_not_ready(adoption))
        return self._not_ready[id(adoption)]

    def resolve(self, ref: Path) -> Path:
        return resolved_path(self.folder / ref)

    def line(self, at: tuple[str, ...], key: tuple[str, ...]) -> int | None:
        """Line of `key` in a scenario's overrides, else in the base."""
        return self.lines.get((*at, *key), self.lines.get(key))

    def table(self, ref: Path, at: tuple[str, ...], key: tuple[str, ...]) -> tuple[pd.DataFrame, str] | None:
        """The file `ref` (relative to the params file) as read by `read_table`, and its display name."""
        path = self.resolve(ref)
        file = display_path(path)
        if path in self.tables:
            return self.tables[path], file
        if path in self._unreadable:
            return None  # and already reported
        field_path = ".".join((*at, *key))
        try:
            problem = not_a_file(path)
            if problem is not None:
                raise ParamsError([Problem(self.params_file, field_path, f"{file}: {problem}", str(ref),
                                           self.line(at, key))])
            self.tables[path] = read_table(path)
        except ParamsError as exc:
            self._unreadable.add(path)
            # A problem with the whole file says which params key led to it.
            self.problems += [replace(p, field=field_path) if p.field == "-" else p for p in exc.problems]
            return None
        return self.tables[path], file

    def register(
        self, ref: Path, at: tuple[str, ...], key: tuple[str, ...],
        validate: Callable[Concatenate[pd.DataFrame, str, _P], pd.DataFrame], *args: _P.args, **kwargs: _P.kwargs,
    ) -> pd.DataFrame | None:
        """The register in `ref` as `validate(table, file, *args, **kwargs)` makes it, validated once however
        many scenarios refer to it with the same arguments (a scenario's own `years` validates it again)."""
        read = self.table(ref, at, key)
        if read is None:
            return None
        table, file = read
        # Everything the result depends on is in the key: the function itself, the file and the arguments.
        once_key = (validate, file, args, tuple(sorted(kwargs.items())))
        return self.once(once_key, lambda: validate(table, file, *args, **kwargs))

    def once(self, key: Hashable, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame | None:
        """`compute()` the first time `key` is asked for; its problems are kept, its result cached."""
        if key not in self._results:
            try:
                self._results[key] = compute()
            except ParamsError as exc:
                self.problems += exc.problems
                self._results[key] = None
        return self._results[key]


def _actuals(params: Params, files: _InputFiles) -> pd.DataFrame | None:
    """The base scenario's actuals register, and every problem of the budget section."""
    if params.actuals is None:
        if params.budget is not None:
            files.problems.append(Problem(files.params_file, "budget", "kræver et actuals-afsnit (registret og "
                                          "dets opgørelsesdato)", line=files.line((), ("budget",))))
        return None
    as_of, years = params.actuals.as_of, params.years
    settings = params.budget or BudgetSettings()
    for i, override in enumerate(settings.forecast_overrides):
        key = ("budget", "forecast_overrides", str(i), "year")
        if override.year not in years:
            message = f"uden for modellens år {years[0]}–{years[-1]}"
        elif override.year < as_of.year:
            message = f"et afsluttet år (actuals.as_of er {as_of.isoformat()}): dets prognose er det bogførte"
        else:
            continue
        files.problems.append(Problem(files.params_file, ".".join(key), message, override.year, files.line((), key)))
    reported = {p.field for p in files.problems}
    needed = sorted({y for year in years for y in years_needed(params.price_level_year, year)})
    files.problems += [
        Problem(files.params_file, f"price_index.{year}", f"mangler: budgetopfølgningen omregner "
                f"{params.price_level_year}-priser til hvert års priser og kræver ændringen i {year}",
                line=files.line((), ("price_index",)))
        for year in needed if year not in params.price_index and f"price_index.{year}" not in reported
    ]
    return files.register(params.actuals.register_file, (), ("actuals", "register"), budget_inputs.actuals_register,
                          tuple(years), as_of)


def _missing_price_changes(params: Params, file: str, at: tuple[str, ...], line: int | None) -> list[Problem]:
    """A `price_index` year that converting some figure to `price_level_year` needs but lacks.

    Checked here so that `validate` reports it without running the cost model.
    """
    target = params.price_level_year
    first_need: dict[int, tuple[str, int]] = {}
    for name, price_year in _stated_price_years(params):
        for year in years_needed(price_year, target):
            first_need.setdefault(year, (name, price_year))
    return [
        Problem(file, ".".join((*at, "price_index", str(year))),
                f"mangler: {name} er i {price_year}-priser, og omregning til {target}-priser kræver "
                f"ændringen i {year}", line=line)
        for year, (name, price_year) in sorted(first_need.items()) if year not in params.price_index
    ]


def _stated_price_years(params: Params) -> Iterator[tuple[str, int]]:
    """(field path, price year) of every figure stated in another year's prices than the model's."""
    for path, figure in figures_in(params):
        # the price changes themselves are rates, not amounts
        if path[0] != "price_index" and figure.price_year is not None:
            yield ".".join(path), figure.price_year
    if params.change_requests.price_year is not None:
        yield "change_requests.price_year", params.change_requests.price_year


MAX_TOTAL_KRONER = 10**13
"""The largest a cost line may come to in one year, after price conversion: ten times the largest
amount a file may state (`MAX_KRONER`), and far below where sums could overflow."""

_LINE_KEYS: dict[CostLineCode, tuple[str, ...]] = {
    CostLineCode.FUT_FEE: ("fut_fee",),
    CostLineCode.SUPPORT: ("support",),
    CostLineCode.SPOC_OPTION: ("support", "spoc_option"),
    CostLineCode.CR_APPROVED: ("change_requests",),
    CostLineCode.CR_PIPELINE: ("change_requests",),
    CostLineCode.SOLUTION_FEE: ("fees", "solution"),
    CostLineCode.INFRASTRUCTURE_FEE: ("fees", "infrastructure"),
    CostLineCode.ADMINISTRATION: ("administration",),
    CostLineCode.RISK_POOL: ("risk",),
    CostLineCode.MITIGATION: ("risk",),
}
"""The params key behind each cost line: where a problem with the line's amounts points."""


def _derived_problems(
    params: Params, change_requests: pd.DataFrame, risks: pd.DataFrame | None, files: _InputFiles,
    at: tuple[str, ...],
) -> list[Problem]:
    """The cost lines the amounts come to, checked at validation: finite and at most MAX_TOTAL_KRONER a
    year, so that a run never overflows on inputs each within bounds (a price change of 10^300, say)."""
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            lines = compute_cost_lines(params, change_requests)
            if risks is not None:
                lines += risk_cost_lines(risks, params)
    except (ArithmeticError, ValueError) as exc:
        why = str(exc) or type(exc).__name__
        return [Problem(files.params_file, ".".join(at) or "-", f"beløbene kan ikke regnes ud ({why})")]
    problems = []
    for line in lines:
        for year, amount in line.amounts.items():
            value = float(np.asarray(amount, dtype=float).max())
            if not math.isfinite(value) or abs(value) > MAX_TOTAL_KRONER:
                key = _LINE_KEYS.get(line.code, ())
                message = (f"udgiftslinjen {line.code} bliver urimeligt stor i {year} (over 10.000.000.000.000 kr.); "
                           "tjek beløbene og prisindekset")
                problems.append(Problem(files.params_file, ".".join((*at, *key)) or "-", message,
                                        AsTyped(f"{value:g}"), files.line(at, key) if key else None))
                break
    return problems
