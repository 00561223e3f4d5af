#!/usr/bin/env bash
# Installs everything nianbao needs on a Debian machine: Chromium and a CJK font (Debian packages),
# then the Python packages into .venv. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
if command -v apt-get >/dev/null 2>&1; then
  need=""
  # chromium: kaleido's images and the browser test; fonts-wqy-microhei: Chinese glyphs (Noto CJK breaks PDF text copy);
  # poppler-utils: pdftoppm for looking at exported pages; libreoffice-impress/-writer: .doc/.wps reports and the
  # test that renders the exported deck and brief to PDF; postgresql: the DuckLake catalog (tests start a throwaway
  # cluster with initdb + pg_ctl; the Debian service itself is not needed).
  for pkg in chromium fonts-wqy-microhei poppler-utils libreoffice-impress libreoffice-writer postgresql; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need="$need $pkg"
  done
  if [ -n "$need" ]; then
    echo "安装系统软件包 / installing Debian packages:$need"
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need
  fi
else
  echo "警告：不是 Debian 系统，请自行安装 chromium 与 fonts-wqy-microhei / not Debian: install chromium and fonts-wqy-microhei yourself" >&2
fi

PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[dev,scale]'
# OCR engine for scanned reports, pinned; --no-deps keeps out opencv-python (GUI build, needs libGL): the headless
# OpenCV and its other dependencies come from pyproject.toml.
.venv/bin/python -m pip install -q --no-deps 'rapidocr-onnxruntime==1.4.4'
# The DuckLake mode pins duckdb to the extensions' version (pyproject extra `lake`): a second environment.
[ -x .venv-lake/bin/python ] || "$PY" -m venv .venv-lake
.venv-lake/bin/python -m pip install -q --upgrade pip
.venv-lake/bin/python -m pip install -q -e '.[dev,scale,lake]'
echo "安装完成 / installed: .venv/bin/nianbao"
