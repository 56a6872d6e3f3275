"""Population counts by kind (extractor/records/population.py). Sentences are invented."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor.records.population import best_n, find_counts, to_int


@pytest.mark.parametrize("text, kind, value", [
    ("A total of 212 patients were randomly assigned to drug or placebo.", "randomised", 212),
    ("We randomized 96 adults with asthma.", "randomised", 96),
    ("Of 300 screened, 187 were allocated to long or short therapy.", "randomised", 187),
    ("Twenty-three children were included in the study.", "enrolled", 23),
    ("In the cohort of 21 934 patients with the disease, 30% received it.", "enrolled", 21934),
    ("A total of 1,204 participants were enrolled.", "enrolled", 1204),
    ("Forty-five patients were evaluable for safety.", "analysed", 45),
    ("410 patients were screened for eligibility.", "screened", 410),
    ("We report two cases of a rare reaction.", "cases", 2),
    ("Three cases of drug fever in one ward.", "cases", 3),
    ("We present a 54-year-old woman with a rash.", "cases", 1),
])
def test_counts_by_kind(text: str, kind: str, value: int) -> None:
    counts = find_counts(text)
    assert counts[kind].value == value
    assert text[counts[kind].start:counts[kind].end]


@pytest.mark.parametrize("text", [
    "Compound 4521 was tested in 12 assays.",
    "The study ran from 2009 to 2014 at 3 centres.",
    "Platelets were 45 x 10^9/L on day 12.",
    "In 1998, 40 tests were performed.",
])
def test_numbers_that_are_not_people_are_never_counts(text: str) -> None:
    assert find_counts(text) == {}


def test_one_arm_is_not_the_study() -> None:
    counts = find_counts("Seven patients were assigned to group A, eight to group B.")
    assert "randomised" not in counts


def test_n_prefers_randomised_then_enrolled_never_screened() -> None:
    text = "410 patients were screened; 212 were randomized and 200 were analysed."
    counts = find_counts(text)
    assert best_n(counts) is not None and best_n(counts)[1].value == 212  # type: ignore[index]
    assert best_n(find_counts("410 patients were screened for eligibility.")) is None


@given(st.integers(min_value=1, max_value=999_999))
def test_digit_counts_round_trip(n: int) -> None:
    assert to_int(f"{n:,}") == n
    assert find_counts(f"A total of {n:,} patients were enrolled.")["enrolled"].value == n


def test_thresholds_are_not_counts() -> None:
    assert "randomised" not in find_counts("Those with a total score > 40 were randomized.")
    assert "randomised" not in find_counts("Children with scores above 40 were randomized.")
