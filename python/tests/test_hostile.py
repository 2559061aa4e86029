"""Hostile input: corrupt, truncated and random blocks raise LZ4StreamError, never crash."""

import os

import pytest
from hypothesis import given, settings, strategies as st

import lz4_stream
from conftest import compress_chunks, decompress_stream

PAGE = 4096


def valid_stream(store_comp_size=4):
    data = (b"the quick brown fox jumps over the lazy dog " * 500)[:20_000]
    chunks = [data[i : i + PAGE] for i in range(0, len(data), PAGE)]
    return data, b"".join(compress_chunks(chunks, buffer_size=PAGE, store_comp_size=store_comp_size))


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=600))
def test_random_blocks_raise_lz4streamerror_or_decode_within_the_page(block):
    with lz4_stream.LZ4StreamDecompressor("double_buffer", PAGE, store_comp_size=4) as decompressor:
        try:
            out = decompressor.decompress(block)
        except lz4_stream.LZ4StreamError:
            return
        assert len(out) <= PAGE


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_flipped_bytes_never_crash(data):
    original, stream = valid_stream()
    stream = bytearray(stream)
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(stream) - 1))
        stream[position] = data.draw(st.integers(0, 255))
    try:
        out = decompress_stream(bytes(stream), buffer_size=PAGE)
    except lz4_stream.LZ4StreamError:
        return
    assert isinstance(out, bytes)


def test_every_truncation_raises():
    original, stream = valid_stream()
    ends, offset = {0}, 0
    while offset < len(stream):
        offset += 4 + int.from_bytes(stream[offset : offset + 4], "little")
        ends.add(offset)
    for cut in range(len(stream)):
        if cut in ends:
            decompress_stream(stream[:cut], buffer_size=PAGE)
        else:
            with pytest.raises(lz4_stream.LZ4StreamError):
                decompress_stream(stream[:cut], buffer_size=PAGE)


def test_huge_size_prefix_is_refused_before_anything_is_allocated():
    with lz4_stream.LZ4StreamDecompressor("double_buffer", PAGE) as decompressor:
        with pytest.raises(lz4_stream.LZ4StreamError, match="Requested input size"):
            decompressor.get_block(b"\xff\xff\xff\x7f" + b"x" * 10)
        with pytest.raises(lz4_stream.LZ4StreamError, match=r"^Maximal decompressed data"):
            decompressor.decompress(b"x" * (PAGE * 2))


def test_empty_block_fails_as_in_liblz4():
    with lz4_stream.LZ4StreamDecompressor("double_buffer", 128) as decompressor:
        with pytest.raises(lz4_stream.LZ4StreamError, match="^Decompression failed. error: 1$"):
            decompressor.decompress(b"")


def test_error_carries_the_reason():
    with lz4_stream.LZ4StreamDecompressor("double_buffer", 128) as decompressor:
        with pytest.raises(lz4_stream.LZ4StreamError) as info:
            decompressor.decompress(b"\x1f\x61\x05\x00")  # a match 5 bytes back after 1 literal
        assert "Decompression failed" in str(info.value)
        assert "history" in str(info.value.__cause__)


def test_block_larger_than_page_when_decoded():
    block = compress_chunks([b"a" * 4096], buffer_size=4096)[0][4:]
    with lz4_stream.LZ4StreamDecompressor("double_buffer", 1024) as decompressor:
        with pytest.raises(lz4_stream.LZ4StreamError, match="^Decompression failed"):
            decompressor.decompress(block)


def test_a_failed_block_leaves_the_history_intact():
    chunks = [os.urandom(64) * 16, os.urandom(64) * 16]
    blocks = compress_chunks(chunks, buffer_size=1024)
    with lz4_stream.LZ4StreamDecompressor("double_buffer", 1024) as decompressor:
        assert decompressor.decompress(blocks[0][4:]) == chunks[0]
        with pytest.raises(lz4_stream.LZ4StreamError):
            decompressor.decompress(b"\xff" * 20)
        assert decompressor.decompress(blocks[1][4:]) == chunks[1]
