"""CSV files whose lines end partly in CRLF and partly in LF (spreadsheet round-trips) are read."""

import datetime as dt
import gc
import json
import tempfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dangol.analytics import Columns, Options, analyze, cli, engine

HEADER = "customer,date,amount"
ROWS = [
    "A,2024-01-01,100",
    "A,2024-01-15,200",
    "A,2024-03-01,300",
    "B,2024-02-01,80",
    "C,2024-01-10,40",
    "C,2024-04-01,60",
]


def write(path: Path, lines: list[str], endings: list[str]) -> Path:
    path.write_bytes("".join(line + end for line, end in zip(lines, endings, strict=True)).encode())
    return path


def run_cli(file: Path, out: Path) -> int:
    return cli.main(
        [
            str(file),
            *("--customer", "customer", "--date", "date", "--amount", "amount"),
            *("--end", "2024-06-30", "--out", str(out), "--no-progress"),
        ]
    )


def test_header_in_lf_and_rows_in_crlf_give_the_same_scorecard_as_plain_lf(tmp_path):
    lines = [HEADER, *ROWS]
    mixed = write(tmp_path / "mixed.csv", lines, ["\n"] + ["\r\n"] * len(ROWS))
    plain = write(tmp_path / "plain.csv", lines, ["\n"] * len(lines))
    assert engine.mixed_line_endings(mixed) and not engine.mixed_line_endings(plain)

    assert run_cli(mixed, tmp_path / "mixed-out") == 0
    assert run_cli(plain, tmp_path / "plain-out") == 0
    got = pq.read_table(tmp_path / "mixed-out" / "customers.parquet").to_pylist()
    assert got == pq.read_table(tmp_path / "plain-out" / "customers.parquet").to_pylist()
    assert {r["customer_id"]: r["frequency"] for r in got} == {"A": 2, "B": 0, "C": 1}
    assert json.loads((tmp_path / "mixed-out" / "report.json").read_text("utf-8"))["n_transactions"] == 6


def test_endings_that_change_far_below_the_sniffed_sample_are_read(tmp_path):
    """DuckDB sniffs the first rows; here the CRLF rows only start after 30,000 LF rows."""
    rows = [f"C{i % 500},2024-{1 + i % 6:02d}-{1 + i % 28:02d},{100 + i % 50}" for i in range(40_000)]
    file = write(tmp_path / "late.csv", [HEADER, *rows], ["\n"] * 30_001 + ["\r\n"] * 10_000)
    scorecard, report = analyze(
        file, Columns("customer", "date", "amount"), Options(end=dt.date(2024, 6, 30))
    )
    assert report["n_transactions"] == 40_000 and scorecard.num_rows == 500


def test_the_normalised_copy_is_removed_with_the_connection(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    file = write(tmp_path / "mixed.csv", [HEADER, *ROWS], ["\n"] + ["\r\n"] * len(ROWS))
    con = engine.connect()
    tx, n = engine.load_counted(con, file, Columns("customer", "date", "amount"))
    assert n == 6 and len(list(scratch.iterdir())) == 1  # read through one LF copy
    assert tx.count().to_pyarrow().as_py() == 6  # still readable: the copy lives while the connection does
    del con, tx
    gc.collect()
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 7, 1 << 20])
def test_crlf_split_across_chunks_is_still_one_line_ending(tmp_path, chunk_size):
    raw = b"a,b\nx,\r\n\r\ny\r,z\r\n"
    file = tmp_path / "f.csv"
    file.write_bytes(raw)
    copy = engine.normalised_copy(file, chunk_size=chunk_size)
    try:
        assert copy.read_bytes() == b"a,b\nx,\n\ny\r,z\n"
    finally:
        copy.unlink()
    assert engine.mixed_line_endings(file, chunk_size=chunk_size)


def test_a_file_that_still_cannot_be_read_says_so(tmp_path, capsys):
    file = tmp_path / "cp949.csv"  # mixed endings and, besides, not UTF-8
    file.write_bytes(f"{HEADER}\nA,2024-01-01,100\r\n김단골,2024-01-02,5\r\n".encode("cp949"))
    assert run_cli(file, tmp_path / "out") == 2
    err = capsys.readouterr().err
    assert "CSV를 읽을 수 없습니다" in err and "utf-8" in err
