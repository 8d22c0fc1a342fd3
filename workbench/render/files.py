"""The names of the files a run writes beside the report (the CLI reads them without loading the report)."""

METRICS_FILE = "metrics.json"
QUARANTINE_FILE = "quarantine.csv"
QUARANTINE_XLSX = "quarantine.xlsx"
