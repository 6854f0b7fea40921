"""The methods ``benchmark.py`` times: naive ``generate``, fa2en's Translator, the whole job.

Each is loaded by its constructor and called with a list of sentences; it returns the ids each
output generated (after the decoder prompt), for :func:`benchlib.generated_tokens` to count alike.
``specials`` tells that function which ids are not content.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from unittest.mock import patch

from benchlib import DATA, Recorder, Specials, write_articles

from fa2en.presets import GenerationDefaults


class Naive:
    """``model.generate`` on fixed-size batches in file order, as most scripts do."""

    def __init__(self, path: Path, device: str, batch: int, beams: int) -> None:
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        from fa2en.loading import family_of, load_config, resolve

        self.tok = AutoTokenizer.from_pretrained(path)
        source = resolve(str(path))
        forced = family_of(source, self.tok, load_config(source)).configure(self.tok, None, None)
        dtype = torch.bfloat16 if device.startswith("cuda") else torch.float32
        self.model = AutoModelForSeq2SeqLM.from_pretrained(path, dtype=dtype).to(device).eval()
        self.batch, self.beams = batch, beams
        self.extra = {} if forced is None else {"forced_bos_token_id": forced}
        self.specials = Specials(self.tok.eos_token_id, self.tok.pad_token_id, forced)

    def __call__(self, sentences: Sequence[str]) -> list[list[int]]:
        """Translate; return each output's ids after the decoder start token."""
        import torch

        outputs: list[list[int]] = []
        for i in range(0, len(sentences), self.batch):
            enc = self.tok(list(sentences[i : i + self.batch]), padding=True, return_tensors="pt")
            limit = max(cap(n) for n in enc["attention_mask"].sum(1).tolist())
            with torch.inference_mode():
                out = self.model.generate(
                    **enc.to(self.model.device),
                    max_new_tokens=limit,
                    max_length=None,
                    num_beams=self.beams,
                    **self.extra,
                )
            rows = out.tolist()
            self.tok.batch_decode(rows, skip_special_tokens=True)
            outputs += [row[1:] for row in rows]
        return outputs


class Fa2en:
    """fa2en's :class:`~fa2en.Translator`, its backend wrapped to record the ids it generates."""

    def __init__(self, translator: Any) -> None:
        self.tr = translator
        self.recorder = Recorder(translator.backend)
        translator.backend = self.recorder
        tok = translator.tokenizer
        forced = self.recorder.decoding.forced_bos_token_id
        self.specials = Specials(tok.eos_token_id, tok.pad_token_id, forced)

    @classmethod
    def load(
        cls, path: Path, device: str, backend: str, dtype: str, beams: int, batch: int
    ) -> Fa2en:
        """Load the model with fa2en (its default token budget and normaliser)."""
        from fa2en import Translator

        return cls(
            Translator.load(
                str(path),
                device,
                backend=backend,
                dtype=dtype,
                num_beams=beams,
                max_batch_size=batch,
            )
        )

    def __call__(self, sentences: Sequence[str]) -> list[list[int]]:
        """Translate; return the ids of every hypothesis the backend generated."""
        self.recorder.outputs = []
        self.tr.translate(list(sentences))
        return self.recorder.outputs


class Job:
    """The whole ``fa2en translate`` job (run_job with open_engine) on the sentences as articles."""

    def __init__(self, path: Path, device: str, beams: int, switches: dict[str, Any]) -> None:
        from fa2en.engines import check_reverse, open_engine, open_reverse
        from fa2en.options import merge_options
        from fa2en.translator import Translator

        given = {"model": str(path), "device": device, "beams": beams, "quiet": True}
        # reverse_model True: this checkpoint as the reverse model (an equal-size one's cost)
        switches = {
            k: str(path) if k == "reverse_model" and v is True else v for k, v in switches.items()
        }
        self.opts = merge_options(None, given | switches)
        engine = open_engine(self.opts)
        if not isinstance(engine, Translator):  # its generated ids could not be counted
            raise TypeError(
                f"job rows need a local single-process engine, got {type(engine).__name__}"
            )
        self.fa2en = Fa2en(engine)
        # the reverse model is loaded here too, untimed like the translating model: the job is
        # handed the loaded one (closing a Translator releases nothing, so it serves every run)
        self.reverse = open_reverse(self.opts, engine, check_reverse(self.opts))
        self.specials = self.fa2en.specials
        ids = (DATA / "ntrex128" / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").split("\n")
        self.doc_ids = [d.strip() for d in ids]
        self.work = Path(tempfile.mkdtemp(prefix="fa2en-bench-job-"))

    def __call__(self, sentences: Sequence[str]) -> list[list[int]]:
        """Write the articles, run the job into a fresh folder; return the generated ids."""
        from fa2en.job import run_job

        run = Path(tempfile.mkdtemp(dir=self.work))
        write_articles(run / "in", sentences, self.doc_ids)
        self.fa2en.recorder.outputs = []
        with patch("fa2en.job.open_reverse", lambda opts, engine, plan: self.reverse):
            summary = run_job([run / "in"], run / "out", self.opts, lambda: self.fa2en.tr)
        if summary.failed:
            raise RuntimeError(f"job failed: {summary.failed[0]}")
        return self.fa2en.recorder.outputs


def cap(src_tokens: int) -> int:
    """Output length cap for a source of ``src_tokens`` tokens: fa2en's default rule, unbucketed."""
    g = GenerationDefaults()
    return min(g.max_new_tokens, math.ceil(g.max_length_a * src_tokens + g.max_length_b))
