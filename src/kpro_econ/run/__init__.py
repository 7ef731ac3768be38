"""Running the workbook: Papermill workers and kernels, nbconvert rendering, the run folder and its manifest."""
