"""Running the workbook: Papermill workers and kernels, nbconvert rendering, the run folder and its manifest."""

import sys

# nbformat (under Papermill and nbconvert) imports jsonschema, whose format checkers import rfc3987_syntax
# when it is installed (JupyterLab brings it), and that module builds some 35 Lark parsers as it loads:
# 1.4 of the 1.9 s Papermill takes to import, in every process of a run (python-jsonschema/jsonschema#1428).
# It checks only the `iri` format, which no notebook schema uses; None here makes jsonschema leave it out.
# Set before any module of this package can import nbformat; an import that already happened is kept.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

# What other layers and the notebooks import: the modules, by name. Importing the package loads none
# of them; each is imported where it is used.
# Not listed, the package's own: kernels, lifeline, page_script and render, the runner's.
__all__ = [
    "execute", "fingerprint", "handover", "pack_pdf", "pack_status", "pdf", "runfolder", "runner", "steering_inputs"
]
