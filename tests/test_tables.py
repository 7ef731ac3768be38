"""`kpro_econ.tables`: the one declaration of every table, held against a real workbook."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import REPO

from kpro_econ.inputs.load import load_inputs
from kpro_econ.records.history import RunArchive
from kpro_econ.report.labels import CODE_LABELS, SHEET_LABELS, header
from kpro_econ.tables import TABLES, Table, conformed, frame_problems
from kpro_econ.workbook import compute_tables


@pytest.fixture(scope="module")
def default_tables(tmp_path_factory: pytest.TempPathFactory) -> dict[Table, pd.DataFrame]:
    empty = tmp_path_factory.mktemp("no-reports")
    return compute_tables(load_inputs(REPO / "params" / "default.yaml", earlier=RunArchive(empty, previous_run="")))


def test_the_default_params_make_every_declared_table(default_tables: dict[Table, pd.DataFrame]) -> None:
    assert set(default_tables) == set(Table) == set(TABLES)


@pytest.mark.parametrize("table", list(Table), ids=str)
def test_every_frame_of_the_default_workbook_matches_its_declaration(
    table: Table, default_tables: dict[Table, pd.DataFrame]
) -> None:
    assert frame_problems(table, default_tables[table]) == []


def test_a_frame_unlike_its_declaration_is_told_apart() -> None:
    summary = pd.DataFrame({"statistic": ["mean"], "value_dkk": [1]})  # an int where a float is declared
    assert frame_problems(Table.MONTECARLO_SUMMARY, summary) == [
        "montecarlo_summary.value_dkk: dtype int64, declared float64"]
    reordered = pd.DataFrame({"value_dkk": [1.0], "statistic": ["mean"]})
    assert frame_problems(Table.MONTECARLO_SUMMARY, reordered) == [
        "montecarlo_summary: columns ['value_dkk', 'statistic'], declared ['statistic', 'value_dkk'] "
        "(undeclared [], missing [])"]
    # As written, a table is put in its declared order.
    assert list(conformed(Table.MONTECARLO_SUMMARY, reordered).columns) == ["statistic", "value_dkk"]


def test_year_columns_and_optional_columns() -> None:
    # scenario_comparison: one column per budget year after the scenario; the Monte Carlo's only with a register.
    without_risks = pd.DataFrame({"scenario": ["Basis"], "2025": [1.0], "2026": [2.0], "total_dkk": [3.0],
                                  "npv_dkk": [2.9]})
    assert frame_problems(Table.SCENARIO_COMPARISON, without_risks) == []
    no_total = without_risks.drop(columns="total_dkk")
    assert frame_problems(Table.SCENARIO_COMPARISON, no_total) == [
        "scenario_comparison: columns ['scenario', '2025', '2026', 'npv_dkk'], declared "
        "['scenario', '2025', '2026', 'total_dkk', 'npv_dkk'] (undeclared [], missing ['total_dkk'])"]


def test_every_table_has_a_sheet_name_and_every_column_a_danish_header() -> None:
    assert set(SHEET_LABELS) == set(Table)
    for table, columns in TABLES.items():
        names = [column.name for column in columns]
        assert len(names) == len(set(names)), table
        for column in columns:
            if column.shown and column.written:
                assert column.per_year or header(column).strip(), f"{table}.{column.name}"
            assert column.codes is None or column.codes in CODE_LABELS, f"{table}.{column.name}"
