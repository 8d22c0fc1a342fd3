"""The names of the files a run writes beside the report (the CLI reads them without loading the report)."""

METRICS_FILE = "metrics.json"
QUARANTINE_FILE = "quarantine.csv"
QUARANTINE_XLSX = "quarantine.xlsx"
# The full list of class D customers; named by the report section whose text cites it.
D_CLASS_XLSX = "class_d_customers.xlsx"
