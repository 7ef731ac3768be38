"""Wires the KPIs together for one scenario (`workbook.kpi_tables` gives the tables the run writes to `data/`)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpro_econ.kpi import measures as kpi
from kpro_econ.params.kpi import KpiSettings


@dataclass(frozen=True)
class KpiResult:
    """Everything the KPI report shows; each frame as the `kpi` function of the same name returns it."""

    settings: KpiSettings
    availability: pd.DataFrame
    response_times: pd.DataFrame
    support_by_channel: pd.DataFrame
    support_by_category: pd.DataFrame
    support_channel_share: pd.DataFrame
    errors: pd.DataFrame
    live_against_plan: pd.DataFrame
    wave4_not_ready: pd.DataFrame
    wave5_decision: pd.DataFrame
    adoption_by_month: pd.DataFrame
    active_citizens_per_1000: pd.DataFrame
    change_request_counts: pd.DataFrame
    lead_times: pd.DataFrame
    lead_time_trend: pd.DataFrame
    estimates_vs_actual: pd.DataFrame
    cost_per_use: pd.DataFrame
    sample_sources: tuple[str, ...]
    """Sources of the rows marked as sample data in the operations and adoption inputs (empty if none)."""


def compute_kpis(
    settings: KpiSettings, operations: pd.DataFrame, adoption: pd.DataFrame, change_requests: pd.DataFrame,
    municipalities: pd.DataFrame, costs: pd.DataFrame,
) -> KpiResult:
    """Every KPI from the validated inputs and the cost model's long table (`costs.cost_by_year`)."""
    sample = pd.concat([operations.loc[operations["sample"], "source"], adoption.loc[adoption["sample"], "source"]])
    return KpiResult(
        settings=settings,
        availability=kpi.availability_by_month(operations, settings.availability_target),
        response_times=kpi.response_times_by_month(
            operations, settings.response_median_target_ms, settings.response_p95_target_ms),
        support_by_channel=kpi.support_by_month(operations, "channel"),
        support_by_category=kpi.support_by_month(operations, "category"),
        support_channel_share=kpi.support_channel_share(operations),
        errors=kpi.errors_by_month(operations),
        live_against_plan=kpi.live_against_plan(adoption),
        wave4_not_ready=kpi.wave4_not_ready(adoption),
        wave5_decision=kpi.wave5_decision(adoption, settings.wave5_threshold, settings.wave4_municipalities),
        adoption_by_month=kpi.adoption_by_month(adoption),
        active_citizens_per_1000=kpi.active_citizens_per_1000(adoption, municipalities),
        change_request_counts=kpi.change_request_counts(change_requests),
        lead_times=kpi.lead_times(change_requests),
        lead_time_trend=kpi.lead_time_trend(change_requests),
        estimates_vs_actual=kpi.estimates_vs_actual(change_requests),
        cost_per_use=kpi.cost_per_use(costs, adoption),
        sample_sources=tuple(sorted({str(s) for s in sample.fillna("Eksempeldata")})),
    )


