"""Placeholder: `cnncalc numeric` is being written (issue 13)."""
