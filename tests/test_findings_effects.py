"""p-values, effect estimates and significance in results sentences (extractor.findings.effects).

Every sentence here is invented for the test.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.evidence import Effect
from extractor.findings.effects import (
    EffectMatch,
    PValue,
    crosses_null,
    find_alpha,
    find_effects,
    find_p_values,
    significance,
)
from extractor.numbers import fold

MIDDLE_DOT = "\u00b7"
MINUS = "\u2212"
EN_DASH = "\u2013"
GUILLEMET = "\u2039"


# -- p-values ----------------------------------------------------------------------------------
@pytest.mark.parametrize("text, value, relation, significant", [
    ("p < 0.001", 0.001, "<", True),
    ("P=.03", 0.03, "=", True),
    (f"p{GUILLEMET}0{MIDDLE_DOT}05", 0.05, "<", True),
    ("p-value of 0.2", 0.2, "=", False),
    ("P value was 0.049", 0.049, "=", True),
    ("p \u2264 0.01", 0.01, "<=", True),
    ("p >= 0.05", 0.05, ">=", False),
    ("p > 0.05", 0.05, ">", False),
    ("p = 0.05", 0.05, "=", False),
    ("p < 0.1", 0.1, "<", None),
    ("P for trend = 0.02", 0.02, "=", True),
    ("p (log-rank) = 0.004", 0.004, "=", True),
    (f"P = 2.1 \u00d7 10{MINUS}5", 2.1e-5, "=", True),
    ("p = 3e-4", 3e-4, "=", True),
])
def test_p_value_forms(text: str, value: float, relation: str, significant: bool | None) -> None:
    [p] = find_p_values(text)
    assert p.value == pytest.approx(value)
    assert (p.relation, p.significant) == (relation, significant)
    assert (p.start, p.end) == (0, len(text))


@pytest.mark.parametrize("text, found", [
    ("NS", "NS"), ("n.s.", "n.s."), ("not significant", "not significant"),
    ("The change was not statistically significant.", "not statistically significant"),
    ("a non-significant trend", "non-significant"),
    ("rash was similar (NS)", "NS"), ("P = NS", "P = NS"), ("p=n.s.", "p=n.s."),
])
def test_not_significant_words(text: str, found: str) -> None:
    [p] = find_p_values(text)
    assert (p.value, p.significant) == (None, False)
    assert text[p.start:p.end] == found


@pytest.mark.parametrize("text", [
    "Patients with NS received prednisolone.",  # nephrotic syndrome
    "P = 16 patients",  # not a probability
    "group sizes were 40 and 38",
    "The drug was not significantly different",  # a significance phrase, not a p-value
])
def test_not_p_values(text: str) -> None:
    assert find_p_values(text) == []


def test_several_p_values_in_order() -> None:
    text = "Pain fell (p = 0.01) but sleep did not (p = 0.34); rash, NS."
    found = find_p_values(text)
    assert [p.value for p in found] == [0.01, 0.34, None]
    assert [p.significant for p in found] == [True, False, False]


@pytest.mark.parametrize("text, alpha", [
    ("A P value < 0.01 was considered statistically significant.", 0.01),
    ("The significance level was set at 0.025.", 0.025),
    ("Statistical significance was defined as p < 0.1.", 0.1),
    ("We used a two-sided alpha of 0.01.", 0.01),
    ("No level is stated here (p = 0.03).", None),
    ("The significance of 3 covariates was tested.", None),  # 3 is no level
])
def test_find_alpha(text: str, alpha: float | None) -> None:
    assert find_alpha(text) == alpha


def test_stated_alpha_decides_significance() -> None:
    text = "P < 0.01 was considered significant. Nausea was rarer with drug A (p = 0.03)."
    [p] = find_p_values(text)  # the statement of the level is no result
    assert (p.value, p.significant) == (0.03, False)
    assert find_p_values("Nausea was rarer with drug A (p = 0.03).")[0].significant is True
    assert find_p_values("Nausea (p = 0.03).", alpha=0.01)[0].significant is False


# -- effect estimates --------------------------------------------------------------------------
@pytest.mark.parametrize("text, measure, value, low, high, level", [
    ("RR 0.75; 95% CI 0.60-0.93", "RR", 0.75, 0.60, 0.93, 95),
    ("odds ratio, 1.52 [95% CI, 1.1 to 2.1]", "OR", 1.52, 1.1, 2.1, 95),
    (f"HR = 0.8 (0.7{EN_DASH}0.9)", "HR", 0.8, 0.7, 0.9, None),
    (f"mean difference {MINUS}2.3 ({MINUS}4.1, {MINUS}0.5)", "MD", -2.3, -4.1, -0.5, None),
    ("relative risk reduction of 25%", "RRR", 25, None, None, None),
    (f"OR 1{MIDDLE_DOT}5 (95% CI 0{MIDDLE_DOT}9{EN_DASH}2{MIDDLE_DOT}1)", "OR", 1.5, 0.9, 2.1,
     95),
    ("hazard ratio for relapse was 0.80 (95% confidence interval [CI], 0.70 to 0.91",
     "HR", 0.80, 0.70, 0.91, 95),
    ("HR (95% CI) 0.62 (0.50-0.77)", "HR", 0.62, 0.50, 0.77, 95),
    ("aOR 2.4 (90% CI 1.2-4.8)", "OR", 2.4, 1.2, 4.8, 90),
    ("incidence rate ratio 0.66 (95% CI 0.51 to 0.85)", "IRR", 0.66, 0.51, 0.85, 95),
    ("risk ratio 1.10 (95% CI 0.95 to 1.27)", "RR", 1.10, 0.95, 1.27, 95),
    ("SMD -0.42 (95% CI -0.61 to -0.23)", "SMD", -0.42, -0.61, -0.23, 95),
    ("standardised mean difference 0.3 (0.1, 0.5)", "SMD", 0.3, 0.1, 0.5, None),
    ("risk difference 4.2% (95% CI 1.0% to 7.4%)", "RD", 4.2, 1.0, 7.4, 95),
    ("absolute risk reduction 6% (95% CI 2 to 10)", "ARR", 6, 2, 10, 95),
    ("NNT 8 (95% CI 5 to 20)", "NNT", 8, 5, 20, 95),
    ("number needed to treat was 12", "NNT", 12, None, None, None),
    ("percent change from baseline of -18.5%", "percent_change", -18.5, None, None, None),
    (f"between-group difference, {MINUS}1.4 points (95% CI {MINUS}2.5 to {MINUS}0.3)",
     "difference", -1.4, -2.5, -0.3, 95),
    ("weighted mean difference 3.1 mm Hg (95% CI 1.2-5.0)", "MD", 3.1, 1.2, 5.0, 95),
    ("a 25% relative risk reduction", "RRR", 25, None, None, None),
])
def test_effect_forms(text: str, measure: str, value: float, low: float | None,
                      high: float | None, level: float | None) -> None:
    [found] = find_effects(text)
    effect = found.effect
    assert (effect.measure, effect.value, effect.ci_low, effect.ci_high, effect.ci_level) == (
        measure, pytest.approx(value), low if low is None else pytest.approx(low),
        high if high is None else pytest.approx(high), level)
    assert text[found.start:found.end] == effect.text


@pytest.mark.parametrize("text, value", [
    ("Pain was reduced by 30% with drug A.", -30), ("Sleep time increased by 12%.", 12),
    ("a 40% reduction in seizures", -40), ("a 15% increase in relapse", 15),
])
def test_percent_change(text: str, value: float) -> None:
    [found] = find_effects(text)
    assert (found.effect.measure, found.effect.value) == ("percent_change", value)


@pytest.mark.parametrize("text", [
    "HR 72 (60-80) beats per minute at rest",  # a heart rate
    "RR 18 (16-20) breaths per minute",  # a respiratory rate
    "Drug A or placebo 1.5 times daily",  # the word "or"
    "HR 0.8 (1.2-1.9)",  # the bracket does not hold the value: no interval ...
    "OR 1,06 [0,76-1,48]",  # a decimal comma: "1,06" is no number numbers.py reads
])
def test_not_effect_intervals(text: str) -> None:
    found = find_effects(text)
    assert all(f.effect.ci_low is None for f in found)
    assert all(f.effect.value < 10 for f in found)


def test_bare_bracket_outside_value_is_not_its_interval() -> None:
    [found] = find_effects("HR 0.8 (1.2-1.9)")
    assert (found.effect.value, found.effect.ci_low) == (0.8, None)
    assert found.effect.text == "HR 0.8"


def test_two_effects_in_a_sentence() -> None:
    text = ("Mortality was lower (HR 0.71, 95% CI 0.55-0.92) and so was stroke "
            "(odds ratio 0.80; 95% CI 0.62 to 1.03).")
    found = find_effects(text)
    assert [(f.effect.measure, f.effect.value) for f in found] == [("HR", 0.71), ("OR", 0.80)]
    assert [crosses_null(f.effect) for f in found] == [False, True]


@pytest.mark.parametrize("measure, low, high, crosses", [
    ("RR", 0.6, 0.93, False), ("OR", 0.9, 1.4, True), ("HR", 1.0, 1.3, True),
    ("MD", -4.1, -0.5, False), ("SMD", -0.2, 0.3, True), ("difference", 0.0, 2.0, True),
    ("RRR", 5, 40, False), ("NNT", 5, 20, None), ("RR", None, None, None),
])
def test_crosses_null(measure: str, low: float | None, high: float | None,
                      crosses: bool | None) -> None:
    effect = Effect(measure=measure, value=1.0, ci_low=low, ci_high=high)  # type: ignore[arg-type]
    assert crosses_null(effect) is crosses


# -- significance ------------------------------------------------------------------------------
@pytest.mark.parametrize("text, significant", [
    ("Pain scores did not differ significantly between the groups.", False),
    ("There was no significant difference in relapse (p = 0.41).", False),
    ("Itch was significantly lower with drug A than with placebo (p < 0.01).", True),
    ("Relapse was rarer with drug A (RR 0.70; 95% CI 0.55-0.89).", True),
    ("Relapse was similar (RR 0.95; 95% CI 0.80-1.13).", False),
    ("The between-group difference was statistically significant.", True),
    ("The difference failed to reach statistical significance.", False),
    ("Drug A lowered pain (p = 0.002).", True),
    ("Headache was as common with drug A as with placebo (p = 0.7).", False),
    ("Drug A was given in the evening.", None),
    ("Itch fell significantly, whereas sleep did not change significantly.", None),
    ("Two clinically significant bleeds occurred.", None),
    ("Significance was set at p < 0.05.", None),
    ("The difference was not significant.", False),
    ("Pain fell with drug A, but not significantly (p = 0.12).", False),
])
def test_significance(text: str, significant: bool | None) -> None:
    assert significance(text) is significant


# -- properties --------------------------------------------------------------------------------
ratios = st.decimals(min_value="0.01", max_value="9.99", places=2).map(float)
probabilities = st.decimals(min_value="0.0001", max_value="1", places=4).map(float)
differences = st.decimals(min_value="-99.9", max_value="99.9", places=1).map(float)
fillers = st.sampled_from(["", "Relapse was rarer ", "In week 12, ", "(", "itch; ", "and "])


@given(probabilities, st.sampled_from(["p", "P", "p-value", "P value"]),
       st.sampled_from(["<", "=", ">", "\u2264"]), fillers)
def test_formatted_p_value_round_trips(value: float, name: str, op: str, before: str) -> None:
    piece = f"{name} {op} {value:g}"
    text = f"{before}{piece}."
    [p] = find_p_values(text)
    assert p.value == pytest.approx(value)
    assert text[p.start:p.end] == piece


@given(ratios, ratios, ratios, st.sampled_from(["RR", "OR", "HR", "odds ratio",
                                                  "hazard ratio", "relative risk"]), fillers)
def test_formatted_ratio_round_trips(a: float, b: float, c: float, name: str,
                                     before: str) -> None:
    low, value, high = sorted((a, b, c))
    piece = f"{name} {value:.2f} (95% CI {low:.2f}-{high:.2f})"
    text = f"{before}{piece}; p = 0.01"
    [found] = find_effects(text)
    assert (found.effect.value, found.effect.ci_low, found.effect.ci_high) == (
        value, low, high)
    assert text[found.start:found.end] == piece == found.effect.text


@given(differences, differences, differences,
       st.sampled_from(["MD", "mean difference", "difference", "SMD"]))
def test_folding_unicode_changes_nothing(a: float, b: float, c: float, name: str) -> None:
    low, value, high = sorted((a, b, c))
    ascii_text = f"Pain: {name} {value} (95% CI {low} to {high}), p = 0.03; NS for sleep."
    journal = ascii_text.replace(".", MIDDLE_DOT).replace("-", MINUS).replace(
        f"sleep{MIDDLE_DOT}", "sleep.")
    assert fold(journal) == ascii_text
    assert _effects(find_effects(journal)) == _effects(find_effects(ascii_text))
    assert find_p_values(journal) == find_p_values(ascii_text)
    assert significance(journal) is significance(ascii_text)


def _effects(found: list[EffectMatch]) -> list[tuple[int, int, dict[str, object]]]:
    return [(f.start, f.end, f.effect.model_dump(exclude={"text"})) for f in found]


@settings(max_examples=200)
@given(st.lists(st.sampled_from([
    "RR 0.75; 95% CI 0.60-0.93", "p < 0.001", "NS", "(NS)", "HR = 0.8 (0.7\u20130.9)",
    "not significant", "reduced by 30%", " ", "; ", "group", "(", ")", "95% CI",
    "p\u20390\u00b705", "\u22122.3", "odds ratio", ", ", "1.5", "significantly",
]), max_size=12))
def test_offsets_slice_back(parts: list[str]) -> None:
    text = "".join(parts)
    for p in find_p_values(text):
        assert isinstance(p, PValue) and 0 <= p.start < p.end <= len(text)
        assert text[p.start:p.end].strip() == text[p.start:p.end]
    for e in find_effects(text):
        assert text[e.start:e.end] == e.effect.text
    assert significance(text) in (True, False, None)


def test_significance_from_numbers_alone() -> None:
    text = "Itch was significantly lower with drug A (p = 0.03)."
    assert significance(text, words=False) is True
    assert significance(text, alpha=0.01, words=False) is False
    assert significance("Itch did not differ significantly.", words=False) is None
    assert significance("Rash was rarer (NS).", words=False) is None  # no number
    assert significance("Rash was rarer (RR 0.8; 95% CI 0.6-1.1).", words=False) is False


@pytest.mark.parametrize("text, printed", [
    ("(mean difference -1.8; 95% CI -2.6 to -1.0).", "mean difference -1.8; 95% CI -2.6 to -1.0"),
    ("(RR 0.75 [95% CI 0.60-0.93]; p = 0.01)", "RR 0.75 [95% CI 0.60-0.93]"),
    ("HR 0.7, 95% CI (0.5-0.9).", "HR 0.7, 95% CI (0.5-0.9)"),
])
def test_a_closing_bracket_only_after_an_opening_one(text: str, printed: str) -> None:
    [found] = find_effects(text)
    assert found.effect.text == printed
