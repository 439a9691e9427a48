"""The JSON Schema of `--format json` (cnncalc.schema.json; `cnncalc schema` prints it)."""
