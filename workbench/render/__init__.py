"""Rendering: HTML and PDF of executed notebooks, metrics.json, atomic writes."""
