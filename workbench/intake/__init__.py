"""The audit intake: the 11-layer questionnaire and its answers."""
