"""Evaluation: test sets, sacrebleu metrics with signatures, significance tests, reports."""

from fa2en.evaluate.data import TestSet, load_testset, read_lines
from fa2en.evaluate.metrics import METRICS, Metric, MetricScore

__all__ = ["METRICS", "Metric", "MetricScore", "TestSet", "load_testset", "read_lines"]
