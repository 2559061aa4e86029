#!/usr/bin/env bash
# The Python package (python/): builds the abi3 wheel with maturin, installs it
# in a fresh virtual environment and runs, against the installed wheel:
#   1. our own suite (python/tests);
#   2. python-lz4 4.4.5's own lz4.stream suite, from its source distribution on
#      PyPI, through a shim package that makes `import lz4.stream` import ours;
#   3. the interop suite against the real python-lz4, built from source.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
py=$work/venv/bin/python
"$py" -m pip install -q --upgrade pip
"$py" -m pip install -q "maturin>=1.9,<2" pytest hypothesis psutil numpy

echo "--- wheel"
(cd python && "$work/venv/bin/maturin" build --release --quiet --out "$work/wheels")
ls "$work/wheels"
wheel=$(ls "$work"/wheels/lz4_stream-*-abi3-*.whl)
"$py" -m pip install -q "$wheel"

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
    --deselect test_stream_1.py::test_invalid_config_d_1)

echo "--- interop with python-lz4"
pylz4=$(bash tools/setup-pylz4.sh "$work/pylz4-venv" | tail -n 1)
"$pylz4" -m pip install -q "$wheel" pytest hypothesis
(cd "$work" && LZ4_STREAM_REQUIRE_PYLZ4=1 "$pylz4" -m pytest -q -p no:cacheprovider "$repo/python/tests/interop")
