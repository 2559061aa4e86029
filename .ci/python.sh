#!/usr/bin/env bash
# The Python package (python/): installs it with `pip install ./python` (the
# README's command; pip builds the abi3 wheel through maturin) in a fresh
# virtual environment and runs, against the installed package:
#   1. our own suite (python/tests);
#   2. python-lz4 4.4.5's own lz4.stream suite, from its source distribution on
#      PyPI, through a shim package that makes `import lz4.stream` import ours,
#      checking its exact score;
#   3. the interop suite against the real python-lz4, built from source once
#      (shared with .ci/python-interop.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
py=$work/venv/bin/python
"$py" -m pip install -q --upgrade pip
"$py" -m pip install -q pytest hypothesis psutil numpy

echo "--- pip install ./python"
"$py" -m pip install -q ./python
"$py" -c 'import lz4_stream, lz4_stream._lz4_stream as native; print("installed", native.__file__)'

echo "--- our suite"
# Run from outside the source tree, so `import lz4_stream` is the installed wheel.
(cd "$work" && "$py" -m pytest -q -p no:cacheprovider "$repo/python/tests" --ignore="$repo/python/tests/interop")

echo "--- python-lz4 4.4.5's own lz4.stream suite"
"$py" -m pip download -q --no-deps --no-binary lz4 -d "$work/sdist" lz4==4.4.5
tar xzf "$work"/sdist/lz4-4.4.5.tar.gz -C "$work"
cp -r "$work/lz4-4.4.5/tests/stream" "$work/pylz4-stream-tests"
# Deselected, and only these: python-lz4 has no ring buffer and its tests
# check that strategy="ring_buffer" raises NotImplementedError; ours
# implements it (python/tests/test_block.py tests it instead).
(cd "$work/pylz4-stream-tests" &&
  PYTHONPATH="$repo/python/tests/pylz4_shim" "$py" -m pytest -q -p no:cacheprovider . \
    --deselect test_stream_1.py::test_invalid_config_c_1 \
    --deselect test_stream_1.py::test_invalid_config_d_1) | tee "$work/pylz4-suite.log"
# pytest's exit status misses tests that skip against us but pass against
# python-lz4 (5441 passed, 2700 skipped there): require the exact score, with
# the two deselected tests above as the only difference.
score=$(grep -E '^[0-9]+ passed' "$work/pylz4-suite.log" | tail -n 1 | sed -E 's/ in [0-9.]+s.*//; s/, [0-9]+ warnings?//')
expected="5439 passed, 2700 skipped, 2 deselected"
if [[ $score != "$expected" ]]; then
  echo "python-lz4's suite scored '$score', expected '$expected'" >&2
  exit 1
fi
echo "python-lz4's suite: $score (as expected)"

echo "--- interop with python-lz4"
# The python-lz4 that .ci/python-interop.sh built (built here if missing),
# seen from our venv through a .pth file, so it is compiled once per machine.
pylz4=$(bash tools/setup-pylz4.sh "${PYLZ4_VENV:-$HOME/.cache/pylz4-stream}" | tail -n 1)
"$pylz4" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' \
  >"$("$py" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/pylz4.pth"
"$py" -c 'import lz4.stream, lz4_stream'
(cd "$work" && LZ4_STREAM_REQUIRE_PYLZ4=1 "$py" -m pytest -q -p no:cacheprovider "$repo/python/tests/interop")
