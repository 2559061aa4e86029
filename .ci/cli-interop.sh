#!/usr/bin/env bash
# Live interoperability of the lz4s command with python-lz4 built from source
# (lz4.stream is not in the wheels): python-lz4 compresses, `lz4s decompress`
# must reproduce the data, and python-lz4 must decompress `lz4s compress`
# output. (The liblz4 end-marker case is a Rust test: cli/tests/liblz4.rs.)
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(bash tools/setup-pylz4.sh "${PYLZ4_VENV:-$HOME/.cache/pylz4-stream}" | tail -n 1)
cargo build -q -p lz4s
bin="${CARGO_TARGET_DIR:-target}/debug/lz4s"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A fixed seed keeps runs reproducible; set LZ4S_INTEROP_SEED to explore.
"$python" tools/cli_interop.py --lz4s "$bin" --work "$work" --seed "${LZ4S_INTEROP_SEED:-11}"
