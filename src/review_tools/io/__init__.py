"""Import of database exports (RIS, BibTeX, MEDLINE, Web of Science, CSV/XLSX) and writers.

:func:`review_tools.io.importer.import_file` reads one export into normalised records and a list of
per-record problems; :mod:`review_tools.io.writers` writes record sets back out.
"""
