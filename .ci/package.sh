#!/usr/bin/env bash
# Packaging: both published crates package, and the tests of each pass from
# its unpacked .crate, as for someone who downloads it: the library's on their
# own with every feature, lz4s's against the unpacked library. The builds
# reuse the workspace's target directory, so only the two crates themselves
# are compiled again (about a minute of CPU).
set -euo pipefail
cd "$(dirname "$0")/.."
target=$(realpath "${CARGO_TARGET_DIR:-target}")
rm -f "$target"/package/lz4-stream-*.crate "$target"/package/lz4s-*.crate
# --allow-dirty: the check is about what the .crate files contain, which
# cargo takes from the files on disk whatever git says about them.
# --no-verify: the tests below build both unpacked crates anyway (cargo's
# own verification would build them once more, in a target directory of
# its own).
cargo package -p lz4-stream -p lz4s --allow-dirty --no-verify --quiet
ls -l "$target"/package/*.crate

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for crate in "$target"/package/lz4-stream-*.crate "$target"/package/lz4s-*.crate; do
    tar -xzf "$crate" -C "$work"
done
# A .crate stores fixed timestamps, and an unpacked crate's build artifacts
# have the same names wherever it is unpacked: without a fresh timestamp,
# cargo would take a previous run's (or the workspace's) build of the same
# crate for up to date.
find "$work" -type f -exec touch {} +
library=$(echo "$work"/lz4-stream-*)
tool=$(echo "$work"/lz4s-*)
export CARGO_TARGET_DIR="$target"
(cd "$library" && cargo test --quiet --all-features)
# The published lz4s names lz4-stream by version; point that at the
# unpacked library, which is not on crates.io yet.
(cd "$tool" && cargo test --quiet --config "patch.crates-io.lz4-stream.path='$library'")

# The library's docs as docs.rs builds them (package.metadata.docs.rs):
# nightly, every feature, --cfg docsrs, so each feature-gated item says which
# feature it needs.
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    rustup toolchain install nightly --profile minimal
fi
RUSTDOCFLAGS="--cfg docsrs -D warnings" cargo +nightly doc -p lz4-stream --no-deps --all-features --quiet
