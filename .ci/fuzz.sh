#!/usr/bin/env bash
# Coverage-guided fuzzing: every target in fuzz/ for a fixed time, seeded from
# fuzz/seeds/. Fails on any crash, failed check, leak, out-of-memory or
# timeout. About 2 minutes of build and FUZZ_SECONDS (default 60) per target.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_FUZZ_VERSION=0.13.2
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
TARGETS=(reader block_decompress roundtrip truncation differential decoder_oracles async_adapters)

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    rustup toolchain install nightly --profile minimal
fi
if [ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi

start=$(date +%s)
cargo +nightly fuzz build
echo "fuzz targets built in $(($(date +%s) - start)) s"

# ASan keeps freed memory in a quarantine (256 MB by default) that counts
# towards the RSS limit; 64 MB still catches use-after-free in the C code
# while leaving the 512 MB limit to the targets themselves.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=64:detect_leaks=1"

summary=()
for target in "${TARGETS[@]}"; do
    corpus="fuzz/corpus/$target"
    mkdir -p "$corpus"
    cp fuzz/seeds/"$target"/* "$corpus"/
    log="fuzz/artifacts/$target.log"
    mkdir -p fuzz/artifacts
    echo "--- $target (${FUZZ_SECONDS} s)"
    if ! cargo +nightly fuzz run "$target" "$corpus" -- \
        -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=512 -timeout=30 \
        -print_final_stats=1 >"$log" 2>&1; then
        tail -n 80 "$log"
        echo "fuzz target $target failed; the input is in fuzz/artifacts/$target/" >&2
        exit 1
    fi
    runs=$(grep -o 'Done [0-9]* runs' "$log" | tail -n 1)
    cov=$(grep -o 'DONE *cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1 | tr -s ' ')
    summary+=("$target: $runs, $cov, corpus $(ls "$corpus" | wc -l) inputs")
done
printf '%s\n' "${summary[@]}"
echo "fuzzing took $(($(date +%s) - start)) s in all"
