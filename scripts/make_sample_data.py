"""Write seeded sample inputs for the KPI report: `data/operations.csv` and `data/adoption.csv`.

    python scripts/make_sample_kpi_data.py [--seed 20230623] [--out data] \
        [--municipalities data/municipalities.csv]

The same seed gives the same files byte for byte. The municipalities, their waves and actual go-live
dates come from the municipality reference file, so the two stay consistent (a municipality without a
go-live date there stays not live here). Every row is marked `sample=true` with the source
"Eksempeldata (genereret, seed N)". Layouts: see `kpro_econ.inputs.kpi_registers`.

The story the sample tells, loosely after the minutes of 23 June 2023: waves 1–3 are live before 2024;
wave 4 (49 municipalities) goes live in cohorts January–June 2024 and puts pressure on support and
response times; 16 of its municipalities miss their planned date — one above the wave-5 threshold of 15.
Staff contact support more than citizens do.

The actuals (bogførte udgifter, 2024 to `actuals.as_of` of the params) follow the params: every
agreement's invoices at its expected amount, the other lines' budget booked month by month with some
noise, delivered change requests at their actual cost. Deliberate faults the reconciliation must
catch: the support agreement's third quarter of 2025 is never invoiced, one SPOC invoice is booked
twice, and the FUT fee for 2025 is invoiced 4 % off the agreement; a SPOC invoice corrected by a
credit note shows a credit note that nets out.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from kpro_econ.inputs.registers import change_requests as validate_change_requests
from kpro_econ.inputs.registers import municipalities as validate_municipalities
from kpro_econ.inputs.tables import read_table
from kpro_econ.inputs.yaml_params import BASE_SCENARIO, load_params
from kpro_econ.model.budget import agreement_periods, nominal_factor
from kpro_econ.model.costs import cost_by_year
from kpro_econ.params.codes import ChangeRequestStatus, CostLineCode
from kpro_econ.params.models import Params
from kpro_econ.report.labels import COST_LINE_LABELS

REPO = Path(__file__).resolve().parents[1]
ACTUALS_SEED_STREAM = 1  # the actuals draw from their own stream: the KPI files stay as they were
MISSING_QUARTER = ("support", "2025K3")
DUPLICATED_INVOICE = ("spoc_option", "2025-03")
OFF_AGREEMENT = ("fut_fee", "2025", 1.04)
CREDITED = ("spoc_option", "2024-09", 1_500.0)
SUPPLIERS = {
    CostLineCode.SOLUTION_FEE: "Løsningsleverandøren",
    CostLineCode.INFRASTRUCTURE_FEE: "Infrastrukturleverandøren",
    CostLineCode.ADMINISTRATION: "Region Nordjylland, løn",
    CostLineCode.CR_APPROVED: "Løsningsleverandøren",
}

FIRST_MONTH, LAST_MONTH = "2024-01", "2026-10"
WAVE4_COHORTS = [pd.Timestamp(d) for d in ("2024-01-15", "2024-02-01", "2024-03-01", "2024-04-02",
                                            "2024-05-01", "2024-06-03")]
WAVE4_LIVE_BUT_LATE = 8  # plus the wave-4 municipalities the reference file has not live: 8 + 8 = 16
CATEGORIES = {  # category: (weight among citizens' requests, weight among staff's)
    "Log-in og brugerstyring": (0.30, 0.35),
    "Udsendelse af spørgeskemaer": (0.05, 0.25),
    "Besvarelse af spørgeskema": (0.45, 0.05),
    "Teknisk fejl": (0.10, 0.20),
    "Andet": (0.10, 0.15),
}
ERRORS_PER_MONTH = {"kritisk": 0.3, "høj": 1.5, "middel": 4.0, "lav": 6.0}


def make_adoption(municipalities: pd.DataFrame, months: pd.DatetimeIndex, rng: np.random.Generator,
                  source: str) -> pd.DataFrame:
    """One row per month and municipality; the plan is fixed, actual go-live shows from its month."""
    plan = municipalities[["code", "name", "wave", "citizens", "go_live_date"]].rename(
        columns={"go_live_date": "actual_go_live"}).reset_index(drop=True)
    planned = plan["actual_go_live"].copy()
    early_waves = plan.index[(plan["wave"] < 4) & plan["actual_go_live"].notna()]
    slipped = rng.choice(early_waves, size=len(early_waves) // 7, replace=False)
    planned[slipped] = planned[slipped] - pd.DateOffset(months=1)
    wave4 = plan["wave"] == 4
    late_candidates = plan.index[wave4 & (plan["actual_go_live"] > WAVE4_COHORTS[0])]
    actual = pd.DatetimeIndex(plan["actual_go_live"])
    for i in rng.choice(late_candidates, size=WAVE4_LIVE_BUT_LATE, replace=False):
        earlier = [d for d in WAVE4_COHORTS if d < actual[int(i)]]
        planned[i] = earlier[int(rng.integers(len(earlier)))]
    not_live = plan.index[wave4 & plan["actual_go_live"].isna()]
    planned[not_live] = [WAVE4_COHORTS[3 + int(k)] for k in rng.integers(3, size=len(not_live))]
    plan = plan.assign(planned_go_live=planned,
                       rate_per_1000=rng.uniform(1.5, 6.0, len(plan)),
                       staff_per_1000=rng.uniform(0.4, 1.2, len(plan)))

    rows = []
    for month in months:
        month_end = month + pd.offsets.MonthEnd(0)
        since = ((month_end - plan["actual_go_live"]).dt.days / 30.4).fillna(-1.0)
        live = plan["actual_go_live"].notna() & (plan["actual_go_live"] <= month_end)
        ramp = np.where(live, 1 - np.exp(-(since + 1) / 6), 0.0)
        noise = rng.lognormal(0.0, 0.1, len(plan))
        active = np.round(plan["citizens"] / 1000 * plan["rate_per_1000"] * ramp * noise)
        # Staff get access a month before go-live, for training.
        staff_ramp = np.where(since >= -1, 1 - np.exp(-(since + 2) / 3), 0.0)
        staff = np.round((plan["citizens"] / 1000 * plan["staff_per_1000"] + 3) * staff_ramp)
        rows.append(pd.DataFrame({
            "month": month.strftime("%Y-%m"), "code": plan["code"], "name": plan["name"],
            "wave": plan["wave"],
            "planned_go_live": plan["planned_go_live"].dt.strftime("%Y-%m-%d"),
            "actual_go_live": plan["actual_go_live"].where(live).dt.strftime("%Y-%m-%d"),
            "staff_with_access": staff.astype("int64"), "active_citizens": active.astype("int64"),
        }))
    return pd.concat(rows, ignore_index=True).assign(sample="true", source=source)


def make_operations(adoption: pd.DataFrame, months: pd.DatetimeIndex, rng: np.random.Generator,
                    source: str) -> pd.DataFrame:
    """Availability, response times, support requests and errors per month, long (one figure a row)."""
    live = pd.Series(adoption["actual_go_live"].notna().groupby(adoption["month"]).sum().to_numpy(),
                     index=months)
    rows: list[dict[str, object]] = []

    def add(month: pd.Timestamp, measure: str, value: float | int, **dims: str) -> None:
        # Written as text so that counts stay whole numbers (`17`, not `17.0`) beside `99.94`.
        rows.append({"month": month.strftime("%Y-%m"), "measure": measure, "channel": dims.get("channel"),
                     "category": dims.get("category"), "severity": dims.get("severity"), "value": str(value)})

    for t, month in enumerate(months):
        # Wave 4's go-lives (January–June 2024) load support and the servers; both settle with time.
        wave4_load = 1.8 if month < pd.Timestamp("2024-07-01") else 1.0
        learning = np.exp(-t / 30)
        minutes = month.days_in_month * 24 * 60
        down = rng.uniform(5, 40) + (rng.uniform(60, 400) if rng.random() < 0.15 else 0.0)
        if month == pd.Timestamp("2024-03-01"):
            down = 280.0  # the month most of wave 4 met the support system at KOMBIT
        add(month, "availability_pct", round(float(100 * (1 - down / minutes)), 2))
        median = 380 * (1.15 if wave4_load > 1 else 1.0) * (1 - 0.004 * t) * rng.lognormal(0, 0.05)
        add(month, "response_median_ms", round(float(median)))
        add(month, "response_p95_ms", round(float(median * rng.uniform(2.8, 3.6))))
        for channel, per_live, weight in (("borger", 0.6, 0), ("medarbejder", 1.4, 1)):
            load = wave4_load if channel == "medarbejder" else 1.0
            expected = per_live * live[month] * (0.5 + learning) * load
            for category, weights in CATEGORIES.items():
                add(month, "support_requests", int(rng.poisson(expected * weights[weight])),
                    channel=channel, category=category)
        for severity, rate in ERRORS_PER_MONTH.items():
            add(month, "errors", int(rng.poisson(rate * wave4_load)), severity=severity)
    return pd.DataFrame(rows).assign(sample="true", source=source)


def make_actuals(params: Params, register: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Bookings from the first year to `actuals.as_of`: invoices, monthly bookings, delivered requests."""
    assert params.actuals is not None and params.budget is not None  # noqa: S101 (a check of the script's own result)
    as_of = params.actuals.as_of
    years = [y for y in params.years if y <= as_of.year]
    rows: list[dict[str, object]] = []

    def book(day: pd.Timestamp, line: CostLineCode, supplier: str, reference: str, amount: float, text: str) -> None:
        rows.append({"date": min(day, pd.Timestamp(as_of)).strftime("%Y-%m-%d"), "line": line.value,
                     "supplier": supplier, "reference": reference, "amount_dkk": f"{amount:.2f}", "text": text})

    invoiced: set[CostLineCode] = set()
    for agreement in params.budget.agreements:
        line = CostLineCode(agreement.line)
        invoiced.add(line)
        supplier = agreement.supplier or "FUT-infrastrukturen"
        for n, period in enumerate(agreement_periods(agreement, years), start=1):
            expected = agreement.expected_in(period.start.year)
            if period.start > as_of or expected is None or (agreement.id, period.label) == MISSING_QUARTER:
                continue
            day = pd.Timestamp(period.start) + pd.Timedelta(days=int(rng.integers(2, 15)))
            reference = f"{agreement.id.upper()}-{n:04d}"
            amount = expected * (OFF_AGREEMENT[2] if (agreement.id, period.label) == OFF_AGREEMENT[:2] else 1.0)
            if (agreement.id, period.label) == CREDITED[:2]:
                amount += CREDITED[2]
                book(day + pd.Timedelta(days=10), line, supplier, f"{reference}-K", -CREDITED[2],
                     f"Kreditnota til {reference}")
            book(day, line, supplier, reference, amount, f"{agreement.name} {period.label}")
            if (agreement.id, period.label) == DUPLICATED_INVOICE:
                book(day + pd.Timedelta(days=7), line, supplier, reference, amount, f"{agreement.name} {period.label}")

    costs = cost_by_year(params, register)
    for year in years:
        for cost in costs[costs["year"] == year].itertuples():
            code = CostLineCode(str(cost.line_code))
            if code in invoiced or code not in SUPPLIERS or code == CostLineCode.CR_APPROVED:
                continue
            monthly = float(cost.amount_dkk) * nominal_factor(params, year) / 12
            for month in range(1, 13):
                day = pd.Timestamp(year, month, 1) + pd.offsets.MonthEnd(0)
                if day.date() > as_of:
                    break
                amount = round(monthly * rng.lognormal(0.0, 0.06), 2)
                book(day, code, SUPPLIERS[code], f"{code.value.upper()}-{year}{month:02d}", amount,
                     f"{COST_LINE_LABELS[code]} {month:02d}.{year}")
    delivered = register[(register["status"] == ChangeRequestStatus.DELIVERED) & register["actual_cost"].notna()]
    for request in delivered.itertuples():
        day = pd.Timestamp(request.delivered_date) + pd.Timedelta(days=14)
        if day.date() <= as_of and day.year in years:
            book(day, CostLineCode.CR_APPROVED, SUPPLIERS[CostLineCode.CR_APPROVED], f"ÆØ-FAKTURA-{request.id}",
                 float(request.actual_cost), f"Levering af {request.id}")
    frame = pd.DataFrame(rows).sort_values(["date", "reference"], kind="stable", ignore_index=True)
    return frame.assign(sample="true")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20230623, help="random seed (default: the minutes' date)")
    parser.add_argument("--out", type=Path, default=Path("data"), help="folder to write the two CSV files to")
    parser.add_argument("--municipalities", type=Path, default=Path("data/municipalities.csv"),
                        help="the municipality reference file (waves and go-live dates)")
    parser.add_argument("--params", type=Path, default=REPO / "params" / "default.yaml",
                        help="the params whose agreements and budget the actuals follow")
    args = parser.parse_args(argv)
    municipalities = validate_municipalities(read_table(args.municipalities), str(args.municipalities))
    months = pd.date_range(FIRST_MONTH, LAST_MONTH, freq="MS")
    rng = np.random.default_rng(args.seed)
    source = f"Eksempeldata (genereret, seed {args.seed})"
    adoption = make_adoption(municipalities, months, rng, source)
    operations = make_operations(adoption, months, rng, source)
    params = load_params(args.params)[0][BASE_SCENARIO]
    assert params.change_requests.register_file is not None  # noqa: S101 (a check of the script's own result)
    cr_path = args.params.parent / params.change_requests.register_file
    register = validate_change_requests(read_table(cr_path), str(cr_path))
    actuals = make_actuals(params, register, np.random.default_rng([args.seed, ACTUALS_SEED_STREAM]))
    args.out.mkdir(parents=True, exist_ok=True)
    for name, frame in (("operations", operations), ("adoption", adoption), ("actuals", actuals)):
        path = args.out / f"{name}.csv"
        frame.to_csv(path, index=False, lineterminator="\n")
        print(f"{path}: {len(frame)} rækker")


if __name__ == "__main__":
    main()
