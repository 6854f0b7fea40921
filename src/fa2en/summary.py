"""What a run did: the summary printed at the end, and the structured ``event=`` log lines."""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("fa2en.job")


@dataclass
class Summary:
    """What a run did; printed at the end and written to ``OUTDIR/.fa2en-run.json``."""

    done: int = 0
    skipped: int = 0
    kept: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    paragraphs: int = 0
    sentences: int = 0
    src_tokens: int = 0
    out_tokens: int = 0
    seconds: float = 0.0
    translate_seconds: float = 0.0
    interrupted: bool = False
    #: sentences checked, and how many were flagged by each reason (when checks are on)
    checked: int = 0
    flagged: dict[str, int] = field(default_factory=dict)
    flagged_sentences: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def tokens_per_second(self) -> float:
        """Source plus output tokens per second of translation (model loading not counted)."""
        return (
            (self.src_tokens + self.out_tokens) / self.translate_seconds
            if self.translate_seconds
            else 0.0
        )

    def __str__(self) -> str:
        lines = [
            f"files: {self.done} done, {self.skipped} skipped, {self.kept} kept, {len(self.failed)} failed"
            + (" (interrupted: rerun the same command to finish)" if self.interrupted else ""),
            ("of the files to translate: " if self.interrupted else "")
            + f"paragraphs: {self.paragraphs}  sentences: {self.sentences}  source tokens: {self.src_tokens}  "
            f"output tokens: {self.out_tokens}",
            f"time: {self.seconds:.1f}s  ({self.tokens_per_second:,.0f} tokens/s while translating)",
        ]
        if self.checked:
            reasons = ", ".join(
                f"{k} {v}" for k, v in sorted(self.flagged.items(), key=lambda kv: (-kv[1], kv[0]))
            )
            lines.append(
                f"flagged: {self.flagged_sentences} of {self.checked} sentences"
                + (f" ({reasons})" if reasons else "")
                + "; see .fa2en-review/index.html"
            )
        lines += [f"failed: {path}: {why}" for path, why in self.failed]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


def event(name: str, **fields: Any) -> None:
    """A structured log line: ``event=NAME key=value ...``."""
    log.info(
        "event=%s %s",
        name,
        " ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in fields.items()),
    )


def print_summary(summary: Summary) -> None:
    """The final summary, on standard error."""
    print(str(summary), file=sys.stderr)
