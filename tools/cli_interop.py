#!/usr/bin/env python3
"""Live interoperability of the `lz4s` command with python-lz4's lz4.stream.

  cli_interop.py --lz4s PATH [--work DIR] [--seed N] [--cases N]

For each case, python-lz4 compresses random data (several kinds and sizes,
page sizes, prefix widths, dictionaries, modes and chunkings) and
`lz4s decompress` must reproduce it; then `lz4s compress` compresses the same
data with the same settings and python-lz4 must decompress it. The lz4s side
goes through files with default names, files to stdout, and stdin to stdout,
in turn. A large stream goes through pipes both ways, and an --end-marker
stream must decode with python-lz4 once its marker is cut off.

Run it with the python of a venv made by setup-pylz4.sh. Prints one line per
failure and ends with "N passed, M failed"; exits 1 if anything failed.
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pylz4_vectors import decode, gen_data, random_dictionary, valid_buffer_sizes  # noqa: E402

from lz4.stream import LZ4StreamCompressor  # noqa: E402


def py_compress(data, buffer_size, store, dictionary, mode, chunks):
    kw = dict(store_comp_size=store, dictionary=dictionary)
    if mode[0] == "fast":
        kw.update(mode="fast", acceleration=mode[1])
    elif mode[0] == "high_compression":
        kw.update(mode="high_compression", compression_level=mode[1])
    out = bytearray()
    with LZ4StreamCompressor("double_buffer", buffer_size, **kw) as c:
        o = 0
        for n in chunks:
            out += c.compress(data[o:o + n])
            o += n
    return bytes(out)


def size_arg(buffer_size, rng):
    """-B's value, with a K suffix now and then to exercise the parser."""
    if 4 <= buffer_size <= 7:
        return "%dB" % buffer_size  # plain 4 to 7 are lz4's block-size IDs
    if buffer_size % 1024 == 0 and rng.random() < 0.5:
        return "%dK" % (buffer_size // 1024)
    return str(buffer_size)


class Runner:
    def __init__(self, lz4s, work):
        self.lz4s = lz4s
        self.work = work
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, why=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL %s: %s" % (name, why))

    def run(self, args, stdin=b""):
        p = subprocess.run([self.lz4s] + args, input=stdin, cwd=self.work,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
        return p.returncode, p.stdout, p.stderr.decode(errors="replace").strip()

    def decompress(self, name, stream, options, transport):
        """lz4s decompress via `transport`; returns (data or None, error)."""
        if transport == "stdin":
            code, out, err = self.run(["decompress"] + options, stream)
        else:
            path = os.path.join(self.work, name + ".lz4s")
            with open(path, "wb") as f:
                f.write(stream)
            if transport == "stdout":
                code, out, err = self.run(["decompress"] + options + [name + ".lz4s", "-"])
            else:  # default output name: NAME.lz4s -> NAME
                code, out, err = self.run(["decompress"] + options + [name + ".lz4s"])
                if code == 0:
                    out = take_file(os.path.join(self.work, name))
            os.remove(path)
        return (out if code == 0 else None), "exit %d: %s" % (code, err)

    def compress(self, name, data, options, transport):
        if transport == "stdin":
            code, out, err = self.run(["compress"] + options, data)
        else:
            path = os.path.join(self.work, name)
            with open(path, "wb") as f:
                f.write(data)
            if transport == "stdout":
                code, out, err = self.run(["compress"] + options + [name, "-"])
            else:  # default output name: NAME -> NAME.lz4s
                code, out, err = self.run(["compress"] + options + [name])
                if code == 0:
                    out = take_file(path + ".lz4s")
            os.remove(path)
        return (out if code == 0 else None), "exit %d: %s" % (code, err)


def take_file(path):
    """The contents of an output file, which is then removed; None if lz4s
    did not write it."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    os.remove(path)
    return data


def py_decode(stream, buffer_size, store, dictionary):
    """python-lz4's decoding of `stream`, or (None, why) if it rejects it."""
    if stream is None:
        return None, "there is no stream"
    try:
        return decode(stream, buffer_size, store, dictionary), ""
    except Exception as e:  # noqa: BLE001 - report what python-lz4 rejected
        return None, "python-lz4 raised %s: %s" % (type(e).__name__, e)


def first_difference(a, b):
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))


def compare(runner, name, what, got, want, err):
    if got is None:
        runner.check(name, False, "%s failed, %s" % (what, err))
    elif got != want:
        runner.check(name, False, "%s gave %d bytes, expected %d, first difference at %d" % (
            what, len(got), len(want), first_difference(got, want)))
    else:
        runner.check(name, True)


def random_case(rng, i, work):
    store = rng.choice([1, 2, 4, 4])
    buffer_size = rng.choice(valid_buffer_sizes(store) + ([65536] if store == 4 else []))
    mode = rng.choice([("default", 0), ("default", 0), ("fast", rng.choice([2, 8, 64])),
                       ("high_compression", rng.choice([3, 9, 12]))])
    kind = rng.choice(["random", "zeros", "byte", "text", "records", "floats", "mixed"])
    size = rng.choice([0, 1, rng.randrange(2, 5000), rng.randrange(5000, 400_000)])
    data = gen_data(rng, kind, size)
    dictionary = random_dictionary(rng, data)
    # python-lz4's chunking: full pages or irregular chunks, never empty ones
    # (python-lz4 mishandles an empty chunk).
    if rng.random() < 0.5:
        chunks = [min(buffer_size, len(data) - o) for o in range(0, len(data), buffer_size)]
    else:
        chunks, left = [], len(data)
        while left > 0:
            c = min(left, rng.choice([1, rng.randrange(1, buffer_size + 1), buffer_size]))
            chunks.append(c)
            left -= c
    name = "case%03d_%s_%s_b%d_p%d%s" % (i, kind, mode[0], buffer_size, store,
                                         "_dict" if dictionary else "")
    options = ["-B", size_arg(buffer_size, rng), "-p", str(store)]
    if store == 4 and buffer_size == 65536 and rng.random() < 0.5:
        options = []  # the defaults
    if dictionary:
        dict_path = os.path.join(work, name + ".dict")
        with open(dict_path, "wb") as f:
            f.write(dictionary)
        options += [rng.choice(["-D", "--dict"]), name + ".dict"]
    return name, data, buffer_size, store, dictionary, mode, chunks, options


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lz4s", required=True, help="path of the lz4s binary")
    p.add_argument("--work", help="scratch directory (default: a new temporary one)")
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--cases", type=int, default=48)
    args = p.parse_args()
    lz4s = os.path.abspath(args.lz4s)
    work = args.work or tempfile.mkdtemp(prefix="lz4s-interop-")
    runner = Runner(lz4s, work)
    rng = random.Random(args.seed)
    transports = ["file", "stdout", "stdin"]

    for i in range(args.cases):
        name, data, buffer_size, store, dictionary, mode, chunks, options = random_case(rng, i, work)
        transport = transports[i % 3]
        # python-lz4 -> lz4s
        stream = py_compress(data, buffer_size, store, dictionary, mode, chunks)
        got, err = runner.decompress(name, stream, options, transport)
        compare(runner, name, "lz4s decompress (%s) of python-lz4's stream" % transport,
                got, data, err)
        # lz4s -> python-lz4
        stream, err = runner.compress(name, data, options, transports[(i + 1) % 3])
        if stream is None:
            runner.check(name, False, "lz4s compress failed, " + err)
            continue
        back, err = py_decode(stream, buffer_size, store, dictionary)
        compare(runner, name, "python-lz4 decompress of lz4s's stream", back, data, err)

    # A large stream through pipes both ways: 12 MiB of mixed content.
    big = bytearray()
    while len(big) < 12 << 20:
        big += rng.choice([rng.randbytes(1 << 16), bytes(1 << 16),
                           gen_data(rng, "records", 1 << 16)])
    big = bytes(big)
    stream = py_compress(big, 65536, 4, b"", ("default", 0),
                         [min(65536, len(big) - o) for o in range(0, len(big), 65536)])
    got, err = runner.decompress("big", stream, [], "stdin")
    compare(runner, "big", "lz4s decompress of python-lz4's 12 MiB stream", got, big, err)
    stream, err = runner.compress("big", big, ["-B", "1M"], "stdin")
    back, err = py_decode(stream, 1 << 20, 4, b"") if stream is not None else (None, err)
    compare(runner, "big", "lz4s compress, python-lz4 decompress of 12 MiB", back, big, err)

    # --end-marker: python-lz4 does not know the marker, but everything
    # before it must be its format exactly.
    data = gen_data(rng, "text", 100_000)
    stream, err = runner.compress("marked", data, ["--end-marker", "-B", "8K", "-p", "2"], "stdin")
    if stream is None or stream[-2:] != b"\0\0":
        runner.check("marked", False, "no end marker: " + err)
    else:
        back, err = py_decode(stream[:-2], 8192, 2, b"")
        compare(runner, "marked", "python-lz4 decompress before the end marker", back, data, err)

    print("%d passed, %d failed" % (runner.passed, runner.failed))
    sys.exit(1 if runner.failed else 0)


if __name__ == "__main__":
    main()
