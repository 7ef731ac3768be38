"""`kpro-econ verify FILE`: is this PDF or HTML exactly the summary that was released?

It is, when its sha256 is among the files of a release line in the ledger, the ledger's chain is
intact and reaches every head recorded beside it (and the head the file itself shows, for the HTML),
and the run it names still checks as released: approved, signed, every file unchanged, the pack as
recorded. Anything else is named, one line per problem.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from kpro_econ.errors import ApprovalError
from kpro_econ.params.codes import RunState
from kpro_econ.records.ledger_heads import RecordedHead, heads_in_page, read_checked
from kpro_econ.records.run_records import LEDGER, MANIFEST, ReleaseRecord, os_reason
from kpro_econ.release.approval import check_run
from kpro_econ.report.formatting import approver_names
from kpro_econ.report.times import danish_datetime
from kpro_econ.run.runfolder import sha256_file


def verify_file(path: Path, out_dir: Path) -> str:
    """The line that says `path` is exactly a released summary of a run in `out_dir`; ApprovalError
    with one line per problem when it is not, or when what it was released from no longer checks."""
    try:
        sha = sha256_file(path)
    except OSError as exc:
        raise ApprovalError(f"{path}: filen kan ikke læses ({os_reason(exc)})") from None
    ledger_path = out_dir.resolve() / LEDGER  # as the run's check names it
    if not ledger_path.exists():
        raise ApprovalError(f"{ledger_path}: ingen godkendelseslog; angiv rapportmappen med --out")
    shown = [RecordedHead(head, path.name) for head in heads_in_page(path)] if path.suffix.lower() == ".html" else []
    ledger, cut = read_checked(ledger_path, shown)
    problems = [*ledger.problems, *cut]
    releases = [r for r in ledger.records if isinstance(r, ReleaseRecord) and sha in r.files.values()]
    if not releases:
        problems.append(f"{path}: filen er ikke frigivet: dens sha256 {sha} står ikke i nogen frigivelse i "
                        f"{ledger_path}")
        raise ApprovalError("\n".join(problems))
    release = releases[-1]
    run_dir = out_dir / release.run_id
    if not (run_dir / MANIFEST).is_file():
        problems.append(f"{run_dir}: kørselsmappen, filen blev frigivet fra, findes ikke")
        raise ApprovalError("\n".join(problems))
    check = check_run(run_dir)
    problems += check.problems
    if check.state != RunState.RELEASED and not check.problems:
        problems.append(f"{run_dir}: kørslen er ikke frigivet, men {check.label}")
    elif check.release is not None and check.release != release:
        problems.append(f"{run_dir}: frigivelsen af filen passer ikke til kørslens manifest.json, som den er nu")
    if problems:
        raise ApprovalError("\n".join(dict.fromkeys(problems)))
    who = approver_names(check.approvals)
    when = danish_datetime(datetime.fromisoformat(release.released_at))
    return f"Frigivet: {path.name} er den fil, der blev frigivet fra kørsel {release.run_id}, godkendt af {who}, " \
           f"frigivet {when}"
