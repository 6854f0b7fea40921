"""CTranslate2 backend: the checkpoint converted once with CTranslate2's own converter, then run by it.

Conversions are cached under ``models/.ct2/<model>-<quantisation>-<fingerprint>/``; the fingerprint
covers the names and contents of the checkpoint's files (:func:`content_fingerprint`), so a changed
checkpoint is converted again. Default compute types: int8 on CPU, int8_float16 on GPU.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from fa2en.backends import Backend, BackendRequest, BackendSpec, Decoding, Hypothesis
from fa2en.errors import ConfigError, Fa2enError, ModelNotFoundError
from fa2en.fingerprint import content_fingerprint, model_lock
from fa2en.loading import ModelSource, checkpoint_patterns, local_only, missing_model_message
from fa2en.presets import models_dir
from fa2en.system import available_cpus

log = logging.getLogger("fa2en")

COMPUTE_TYPES = (
    "int8",
    "int8_float32",
    "int8_float16",
    "int8_bfloat16",
    "float16",
    "bfloat16",
    "float32",
)
_ALIASES = {"fp32": "float32", "fp16": "float16", "bf16": "bfloat16"}


def compute_type_for(dtype: str, device: str) -> str:
    """CTranslate2 compute type for a precision name (``auto``: int8 on CPU, int8_float16 on GPU)."""
    if dtype == "auto":
        return "int8_float16" if device.startswith("cuda") else "int8"
    name = _ALIASES.get(dtype, dtype)
    if name not in COMPUTE_TYPES:
        raise ConfigError(
            f"--dtype: {dtype!r} is not a CTranslate2 precision; choose from auto, {', '.join(COMPUTE_TYPES)}"
        )
    return name


def checkpoint_dir(source: ModelSource) -> Path:
    """The local folder of ``source`` (a hub model is looked up in, or fetched into, the HF cache)."""
    if source.local:
        return Path(source.location)
    from huggingface_hub import list_repo_files, snapshot_download

    try:
        if local_only(source):
            return Path(snapshot_download(source.location, local_files_only=True))
        patterns = checkpoint_patterns(
            list_repo_files(source.location),
            bool(source.preset and source.preset.trust_remote_code),
        )
        return Path(snapshot_download(source.location, allow_patterns=patterns))
    except Exception as exc:  # noqa: BLE001 - the hub raises many kinds
        raise ModelNotFoundError(missing_model_message(source, exc)) from exc


def convert(source: ModelSource, quantization: str) -> Path:
    """The CTranslate2 conversion of ``source`` at ``quantization``, made once and cached.

    Processes converting the same checkpoint at once take turns (a file lock); the ones that wait
    find the conversion made and use it.
    """
    import ctranslate2

    folder = checkpoint_dir(source)
    name = (source.preset.name if source.preset else folder.name).replace("/", "--")
    target = models_dir() / ".ct2" / f"{name}-{quantization}-{content_fingerprint(folder)}"
    if (target / "model.bin").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with model_lock(f"ct2-{target.name}"):
        if (target / "model.bin").is_file():  # made while this process waited for the lock
            return target
        log.info("converting %s to CTranslate2 (%s) into %s", folder, quantization, target)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=target.parent))
        try:
            converter = ctranslate2.converters.TransformersConverter(str(folder))
            converter.convert(str(tmp / "model"), quantization=quantization, force=True)
            shutil.rmtree(target, ignore_errors=True)  # an incomplete one (no model.bin)
            os.replace(tmp / "model", target)
        except Exception as exc:
            raise Fa2enError(f"CTranslate2 could not convert {folder}: {exc}") from exc
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return target


#: target tokens per ``score_batch`` sub-batch on CPU
SCORE_BATCH_TOKENS = 512


class CTranslate2Backend:
    """Generation with a ``ctranslate2.Translator``."""

    name = "ctranslate2"

    def __init__(
        self,
        translator: Any,
        tokenizer: Any,
        decoding: Decoding,
        device: str,
        compute_type: str,
        replicas: int = 1,
    ) -> None:
        self.translator = translator
        self.tokenizer = tokenizer
        self.decoding = decoding
        self.device = device
        self.compute_type = compute_type
        self.replicas = replicas

    def _prefix(self, n: int) -> list[list[str]] | None:
        """The forced target-language token as a target prefix for ``n`` rows, if the family has one."""
        forced = self.decoding.forced_bos_token_id
        return None if forced is None else [[self.tokenizer.convert_ids_to_tokens(forced)]] * n

    def generate(self, batch: list[list[int]], max_new_tokens: int) -> list[Hypothesis]:
        """Translate token batches; return each output's tokens (no language token) and confidence."""
        o = self.decoding
        source = [self.tokenizer.convert_ids_to_tokens(ids) for ids in batch]
        kwargs: dict[str, Any] = {
            "beam_size": 1 if o.do_sample else o.num_beams,
            "max_decoding_length": max_new_tokens,
            "repetition_penalty": o.repetition_penalty,
            "no_repeat_ngram_size": o.no_repeat_ngram_size,
            "length_penalty": o.length_penalty,
            "return_scores": True,
            # split the batch across the model replicas, which run in parallel (inter_threads)
            "max_batch_size": -(-len(batch) // self.replicas),
        }
        if o.do_sample:
            kwargs.update(
                sampling_topk=o.top_k or 0,
                sampling_topp=o.top_p,
                sampling_temperature=o.temperature,
            )
        results = self.translator.translate_batch(
            source, target_prefix=self._prefix(len(batch)), **kwargs
        )
        out = []
        for r in results:
            tokens = r.hypotheses[0]
            if o.forced_bos_token_id is not None and tokens:
                tokens = tokens[1:]
            ids = self.tokenizer.convert_tokens_to_ids(tokens)
            # CTranslate2's score is the sum of log-probabilities divided by length ** length_penalty
            length = len(r.hypotheses[0]) + 1
            total = r.scores[0] * length**o.length_penalty
            out.append(Hypothesis(ids, total / length))
        return out

    def score(self, sources: list[list[int]], targets: list[list[int]]) -> list[float]:
        """Mean log-probability per token of each target given its source (``score_batch``)."""
        prefix = self._prefix(len(targets)) or [[] for _ in targets]
        results = self.translator.score_batch(
            [self.tokenizer.convert_ids_to_tokens(s) for s in sources],
            [
                p + self.tokenizer.convert_ids_to_tokens(t)
                for p, t in zip(prefix, targets, strict=True)
            ],
            # on CPU, scoring slows down more than linearly with the batch (a log-softmax over
            # the vocabulary at every target position): small token batches are fastest
            # (scripts/benchmark.py --job-rows, 64 sentences: 0.9 s at 512 tokens, 2.0 s whole)
            **(
                {"max_batch_size": SCORE_BATCH_TOKENS, "batch_type": "tokens"}
                if self.device == "cpu"
                else {}
            ),
        )
        return [sum(r.log_probs) / max(1, len(r.log_probs)) for r in results]

    def describe(self) -> dict[str, Any]:
        """Engine, device and compute type."""
        return {"backend": self.name, "device": self.device, "precision": self.compute_type}


def unusable(request: BackendRequest) -> str | None:
    """Why CTranslate2 cannot run ``request`` (package, family or device), or None."""
    import importlib.util

    if importlib.util.find_spec("ctranslate2") is None:
        return "the ctranslate2 package is not installed (pip install 'fa2en[fast]')"
    if not request.family.ctranslate2:
        return f"the {request.family.name!r} model family is not supported by fa2en's CTranslate2 backend"
    if not (request.device == "cpu" or request.device.startswith("cuda")):
        return f"device {request.device!r} is not supported by CTranslate2"
    return None


def load(request: BackendRequest) -> Backend:
    """Convert (once) and load the model with CTranslate2.

    On CPU the ``threads`` (default: all available cores) are spent as model replicas working on
    parts of each batch in parallel (one per core, which measured fastest), each with
    ``threads // replicas`` threads.
    """
    import ctranslate2

    compute_type = compute_type_for(request.dtype, request.device)
    quantization = "float32" if compute_type == "float32" else compute_type
    path = convert(request.source, quantization)
    gpu = request.device.startswith("cuda")
    threads = request.threads or available_cpus()
    replicas = 1 if gpu else threads
    translator = ctranslate2.Translator(
        str(path),
        device="cuda" if gpu else "cpu",
        device_index=int(request.device.partition(":")[2] or 0),
        compute_type=compute_type,
        inter_threads=replicas,
        intra_threads=max(1, threads // replicas),
    )
    return CTranslate2Backend(
        translator, request.tokenizer, request.decoding, request.device, compute_type, replicas
    )


SPEC = BackendSpec("ctranslate2", load, unusable)
