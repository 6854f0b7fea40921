"""The reference backend: Hugging Face transformers ``model.generate`` under ``torch.inference_mode``."""

from __future__ import annotations

from typing import Any

from fa2en.backends import Backend, BackendRequest, BackendSpec, Decoding, Hypothesis
from fa2en.errors import ConfigError

#: ``--dtype`` names the transformers backend understands, and their torch types.
PRECISIONS = {
    "float32": "float32",
    "fp32": "float32",
    "float16": "float16",
    "fp16": "float16",
    "bfloat16": "bfloat16",
    "bf16": "bfloat16",
}


def pick_dtype(dtype: str, device: str) -> Any:
    """Resolve a precision name; ``auto`` is bfloat16 on a GPU that has it, else float32."""
    import torch

    if dtype == "auto":
        if device.startswith("cuda"):
            return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return torch.float32
    if dtype not in PRECISIONS:
        raise ConfigError(
            f"--dtype: {dtype!r} is not a transformers precision; choose from auto, {', '.join(PRECISIONS)}"
        )
    return getattr(torch, PRECISIONS[dtype])


class _StepLogProbs:
    """A logits processor that records, per row, the log-probability greedy search picks at each step."""

    def __init__(self) -> None:
        self.steps: list[Any] = []

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        self.steps.append(scores.float().log_softmax(-1).max(-1).values)
        return scores


class TransformersBackend:
    """Generation with a loaded transformers seq2seq model."""

    name = "transformers"

    def __init__(self, model: Any, tokenizer: Any, decoding: Decoding) -> None:
        self.model = model
        self.pad_token_id = tokenizer.pad_token_id
        self.eos_token_id = tokenizer.eos_token_id
        self.decoding = decoding
        self.device = str(model.device)

    def _tensors(self, batch: list[list[int]], pad: int) -> tuple[Any, Any]:
        """Right-padded ids and attention mask on the model's device."""
        import torch

        width = max(len(ids) for ids in batch)
        ids = torch.full((len(batch), width), pad, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, src in enumerate(batch):
            ids[row, : len(src)] = torch.tensor(src, dtype=torch.long)
            mask[row, : len(src)] = 1
        return ids.to(self.model.device), mask.to(self.model.device)

    def generate(self, batch: list[list[int]], max_new_tokens: int) -> list[Hypothesis]:
        """Pad ``batch`` on the right, generate, and return each output's tokens and confidence."""
        import torch
        from transformers import LogitsProcessorList

        ids, mask = self._tensors(batch, self.pad_token_id)
        o = self.decoding
        kwargs: dict[str, Any] = {
            "max_new_tokens": max_new_tokens,
            "max_length": None,
            "num_beams": o.num_beams,
            "do_sample": o.do_sample,
            "repetition_penalty": o.repetition_penalty,
            "no_repeat_ngram_size": o.no_repeat_ngram_size,
            "length_penalty": o.length_penalty,
            **o.extra,
        }
        if o.do_sample:
            kwargs.update(temperature=o.temperature, top_k=o.top_k or None, top_p=o.top_p)
        if o.forced_bos_token_id is not None:
            kwargs["forced_bos_token_id"] = o.forced_bos_token_id
        greedy = o.num_beams == 1 and not o.do_sample
        steps = _StepLogProbs()
        if greedy:
            kwargs["logits_processor"] = LogitsProcessorList([steps])
        with torch.inference_mode():
            out = self.model.generate(input_ids=ids, attention_mask=mask, **kwargs).tolist()
        # every row starts with the decoder start token; EOS, then padding, ends finished rows
        rows = [self._content(row[1:]) for row in out]
        scores: list[float | None]
        if greedy:
            logp = torch.stack(steps.steps, 1).tolist() if steps.steps else [[] for _ in rows]
            scores = [self._mean(lp[:n]) for lp, (_, n) in zip(logp, rows, strict=True)]
        else:
            scores = list(self.score(batch, [r for r, _ in rows]))
        return [Hypothesis(r, s) for (r, _), s in zip(rows, scores, strict=True)]

    def _content(self, row: list[int]) -> tuple[list[int], int]:
        """The content tokens of a generated row, and how many tokens were generated for it."""
        n = row.index(self.eos_token_id) + 1 if self.eos_token_id in row else len(row)
        while n and row[n - 1] == self.pad_token_id:
            n -= 1
        content = [t for t in row[:n] if t not in (self.eos_token_id, self.pad_token_id)]
        if content and content[0] == self.decoding.forced_bos_token_id:
            content = content[1:]
        return content, n

    @staticmethod
    def _mean(values: list[float]) -> float | None:
        return sum(values) / len(values) if values else None

    def score(self, sources: list[list[int]], targets: list[list[int]]) -> list[float]:
        """Teacher-forced mean log-probability of each target (forced language and EOS included)."""
        import torch

        forced = (
            [self.decoding.forced_bos_token_id]
            if self.decoding.forced_bos_token_id is not None
            else []
        )
        labels = [forced + t + [self.eos_token_id] for t in targets]
        ids, mask = self._tensors(sources, self.pad_token_id)
        lab, lab_mask = self._tensors(labels, self.pad_token_id)
        lab = lab.masked_fill(lab_mask == 0, -100)
        with torch.inference_mode():
            logits = self.model(input_ids=ids, attention_mask=mask, labels=lab).logits
        logp = logits.float().log_softmax(-1)
        picked = logp.gather(-1, lab.clamp(min=0).unsqueeze(-1)).squeeze(-1) * lab_mask
        return (picked.sum(-1) / lab_mask.sum(-1)).tolist()

    def describe(self) -> dict[str, Any]:
        """Engine, device and precision."""
        return {
            "backend": self.name,
            "device": self.device,
            "precision": str(self.model.dtype).replace("torch.", ""),
        }


def load(request: BackendRequest) -> Backend:
    """Load the weights of ``request.source`` with transformers onto the device."""
    from fa2en.loading import load_weights

    model = load_weights(request.source, request.device, pick_dtype(request.dtype, request.device))
    return TransformersBackend(model, request.tokenizer, request.decoding)


SPEC = BackendSpec("transformers", load)
