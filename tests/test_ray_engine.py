"""The Ray engine on a local two-CPU Ray session: one actor pool per job, failures kept per batch."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fa2en import Translator
from fa2en.errors import Fa2enError
from fa2en.ray_engine import RayTranslator, TranslateActor

ray = pytest.importorskip("ray")

#: A sentence the failing actors below cannot translate.
POISON = "این جمله را هیچ مدلی ترجمه نمی‌کند."


@pytest.fixture(scope="module")
def ray_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A local Ray session with two CPUs; its workers import this checkout's fa2en.

    The actor classes of this module reach the workers by value (the workers cannot import it).
    """
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    env = {
        "FA2EN_MODELS": str(tmp_path_factory.mktemp("ray-models")),
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": os.pathsep.join(
            [str(Path(__file__).resolve().parents[1] / "src"), os.environ.get("PYTHONPATH", "")]
        ),
    }
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": env},
    )
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def single(memorizer: Path) -> Translator:
    """The single-process translator the Ray results must equal."""
    return Translator.load(str(memorizer), backend="transformers", num_beams=1)


def _load_kwargs(memorizer: Path) -> dict[str, Any]:
    return {"model": str(memorizer), "backend": "transformers", "num_beams": 1}


@pytest.mark.usefixtures("ray_session")
def test_one_actor_pool_serves_every_wave(
    memorizer: Path, memorized_pairs: list[tuple[str, str]], single: Translator, tmp_path: Path
) -> None:
    loads = tmp_path / "loads"

    class CountingActor(TranslateActor):  # defined here, so Ray ships it by value
        def __init__(self, load_kwargs: dict[str, Any], threads: int) -> None:
            with open(loads, "a", encoding="utf-8") as f:
                f.write(f"{threads}\n")
            super().__init__(load_kwargs, threads)

    sources = [fa for fa, _ in memorized_pairs]
    waves = [sources[:20], sources[20:] + sources[:3] + [""]]
    t = RayTranslator(
        _load_kwargs(memorizer),
        single.count_tokens,
        actors=2,
        max_batch_size=4,
        actor_class=CountingActor,
    )
    actors = list(t.actors)
    seen: list[int] = []
    try:
        got = [t.translate_detailed(wave, progress=seen.append) for wave in waves]
        assert t.actors == actors
        assert t.describe()["actors"] == 2 and t.describe()["threads_per_actor"] == 1
    finally:
        t.close()
    assert loads.read_text(encoding="utf-8").split() == ["1", "1"]  # 2 CPUs / 2 actors, once each
    single.stats.src_tokens = 0
    for wave, out in zip(waves, got, strict=True):
        assert [x.text for x in out] == single.translate(wave)
        assert all(x.error is None for x in out)
    assert sum(seen) == len(waves[0]) + len(waves[1])
    assert t.stats.src_tokens == single.stats.src_tokens > 0
    assert t.stats.sentences == len(waves[0]) + len(waves[1]) and t.stats.failed == 0
    with pytest.raises(ray.exceptions.RayActorError):  # close() killed the actors
        ray.get(actors[0].describe.remote(), timeout=60)
    assert ray.is_initialized()  # a session the translator did not start is left running


class RaisingActor(TranslateActor):
    """Raises on any batch holding :data:`POISON`."""

    def translate_batch(self, texts: list[str], careful: bool = False) -> Any:
        if POISON in texts:
            raise ValueError("this batch cannot be translated")
        return super().translate_batch(texts, careful)


class DyingActor(TranslateActor):
    """Dies on any batch holding :data:`POISON`."""

    def translate_batch(self, texts: list[str], careful: bool = False) -> Any:
        if POISON in texts:
            os._exit(1)
        return super().translate_batch(texts, careful)


@pytest.mark.usefixtures("ray_session")
@pytest.mark.parametrize(
    ("actor_class", "reason"),
    [
        (RaisingActor, "ValueError: this batch cannot be translated"),
        (DyingActor, "ActorDiedError"),
    ],
)
def test_a_failing_batch_fails_only_its_sentences(
    memorizer: Path,
    memorized_pairs: list[tuple[str, str]],
    single: Translator,
    actor_class: type,
    reason: str,
) -> None:
    sources = [fa for fa, _ in memorized_pairs[:12]]
    sources.insert(5, POISON)
    t = RayTranslator(
        _load_kwargs(memorizer),
        single.count_tokens,
        actors=2,
        max_batch_size=3,
        actor_class=actor_class,
    )
    try:
        out = t.translate_detailed(sources)
        again = t.translate_detailed(sources[:5])  # the pool goes on
    finally:
        t.close()
    failed = [i for i, x in enumerate(out) if x.error]
    assert 5 in failed and len(failed) <= 3  # the poisoned batch only
    assert all(out[i].text == "" and out[i].error.startswith(reason) for i in failed)
    expected = single.translate(sources)
    assert [x.text for i, x in enumerate(out) if i not in failed] == [
        e for i, e in enumerate(expected) if i not in failed
    ]
    assert [x.text for x in again] == expected[:5]
    assert t.stats.failed == len(failed)


@pytest.mark.usefixtures("ray_session")
def test_a_model_that_cannot_load_is_one_error(tmp_path: Path, single: Translator) -> None:
    with pytest.raises(Fa2enError, match="the Ray actors could not load the model"):
        RayTranslator(
            {"model": str(tmp_path / "missing"), "backend": "transformers"}, single.count_tokens
        )
