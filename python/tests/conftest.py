"""Shared helpers for the lz4_stream test suite."""

import os

import pytest


def rss():
    """Resident set size of this process, in bytes (sees Rust allocations, unlike tracemalloc)."""
    import psutil

    return psutil.Process(os.getpid()).memory_info().rss


def compress_chunks(chunks, **kwargs):
    """Compresses each chunk with one LZ4StreamCompressor; returns the blocks."""
    import lz4_stream

    kwargs.setdefault("strategy", "double_buffer")
    with lz4_stream.LZ4StreamCompressor(**kwargs) as compressor:
        return [compressor.compress(chunk) for chunk in chunks]


def decompress_stream(stream, **kwargs):
    """Decompresses a prefixed stream with python-lz4's documented get_block loop."""
    import lz4_stream

    kwargs.setdefault("strategy", "double_buffer")
    width = kwargs.get("store_comp_size", 4)
    out = bytearray()
    view = memoryview(stream)
    with lz4_stream.LZ4StreamDecompressor(**kwargs) as decompressor:
        offset = 0
        while offset < len(stream):
            block = decompressor.get_block(view[offset:])
            out += decompressor.decompress(block)
            offset += width + len(block)
    return bytes(out)


@pytest.fixture
def text_data():
    """About 1 MB of compressible, varied text."""
    words = [b"lorem", b"ipsum", b"dolor", b"sit", b"amet", b"stream", b"block", b"page", b"\n"]
    import random

    rng = random.Random(42)
    return b" ".join(rng.choice(words) for _ in range(180_000))


def longest_gap_during(call):
    """Runs `call()` in this thread while another thread spins a Python loop;
    returns (the call's duration, the longest time the loop stood still
    during the call), in seconds.

    With the GIL held through the call the loop stands still for all of it;
    released, it stops only for switch intervals (5 ms) and the scheduler.
    """
    import threading
    import time

    clock = time.perf_counter
    stop = threading.Event()
    stalls = []  # (from, to): the loop made no iteration in between

    def spin():
        last = clock()
        while not stop.is_set():
            now = clock()
            if now - last > 0.002:
                stalls.append((last, now))
            last = now

    spinner = threading.Thread(target=spin)
    spinner.start()
    time.sleep(0.05)
    start = clock()
    call()
    end = clock()
    stop.set()
    spinner.join()
    gap = max((min(to, end) - max(since, start) for since, to in stalls), default=0.0)
    return end - start, gap


def assert_gil_released(call):
    """Fails unless another Python thread kept running during `call()`."""
    duration, gap = longest_gap_during(call)
    # The call must be long enough for the difference to show (switch
    # intervals are 5 ms); the tests size their data for a tenth of a second
    # or more on a fast, idle machine.
    assert duration > 0.05, f"the call took only {duration:.3f} s"
    # Held, the loop would stand still for the whole call. Released, it
    # stands still only while the result's Python object is allocated (its
    # zeroing touches every page for the first time: a third of a 128 MiB
    # decompression; the copy into it runs without the GIL) and for switch
    # intervals.
    assert gap < duration / 2, f"a Python thread stood still {gap:.3f} s of a {duration:.3f} s call"


def varied_data(size):
    """`size` bytes of 12 letters at random: short matches everywhere, so the
    codec works hard on every byte (for tests that need a long call)."""
    import numpy

    rng = numpy.random.default_rng(1)
    return (rng.integers(0, 12, size, dtype=numpy.uint8) + ord("a")).tobytes()
