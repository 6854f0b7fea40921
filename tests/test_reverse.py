"""The reverse model of the ``unrelated`` check, and forced-decoding scores in every family."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import translate_args

from fa2en import Translator
from fa2en.cli import main
from fa2en.errors import ConfigError, ModelNotFoundError
from fa2en.quality.reverse import ReverseScorer, plan_reverse, reverse_name
from fa2en.testing.toymodels import TOY_FAMILIES

#: each family's Persian code, as given to the tokenizer
CODE_LANGS = {"nllb": "pes_Arab", "m2m100": "fa", "mbart50": "fa_IR"}
#: Persian->English codes of the multilingual families, as their tokens
CODE_TOKENS = {
    "nllb": ("pes_Arab", "eng_Latn"),
    "m2m100": ("__fa__", "__en__"),
    "mbart50": ("fa_IR", "en_XX"),
}


@pytest.mark.parametrize("family", TOY_FAMILIES)
def test_forced_decoding_gives_the_backend_content_tokens_only(
    toy_checkpoints: dict[str, Path], family: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The backend adds the forced language token and end-of-sentence once; a hypothesis that
    carried them too would be scored as if the model had written the language code twice."""
    t = Translator.load(str(toy_checkpoints[family]), "cpu", backend="transformers", num_beams=1)
    seen: list[list[int]] = []
    real = t.backend.score

    def spy(sources: list[list[int]], targets: list[list[int]]) -> list[float]:
        seen.extend(targets)
        return real(sources, targets)

    monkeypatch.setattr(t.backend, "score", spy)
    [score] = t.score(["سلام دنیا"], ["Hello world"])
    assert score < 0
    specials = {t.tokenizer.eos_token_id, t.backend.decoding.forced_bos_token_id}
    assert seen and not specials & set(seen[0])
    assert t.tokenizer.decode(seen[0], skip_special_tokens=True).strip() == "Hello world"


@pytest.mark.parametrize("family", list(CODE_TOKENS))
def test_same_turns_a_multilingual_model_around(
    toy_checkpoints: dict[str, Path], family: str
) -> None:
    persian, english = CODE_TOKENS[family]
    path = str(toy_checkpoints[family])
    scorer = ReverseScorer.load(plan_reverse("same", path), "cpu", str.strip)
    t = scorer.translator
    assert persian == t.tokenizer.convert_ids_to_tokens(t.backend.decoding.forced_bos_token_id)
    assert english in t.tokenizer.convert_ids_to_tokens(t.encode(["Hello world"])[0])[:2]
    [value] = scorer.score(["Hello world"], ["سلام دنیا"])
    assert value is not None and value < 0
    scorer.close()


@pytest.mark.parametrize("family", list(CODE_TOKENS))
def test_same_shares_the_loaded_weights_of_the_translating_model(
    toy_checkpoints: dict[str, Path], family: str
) -> None:
    persian = CODE_TOKENS[family][0]
    path = str(toy_checkpoints[family])
    forward = Translator.load(path, "cpu", backend="transformers", num_beams=4)
    forced = forward.backend.decoding.forced_bos_token_id
    shared = ReverseScorer.load(plan_reverse("same", path), "cpu", str.strip, engine=forward)
    t = shared.translator
    assert t.backend.model is forward.backend.model  # one copy of the weights
    # the translating model still translates Persian->English, with its own beams
    assert forward.backend.decoding.forced_bos_token_id == forced
    assert forward.backend.decoding.num_beams == 4
    assert persian in forward.tokenizer.convert_ids_to_tokens(forward.encode(["سلام"])[0])[:2]
    assert persian == t.tokenizer.convert_ids_to_tokens(t.backend.decoding.forced_bos_token_id)
    # the same scores as a second copy loaded the other way round
    separate = ReverseScorer(
        Translator.load(
            path,
            "cpu",
            src_lang=t.tokenizer.src_lang,
            tgt_lang=CODE_LANGS[family],
            backend="transformers",
            num_beams=1,
            normalizer=None,
        ),
        str.strip,
    )
    pairs = (["Hello world", "Good morning"], ["سلام دنیا", "صبح بخیر"])
    assert shared.score(*pairs) == pytest.approx(separate.score(*pairs), abs=1e-5)


def test_same_needs_a_model_and_refuses_a_one_way_model(toy_checkpoints: dict[str, Path]) -> None:
    with pytest.raises(ConfigError, match="needs --model"):
        reverse_name("same", None)
    with pytest.raises(ConfigError, match="translates one way only"):
        plan_reverse("same", str(toy_checkpoints["marian"]))


def test_a_madlad_model_or_a_missing_one_is_refused_naming_the_option(
    toy_checkpoints: dict[str, Path], tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match="--reverse-model: .* fixed target tag"):
        plan_reverse(str(toy_checkpoints["madlad"]), None)
    with pytest.raises(ModelNotFoundError, match="^--reverse-model: "):
        plan_reverse(str(tmp_path / "no-such-model"), None)


def test_a_pair_the_reverse_model_cannot_take_is_skipped_not_fatal(
    toy_checkpoints: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    scorer = ReverseScorer.load(
        plan_reverse(str(toy_checkpoints["marian"]), None), "cpu", str.strip
    )
    too_long = "word " * (scorer.translator.max_input_tokens + 5)
    values = scorer.score(["Hello world", too_long], ["سلام دنیا", "سلام"])
    assert values[0] is not None and values[1] is None

    def broken(sources: object, targets: object) -> list[float]:
        raise RuntimeError("device lost")

    monkeypatch.setattr(scorer.translator.backend, "score", broken)
    assert scorer.score(["Hello world"], ["سلام دنیا"]) == [None]


def test_translate_with_a_one_way_model_as_same_is_a_one_line_error(
    tmp_path: Path, memorizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text("سلام دنیا.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(translate_args(tmp_path / "a.txt", out, memorizer, "--reverse-model", "same")) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--reverse-model same" in err and "one way" in err
    assert not (out / "a.txt").exists()


def test_a_job_with_same_checks_every_sentence_backwards(
    tmp_path: Path, toy_checkpoints: dict[str, Path]
) -> None:
    """``translate --reverse-model same`` with a multilingual model: every sentence scored."""
    import json

    (tmp_path / "a.txt").write_text("سلام دنیا.\n\nصبح بخیر.\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["translate", str(tmp_path / "a.txt"), "-o", str(out), "--model"]
    args += [str(toy_checkpoints["nllb"]), "--backend", "transformers", "--beams", "1"]
    assert main([*args, "--quiet", "--repair", "false", "--reverse-model", "same"]) == 0
    lines = (out / ".fa2en-review" / "segments.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    # random weights: nothing explains anything, so the reverse check fires on every sentence
    assert len(records) == 2 and all("unrelated" in r["flags"] for r in records)


def test_a_bad_reverse_model_fails_a_dry_run_and_names_the_option(
    tmp_path: Path, memorizer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text("سلام دنیا.\n", encoding="utf-8")
    empty = tmp_path / "empty-model"
    empty.mkdir()
    base = translate_args(tmp_path / "a.txt", tmp_path / "out", memorizer, "--dry-run")
    for reverse, code, words in (
        ("same", 2, "--reverse-model same"),
        (str(empty), 3, "--reverse-model: "),
        (str(tmp_path / "missing"), 3, "--reverse-model: "),
    ):
        assert main([*base, "--reverse-model", reverse]) == code, reverse
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith(f"fa2en: error: {words}"), err
    # the same missing model in eval: the same exit code as translate (3: model not available)
    from fa2en.evaluate.cli import main as eval_main

    ref = tmp_path / "r.en"
    ref.write_text("Hello.\n", encoding="utf-8")
    args = ["--src", str(tmp_path / "a.txt"), "--ref", str(ref), "--hyp", f"a={ref}"]
    assert eval_main([*args, "--reverse-model", str(tmp_path / "missing")]) == 3
    assert "--reverse-model: " in capsys.readouterr().err


def test_reverse_model_without_checks_is_said_to_do_nothing(
    tmp_path: Path, memorizer: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "a.txt").write_text("سلام دنیا.\n", encoding="utf-8")
    args = translate_args(tmp_path / "a.txt", tmp_path / "out", memorizer, "--no-review")
    assert main([*args, "--reverse-model", "anything", "--dry-run"]) == 0
    assert "--reverse-model has no effect with --no-review" in caplog.text


def test_reverse_scores_keep_line_order_and_skip_empty_outputs() -> None:
    from fa2en.quality.reverse import reverse_scores_of

    class Scorer:  # scores each pair by its source's length: any reordering would show
        name = "fake"

        def score(self, outputs: list[str], sources: list[str]) -> list[float | None]:
            assert all(o.strip() for o in outputs)
            return [-float(len(s)) for s in sources]

        def describe(self) -> str:
            return "fake"

        def close(self) -> None:
            pass

    sources = ["a", "bb", "ccc", "dddd"]
    outputs = ["A", "", "C", "D"]
    assert reverse_scores_of(Scorer(), sources, outputs) == [-1.0, None, -3.0, -4.0]
    assert reverse_scores_of(None, sources, outputs) == [None] * 4
