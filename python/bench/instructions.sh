#!/usr/bin/env bash
# Instruction counts (valgrind's callgrind) of python-lz4's documented loops,
# python-lz4 against lz4_stream, per byte of input: immune to the load of a
# shared machine, unlike wall-clock time. Each cell is one run of the loop minus
# a run that only prepares the same data.
#
#   instructions.sh PYTHON [MB]    (PYTHON has both lz4.stream and lz4_stream)
set -euo pipefail
py=$1
mb=${2:-2}
here=$(cd "$(dirname "$0")" && pwd)
inputs=$(mktemp -d)
trap 'rm -rf "$inputs"' EXIT
"$py" "$here/speed.py" --save-inputs "$inputs" "$mb"
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$py" "$here/speed.py" --loop "$@" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
echo "| data | page | loop | python-lz4 instr/byte | lz4_stream instr/byte | ratio |"
echo "|---|---|---|---|---|---|"
for input in "$inputs"/*; do
  bytes=$(stat -c %s "$input")
  for page in 8192 65536; do
    for op in compress decompress; do
      declare -A per_byte=()
      for module in python-lz4 lz4_stream; do
        base=$(count "$module" none "$input" "$page")
        total=$(count "$module" "$op" "$input" "$page")
        per_byte[$module]=$(python3 -c "print(f'{($total - $base) / $bytes:.2f}')")
      done
      ratio=$(python3 -c "print(f'{${per_byte[lz4_stream]} / ${per_byte[python-lz4]}:.2f}')")
      echo "| $(basename "$input") | $((page / 1024)) KiB | $op | ${per_byte[python-lz4]} | ${per_byte[lz4_stream]} | $ratio |"
    done
  done
done
