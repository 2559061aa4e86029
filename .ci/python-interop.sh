#!/usr/bin/env bash
# Live round trip with python-lz4 built from source (lz4.stream is not in the
# wheels): python-lz4 decodes streams we wrote, and we decode streams it wrote.
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(bash tools/setup-pylz4.sh "${PYLZ4_VENV:-$HOME/.cache/pylz4-stream}" | tail -n 1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Ours -> python-lz4.
LZ4S_INTEROP_OUT="$work/ours" cargo test --test python_live -- --ignored --exact write_streams_for_python
"$python" tools/pylz4_vectors.py check "$work/ours"

# Every compression mode (default, fast accelerations, high levels 1-12) ->
# python-lz4. Release build: the high levels are slow unoptimised.
LZ4S_MODES_OUT="$work/modes" cargo test --release --test modes -- --ignored --exact write_mode_streams_for_python
"$python" tools/pylz4_vectors.py check "$work/modes"

# python-lz4 -> ours: fresh vectors (not the committed ones), from a fixed seed
# so every run is reproducible; set PYLZ4_SEED to explore other cases.
seed=${PYLZ4_SEED:-7}
echo "python-lz4 vectors seed $seed"
"$python" tools/pylz4_vectors.py make "$work/theirs" --seed "$seed" --cases 60
LZ4S_INTEROP_IN="$work/theirs" cargo test --test python_live -- --ignored --exact read_streams_from_python
