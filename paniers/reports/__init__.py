"""Reports: one small framework (columns as functions, grouping and totals declared once,
one renderer per format) and the reports the collective asks for."""
