"""Renderers: the only code that formats results (and the only code importing rich)."""
