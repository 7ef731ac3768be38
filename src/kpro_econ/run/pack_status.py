"""The state a run's pages show: a small script beside them, rewritten by approve and release.

The pages of a run cannot change after approval (their hashes are approved), so they do not hold
their state: each loads `approval-status.js` from its own folder (offline, no network) and shows the
text it sets. The file is outside the hashed set; without it a page says what it was made with,
"Udkast – afventer intern godkendelse". `kpro-econ status` remains the check of record, and it
rewrites the file when it finds otherwise (`release.stamp`): a run changed after approval says so on
every page, and a page that is itself among the changed files says that of itself (`changed`).
The script each page runs to show the file's text is `page_script.PAGE_SCRIPT`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from kpro_econ.inputs.files import write_atomically
from kpro_econ.params.codes import RunState
from kpro_econ.records.run_records import PACK_STATUS
from kpro_econ.report.labels import CHANGED_PAGE_TEXT, PACK_STATUS_TEXTS
from kpro_econ.report.times import danish_datetime


def status_text(state: RunState | str, approver: str | None, when: datetime) -> str:
    """What the pages say, in Danish: `Godkendt internt af Anna Holm 29. november 2026 kl. 11.42`."""
    template = PACK_STATUS_TEXTS.get(RunState(state), "{state}")
    return template.format(approver=approver or "ukendt", when=danish_datetime(when), state=state)


def pack_status_script(state: RunState | str, approver: str | None, when: datetime,
                       steering: Sequence[str] = (), *, changed: Sequence[str] = ()) -> str:
    """The text of `approval-status.js`: the state, the text the pages show; for a run changed after
    approval the pages (file names) that differ and what each of them says of itself; for a released
    run the files of its steering pack (names in `RUN/steering/`), which its index links."""
    record: dict[str, Any] = {
        "state": str(RunState(state)),
        "text": status_text(state, approver, when),
        "approver": approver,
        "when": when.isoformat(timespec="seconds"),
        "steering": sorted(steering),
    }
    if changed:
        record |= {"changed": sorted(changed), "page_text": CHANGED_PAGE_TEXT}
    # `<`, `>` and `&` as JSON escapes too, so the data is inert even if someone inlines the file.
    data = json.dumps(record, ensure_ascii=True, sort_keys=True)
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return ("// Skrevet af kpro-econ (run, approve, release, status): kørslens aktuelle status, som siderne "
            "viser.\n// Ikke en del af de godkendte filer; kpro-econ status er kontrollen og skriver filen "
            "om, når den finder andet.\n"
            f"window.kproPackStatus = {data};\n")


def write_pack_status(run_dir: Path, state: RunState | str, approver: str | None, when: datetime,
                      steering: Sequence[str] = (), *, changed: Sequence[str] = ()) -> Path:
    """Write `RUN/approval-status.js` saying the run is in `state` (by `approver`, at `when`; for a run
    changed after approval, which pages differ; for a released run, its steering pack's files)."""
    path = run_dir / PACK_STATUS
    write_atomically(path, pack_status_script(state, approver, when, steering, changed=changed))
    return path
