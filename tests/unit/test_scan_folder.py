"""How the scan folder groups files into batches: bounded in count and in bytes."""

from __future__ import annotations

from pathlib import Path

from aduan.daemon.sources.scans import BATCH, BATCH_BYTES, _batches, _Found


def found(sizes: list[int]) -> list[_Found]:
    return [_Found(Path(f"f{i}"), size, 0) for i, size in enumerate(sizes)]


def test_batches_are_bounded_by_count_and_keep_every_file_in_order() -> None:
    files = found([10] * (BATCH * 2 + 3))
    batches = list(_batches(files))
    assert [len(b) for _, b in batches] == [BATCH, BATCH, 3]
    assert [done for done, _ in batches] == [0, BATCH, 2 * BATCH]
    assert [f for _, b in batches for f in b] == files


def test_batches_are_bounded_by_bytes_but_a_big_file_still_goes_alone() -> None:
    half = BATCH_BYTES // 2 + 1
    files = found([half, half, BATCH_BYTES * 3, 1])
    assert [[f.path.name for f in b] for _, b in _batches(files)] == [
        ["f0"],
        ["f1"],
        ["f2"],
        ["f3"],
    ]
