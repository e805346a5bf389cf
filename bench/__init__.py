"""The performance benchmark: synthetic data at scales from tiny to L (`bench.generate`)."""
