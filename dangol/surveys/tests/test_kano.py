from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from dangol.surveys.kano import KanoInputError, KanoResult, analyse, classify, evaluate, read_csv

# Berger et al. (1993), table 1, written out cell by cell: (functional, dysfunctional) -> category.
PUBLISHED = {
    (1, 1): "Q",
    (1, 2): "A",
    (1, 3): "A",
    (1, 4): "A",
    (1, 5): "O",
    (2, 1): "R",
    (2, 2): "I",
    (2, 3): "I",
    (2, 4): "I",
    (2, 5): "M",
    (3, 1): "R",
    (3, 2): "I",
    (3, 3): "I",
    (3, 4): "I",
    (3, 5): "M",
    (4, 1): "R",
    (4, 2): "I",
    (4, 3): "I",
    (4, 4): "I",
    (4, 5): "M",
    (5, 1): "R",
    (5, 2): "R",
    (5, 3): "R",
    (5, 4): "R",
    (5, 5): "Q",
}


@pytest.mark.parametrize(("functional", "dysfunctional"), sorted(PUBLISHED))
def test_every_cell_of_the_evaluation_table_matches_the_published_table(functional, dysfunctional):
    assert classify(functional, dysfunctional) == PUBLISHED[(functional, dysfunctional)]


def test_the_table_has_all_25_cells():
    assert len(PUBLISHED) == 25


@pytest.mark.parametrize("pair", [(0, 3), (6, 1), (3, 0), (-1, 5)])
def test_answers_outside_one_to_five_are_refused(pair):
    with pytest.raises(KanoInputError):
        classify(*pair)


def test_better_and_worse_on_a_hand_computed_case():
    # 4 A (1,3), 3 O (1,5), 2 M (2,5), 1 I (3,3), 1 R (5,1), 1 Q (1,1)
    result = evaluate([(1, 3)] * 4 + [(1, 5)] * 3 + [(2, 5)] * 2 + [(3, 3)] + [(5, 1)] + [(1, 1)])
    assert result.counts == {"A": 4, "O": 3, "M": 2, "I": 1, "R": 1, "Q": 1}
    assert result.category == "A"
    assert result.better == pytest.approx(0.7)  # (4+3)/10
    assert result.worse == pytest.approx(-0.5)  # -(3+2)/10


def test_ties_go_to_the_more_basic_need_m_over_o_over_a_over_i():
    assert KanoResult({"A": 2, "O": 2, "M": 2, "I": 2, "R": 0, "Q": 0}).category == "M"
    assert KanoResult({"A": 2, "O": 2, "M": 1, "I": 2, "R": 0, "Q": 0}).category == "O"
    assert KanoResult({"A": 2, "O": 1, "M": 1, "I": 2, "R": 0, "Q": 0}).category == "A"
    assert KanoResult({"A": 1, "O": 1, "M": 1, "I": 3, "R": 3, "Q": 0}).category == "I"


def test_only_reverse_and_questionable_answers_give_no_coefficients():
    result = evaluate([(5, 1), (5, 2), (1, 1)])
    assert result.category == "R"
    assert result.better is None and result.worse is None


def test_waves_show_an_attribute_drifting_from_attractive_to_must_be():
    rows = read_csv(
        "attribute,functional,dysfunctional,respondent,wave\n"
        + "".join(f"당일 배송,1,3,r{i},2025\n" for i in range(3))
        + "".join(f"당일 배송,2,5,r{i},2026\n" for i in range(3))
    )
    (item,) = analyse(rows)
    assert [w["category"] for w in item["waves"]] == ["A", "M"]
    assert item["drift"] == ["A", "M"]
    assert item["n"] == 6


def _run(path: Path) -> dict:
    out = StringIO()
    call_command("kano", str(path), stdout=out)
    return json.loads(out.getvalue())


def test_cli_prints_json_per_attribute_and_wave(tmp_path):
    f = tmp_path / "kano.csv"
    f.write_text(
        "attribute,functional,dysfunctional,wave\n앱 결제,1,5,1\n앱 결제,1,5,1\n앱 결제,2,5,2\n주차,3,3,1\n",
        encoding="utf-8",
    )
    data = _run(f)
    pay, parking = data["attributes"]
    assert pay["attribute"] == "앱 결제" and pay["O"] == 2 and pay["M"] == 1 and pay["category"] == "O"
    assert pay["better"] == pytest.approx(2 / 3, abs=1e-4) and pay["worse"] == -1.0
    assert [w["wave"] for w in pay["waves"]] == ["1", "2"]
    assert parking["category"] == "I" and set(parking) >= {
        "A",
        "O",
        "M",
        "I",
        "R",
        "Q",
        "category",
        "better",
        "worse",
    }


def test_cli_reads_cp949_files(tmp_path):
    f = tmp_path / "kano.csv"
    f.write_bytes("attribute,functional,dysfunctional\n포장,2,5\n".encode("cp949"))
    assert _run(f)["attributes"][0]["category"] == "M"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "비어"),
        (b"name,score\nx,1\n", "필수 열"),
        (b"attribute,functional,dysfunctional\nx,6,1\n", "2행"),
        (b"attribute,functional,dysfunctional\nx,like,1\n", "1~5"),
        (b"attribute,functional,dysfunctional\n", "분류할 행"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "CSV"),
    ],
)
def test_cli_bad_files_give_a_clear_error(tmp_path, content, message):
    f = tmp_path / "bad.csv"
    f.write_bytes(content)
    with pytest.raises(CommandError) as info:
        _run(f)
    assert message in str(info.value)


def test_cli_missing_file_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="파일이 없습니다"):
        _run(tmp_path / "nope.csv")


def test_console_command_exits_non_zero_without_traceback(tmp_path):
    import subprocess
    import sys

    f = tmp_path / "bad.csv"
    f.write_text("a,b\n1,2\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "dangol", "kano", str(f)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "필수 열" in done.stderr


def test_huge_or_unicode_digits_are_refused_cleanly():
    with pytest.raises(KanoInputError):
        read_csv("attribute,functional,dysfunctional\nx," + "1" * 5000 + ",1\n")
    with pytest.raises(KanoInputError):
        read_csv("attribute,functional,dysfunctional\nx,١,1\n")
