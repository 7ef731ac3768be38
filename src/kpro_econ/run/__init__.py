"""Running the workbook: Papermill workers and kernels, nbconvert rendering, the run folder and its manifest."""

# What other layers and the notebooks import: the modules, by name. Importing the package loads none
# of them; each is imported where it is used.
# Not listed, the package's own: kernels, lifeline and render, the runner's.
__all__ = [
    "execute", "fingerprint", "handover", "pack_pdf", "pack_status", "pdf", "runfolder", "runner", "steering_inputs"
]
