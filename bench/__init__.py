"""Benchmarks of pricing_site, side by side with their floors (`python -m bench`)."""
