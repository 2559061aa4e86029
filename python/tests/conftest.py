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
