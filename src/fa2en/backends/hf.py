"""The reference backend: Hugging Face transformers ``model.generate`` under ``torch.inference_mode``."""

from __future__ import annotations

from typing import Any

from fa2en.backends import GenerationOptions


def pick_device(device: str = "auto") -> str:
    """Resolve ``auto`` to CUDA, then Apple MPS, then CPU; check an explicit choice exists."""
    import torch

    if device == "auto":
        if torch.cuda.is_available():
            return "cuda"
        if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
            return "mps"
        return "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} was asked for, but no CUDA GPU is available here")
    if device == "mps" and not (
        getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()
    ):
        raise ValueError("device 'mps' was asked for, but Apple MPS is not available here")
    return device


def pick_dtype(dtype: str, device: str) -> Any:
    """Resolve a precision name; ``auto`` is bfloat16 on a GPU that has it, else float32."""
    import torch

    names = {
        "float32": torch.float32,
        "fp32": torch.float32,
        "float16": torch.float16,
        "fp16": torch.float16,
        "bfloat16": torch.bfloat16,
        "bf16": torch.bfloat16,
    }
    if dtype == "auto":
        if device.startswith("cuda"):
            return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return torch.float32
    if dtype not in names:
        raise ValueError(f"unknown precision {dtype!r}; choose from auto, {', '.join(names)}")
    return names[dtype]


class TransformersBackend:
    """Generation with a loaded transformers seq2seq model."""

    name = "transformers"

    def __init__(self, model: Any, pad_token_id: int, options: GenerationOptions) -> None:
        self.model = model
        self.pad_token_id = pad_token_id
        self.options = options
        self.device = str(model.device)
        #: generate() puts EOS in the last slot when it reaches max_new_tokens
        self.forces_eos_at_limit = (
            getattr(model.generation_config, "forced_eos_token_id", None) is not None
        )

    def generate(self, batch: list[list[int]], max_new_tokens: int) -> list[list[int]]:
        """Pad ``batch`` on the right, generate, and strip padding from the outputs."""
        import torch

        width = max(len(ids) for ids in batch)
        ids = torch.full((len(batch), width), self.pad_token_id, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, src in enumerate(batch):
            ids[row, : len(src)] = torch.tensor(src, dtype=torch.long)
            mask[row, : len(src)] = 1
        o = self.options
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
        if o.force_length:
            kwargs["min_new_tokens"] = max_new_tokens
        with torch.inference_mode():
            out = self.model.generate(
                input_ids=ids.to(self.model.device),
                attention_mask=mask.to(self.model.device),
                **kwargs,
            )
        # every row starts with the decoder start token; padding follows finished rows
        return [[t for t in row[1:] if t != self.pad_token_id] for row in out.tolist()]

    def describe(self) -> dict[str, Any]:
        """Engine, device and precision."""
        return {
            "backend": self.name,
            "device": self.device,
            "precision": str(self.model.dtype).replace("torch.", ""),
        }
