"""Benchmarks for the speed targets; `python -m bench` runs them and prints figures."""
