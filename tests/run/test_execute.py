"""A notebook's failure as a person reads it: in the run's progress and in a refused release; and what a
worker process of a run imports."""

import subprocess
import sys

from kpro_econ.records.run_records import RunErrorRecord
from kpro_econ.run.execute import failure_text


def test_a_failure_names_the_cell_counted_from_one_and_the_errors_first_line() -> None:
    failure = RunErrorRecord(notebook="steering_summary", cell_index=2, ename="ValueError", evalue="ingen\ndetaljer")
    assert failure_text(failure) == " i celle 3: ValueError: ingen"


def test_a_failure_outside_any_cell_says_only_what() -> None:
    failure = RunErrorRecord(notebook="cost_model", ename="DeadKernelError", evalue="kernen døde")
    assert failure_text(failure) == ": DeadKernelError: kernen døde"


def test_a_worker_imports_neither_pandas_nor_matplotlib_nor_the_params_models() -> None:
    """Every worker process of every run imports this module, and pays for everything it imports."""
    heavy = ("pandas", "matplotlib", "kpro_econ.params.models")
    code = f"import sys, kpro_econ.run.execute; print(*(m for m in {heavy!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.split() == []
