#!/usr/bin/env bash
# Checks that the library builds with the rust-version its Cargo.toml states.
# Dev-dependencies (criterion, ...) need a newer toolchain, so the check runs on
# a copy of the library alone, with dependencies resolved for that version.
set -euo pipefail
cd "$(dirname "$0")/.."
msrv=$(sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
rustup toolchain install "$msrv" --profile minimal >/dev/null 2>&1 || rustup toolchain install "$msrv" --profile minimal
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r src "$work/"
# The package, lib, features and dependencies tables only: no dev-dependencies,
# benches, examples or workspace.
awk '/^\[/{keep = ($0 ~ /^\[(package|lib|features|dependencies)\]$/)} keep' Cargo.toml |
  grep -v '^\(readme\|exclude\) = ' > "$work/Cargo.toml"
touch "$work/README.md"
(cd "$work" && CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback cargo generate-lockfile -q &&
  cargo +"$msrv" check --lib -q && cargo +"$msrv" check --lib --all-features -q &&
  echo "library builds with Rust $msrv, with and without features")
