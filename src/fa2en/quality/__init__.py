"""Reference-free quality checks of translations, and the bilingual review they feed."""

from fa2en.quality.checks import CHECKS, Candidate, Flag, run_checks, warm_up
from fa2en.quality.config import QualityConfig, load_quality_config

__all__ = [
    "CHECKS",
    "Candidate",
    "Flag",
    "QualityConfig",
    "load_quality_config",
    "run_checks",
    "warm_up",
]
