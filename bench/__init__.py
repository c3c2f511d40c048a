"""The benchmark (not part of the package): ``python bench/run.py``."""
