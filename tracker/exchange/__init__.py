"""Data in and out of the tracker: spreadsheet import first (DESIGN §7, issue 15)."""
