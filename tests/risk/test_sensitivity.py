"""Tornado swings and variance shares, against numbers worked out by hand.

The model is `small_params()` (years 2025–2026, price level 2025) with no change requests and one
risk R1: p = 0.25, cost PERT(100,000, 200,000, 600,000) with mean 250,000, expected value 62,500.
At the means the cost model totals 3,780,000 (2025) + 3,812,000 (2026) = 7,592,000, so the
expected total is 7,654,500. Uncertain: the 2026 infrastructure fee PERT(400,000, 500,000, 900,000)
(mean 550,000) and the support price change PERT(0, 0.1, 0.2) on 420,000 from 2026 (mean 462,000).
"""

from __future__ import annotations

from typing import Any

import pytest
from model_helpers import register, small_params

from kpro_econ.inputs.risk_register import risk_register_from_items
from kpro_econ.report.labels import with_input_labels
from kpro_econ.risk.montecarlo import UncertainInput, simulate
from kpro_econ.risk.sensitivity import SENSITIVITY_COLUMNS, risk_swing, sensitivity, tornado

NO_CHANGE_REQUESTS = register()
CENTRE = 7_654_500.0


def risks() -> Any:
    return risk_register_from_items([{
        "id": "R1", "title": "Bølge 5 bliver nødvendig", "category": "implementering", "owner": "Programmet",
        "likelihood_inherent": 3, "impact_inherent": 4, "likelihood_residual": 2, "impact_residual": 4,
        "status": "open", "probability": 0.25, "cost_low": 100_000, "cost_mode": 200_000, "cost_high": 600_000,
        "last_reviewed": "2024-01-01",
    }], "params.yaml", [2025, 2026])


def test_tornado_swings_each_input_with_the_others_at_their_means():
    table = tornado(small_params(), NO_CHANGE_REQUESTS, risks())
    rows = {r.input: (r.low_total_dkk, r.high_total_dkk, r.swing_dkk) for r in table.itertuples()}
    assert rows == {
        # the risk: not occurring (centre − 62,500) or occurring at 600,000 (centre − 62,500 + 600,000)
        "risk.R1": pytest.approx((7_592_000, 8_192_000, 600_000)),
        # infrastructure 2026 at 400,000 or 900,000 instead of 550,000
        "fees.infrastructure.2026": pytest.approx((CENTRE - 150_000, CENTRE + 350_000, 500_000)),
        # 2026 support 420,000 · (1 + 0) or · (1 + 0.2) instead of 462,000
        "support.renegotiation.change": pytest.approx((CENTRE - 42_000, CENTRE + 42_000, 84_000)),
    }
    assert table["input"].tolist() == ["risk.R1", "fees.infrastructure.2026", "support.renegotiation.change"]


def test_a_risk_swings_from_not_occurring_to_its_high_cost():
    assert risk_swing(UncertainInput("risk.A", 10, 20, 90, probability=0.3)) == (0, 90)
    assert risk_swing(UncertainInput("risk.B", 10, 20, 90, probability=1.0)) == (10, 90)  # cannot not occur


def test_variance_shares_are_each_inputs_part_of_the_variance():
    # Var: infrastructure (550k − 400k)(900k − 550k)/7 = 7.5e9; support 420,000² · (0.1 · 0.1 / 7) = 2.52e8;
    # risk p·E[C²] − (p·E[C])² = 0.25 · (7.5e9 + 250,000²) − (62,500)² = 1.359375e10. Total 2.134575e10.
    params = small_params(monte_carlo={"iterations": 200_000, "seed": 11})
    simulation = simulate(params, NO_CHANGE_REQUESTS, risks())
    table = sensitivity(params, NO_CHANGE_REQUESTS, risks(), simulation)
    assert list(table.columns) == SENSITIVITY_COLUMNS
    shares = dict(zip(table["input"], table["variance_share"], strict=True))
    assert shares == pytest.approx({"risk.R1": 0.63683, "fees.infrastructure.2026": 0.35136,
                                    "support.renegotiation.change": 0.01181}, abs=0.01)
    assert sum(shares.values()) == pytest.approx(1.0)


def test_inputs_carry_their_title_and_the_report_names_them_in_danish():
    table = tornado(small_params(), NO_CHANGE_REQUESTS, risks())
    titles = dict(zip(table["input"], table["title"], strict=True))
    assert titles == {"risk.R1": "Bølge 5 bliver nødvendig", "fees.infrastructure.2026": "",
                      "support.renegotiation.change": ""}
    named = with_input_labels(table)
    assert "title" not in named and list(named.columns)[:2] == ["input", "label"]
    labels = dict(zip(named["input"], named["label"], strict=True))
    assert labels == {"risk.R1": "Risiko R1: Bølge 5 bliver nødvendig",
                      "fees.infrastructure.2026": "Vederlag for infrastruktur og samarbejde 2026",
                      "support.renegotiation.change": "Supportpris, ændring ved genforhandling"}
