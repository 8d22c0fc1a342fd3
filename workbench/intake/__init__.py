"""The audit intake: the 11-layer questionnaire (``questionnaire.yaml``), its answers and their files."""
