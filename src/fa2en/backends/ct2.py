"""CTranslate2 backend: the checkpoint converted once with CTranslate2's own converter, then run by it.

Conversions are cached under ``models/.ct2/<model>-<quantisation>-<fingerprint>/``; the fingerprint
covers the names and contents of the checkpoint's files (:func:`content_fingerprint`), so a changed
checkpoint is converted again. Default compute types: int8 on CPU, int8_float16 on GPU.
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import json
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from filelock import FileLock

from fa2en.backends import GenerationOptions
from fa2en.errors import Fa2enError, ModelNotFoundError
from fa2en.families import FAMILIES, Family, detect_family
from fa2en.loading import (
    ModelSource,
    checkpoint_patterns,
    load_tokenizer,
    local_only,
    missing_model_message,
)
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
        raise Fa2enError(
            f"unknown CTranslate2 precision {dtype!r}; choose from auto, {', '.join(COMPUTE_TYPES)}"
        )
    return name


def checkpoint_dir(src: ModelSource) -> Path:
    """The local folder of ``src`` (a hub model is looked up in, or fetched into, the HF cache)."""
    if src.local:
        return Path(src.location)
    from huggingface_hub import list_repo_files, snapshot_download

    try:
        if local_only(src):
            return Path(snapshot_download(src.location, local_files_only=True))
        patterns = checkpoint_patterns(
            list_repo_files(src.location), bool(src.preset and src.preset.trust_remote_code)
        )
        return Path(snapshot_download(src.location, allow_patterns=patterns))
    except Exception as exc:  # noqa: BLE001 - the hub raises many kinds
        raise ModelNotFoundError(missing_model_message(src, exc)) from exc


#: Cached per-file content hashes of checkpoints (see :func:`content_fingerprint`), in ``models/``.
FINGERPRINT_CACHE = ".fingerprints.json"
#: Lock files of conversions and of the fingerprint cache, in ``models/``.
LOCKS = ".locks"


def _lock(name: str) -> FileLock:
    """An inter-process lock named ``name`` under ``models/.locks/``."""
    folder = models_dir() / LOCKS
    folder.mkdir(parents=True, exist_ok=True)
    return FileLock(folder / f"{name}.lock")


def _checkpoint_files(folder: Path) -> list[Path]:
    """The files of ``folder`` a translation reads (configs, tokenizer, weights); no hidden ones."""
    files = [
        p
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    ]
    patterns = checkpoint_patterns([p.name for p in files], trust_remote_code=True)
    return sorted(p for p in files if any(fnmatch.fnmatch(p.name, pat) for pat in patterns))


def _hash_files(folder: Path, cache: dict[str, list[Any]]) -> tuple[str, bool]:
    """The content hash of ``folder``'s checkpoint files, reusing and updating ``cache``.

    Returns the hash and whether ``cache`` changed.
    """
    h = hashlib.sha256()
    changed = False
    for path in _checkpoint_files(folder):
        st = path.stat()
        key = str(path.resolve())
        stamp = [st.st_size, st.st_mtime_ns, st.st_ctime_ns]
        entry = cache.get(key)
        if not entry or entry[:3] != stamp:
            with path.open("rb") as f:
                entry = [*stamp, hashlib.file_digest(f, "sha256").hexdigest()]
            cache[key] = entry
            changed = True
        h.update(f"{path.relative_to(folder).as_posix()}\0{entry[3]}\n".encode())
    return h.hexdigest()[:16], changed


def content_fingerprint(folder: Path) -> str:
    """A hash of the names and contents of a checkpoint's configs, tokenizer files and weights.

    Each file's SHA-256 is cached in ``models/.fingerprints.json`` under its real path with its
    size, modification time and inode change time, so a multi-gigabyte checkpoint is read once and
    a file written again in any way (even to the same size and time) is read again. Where
    ``models/`` cannot be written, every call reads the files.
    """
    cache_path = models_dir() / FINGERPRINT_CACHE
    try:
        lock = _lock("fingerprints")
        lock.acquire()
    except OSError:
        return _hash_files(folder, {})[0]
    try:
        try:
            cache = json.loads(cache_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            cache = {}
        digest, changed = _hash_files(folder, cache)
        if changed:
            with contextlib.suppress(OSError):
                tmp = cache_path.with_name(f"{cache_path.name}.tmp")
                tmp.write_text(json.dumps(cache, indent=0, sort_keys=True), encoding="utf-8")
                os.replace(tmp, cache_path)
        return digest
    finally:
        lock.release()


def convert(src: ModelSource, quantization: str) -> Path:
    """The CTranslate2 conversion of ``src`` at ``quantization``, made once and cached.

    Processes converting the same checkpoint at once take turns (a file lock); the ones that wait
    find the conversion made and use it.
    """
    import ctranslate2

    folder = checkpoint_dir(src)
    name = (src.preset.name if src.preset else folder.name).replace("/", "--")
    target = models_dir() / ".ct2" / f"{name}-{quantization}-{content_fingerprint(folder)}"
    if (target / "model.bin").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with _lock(f"ct2-{target.name}"):
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


class CTranslate2Backend:
    """Generation with a ``ctranslate2.Translator``."""

    name = "ctranslate2"

    def __init__(
        self, translator: Any, tokenizer: Any, device: str, compute_type: str, replicas: int = 1
    ) -> None:
        self.translator = translator
        self.tokenizer = tokenizer
        self.device = device
        self.compute_type = compute_type
        self.replicas = replicas
        self.options = GenerationOptions()

    def generate(self, batch: list[list[int]], max_new_tokens: int) -> list[list[int]]:
        """Translate token batches; returns output ids (the forced target-language token first)."""
        o = self.options
        source = [self.tokenizer.convert_ids_to_tokens(ids) for ids in batch]
        prefix = None
        if o.forced_bos_token_id is not None:
            prefix = [[self.tokenizer.convert_ids_to_tokens(o.forced_bos_token_id)]] * len(batch)
        kwargs: dict[str, Any] = {
            "beam_size": 1 if o.do_sample else o.num_beams,
            "max_decoding_length": max_new_tokens,
            "repetition_penalty": o.repetition_penalty,
            "no_repeat_ngram_size": o.no_repeat_ngram_size,
            "length_penalty": o.length_penalty,
            # split the batch across the model replicas, which run in parallel (inter_threads)
            "max_batch_size": -(-len(batch) // self.replicas),
        }
        if o.force_length:
            kwargs["min_decoding_length"] = max_new_tokens
        if o.do_sample:
            kwargs.update(
                sampling_topk=o.top_k or 0,
                sampling_topp=o.top_p,
                sampling_temperature=o.temperature,
            )
        results = self.translator.translate_batch(source, target_prefix=prefix, **kwargs)
        # like transformers' generate: the forced target-language token leads (the Translator drops it)
        return [self.tokenizer.convert_tokens_to_ids(r.hypotheses[0]) for r in results]

    def describe(self) -> dict[str, Any]:
        """Engine, device and compute type."""
        return {"backend": self.name, "device": self.device, "precision": self.compute_type}


def load_ct2(
    src: ModelSource,
    device: str,
    dtype: str = "auto",
    threads: int = 0,
    device_index: int = 0,
    replicas: int | None = None,
) -> tuple[Any, CTranslate2Backend, Family]:
    """Convert (once) and load ``src`` with CTranslate2; return tokenizer, backend and family.

    On CPU the ``threads`` (default: the CPUs this process may use, :func:`available_cpus`) are spent as ``replicas`` model copies working on
    parts of each batch in parallel (default: one per core, which measured fastest), each using
    ``threads // replicas`` threads.
    """
    import ctranslate2
    from transformers import AutoConfig

    compute_type = compute_type_for(dtype, device)
    tokenizer = load_tokenizer(src)
    config = AutoConfig.from_pretrained(str(checkpoint_dir(src)), local_files_only=True)
    family = FAMILIES[src.preset.family] if src.preset else detect_family(config, tokenizer)
    quantization = "float32" if compute_type == "float32" else compute_type
    path = convert(src, quantization)
    gpu = device.startswith("cuda")
    threads = threads or available_cpus()
    replicas = 1 if gpu else max(1, min(replicas or threads, threads))
    translator = ctranslate2.Translator(
        str(path),
        device="cuda" if gpu else "cpu",
        device_index=int(device.split(":")[1]) if ":" in device else device_index,
        compute_type=compute_type,
        inter_threads=replicas,
        intra_threads=max(1, threads // replicas),
    )
    return (
        tokenizer,
        CTranslate2Backend(translator, tokenizer, device, compute_type, replicas),
        family,
    )
