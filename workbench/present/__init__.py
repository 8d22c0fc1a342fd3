"""Presentation: formatting, text, charts and report sections."""
