"""Data generators for trying the site: demo members and a large seeded site for benchmarks."""
