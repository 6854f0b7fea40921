"""Test support: small local checkpoints for tests and benchmarks. **Not public API.**

Like ``transformers.testing_utils``, this package serves fa2en's own test suite and benchmark
scripts; it may change at any time without notice. Nothing in the translation pipeline imports it.
"""
