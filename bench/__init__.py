"""Benchmarks at province scale: the data set generator (`bench.scale`, run by `manage.py seed_scale`),
the harness (`python -m bench.run`, run by `make bench`) and its results (`bench/results.json`)."""
