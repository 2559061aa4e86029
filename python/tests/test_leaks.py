"""Leak checks over many contexts and calls, by RSS (tracemalloc does not see Rust allocations)."""

import io

import lz4_stream
from conftest import compress_chunks, rss

DATA = b"leak check " * 400


def round_trip(**kwargs):
    blocks = compress_chunks([DATA, DATA[:1000], b"", DATA], buffer_size=8192, **kwargs)
    with lz4_stream.LZ4StreamDecompressor("double_buffer", 8192, **kwargs) as decompressor:
        for block in blocks:
            decompressor.decompress(decompressor.get_block(block))


def settle(work, rounds):
    """Runs `work` once to warm up allocators, then `rounds` times; returns RSS growth."""
    work()
    before = rss()
    for _ in range(rounds):
        work()
    return rss() - before


def test_contexts_do_not_leak():
    assert settle(lambda: round_trip(), 3000) < 4 << 20
    assert settle(lambda: round_trip(dictionary=b"dictionary " * 1000, return_bytearray=True), 2000) < 4 << 20


def test_high_compression_contexts_do_not_leak():
    def work():
        compress_chunks([DATA], buffer_size=8192, mode="high_compression", compression_level=12)

    assert settle(work, 1000) < 4 << 20


def test_errors_do_not_leak():
    def work():
        with lz4_stream.LZ4StreamDecompressor("double_buffer", 8192) as decompressor:
            for bad in (b"\xff" * 30, b"", b"\x1f\x61\x05\x00"):
                try:
                    decompressor.decompress(bad)
                except lz4_stream.LZ4StreamError:
                    pass
            try:
                decompressor.get_block(b"\x10\x00")
            except lz4_stream.LZ4StreamError:
                pass
        try:
            lz4_stream.LZ4StreamCompressor("double_buffer", 1024, store_comp_size=3)
        except ValueError:
            pass

    assert settle(work, 5000) < 4 << 20


def test_files_do_not_leak():
    def work():
        raw = io.BytesIO()
        with lz4_stream.open(raw, "wb", buffer_size=8192) as f:
            f.write(DATA * 5)
        raw.seek(0)
        with lz4_stream.open(raw, buffer_size=8192) as f:
            f.read()

    assert settle(work, 2000) < 4 << 20
