"""NumPy ↔ Arrow for the pipeline's columns, without pyarrow's pandas bridge.

`pa.array(...)`, `Array.to_numpy()` and `np.asarray(arrow_array)` go through pyarrow's pandas-conversion code,
which imports pandas when it is installed (≈ 0.7 CPU s, a quarter of `dangol analyze` at 1M order lines, for
nothing: the pipeline holds no pandas objects). The pipeline's columns are plain numbers without nulls, so they
are wrapped as Arrow buffers and read back from them (zero copy), with the same Arrow types `pa.array` gives.
Anything else (nulls, non-numeric types) falls back to pyarrow's own conversion.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa


def column(values: np.ndarray) -> pa.Array:
    """`pa.array(values)` for a 1-D NumPy array of numbers (NaN stays NaN, as with `pa.array`)."""
    values = np.ascontiguousarray(values)
    if values.dtype.kind not in "iuf" or values.ndim != 1:
        return pa.array(values)
    return pa.Array.from_buffers(pa.from_numpy_dtype(values.dtype), len(values), [None, pa.py_buffer(values)])


def strings(values: Sequence[str]) -> pa.Array:
    """`pa.array(values, pa.string())` for Python strings (no nulls)."""
    data = [value.encode("utf-8") for value in values]
    offsets = np.zeros(len(data) + 1, dtype=np.int32)
    np.cumsum([len(d) for d in data], out=offsets[1:])
    return pa.Array.from_buffers(
        pa.string(), len(data), [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(data))]
    )


def numbers(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """`values.to_numpy()` for an Arrow column of integers or floats without nulls (read-only, zero copy when
    it is one chunk); booleans as a NumPy bool array."""
    array = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    kind = array.type
    if array.null_count == 0 and pa.types.is_boolean(kind):
        return numbers(array.cast(pa.int8())).astype(bool)
    if array.null_count or not (pa.types.is_integer(kind) or pa.types.is_floating(kind)):
        return array.to_numpy(zero_copy_only=False)  # type: ignore[no-any-return]
    letter = "f" if pa.types.is_floating(kind) else "u" if pa.types.is_unsigned_integer(kind) else "i"
    dtype = np.dtype(f"{letter}{kind.bit_width // 8}")
    buffer = array.buffers()[1]
    if buffer is None:
        return np.zeros(0, dtype=dtype)
    return np.frombuffer(buffer, dtype=dtype, count=len(array), offset=array.offset * dtype.itemsize)
