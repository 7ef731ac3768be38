"""The script at the end of every draft page of a run: it shows the state `approval-status.js` sets.

`pack_status` writes that file (run, approve, release, status); the pages only load it. Apart from
`pack_status`, which words the states with the report's labels: rendering a page (in every worker
process of a run) needs this script, not the labels and the model they are declared with.
"""

from __future__ import annotations

from kpro_econ.params.codes import RunState
from kpro_econ.records.run_records import PACK_STATUS

STEERING_FOLDER = "steering"

# Loaded and run at the end of every draft page of the pack: once the run is approved or released it
# sets the text of each `data-kpro-status` element (textContent, never HTML) and turns a draft mark
# into a stamp. A draft keeps the page's own words; a run changed after approval keeps the draft
# mark's warning colours, and a page named in `changed` (by its file name) shows `page_text`.
PAGE_SCRIPT = f"""<script src="{PACK_STATUS}"></script>
<script>
(function () {{
  var status = window.kproPackStatus;
  if (!status || typeof status.text !== "string" || status.state === "draft") {{ return; }}
  var page = decodeURIComponent(window.location.pathname.split("/").pop() || "index.html");
  var own = Array.isArray(status.changed) && status.changed.indexOf(page) >= 0;
  var text = own && typeof status.page_text === "string" ? status.page_text : status.text;
  document.querySelectorAll("[data-kpro-status]").forEach(function (element) {{
    element.textContent = text;
    element.setAttribute("data-state", String(status.state));
    if (status.state !== "{RunState.CHANGED}") {{ element.classList.replace("kpro-draft", "kpro-stamp"); }}
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
