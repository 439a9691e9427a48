"""Placeholder: `cnncalc exercise` is being written (issue 13)."""
