"""The data model: the `jixiao/1` document, schemes, exact numbers and derived values."""
