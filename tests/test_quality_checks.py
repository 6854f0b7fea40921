"""Unit tests of each quality check, the number rules and the thresholds config."""

from __future__ import annotations

from pathlib import Path

import pytest

from fa2en.errors import ConfigError
from fa2en.quality import CHECKS, Candidate, load_quality_config, run_checks, warm_up
from fa2en.quality.config import calibration_path, packaged_path, read_file, save_calibration
from fa2en.quality.numbers import missing_numbers, output_values, source_numbers

SRC = "دولت روز دوشنبه اعلام کرد که قیمت نان در سال آینده افزایش نخواهد یافت."
OUT = "The government announced on Monday that the price of bread will not rise next year."


@pytest.fixture(autouse=True)
def _no_user_calibration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FA2EN_CONFIG_HOME", str(tmp_path / "config-home"))


def flags(
    output: str, source: str = SRC, confidence: float | None = None, truncated: bool = False
) -> dict[str, str]:
    config = load_quality_config()
    [found] = run_checks([Candidate(source, output, confidence, truncated)], config)
    return {f.name: f.reason for f in found}


def test_a_good_translation_raises_nothing() -> None:
    assert flags(OUT, confidence=-0.3) == {}


def test_empty_is_the_only_flag_of_an_empty_output() -> None:
    assert list(flags("  ")) == ["empty"]
    assert flags("", source="") == {}


def test_low_confidence_uses_the_threshold_and_is_skipped_without_a_score() -> None:
    assert "low-confidence" in flags(OUT, confidence=-2.0)
    assert "low-confidence" not in flags(OUT, confidence=-1.0)
    assert "low-confidence" not in flags(OUT, confidence=None)


def test_unrelated_uses_the_reverse_score_and_is_skipped_without_one() -> None:
    config = load_quality_config()

    def unrelated(reverse: float | None) -> bool:
        [found] = run_checks([Candidate(SRC, OUT, -0.3, reverse=reverse)], config)
        return "unrelated" in {f.name for f in found}

    assert unrelated(-3.5) and not unrelated(-2.0) and not unrelated(None)


def test_truncated_comes_from_the_engine() -> None:
    assert flags(OUT, truncated=True) == {"truncated": "stopped at the output length cap"}


@pytest.mark.parametrize(
    "output",
    [
        OUT[:-1] + ", I'm sorry, I'm sorry, I'm sorry, I'm sorry.",
        OUT + " year year year year",
        "The the government announced on Monday that that the price of bread will not rise next year, "
        "next year, next year.",
    ],
)
def test_repetition_finds_loops(output: str) -> None:
    assert "repetition" in flags(output)


def test_repetition_leaves_ordinary_doubling_alone() -> None:
    assert "repetition" not in flags(
        '"No, no," he said, announcing that bread would not rise next year.'
    )


def test_repetition_by_compression_ratio() -> None:
    config = load_quality_config()
    p = dict(config.of("repetition"), max_ngram=1, min_repeats_unigram=99)
    from fa2en.quality.checks import Evidence, check_repetition

    looping = "abc def " * 20
    assert "compression ratio" in check_repetition(Evidence(SRC, looping, None, False, None), p)


def test_untranslated_persian_script_and_copies() -> None:
    assert "untranslated" in flags(SRC)
    assert "untranslated" in flags("The government announced that قیمت نان will not rise.")
    latin = "Reuters reported the Tehran Stock Exchange index at 1,234,567 points on Monday."
    assert "copies the source" in flags(latin, source=latin)["untranslated"]


def test_off_target_names_the_language_and_ignores_short_outputs() -> None:
    german = "Die Regierung hat am Montag angekündigt, dass der Brotpreis nicht steigen wird."
    assert flags(german)["off-target"] == "output language is German, not English"
    assert "off-target" not in flags("Ja.", source="بله.")


def test_off_target_in_lingua_low_accuracy_mode(tmp_path: Path) -> None:
    low = tmp_path / "low.yaml"
    low.write_text("defaults:\n  off-target: {accuracy: low}\n", encoding="utf-8")
    config = load_quality_config(None, low)
    warm_up(config)
    german = "Die Regierung hat am Montag angekündigt, dass der Brotpreis nicht steigen wird."
    found = run_checks([Candidate(SRC, german), Candidate(SRC, OUT)], config)
    assert [[f.name for f in fl] for fl in found] == [["off-target"], []]


def test_numbers_flag_missing_and_changed_numbers() -> None:
    src = "شمار قربانیان به ۲۴۴۸۹۰ نفر رسید."
    assert "numbers" not in flags("The death toll reached 244,890.", source=src)
    assert "244890" in flags("The death toll reached 24,490.", source=src)["numbers"]
    assert "numbers" in flags("The death toll rose sharply.", source=src)


@pytest.mark.parametrize(
    ("source", "output"),
    [
        ("نرخ تورم ۱۲٫۵ درصد بود.", "Inflation was 12.5 percent."),
        ("نرخ تورم ۱۲/۵ درصد بود.", "Inflation was 12.5 percent."),
        ("۱٬۰۰۰ نفر آمدند.", "1000 people came."),
        ("۱۰۰۰ نفر آمدند.", "1,000 people came."),
        ("٣ نفر آمدند.", "Three people came."),
        ("در دقیقه ۸۹ گل زد.", "He scored in the 89th minute."),
        ("۵ میلیون دلار", "$5,000,000"),
        ("۵۰۰۰۰۰۰ دلار", "5 million dollars"),
        ("ساعت ۷:۵۵ صبح", "at 7.55am"),
        ("۵۷۱،۶۷۸ مورد", "571,678 cases"),
        ("در دهه ۱۹۳۰", "in the 1930s"),
    ],
)
def test_numbers_tolerate_formatting(source: str, output: str) -> None:
    assert missing_numbers(source, output) == []


def test_number_rules() -> None:
    # a slashed (Persian-calendar) date is left alone: translations convert it
    assert [w for w, _ in source_numbers("تاریخ ۱۳۹۵/۰۵/۱۲ و ۲٫۵ و ۳۰۰")] == ["2٫5", "300"]
    assert output_values("1,000.5 and 3 million") == {1000.5, 1000.0, 5.0, 3.0, 3e6}


def test_spelled_numbers_only_up_to_the_threshold() -> None:
    assert missing_numbers("۱۰۰۰۰ نفر", "ten thousand people", spelled_max=1000) == ["10000"]
    assert missing_numbers("۳ نفر", "three people", spelled_max=0) == ["3"]


def test_length_ratio_range_and_short_sources() -> None:
    assert "length-ratio" in flags("The government announced.")
    assert "length-ratio" in flags(OUT + " " + OUT)
    assert "length-ratio" not in flags("Yes.", source="بله")


def test_every_check_has_a_section_or_none_needed() -> None:
    sections = read_file(packaged_path())["defaults"]
    assert set(sections) <= set(CHECKS)
    assert list(CHECKS)[0] == "empty" and CHECKS["empty"].final


def test_override_file_and_model_sections(tmp_path: Path) -> None:
    user = tmp_path / "q.yaml"
    user.write_text(
        "defaults:\n  length-ratio: {min: 0.1}\nmodels:\n  m1:\n    low-confidence: {min: -0.5}\n",
        encoding="utf-8",
    )
    plain = load_quality_config("m2", user)
    assert plain.of("length-ratio")["min"] == 0.1 and plain.of("low-confidence")["min"] == -1.5
    assert load_quality_config("m1", user).of("low-confidence")["min"] == -0.5
    assert str(user) in plain.sources


def test_unrelated_threshold_comes_from_the_reverse_models_entry(tmp_path: Path) -> None:
    user = tmp_path / "q.yaml"
    user.write_text(
        "models:\n  fwd:\n    unrelated: {min: -2.0}\n    low-confidence: {min: -0.5}\n"
        "  rev:\n    unrelated: {min: -0.4}\n    low-confidence: {min: -0.1}\n",
        encoding="utf-8",
    )
    assert load_quality_config("fwd", user).of("unrelated")["min"] == -2.0
    both = load_quality_config("fwd", user, reverse="rev")
    # the reverse model's own unrelated threshold wins; nothing else of its entry applies
    assert both.of("unrelated")["min"] == -0.4 and both.of("low-confidence")["min"] == -0.5
    assert load_quality_config("other", user, reverse="none").of("unrelated")["min"] == -3.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("defaults:\n  repetiton: {}\n", "unknown check 'repetiton'"),
        ("defaults:\n  repetition: {max_gram: 3}\n", "unknown key 'max_gram'"),
        ("defaults:\n  length-ratio: {min: low}\n", "length-ratio.min: expected float"),
        (
            "defaults:\n  off-target: {languages: [ENGLISH, KLINGON]}\n",
            "unknown language 'KLINGON'",
        ),
        ("defaults:\n  off-target: {languages: [GERMAN]}\n", "must include ENGLISH"),
        ("defaults:\n  off-target: {accuracy: medium}\n", "off-target.accuracy: expected one of"),
        ("thresholds: {}\n", "unknown key 'thresholds'"),
        ("defaults: [\n", "not valid YAML"),
    ],
)
def test_bad_quality_config_is_a_config_error_naming_file_and_key(
    tmp_path: Path, text: str, message: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as err:
        load_quality_config(None, bad)
    assert str(bad) in str(err.value)


def test_missing_override_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--quality-config"):
        load_quality_config(None, tmp_path / "nope.yaml")


def test_saved_calibration_is_found_by_the_checks() -> None:
    path = save_calibration(
        "m1", {"low-confidence": {"min": -0.7}, "length-ratio": {"min": 0.8, "max": 1.4}}
    )
    assert path == calibration_path() and path.is_file()
    save_calibration("m2", {"low-confidence": {"min": -0.9}})
    m1 = load_quality_config("m1")
    assert m1.of("low-confidence")["min"] == -0.7 and m1.of("length-ratio")["max"] == 1.4
    assert load_quality_config("m2").of("low-confidence")["min"] == -0.9
    assert load_quality_config("other").of("low-confidence")["min"] == -1.5


def test_a_checkpoint_folder_is_one_model_however_its_path_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "models" / "mine").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    save_calibration("models/mine", {"low-confidence": {"min": -0.7}})
    save_calibration("./models/mine/", {"length-ratio": {"min": 0.5, "max": 2.0}})
    for name in ("models/mine", str(tmp_path / "models" / "mine"), "./models/mine/"):
        config = load_quality_config(name)
        assert config.of("low-confidence")["min"] == -0.7
        assert config.of("length-ratio")["max"] == 2.0
    assert len(read_file(calibration_path())["models"]) == 1
    assert load_quality_config("models/other").of("low-confidence")["min"] == -1.5
