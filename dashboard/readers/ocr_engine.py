"""The offline OCR engine: PP-OCRv4 text recognition (and detection) from the rapidocr-onnxruntime wheel.

The models ship inside the wheel, so nothing is fetched at run time. Only the recogniser's ONNX session is driven
directly: cells are read one by one in batches padded to their own width (rapidocr pads every crop to 320 px,
six times the work for a one-digit cell), and the angle classifier is never used (it flips 6↔9 with high confidence).
The recogniser's graph is folded once at load (ocr_model.py): the same numbers for two thirds of the CPU.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from dashboard.errors import ReportError

if TYPE_CHECKING:
    import numpy as np

REC_HEIGHT = 48  # the PP-OCRv4 recogniser's input height
# Narrower inputs are padded (grey, as in training) to this width: a lone digit read in 48 px comes out less sure.
MIN_W = 96
# Small batches: on one core a batch of 16 narrow crops costs more per crop than one crop alone (cache), and a
# batch pads every crop to its widest. Measured: 4.9 ms per 64-px crop alone, 4.2 in twos, 5.8 in sixteens.
MAX_BATCH = 4
MAX_BATCH_COLUMNS = 480
# One thread per process by default: ingest runs one OCR worker per core, and two threads fighting over one core
# only add overhead. NIANBAO_OCR_THREADS raises it for a single interactive parse.
THREADS = int(os.environ.get("NIANBAO_OCR_THREADS", "1") or 1)
# NIANBAO_OCR_FAST=0 runs the recogniser as shipped (graph not folded, see ocr_model.py) and the reader's older
# per-page path (no ink check before a cell, cells and text in separate calls): the reference the tests hold the fast
# path to (bench/scan_speed.py times a baseline commit's reader instead).
FAST = os.environ.get("NIANBAO_OCR_FAST", "1") != "0"

_PACKAGES = {"rapidocr_onnxruntime": "rapidocr-onnxruntime", "onnxruntime": "onnxruntime",
             "cv2": "opencv-python-headless", "numpy": "numpy"}


def missing_package() -> str | None:
    """The pip name of the first OCR package that cannot be imported, or None when all are there."""
    import importlib.util

    for module, pip_name in _PACKAGES.items():
        try:
            if importlib.util.find_spec(module) is None:
                return pip_name
        except (ImportError, ValueError):
            return pip_name
    return None


def require_ocr(source: str) -> None:
    """Raise a ReportError naming the package to install when OCR cannot run here."""
    pip_name = missing_package()
    if pip_name:
        raise ReportError(source, f"这是扫描件（图片），需要文字识别组件 {pip_name}，但未安装；请运行 scripts/setup.sh 或 "
                                  f"pip install {pip_name}",
                          f"this is a scan (images) and OCR needs the package {pip_name}, which is not installed; "
                          f"run scripts/setup.sh or pip install {pip_name}", code="ocr_missing")


def engine_version() -> str:
    """Engine and versions, as recorded in every scanned report (e.g. 'rapidocr-onnxruntime 1.4.4 PP-OCRv4 …')."""
    def ver(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "?"
    return (f"rapidocr-onnxruntime {ver('rapidocr-onnxruntime')} (PP-OCRv4 det+rec), "
            f"onnxruntime {ver('onnxruntime')}, opencv {ver('opencv-python-headless')}")


@dataclass(frozen=True)
class Reading:
    """One recognised text line: its text, the mean and the lowest character confidence (1.0 for empty)."""

    text: str
    confidence: float
    lowest: float


class Engine:
    """Loaded ONNX sessions; one per process and mode (see engine()). ``fast`` runs the folded recogniser graph."""

    def __init__(self, fast: bool = True) -> None:
        import onnxruntime as ort
        import rapidocr_onnxruntime

        from dashboard.readers.ocr_model import folded_model

        self.fast = fast
        models = Path(rapidocr_onnxruntime.__file__).parent / "models"
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = THREADS
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.log_severity_level = 4
        opts.enable_cpu_mem_arena = False  # the arena keeps the largest batch's memory for good
        rec_model = (models / "ch_PP-OCRv4_rec_infer.onnx").read_bytes()
        if fast:
            rec_model, _ = folded_model(rec_model)
        self.rec = ort.InferenceSession(rec_model, sess_options=opts, providers=["CPUExecutionProvider"])
        chars = self.rec.get_modelmeta().custom_metadata_map["character"].splitlines()
        self.charset = ["", *chars, " "]  # CTC blank first, the space last (as PaddleOCR trains it)
        self.rec_input = self.rec.get_inputs()[0].name
        self._det_opts = opts
        self._det = None
        self._models = models
        self._lock = threading.Lock()

    def recognise(self, crops: list[np.ndarray]) -> list[Reading]:
        """Read each crop (grey or BGR, one text line) on its own; batches of similar width, padded to their widest."""
        import cv2
        import numpy as np

        out: list[Reading | None] = [None] * len(crops)
        widths = []
        for img in crops:
            h, w = img.shape[:2]
            widths.append(max(8, int(np.ceil(REC_HEIGHT * w / max(h, 1)))))
        order = sorted(range(len(crops)), key=lambda i: widths[i])
        start = 0
        while start < len(order):
            end = start + 1
            while end < len(order) and end - start < MAX_BATCH \
                    and max(widths[order[end]], MIN_W) * (end - start + 1) <= MAX_BATCH_COLUMNS \
                    and widths[order[end]] <= widths[order[start]] + 32:
                end += 1
            idx = order[start:end]
            width = max(widths[i] for i in idx)
            width = max(width, MIN_W)  # the recogniser needs a few time steps even for one digit
            batch = np.zeros((len(idx), 3, REC_HEIGHT, width), dtype=np.float32)  # 0 = mid grey after scaling
            for k, i in enumerate(idx):
                img = crops[i]
                shrink = img.shape[0] > REC_HEIGHT
                if img.ndim == 2 and not shrink:
                    # enlarged as BGR: OpenCV's cubic enlargement of one channel differs from three by ±1 here
                    # and there; shrinking (INTER_AREA) gives the very same numbers, so a grey text line is
                    # shrunk once and put in all three channels, a third of the work
                    img = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
                resized = cv2.resize(img, (widths[i], REC_HEIGHT),
                                     interpolation=cv2.INTER_AREA if shrink else cv2.INTER_CUBIC)
                arr = resized.astype(np.float32) / 127.5 - 1.0
                batch[k, :, :, : widths[i]] = arr if arr.ndim == 2 else arr.transpose(2, 0, 1)
                if widths[i] < width:
                    batch[k, :, :, widths[i]:] = 0.0  # grey padding, as PaddleOCR pads in training
            with self._lock:
                preds = self.rec.run(None, {self.rec_input: batch})[0]
            for k, i in enumerate(idx):
                out[i] = self._decode(preds[k])
            start = end
        return [r if r is not None else Reading("", 0.0, 0.0) for r in out]

    def _decode(self, pred: np.ndarray) -> Reading:
        import numpy as np

        ids = pred.argmax(axis=1)
        probs = pred[np.arange(len(ids)), ids]  # the maximum, picked where argmax found it: one pass, not two
        text: list[str] = []
        confs: list[float] = []
        prev = -1
        for t, i in enumerate(ids):
            if i != 0 and i != prev:
                text.append(self.charset[i] if i < len(self.charset) else "")
                confs.append(float(probs[t]))
            prev = i
        if not confs:
            return Reading("", 1.0, 1.0)
        return Reading("".join(text), sum(confs) / len(confs), min(confs))

    def detect(self, img: np.ndarray) -> list[np.ndarray]:
        """Text-line boxes (4×2 point arrays) on a BGR image, by the PP-OCRv4 detector."""
        if self._det is None:
            from rapidocr_onnxruntime.ch_ppocr_det import TextDetector

            self._det = TextDetector({
                "model_path": str(self._models / "ch_PP-OCRv4_det_infer.onnx"), "use_cuda": False, "use_dml": False,
                "intra_op_num_threads": THREADS, "inter_op_num_threads": 1, "limit_side_len": 736,
                "limit_type": "min", "std": [0.5, 0.5, 0.5], "mean": [0.5, 0.5, 0.5], "thresh": 0.3,
                "box_thresh": 0.5, "max_candidates": 1000, "unclip_ratio": 1.6, "use_dilation": True,
                "score_mode": "fast"})
        with self._lock:
            boxes, _ = self._det(img)
        return [] if boxes is None else list(boxes)


_ENGINES: dict[bool, Engine] = {}
_ENGINE_LOCK = threading.Lock()


def engine(source: str = "", fast: bool | None = None) -> Engine:
    """The process's engine, loaded once per mode (default: FAST); ReportError naming the package when OCR is missing."""
    if os.environ.get("NIANBAO_OCR_FORBIDDEN") == "1":
        # set where OCR must never run (the web server's 校对 shows the page images saved at ingest; its test)
        raise RuntimeError("OCR engine used although NIANBAO_OCR_FORBIDDEN=1")
    mode = FAST if fast is None else fast
    if mode not in _ENGINES:
        with _ENGINE_LOCK:
            if mode not in _ENGINES:
                require_ocr(source)
                _ENGINES[mode] = Engine(fast=mode)
    return _ENGINES[mode]
