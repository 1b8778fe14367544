from __future__ import annotations

from pathlib import Path

import pytest

LIFETIMES_DATA = Path(__file__).resolve().parents[3] / ".venv/lib/python3.11/site-packages/lifetimes/datasets"


@pytest.fixture(scope="session")
def cdnow_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """CDNOW_sample.txt (shipped in the `lifetimes` wheel; test data only) as a CSV with a header."""
    import lifetimes

    source = Path(lifetimes.__file__).parent / "datasets" / "CDNOW_sample.txt"
    out = tmp_path_factory.mktemp("cdnow") / "cdnow.csv"
    lines = ["customer,sample,date,cds,dollars"]
    for line in source.read_text().splitlines():
        parts = line.split()
        if parts:
            lines.append(",".join(parts))
    out.write_text("\n".join(lines) + "\n")
    return out
