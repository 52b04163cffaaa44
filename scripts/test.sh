#!/usr/bin/env bash
# Set up everything the test suite needs on a fresh Debian/Ubuntu machine, then
# run it. Safe to run again: each step is skipped when already done.
#   system: Graphviz (dot), Chromium (browser tests), Node.js + npm (Mermaid's parser),
#           poppler-utils (pdftotext reads the PDFs back), librsvg2-bin (the PDF engine cjm prefers),
#           Java 17 (the analytics tests on Spark)
#   python: a virtualenv in .venv with cjm and its test extras
#   node:   tests/js/node_modules from the committed package-lock.json
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v dot >/dev/null 2>&1 || need+=(graphviz)
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v rsvg-convert >/dev/null 2>&1 || need+=(librsvg2-bin)
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)  # the analytics Spark engine
if [ ${#need[@]} -gt 0 ]; then
  echo "installing system packages: ${need[*]}" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test,spark]'

if [ -f tests/js/package-lock.json ]; then
  npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
fi

# --dist loadgroup: the tests marked xdist_group("spark") all run on one worker, so only one
# JVM starts (tests/analytics/conftest.py); the other tests are spread over both workers.
exec .venv/bin/python -m pytest -n 2 --dist loadgroup "$@"
