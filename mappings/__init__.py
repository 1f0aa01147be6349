"""Data only: vocabularies, crosswalk table and CSV column maps (read with importlib.resources)."""
