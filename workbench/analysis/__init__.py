"""Analysis modules: pure functions from canonical tables to typed results."""
