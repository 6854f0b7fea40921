"""Writing evaluation results: hypotheses, ``results.json``, ``report.md`` and a quality/speed chart."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from fa2en.evaluate.documents import DOCUMENT_METRIC, worst
from fa2en.evaluate.flags import BAD_CHRF
from fa2en.evaluate.metrics import METRICS
from fa2en.evaluate.published import ADVICE
from fa2en.evaluate.run import Row


def label(metric: str) -> str:
    """How reports name a metric (its registry label; other keys as they are)."""
    return METRICS[metric].label if metric in METRICS else metric


def comparison_lines(rows: Sequence[Row]) -> list[str]:
    """Published / measured / difference per system with a published figure, and warning lines."""
    labels = {m: label(m) for m in METRICS}
    out = []
    for r in rows:
        if r.published is None:
            continue
        out.append(
            f"published / measured (difference), {r.system} on {r.testset}: "
            f"{r.published.summary(labels)}  [source: {r.published.published.source}]"
        )
        if not r.published.reproduced:
            out.append(f"warning: {r.system} on {r.testset} {ADVICE}")
    return out


def documents_md(rows: Sequence[Row]) -> list[str]:
    """Report lines: each system's mean per-document score and its worst documents."""
    out = []
    name = DOCUMENT_METRIC.label
    for r in rows:
        if not r.documents:
            continue
        mean = sum(r.documents.values()) / len(r.documents)
        worst_docs = ", ".join(f"{doc} ({score:.1f})" for doc, score in worst(r.documents))
        out.append(
            f"- {r.system} on {r.testset}: {len(r.documents)} documents, mean {name} {mean:.2f}; "
            f"worst: {worst_docs}"
        )
    return out


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)


def results_json(rows: Sequence[Row], notes: Sequence[str]) -> dict:
    """The ``--json`` / ``results.json`` object."""
    return {"results": [r.as_json() for r in rows], "notes": list(notes)}


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def flag_cells(flags: dict | None) -> list[str]:
    """The table cells of a row's flag quality: flagged lines (top reasons), P / R, Spearman ρ."""
    if flags is None:
        return ["-", "-", "-"]
    top = ", ".join(f"{name} {n}" for name, n in list(flags["by_flag"].items())[:3])
    return [
        f"{flags['flagged']} of {flags['lines']}" + (f" ({top})" if top else ""),
        f"{_share(flags['precision'])} / {_share(flags['recall'])} ({flags['bad']} bad)",
        _share(flags["spearman_confidence_chrf"]),
    ]


def table(rows: Sequence[Row], testset: str) -> str:
    """A Markdown table of one test set: systems as rows, metrics with CIs and p-values, speed."""
    subset = [r for r in rows if r.testset == testset]
    metrics = list(subset[0].scores)
    p_metric = metrics[0] if metrics else ""
    head = [
        "system",
        *[label(m) for m in metrics],
        f"p ({label(p_metric)})",
        "sent/s",
        "out tok/s",
        "peak MB",
        "device",
        "flagged",
        f"flag P / R (chrF < {BAD_CHRF:g})",
        "ρ(confidence, chrF)",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in subset:
        cells = [r.system]
        for m in metrics:
            ci = r.ci.get(m)
            cells.append(f"{r.scores[m]:.2f}" + (f" ± {ci:.2f}" if ci is not None else ""))
        if r.p_value is None:
            cells.append("baseline")
        else:
            p = r.p_value.get(p_metric, float("nan"))
            cells.append(f"{p:.4f}" + (" *" if p < 0.05 else ""))
        s = r.speed or {}
        cells += [
            f"{s['sentences_per_second']:.2f}" if s else "-",
            f"{s['output_tokens_per_second']:.0f}" if s else "-",
            f"{max(s['peak_rss_mb'], s['peak_gpu_mb']):.0f}" if s else "-",
            f"{s['device']} {s['precision']} ({s['backend']})" if s else "-",
            *flag_cells(r.flags),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report_md(rows: Sequence[Row], notes: Sequence[str]) -> str:
    """The whole report: one table per test set, then signatures and notes."""
    out = ["# fa2en evaluation", ""]
    for ts in dict.fromkeys(r.testset for r in rows):
        first = next(r for r in rows if r.testset == ts)
        out += [f"## {ts} ({first.lines} lines)", "", table(rows, ts), ""]
    out += [
        "`*`: significantly different from the baseline (p < 0.05). ± is the 95% bootstrap confidence interval.",
        f"flagged: lines fa2en's quality checks flag (models: without repair); P / R: precision and "
        f"recall of flagged against bad lines (sentence chrF < {BAD_CHRF:g}); ρ: Spearman rank "
        "correlation of the model's confidence with sentence chrF (models only).",
    ]
    scored = dict.fromkeys(m for r in rows for m in r.scores if m in METRICS)
    lower = [METRICS[m].label for m in scored if not METRICS[m].higher_is_better]
    out += [f"Lower is better for {', '.join(lower)}." if lower else "", ""]
    compared = comparison_lines(rows)
    if compared:
        out += ["## Published scores", "", *[f"- {line}" for line in compared], ""]
    documents = documents_md(rows)
    if documents:
        out += [f"## Per-document {DOCUMENT_METRIC.label}", "", *documents, ""]
    out += ["## Signatures", ""]
    sigs = {k: v for r in rows for k, v in r.signature.items()}
    out += [f"- {label(k)}: `{v}`" for k, v in sigs.items()]
    if notes:
        out += ["", "## Notes", "", *[f"- {n}" for n in notes]]
    return "\n".join(out) + "\n"


def chart(rows: Sequence[Row], path: Path) -> str | None:
    """A PNG of quality (first metric) against output tokens/s; returns a note if it cannot be drawn."""
    timed = [r for r in rows if r.speed]
    if not timed:
        return (
            "no quality/speed chart: no system was run as a model (existing outputs have no speed)"
        )
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "no quality/speed chart: matplotlib is not installed (pip install 'fa2en[plot]')"
    metric = next(iter(timed[0].scores), None)
    if metric is None:
        return "no quality/speed chart: no metric was scored"
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for ts in dict.fromkeys(r.testset for r in timed):
        pts = [r for r in timed if r.testset == ts and r.speed is not None]
        speeds = [r.speed["output_tokens_per_second"] if r.speed else 0.0 for r in pts]
        ax.scatter(speeds, [r.scores[metric] for r in pts], label=ts)
        for r, speed in zip(pts, speeds, strict=True):
            ax.annotate(
                r.system,
                (speed, r.scores[metric]),
                fontsize=8,
                xytext=(4, 4),
                textcoords="offset points",
            )
    ax.set_xlabel("output tokens / second")
    ax.set_ylabel(label(metric))
    ax.set_title("quality against speed")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return None


def write_outputs(
    out: Path, rows: Sequence[Row], hyps: dict[tuple[str, str], list[str]], notes: list[str]
) -> list[str]:
    """Write hypotheses, results.json, report.md and chart.png into ``out``; return added notes."""
    out.mkdir(parents=True, exist_ok=True)
    for (ts, system), lines in hyps.items():
        path = out / "hyps" / _safe(ts) / f"{_safe(system)}.en"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    note = chart(rows, out / "chart.png")
    notes = notes + ([note] if note else [])
    (out / "results.json").write_text(
        json.dumps(results_json(rows, notes), indent=2, ensure_ascii=False), encoding="utf-8"
    )
    (out / "report.md").write_text(report_md(rows, notes), encoding="utf-8")
    return notes
