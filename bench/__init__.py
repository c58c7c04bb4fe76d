"""Benchmarks, run by hand (`make bench ARGS=NAME`); figures go to bench/README.md."""
