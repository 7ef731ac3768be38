"""The exception family: each refusal carries the fields a caller needs, and its message is built from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpro_econ.errors import ApprovalError
from kpro_econ.params.codes import RunState
from kpro_econ.records.run_records import Manifest
from kpro_econ.release.approval import RunCheck, check_run, refusal


def test_an_approval_error_names_the_run_and_lists_the_files_under_the_reason() -> None:
    run = Path("reports") / "20261125-184512-default"
    exc = ApprovalError("kan ikke godkendes, fordi dette er ændret eller ikke passer:", run,
                        ["data/change_requests.csv: ændret", "index.html: fjernet"])
    assert (exc.run, exc.reason) == (run, "kan ikke godkendes, fordi dette er ændret eller ikke passer:")
    assert exc.files == ("data/change_requests.csv: ændret", "index.html: fjernet")
    assert str(exc) == (f"{run}: kan ikke godkendes, fordi dette er ændret eller ikke passer:\n"
                        "  data/change_requests.csv: ændret\n"
                        "  index.html: fjernet")
    alone = ApprovalError("--as: godkenderens identitet mangler (fx anna@rn.dk)")
    assert (alone.run, alone.files, str(alone)) == (None, (), "--as: godkenderens identitet mangler (fx anna@rn.dk)")


def test_a_folder_without_a_manifest_is_refused_by_its_run(tmp_path: Path) -> None:
    run = tmp_path / "20261125-184512-default"
    with pytest.raises(ApprovalError) as caught:
        check_run(run)
    assert caught.value.run == run and caught.value.files == ()
    assert caught.value.reason == "ingen kørselsmappe (manifest.json mangler)"
    assert str(caught.value) == f"{run}: ingen kørselsmappe (manifest.json mangler)"


def test_a_changed_run_is_refused_release_with_what_changed() -> None:
    run = Path("reports") / "r1"
    changes = ["data/change_requests.csv: ændret", "r1/steering/: findes, men frigivelsen står ikke i "
               "godkendelsesloggen"]
    refused = refusal(RunCheck(run, Manifest(run_id="r1"), RunState.CHANGED, problems=changes), "frigives")
    assert refused is not None and refused.run == run and refused.files == tuple(changes)
    assert str(refused) == "\n".join([f"{run}: kan ikke frigives, fordi dette er ændret eller ikke passer:",
                                      *(f"  {c}" for c in changes)])
    draft = refusal(RunCheck(run, Manifest(run_id="r1"), RunState.DRAFT, notes=["0 af 2 godkendelser"]), "frigives")
    assert draft is not None and draft.files == ()
    assert str(draft) == f"{run}: kørslen er ikke godkendt (0 af 2 godkendelser); kør først kpro-econ approve"
