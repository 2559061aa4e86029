"""The drop-in lz4.stream API: round trips, inputs, clamping, empty chunks, laziness, the GIL."""

import array
import threading

import numpy
import pytest
from hypothesis import given, settings, strategies as st

import lz4_stream
from conftest import assert_gil_released, compress_chunks, decompress_stream, rss, varied_data

MODES = [
    {"mode": "default"},
    {"mode": "fast", "acceleration": 1},
    {"mode": "fast", "acceleration": 17},
    {"mode": "high_compression", "compression_level": 1},
    {"mode": "high_compression", "compression_level": 9},
    {"mode": "high_compression", "compression_level": 12},
]


def page_limit(store_comp_size):
    return {1: 239, 2: 65264, 4: 1 << 20, 0: 1 << 20}[store_comp_size]


@st.composite
def configurations(draw):
    store_comp_size = draw(st.sampled_from([1, 2, 4]))
    buffer_size = draw(st.integers(1, min(page_limit(store_comp_size), 70_000)))
    mode = draw(st.sampled_from(MODES))
    dictionary = draw(st.one_of(st.none(), st.binary(max_size=2000)))
    return dict(buffer_size=buffer_size, store_comp_size=store_comp_size, dictionary=dictionary, **mode)


@st.composite
def chunked_data(draw, buffer_size):
    pieces = draw(st.lists(st.sampled_from([b"", b"abc", b"lorem ipsum ", b"\x00" * 50, b"xyzzy" * 40]), max_size=60))
    data = b"".join(pieces)
    cuts = draw(st.lists(st.integers(0, buffer_size), max_size=40))
    chunks, offset = [], 0
    for cut in cuts:
        chunks.append(data[offset : offset + cut])
        offset += cut
    while offset < len(data):
        chunks.append(data[offset : offset + buffer_size])
        offset += buffer_size
    return chunks


@settings(max_examples=150, deadline=None)
@given(data=st.data(), config=configurations())
def test_round_trip_any_configuration_and_chunking(data, config):
    chunks = data.draw(chunked_data(config["buffer_size"]))
    blocks = compress_chunks(chunks, **config)
    d_config = {k: v for k, v in config.items() if k in ("buffer_size", "store_comp_size", "dictionary")}
    with lz4_stream.LZ4StreamDecompressor("double_buffer", **d_config) as decompressor:
        for chunk, block in zip(chunks, blocks):
            width = config["store_comp_size"]
            assert int.from_bytes(block[:width], "little") == len(block) - width
            assert decompressor.get_block(block) == block[width:]
            assert decompressor.decompress(block[width:]) == chunk


def test_out_of_band_sizes_round_trip(text_data):
    chunks = [text_data[i : i + 4096] for i in range(0, 200_000, 4096)]
    blocks = compress_chunks(chunks, buffer_size=4096, store_comp_size=0)
    with lz4_stream.LZ4StreamDecompressor("double_buffer", 4096, store_comp_size=0) as decompressor:
        assert [decompressor.decompress(b) for b in blocks] == chunks


def test_empty_chunks_never_corrupt_the_stream():
    # python-lz4's own compressor corrupts this sequence (FORMAT.md).
    import os

    page = 1024
    sizes = [1024, 1024, 1024, 0, 1024, 0, 1024, 1024]
    source = os.urandom(256) * 40
    chunks, offset = [], 0
    for size in sizes:
        chunks.append(source[offset : offset + size])
        offset += size
    stream = b"".join(compress_chunks(chunks, buffer_size=page))
    assert decompress_stream(stream, buffer_size=page) == b"".join(chunks)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([0, 1, 100, 1023, 1024]), max_size=30))
def test_empty_chunks_in_any_sequence(sizes):
    data = (b"0123456789abcdef" * 64) * 40
    chunks, offset = [], 0
    for size in sizes:
        chunks.append(data[offset : offset + size])
        offset += size
    stream = b"".join(compress_chunks(chunks, buffer_size=1024, store_comp_size=2))
    assert decompress_stream(stream, buffer_size=1024, store_comp_size=2) == b"".join(chunks)


@pytest.mark.parametrize(
    "convert",
    [
        bytes,
        bytearray,
        memoryview,
        lambda b: array.array("B", b),
        lambda b: numpy.frombuffer(b, dtype=numpy.uint8),
        lambda b: numpy.frombuffer(b + bytes(-len(b) % 4), dtype=numpy.uint32)[: len(b) // 4]
        if len(b) % 4 == 0
        else numpy.frombuffer(b, dtype=numpy.uint8),
        lambda b: memoryview(b"xx" + b + b"yy")[2:-2],
    ],
    ids=["bytes", "bytearray", "memoryview", "array", "numpy-u8", "numpy-u32", "memoryview-slice"],
)
def test_any_buffer_protocol_object(convert):
    data = b"buffer protocol " * 64  # a multiple of 4 bytes, for the uint32 view
    reference = compress_chunks([data], buffer_size=4096)[0]
    block = compress_chunks([convert(data)], buffer_size=4096)[0]
    assert block == reference
    with lz4_stream.LZ4StreamDecompressor("double_buffer", 4096) as decompressor:
        body = decompressor.get_block(convert(reference))
        assert decompressor.decompress(convert(body)) == data


def test_non_contiguous_buffer_is_refused():
    data = memoryview(b"abcdefgh")[::2]
    with lz4_stream.LZ4StreamCompressor("double_buffer", 64) as compressor:
        with pytest.raises(BufferError):
            compressor.compress(data)


def test_str_raises_type_error():
    with lz4_stream.LZ4StreamCompressor("double_buffer", 64) as compressor:
        with pytest.raises(TypeError, match="bytes-like object is required, not 'str'"):
            compressor.compress("text")
    with lz4_stream.LZ4StreamDecompressor("double_buffer", 64) as decompressor:
        with pytest.raises(TypeError):
            decompressor.decompress("text")
        with pytest.raises(TypeError):
            decompressor.get_block("text")


def test_str_dictionary_is_utf8():
    text = "dictionnaire \u00e9t\u00e9 " * 10
    data = (text * 5).encode()
    a = compress_chunks([data], buffer_size=4096, dictionary=text)
    b = compress_chunks([data], buffer_size=4096, dictionary=text.encode())
    assert a == b
    assert decompress_stream(b"".join(a), buffer_size=4096, dictionary=text) == data


def test_return_bytearray():
    blocks = compress_chunks([b"abc" * 100], buffer_size=4096, return_bytearray=True)
    assert isinstance(blocks[0], bytearray)
    with lz4_stream.LZ4StreamDecompressor("double_buffer", 4096, return_bytearray=1) as d:
        assert isinstance(d.get_block(blocks[0]), bytearray)
        assert isinstance(d.decompress(blocks[0][4:]), bytearray)


def test_acceleration_is_clamped_like_liblz4(text_data):
    chunks = [text_data[i : i + 8192] for i in range(0, 100_000, 8192)]

    def out(acceleration):
        return compress_chunks(chunks, buffer_size=8192, mode="fast", acceleration=acceleration)

    assert out(0) == out(1) == out(-5) == out(True)
    assert out(65537) == out(10**9)
    assert out(2) != out(1)


def test_compression_level_is_clamped_like_liblz4(text_data):
    chunks = [text_data[i : i + 8192] for i in range(0, 50_000, 8192)]

    def out(level):
        return compress_chunks(chunks, buffer_size=8192, mode="high_compression", compression_level=level)

    assert out(0) == out(-3) == out(9)
    assert out(12) == out(13) == out(1000)
    assert out(3) != out(12)


def test_acceleration_and_level_only_count_in_their_mode(text_data):
    chunks = [text_data[:8192]]
    default = compress_chunks(chunks, buffer_size=8192)
    assert compress_chunks(chunks, buffer_size=8192, acceleration=50, compression_level=2) == default


def test_configuration_errors_follow_python_lz4():
    C, D = lz4_stream.LZ4StreamCompressor, lz4_stream.LZ4StreamDecompressor
    with pytest.raises(ValueError, match="^Invalid strategy argument: foo. Must be one of: double_buffer, ring_buffer$"):
        C("foo", 1024)
    with pytest.raises(ValueError, match="^Invalid mode argument: turbo"):
        C("double_buffer", 1024, mode="turbo")
    with pytest.raises(ValueError, match="^Invalid store_comp_size, valid values: 0, 1, 2 or 4$"):
        D("double_buffer", 1024, store_comp_size=3)
    with pytest.raises(lz4_stream.LZ4StreamError, match=r"^Inconsistent buffer_size/store_comp_size values"):
        C("double_buffer", 240, store_comp_size=1)
    C("double_buffer", 239, store_comp_size=1)
    with pytest.raises(ValueError, match="^Invalid buffer_size argument: 0"):
        C("double_buffer", 0)
    with pytest.raises(ValueError, match="^Invalid buffer_size argument: -1"):
        D("double_buffer", -1)
    # python-lz4's check order: the strategy comes after the prefix width...
    with pytest.raises(ValueError, match="store_comp_size"):
        C("foo", 1024, store_comp_size=3)
    with pytest.raises(ValueError, match="mode"):
        C("ring_buffer", 1024, mode="turbo")
    with pytest.raises(TypeError):
        C(b"double_buffer", 1024)


def test_chunk_larger_than_page_is_overflow_error():
    with lz4_stream.LZ4StreamCompressor("double_buffer", 16) as compressor:
        with pytest.raises(OverflowError, match="^Input too large for LZ4 API$"):
            compressor.compress(b"x" * 17)
        # The context is still usable.
        block = compressor.compress(b"x" * 16)
    assert decompress_stream(block, buffer_size=16) == b"x" * 16


def test_context_stays_usable_after_with_block():
    with lz4_stream.LZ4StreamCompressor("double_buffer", 64) as compressor:
        first = compressor.compress(b"a" * 64)
    second = compressor.compress(b"a" * 64)
    assert decompress_stream(first + second, buffer_size=64) == b"a" * 128


def test_module_constants_and_exception():
    assert lz4_stream.LZ4_MAX_INPUT_SIZE == 0x7E000000
    assert issubclass(lz4_stream.LZ4StreamError, Exception)
    assert lz4_stream.LZ4StreamCompressor.__module__ == "lz4_stream"
    assert "bytes-like" in lz4_stream.LZ4StreamCompressor.compress.__doc__


def test_buffers_are_allocated_lazily():
    before = rss()
    contexts = []
    for _ in range(4):
        contexts.append(lz4_stream.LZ4StreamCompressor("double_buffer", lz4_stream.LZ4_MAX_INPUT_SIZE))
        contexts.append(lz4_stream.LZ4StreamDecompressor("double_buffer", lz4_stream.LZ4_MAX_INPUT_SIZE))
    for context in contexts[::2]:
        context.compress(b"small chunk " * 10)
    # Eight contexts with 2 GB pages: python-lz4 would reserve 48 GB of address
    # space; these hold what they use.
    assert rss() - before < 64 << 20


def test_gil_is_released_while_compressing():
    # A third of a second or more of high-compression work in one call.
    chunk = varied_data(4 << 20)
    compressor = lz4_stream.LZ4StreamCompressor(
        "double_buffer", len(chunk), mode="high_compression", compression_level=12
    )
    assert_gil_released(lambda: compressor.compress(chunk))


def test_gil_is_released_while_decompressing():
    # 128 MiB: about 0.16 s on an idle machine (64 MiB took 0.08 s).
    chunk = varied_data(128 << 20)
    block = lz4_stream.LZ4StreamCompressor("double_buffer", len(chunk), store_comp_size=0).compress(
        chunk
    )
    decompressor = lz4_stream.LZ4StreamDecompressor("double_buffer", len(chunk), store_comp_size=0)
    result = []
    assert_gil_released(lambda: result.append(decompressor.decompress(block)))
    assert result[0] == chunk


@pytest.mark.parametrize("mode", MODES, ids=lambda m: "-".join(str(v) for v in m.values()))
def test_ring_buffer_round_trip_and_reach(mode):
    import random

    page = 1024
    # Repeats every 16 KiB: beyond one chunk's reach, within the ring's 64 KiB.
    data = random.Random(1).randbytes(16 * 1024) * 18
    chunks = [data[i : i + page] for i in range(0, len(data), page)]
    chunks[5:5] = [b""]  # an empty chunk keeps the ring's history
    ring = compress_chunks(chunks, strategy="ring_buffer", buffer_size=page, **mode)
    double = compress_chunks(chunks, strategy="double_buffer", buffer_size=page, **mode)
    for strategy in ("ring_buffer", "double_buffer"):  # both decode with 64 KiB of history
        assert decompress_stream(b"".join(ring), strategy=strategy, buffer_size=page) == b"".join(chunks)
    # Blocks that may refer to 64 KiB instead of one 1 KiB chunk come out smaller.
    assert len(b"".join(ring)) < 0.2 * len(b"".join(double))


def test_ring_buffer_with_dictionary_and_out_of_band_sizes(text_data):
    dictionary = text_data[-50_000:]
    chunks = [text_data[i : i + 500] for i in range(0, 100_000, 500)]
    blocks = compress_chunks(chunks, strategy="ring_buffer", buffer_size=500, store_comp_size=0, dictionary=dictionary)
    with lz4_stream.LZ4StreamDecompressor(
        "ring_buffer", 500, store_comp_size=0, dictionary=dictionary
    ) as decompressor:
        assert [decompressor.decompress(b) for b in blocks] == chunks


@pytest.mark.parametrize("kind", ["bytearray", "numpy", "memoryview of bytearray"])
def test_mutable_inputs_are_copied_and_the_gil_still_released(kind):
    # Another thread may write into these while the GIL is released, so the
    # codec works on a copy; the GIL is released all the same.
    chunk = varied_data(4 << 20)
    mutable = {
        "bytearray": lambda: bytearray(chunk),
        "numpy": lambda: numpy.frombuffer(chunk, dtype=numpy.uint8).copy(),
        "memoryview of bytearray": lambda: memoryview(bytearray(chunk)),
    }[kind]()
    compressor = lz4_stream.LZ4StreamCompressor(
        "double_buffer", len(chunk), mode="high_compression", compression_level=12, store_comp_size=0
    )
    blocks = []
    assert_gil_released(lambda: blocks.append(compressor.compress(mutable)))
    decompressor = lz4_stream.LZ4StreamDecompressor("double_buffer", len(chunk), store_comp_size=0)
    assert decompressor.decompress(bytearray(blocks[0])) == chunk


def test_input_written_by_another_thread_meanwhile_stays_a_valid_stream():
    original = varied_data(8 << 20)
    chunk = bytearray(original)
    compressor = lz4_stream.LZ4StreamCompressor("double_buffer", len(chunk), store_comp_size=0)
    stop = threading.Event()
    marks = len(chunk[::4096])
    # Uniform before the thread starts, so that a copy made before its
    # first pass is one snapshot too.
    chunk[::4096] = bytes(marks)
    passes = []

    def scribble():
        # Every pass writes a new value into every 4096th byte: a block made
        # from the bytes as they changed would mix values.
        value = 0
        while not stop.is_set():
            value = value % 255 + 1
            chunk[::4096] = bytes([value]) * marks
            passes.append(value)

    writer = threading.Thread(target=scribble)
    writer.start()
    try:
        blocks = [compressor.compress(chunk) for _ in range(8)]
    finally:
        stop.set()
        writer.join()
    decompressor = lz4_stream.LZ4StreamDecompressor("double_buffer", len(chunk), store_comp_size=0)
    assert len(passes) > 8
    unmarked = bytearray(original)
    unmarked[::4096] = bytes(marks)
    for block in blocks:
        out = bytearray(decompressor.decompress(block))
        # One snapshot: a single value at every mark, the rest untouched.
        assert len(set(out[::4096])) == 1
        out[::4096] = bytes(marks)
        assert out == unmarked


def test_classes_can_be_subclassed(text_data):
    # As python-lz4's, which are plain Python classes.
    class Compressor(lz4_stream.LZ4StreamCompressor):
        def compress_all(self, chunks):
            return [self.compress(chunk) for chunk in chunks]

    class Decompressor(lz4_stream.LZ4StreamDecompressor):
        pass

    chunks = [text_data[at : at + 8192] for at in range(0, 100_000, 8192)]
    blocks = Compressor("double_buffer", 8192).compress_all(chunks)
    decompressor = Decompressor("double_buffer", 8192)
    out = b"".join(decompressor.decompress(decompressor.get_block(b)) for b in blocks)
    assert out == b"".join(chunks)
