"""Reports: the forms a scorecard is read in (JSON, CSV, text table; HTML and Excel later)."""
