"""The state a run's pages show: a small script beside them, rewritten by approve and release.

The pages of a run cannot change after approval (their hashes are approved), so they do not hold
their state: each loads `approval-status.js` from its own folder (offline, no network) and shows the
text it sets. The file is outside the hashed set; without it a page says what it was made with,
"Udkast – afventer intern godkendelse". `kpro-econ status` remains the check of record.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from kpro_econ.inputs.run_records import PACK_STATUS, write_atomically
from kpro_econ.params.codes import RunState
from kpro_econ.report.labels import PACK_STATUS_TEXTS
from kpro_econ.run.render import danish_datetime

STEERING_FOLDER = "steering"

# Loaded and run at the end of every draft page of the pack: once the run is approved or released it
# sets the text of each `data-kpro-status` element (textContent, never HTML) and turns a draft mark
# into a stamp. A draft keeps the page's own words.
PAGE_SCRIPT = f"""<script src="{PACK_STATUS}"></script>
<script>
(function () {{
  var status = window.kproPackStatus;
  if (!status || typeof status.text !== "string" || status.state === "draft") {{ return; }}
  document.querySelectorAll("[data-kpro-status]").forEach(function (element) {{
    element.textContent = status.text;
    element.setAttribute("data-state", String(status.state));
    element.classList.replace("kpro-draft", "kpro-stamp");
  }});
  // A released run's index links its steering pack: plain file names in steering/, nothing else.
  var files = status.state === "released" && Array.isArray(status.steering) ? status.steering : [];
  files = files.filter(function (name) {{
    return typeof name === "string" && /^[^\\\\/.][^\\\\/]*\\.(html|pdf)$/.test(name);
  }});
  document.querySelectorAll("[data-kpro-released]").forEach(function (element) {{
    var list = element.querySelector("ul");
    files.forEach(function (name) {{
      var link = document.createElement("a");
      link.href = "{STEERING_FOLDER}/" + encodeURIComponent(name);
      link.textContent = name;
      var item = document.createElement("li");
      item.appendChild(link);
      list.appendChild(item);
    }});
    element.hidden = files.length === 0;
  }});
}})();
</script>"""


def status_text(state: RunState | str, approver: str | None, when: datetime) -> str:
    """What the pages say, in Danish: `Godkendt internt af Anna Holm 29. november 2026 kl. 11.42`."""
    template = PACK_STATUS_TEXTS.get(RunState(state), "{state}")
    return template.format(approver=approver or "ukendt", when=danish_datetime(when), state=state)


def write_pack_status(run_dir: Path, state: RunState | str, approver: str | None, when: datetime,
                      steering: Sequence[str] = ()) -> Path:
    """Write `RUN/approval-status.js` saying the run is in `state` (by `approver`, at `when`); a released
    run's index links the files of its steering pack (`steering`: names in `RUN/steering/`)."""
    record = {
        "state": str(RunState(state)),
        "text": status_text(state, approver, when),
        "approver": approver,
        "when": when.isoformat(timespec="seconds"),
        "steering": sorted(steering),
    }
    # `<`, `>` and `&` as JSON escapes too, so the data is inert even if someone inlines the file.
    data = json.dumps(record, ensure_ascii=True, sort_keys=True)
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = ("// Skrevet af kpro-econ (run, approve, release): kørslens aktuelle status, som siderne viser.\n"
            "// Ikke en del af de godkendte filer; kpro-econ status er kontrollen.\n"
            f"window.kproPackStatus = {data};\n")
    path = run_dir / PACK_STATUS
    write_atomically(path, text)
    return path
