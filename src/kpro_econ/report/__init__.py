"""Presentation in Danish: labels, number formats, tables and charts per report, the steering summary."""
