"""lz4_stream against python-lz4's lz4.stream on python-lz4's documented loops.

Run in an environment with both installed (tools/setup-pylz4.sh builds
python-lz4 with lz4.stream; then pip install the lz4_stream wheel there):

    python python/bench/speed.py [FILE ...]

Without files it uses the Python standard library's sources (about 20 MB of
Python text) and the interpreter's shared library (binary). Each loop is the
one python-lz4's documentation shows: compress page-sized slices, then
decompress with get_block over a memoryview of the stream. The two
implementations run interleaved, best of several rounds, in one process;
speeds are MB of input per second of the process's CPU time.
"""

import glob
import os
import sys
import sysconfig
import threading
import time

import lz4.stream as pylz4

import lz4_stream

ROUNDS = int(os.environ.get("ROUNDS", "5"))


def default_inputs():
    sources = sorted(glob.glob(os.path.join(sysconfig.get_paths()["stdlib"], "**", "*.py"), recursive=True))
    text = b"".join(open(path, "rb").read() for path in sources)[: 20 << 20]
    inputs = [("python-source", text)]
    libdir = sysconfig.get_config_var("LIBDIR") or ""
    libs = sorted(glob.glob(os.path.join(libdir, "libpython3*.so*"))) + sorted(
        glob.glob(os.path.join(libdir, "libpython3*.a"))
    )
    if libs:
        inputs.append(("libpython", open(libs[0], "rb").read()[: 20 << 20]))
    return inputs


def compress(module, data, page, width=4, **mode):
    out = bytearray()
    with module.LZ4StreamCompressor("double_buffer", page, store_comp_size=width, **mode) as proc:
        offset = 0
        while offset < len(data):
            out += proc.compress(data[offset : offset + page])
            offset += page
    return out


def decompress(module, stream, page, width=4):
    out = bytearray()
    view = memoryview(stream)
    with module.LZ4StreamDecompressor("double_buffer", page, store_comp_size=width) as proc:
        offset = 0
        while offset < len(stream):
            block = proc.get_block(view[offset:])
            out += proc.decompress(block)
            offset += width + len(block)
    return out


def best(function, *args, **kwargs):
    """Best CPU time of ROUNDS runs: on a shared, loaded machine the process's
    CPU time moves far less than wall-clock time (the loops are single-threaded)."""
    times = []
    for _ in range(ROUNDS):
        start = time.process_time()
        function(*args, **kwargs)
        times.append(time.process_time() - start)
    return min(times)


def compare(name, data, page, **mode):
    ref_stream = compress(pylz4, data, page, **mode)
    our_stream = compress(lz4_stream, data, page, **mode)
    assert decompress(pylz4, our_stream, page) == data
    assert decompress(lz4_stream, ref_stream, page) == data
    timings = {}
    for _ in range(2):  # interleaved: pylz4, ours, pylz4, ours
        for label, module, stream in (("python-lz4", pylz4, ref_stream), ("lz4_stream", lz4_stream, our_stream)):
            c = best(compress, module, data, page, **mode)
            d = best(decompress, module, stream, page)
            old = timings.get(label, (c, d))
            timings[label] = (min(c, old[0]), min(d, old[1]))
    mb = len(data) / 1e6
    mode_name = mode.get("mode", "default") + (
        f" {mode['compression_level']}" if "compression_level" in mode else ""
    )
    (pc, pd), (oc, od) = timings["python-lz4"], timings["lz4_stream"]
    print(
        f"| {name} | {page // 1024} KiB | {mode_name} "
        f"| {mb / pc:.0f} | {mb / oc:.0f} | {pc / oc:.2f}x "
        f"| {mb / pd:.0f} | {mb / od:.0f} | {pd / od:.2f}x "
        f"| {len(ref_stream) / len(data):.3f} | {len(our_stream) / len(data):.3f} |"
    )
    sys.stdout.flush()


def concurrency(work):
    """Best over ROUNDS of: `work` twice in a row, then in two threads at once.
    Returns (serial seconds, concurrent seconds, CPU seconds per wall second
    while concurrent)."""
    best_serial = best_parallel = float("inf")
    cores_used = 0.0
    for _ in range(ROUNDS):
        start = time.perf_counter()
        work()
        work()
        best_serial = min(best_serial, time.perf_counter() - start)
        pair = [threading.Thread(target=work) for _ in range(2)]
        start, cpu_start = time.perf_counter(), time.process_time()
        for t in pair:
            t.start()
        for t in pair:
            t.join()
        parallel = time.perf_counter() - start
        if parallel < best_parallel:
            best_parallel = parallel
            # Above 1 only if both threads ran at the same time, which the GIL would forbid.
            cores_used = (time.process_time() - cpu_start) / parallel
    return best_serial, best_parallel, cores_used


def threads(data, page):
    """Two threads compressing the same data at once, against one after the
    other; beside it the same measurement of hashlib.sha256 (which releases
    the GIL too), as the machine's own ceiling. The data is repeated up to
    32 MiB: with a quarter of a second per thread, thread start-up and the
    scheduler's noise showed as 1.45x-1.8x for python-lz4 and lz4_stream alike."""
    import hashlib

    data = (data * (1 + (32 << 20) // len(data)))[: 32 << 20]

    work = lambda: compress(lz4_stream, data, page, mode="high_compression", compression_level=9)  # noqa: E731
    serial, parallel, cores_used = concurrency(work)
    print(f"two threads (high_compression 9, {page // 1024} KiB pages, best of {ROUNDS}): serial {serial:.2f} s, "
          f"concurrent {parallel:.2f} s, speed-up {serial / parallel:.2f}x, "
          f"CPU time / wall time while concurrent {cores_used:.2f}")
    blob = data * 2
    serial, parallel, cores_used = concurrency(lambda: hashlib.sha256(blob).digest())
    print(f"control, hashlib.sha256 over {len(blob) >> 20} MiB: serial {serial:.2f} s, "
          f"concurrent {parallel:.2f} s, speed-up {serial / parallel:.2f}x, "
          f"CPU time / wall time while concurrent {cores_used:.2f}")


def one_loop(argv):
    """``--loop MODULE OP FILE PAGE``: runs one loop over FILE once (OP "none"
    only prepares), for instruction counts under callgrind (instructions.sh)."""
    module_name, op, path, page = argv
    page = int(page)
    data = open(path, "rb").read()
    module = {"python-lz4": pylz4, "lz4_stream": lz4_stream}[module_name]
    stream = bytes(compress(module, data, page))
    # Warm up both loops on a few bytes, so one-time costs (lz4_stream's first
    # memoryview looks up the buffer functions through ctypes) stay out of
    # the difference.
    decompress(module, compress(module, data[:page], page), page)
    if op == "compress":
        compress(module, data, page)
    elif op == "decompress":
        decompress(module, stream, page)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--threads":
        return threads(default_inputs()[0][1][: 8 << 20], 64 * 1024)
    if len(sys.argv) > 1 and sys.argv[1] == "--loop":
        return one_loop(sys.argv[2:])
    if len(sys.argv) > 2 and sys.argv[1] == "--save-inputs":
        for name, data in default_inputs():
            with open(os.path.join(sys.argv[2], name), "wb") as f:
                f.write(data[: int(float(sys.argv[3]) * 1e6)])
        return None
    if len(sys.argv) > 1:
        inputs = [(os.path.basename(p), open(p, "rb").read()) for p in sys.argv[1:]]
    else:
        inputs = default_inputs()
    print("| data | page | mode | compress MB/s python-lz4 | lz4_stream | speed-up "
          "| decompress MB/s python-lz4 | lz4_stream | speed-up | ratio python-lz4 | lz4_stream |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, data in inputs:
        for page in (8 * 1024, 64 * 1024):
            compare(f"{name} ({len(data) / 1e6:.1f} MB)", data, page)
        compare(f"{name} ({len(data) / 1e6:.1f} MB)", data, 64 * 1024, mode="high_compression", compression_level=9)
    threads(inputs[0][1][: 8 << 20], 64 * 1024)


if __name__ == "__main__":
    main()
