"""Numbers as journals print them (extractor.numbers): examples and property tests."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor.numbers import Stat, fold, parse_number, parse_range, parse_stat, strip_marks

MIDDLE_DOT = "\u00b7"
MINUS = "\u2212"
EN_DASH = "\u2013"
EM_DASH = "\u2014"

decimals = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False,
                       allow_infinity=False).map(float)
counts = st.integers(min_value=0, max_value=5000)


@pytest.mark.parametrize("text, value", [
    ("12", 12.0), ("2.5", 2.5), (".05", 0.05), ("1,234", 1234.0), ("1,234,567.5", 1234567.5),
    (f"0{MIDDLE_DOT}6", 0.6), (f"{MINUS}1.2", -1.2), (f"{MINUS}0{MIDDLE_DOT}25", -0.25),
    ("0,5", 0.5), ("\u0661\u0662", 12.0), ("\uff13", 3.0), (" 7 ", 7.0),
])
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["1,5", "1,2345", "12 mg", "", "abc", "1.2.3", "--3"])
def test_parse_number_abstains(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize("text, span", [
    ("10-20", (10, 20)), (f"10{EN_DASH}20", (10, 20)), (f"10{EM_DASH}20", (10, 20)),
    ("10 to 20", (10, 20)), (f"{MINUS}5 to 5", (-5, 5)), (f"1{MIDDLE_DOT}5{EN_DASH}2{MIDDLE_DOT}5",
                                                        (1.5, 2.5)),
    (f"10%{EN_DASH}20%", (10, 20)), ("-5--3", (-5, -3)),
])
def test_parse_range(text: str, span: tuple[float, float]) -> None:
    assert parse_range(text) == span


def test_parse_range_rejects_reversed_ends() -> None:
    assert parse_range("20-10") is None


def test_fold_reads_a_p_value_with_a_raised_point() -> None:
    text = f"p<0{MIDDLE_DOT}0001 and {MINUS}3"
    assert fold(text) == "p<0.0001 and -3"


def test_fold_leaves_a_separator_dot_alone() -> None:
    assert fold(f"Smith {MIDDLE_DOT} Jones") == f"Smith {MIDDLE_DOT} Jones"


@pytest.mark.parametrize("text, hint, expected", [
    ("23 (55)", "n (%)", Stat("count_percent", 23, percent=55)),
    ("23 (55.0%)", "", Stat("count_percent", 23, percent=55)),
    ("82 (23.2) \u2020", "n (%)", Stat("count_percent", 82, percent=23.2)),
    ("9.4 (1.3)", "Age, mean (SD), years", Stat("mean_sd", 9.4, sd=1.3)),
    (f"{MINUS}1.71 (0.12)", "Adjusted mean change (SE)", Stat("mean_se", -1.71, se=0.12)),
    ("5.1 \u00b1 1.2", "", Stat("mean_sd", 5.1, sd=1.2)),
    (f"12 [8{EN_DASH}15]", "median [IQR]", Stat("median_iqr", 12, low=8, high=15)),
    ("12 (8-15)", "Median (range)", Stat("median_range", 12, low=8, high=15)),
    ("6.1 (4\u20138)", "Mean and range", Stat("mean_range", 6.1, low=4, high=8)),
    (f"3.3 ({MINUS}5.3 to 12.0)", "RD (95% CI)", Stat("estimate_ci", 3.3, low=-5.3, high=12)),
    ("12 (8-15)", "", Stat("interval", 12, low=8, high=15)),
    ("8/112 (7.1)", "", Stat("count_total", 8, percent=7.1, total=112)),
    ("8/112", "", Stat("count_total", 8, total=112)),
    ("45%", "", Stat("percent", 45, percent=45)),
    ("0", "n (%)", Stat("number", 0)),
    (f"10{EN_DASH}20", "", Stat("range", 10, low=10, high=20)),
])
def test_parse_stat(text: str, hint: str, expected: Stat) -> None:
    assert parse_stat(text, hint) == expected


@pytest.mark.parametrize("text, hint", [
    ("9.4 (1.3)", ""),          # a count and percent, or a mean and SD: the reader abstains
    ("12/8", ""),               # more events than patients
    ("Headache", "n (%)"),
    ("12 (15-8)", "median (IQR)"),
    ("", ""),
])
def test_parse_stat_abstains(text: str, hint: str) -> None:
    assert parse_stat(text, hint) is None


def test_stat_count() -> None:
    assert Stat("count_percent", 3, percent=7.1).count == 3
    assert Stat("mean_sd", 3.5, sd=1).count is None


def test_strip_marks() -> None:
    assert strip_marks("23 (4.5) \u2020") == "23 (4.5)"
    assert strip_marks("0.01*") == "0.01"
    assert strip_marks("12 (3)a") == "12 (3)"


# --- properties ------------------------------------------------------------------------------


@given(st.text(max_size=60))
def test_fold_keeps_every_offset(text: str) -> None:
    assert len(fold(text)) == len(text)


@given(decimals)
def test_raised_point_and_minus_read_like_ascii(x: float) -> None:
    plain = f"{x:.2f}"
    assert parse_number(plain.replace(".", MIDDLE_DOT)) == pytest.approx(x)
    if x:
        assert parse_number(MINUS + plain.replace(".", MIDDLE_DOT)) == pytest.approx(-x)


@given(st.integers(min_value=0, max_value=10**9))
def test_thousands_separators(n: int) -> None:
    assert parse_number(f"{n:,}") == n


@given(decimals, decimals, st.sampled_from(["-", EN_DASH, EM_DASH, " to ", f" {EN_DASH} "]))
def test_ranges_keep_both_ends(a: float, b: float, joiner: str) -> None:
    low, high = sorted((a, b))
    assert parse_range(f"{low}{joiner}{high}") == (pytest.approx(low), pytest.approx(high))


@given(counts, st.integers(min_value=1, max_value=5000))
def test_fraction_with_percent(a: int, extra: int) -> None:
    total = a + extra
    pct = round(100 * a / total, 1)
    stat = parse_stat(f"{a}/{total} ({pct})")
    assert stat is not None and stat.count == a and stat.total == total
    assert stat.percent == pytest.approx(pct)


@given(counts, st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda p: round(p, 1)))
def test_count_percent_cells(n: int, pct: float) -> None:
    stat = parse_stat(f"{n} ({pct})", "n (%)")
    assert stat is not None and stat.count == n and stat.percent == pytest.approx(pct)


@given(decimals, decimals)
def test_mean_sd_cells_either_way(mean: float, sd: float) -> None:
    for text in (f"{mean} ({sd})", f"{mean} \u00b1 {sd}"):
        stat = parse_stat(text, "mean (SD)")
        assert stat is not None and stat.kind == "mean_sd"
        assert (stat.value, stat.sd) == (pytest.approx(mean), pytest.approx(sd))
