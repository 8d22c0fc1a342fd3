"""Sales-system audit workbench: from a client's CRM export to an HTML and PDF audit report."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sales-audit-workbench")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"
