"""The friendly edge: YAML params, register readers, municipalities, FOLK1A and earlier runs, with one-line errors."""
