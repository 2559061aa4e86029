"""Interop with the real python-lz4 (lz4.stream built from source, see tools/setup-pylz4.sh).

Both directions, random configurations: page sizes, size prefixes of 0 (out of
band), 1, 2 and 4 bytes, dictionaries, every mode with clamped parameters,
return_bytearray. Skipped when python-lz4's lz4.stream is not installed,
unless LZ4_STREAM_REQUIRE_PYLZ4 is set (CI sets it).
"""

import os
import random

import pytest
from hypothesis import given, settings, strategies as st

try:
    import lz4.stream as pylz4
except ImportError:  # pragma: no cover - depends on the environment
    if os.environ.get("LZ4_STREAM_REQUIRE_PYLZ4"):
        raise
    pytest.skip("python-lz4 with lz4.stream is not installed", allow_module_level=True)

import lz4_stream

MAX_PAGE = {0: 200_000, 1: 239, 2: 65_264, 4: 200_000}
WORDS = [b"stream", b"block", b"page", b"lz4", b"double", b"buffer", b"python", b"\n", b"{\"k\": 1}, "]


@st.composite
def configurations(draw):
    width = draw(st.sampled_from([0, 1, 2, 4]))
    page = draw(st.one_of(st.integers(1, 64), st.integers(1, MAX_PAGE[width])))
    mode = draw(
        st.sampled_from(
            [("default", {})]
            + [("fast", {"acceleration": a}) for a in (0, 1, 2, 8, 100)]
            + [("high_compression", {"compression_level": level}) for level in (0, 1, 2, 3, 6, 9, 10, 12, 16)]
        )
    )
    dictionary = draw(st.sampled_from(["none", "small", "text", "large"]))
    return {
        "store_comp_size": width,
        "buffer_size": page,
        "mode": mode[0],
        **mode[1],
        "dictionary": dictionary,
        "return_bytearray": draw(st.booleans()),
        "seed": draw(st.integers(0, 2**32)),
        "length": draw(st.integers(0, 300_000)),
    }


def make_input(config):
    rng = random.Random(config["seed"])
    words = []
    total = 0
    while total < config["length"]:
        if rng.random() < 0.05:
            piece = rng.randbytes(rng.randint(1, 300))
        else:
            piece = rng.choice(WORDS)
        words.append(piece)
        total += len(piece)
    data = b" ".join(words)[: config["length"]]
    dictionary = {
        "none": None,
        "small": data[10:40],
        "text": b" ".join(rng.choice(WORDS) for _ in range(3000)),
        "large": rng.randbytes(100_000),
    }[config["dictionary"]]
    return data, dictionary, rng


def chunks_of(data, page, rng, empty_chunks):
    chunks, offset = [], 0
    while offset < len(data):
        size = rng.choice([page, page, rng.randint(1, page)])
        if empty_chunks and rng.random() < 0.1:
            size = 0
        chunks.append(data[offset : offset + size])
        offset += size
    return chunks


def compressor_kwargs(config, dictionary):
    kwargs = {
        "buffer_size": config["buffer_size"],
        "store_comp_size": config["store_comp_size"],
        "mode": config["mode"],
        "return_bytearray": config["return_bytearray"],
    }
    for key in ("acceleration", "compression_level"):
        if key in config:
            kwargs[key] = config[key]
    if dictionary is not None:
        kwargs["dictionary"] = dictionary
    return kwargs


def decompressor_kwargs(config, dictionary):
    kwargs = {
        "buffer_size": config["buffer_size"],
        "store_comp_size": config["store_comp_size"],
        "return_bytearray": config["return_bytearray"],
    }
    if dictionary is not None:
        kwargs["dictionary"] = dictionary
    return kwargs


def compress(module, chunks, kwargs):
    with module.LZ4StreamCompressor("double_buffer", **kwargs) as compressor:
        return [compressor.compress(chunk) for chunk in chunks]


def decompress(module, blocks, kwargs):
    width = kwargs["store_comp_size"]
    out = []
    with module.LZ4StreamDecompressor("double_buffer", **kwargs) as decompressor:
        if width == 0:
            return [decompressor.decompress(block) for block in blocks]
        stream = memoryview(b"".join(bytes(b) for b in blocks))
        offset = 0
        while offset < len(stream):
            block = decompressor.get_block(stream[offset:])
            out.append(decompressor.decompress(block))
            offset += width + len(block)
    return out


@settings(max_examples=120, deadline=None)
@given(configurations())
def test_python_lz4_reads_our_streams(config):
    data, dictionary, rng = make_input(config)
    # Empty chunks included: our compressor keeps the stream valid after them.
    chunks = chunks_of(data, config["buffer_size"], rng, empty_chunks=True)
    blocks = compress(lz4_stream, chunks, compressor_kwargs(config, dictionary))
    out = decompress(pylz4, blocks, decompressor_kwargs(config, dictionary))
    assert b"".join(out) == data


@settings(max_examples=120, deadline=None)
@given(configurations())
def test_we_read_python_lz4_streams(config):
    data, dictionary, rng = make_input(config)
    # No empty chunks: python-lz4's own compressor can corrupt the stream after one.
    chunks = chunks_of(data, config["buffer_size"], rng, empty_chunks=False)
    blocks = compress(pylz4, chunks, compressor_kwargs(config, dictionary))
    out = decompress(lz4_stream, blocks, decompressor_kwargs(config, dictionary))
    assert b"".join(out) == data
    if config["return_bytearray"]:
        assert all(isinstance(chunk, bytearray) for chunk in out)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"buffer_size": 128},
        {"buffer_size": 240, "store_comp_size": 1},
        {"buffer_size": 1 << 30},
        {"buffer_size": 0xFFFFFFFF},
        {"buffer_size": 1024, "store_comp_size": 5},
        {"buffer_size": 1024, "mode": "bad"},
        {"buffer_size": 1024, "dictionary": b"x"},
    ],
)
@pytest.mark.parametrize("cls", ["LZ4StreamCompressor", "LZ4StreamDecompressor"])
def test_same_configuration_errors(cls, kwargs):
    if cls == "LZ4StreamDecompressor":
        kwargs = {k: v for k, v in kwargs.items() if k != "mode"}

    def outcome(module):
        try:
            getattr(module, cls)("double_buffer", **kwargs)
        except Exception as err:  # noqa: BLE001 - comparing what each raises
            name = "LZ4StreamError" if isinstance(err, module.LZ4StreamError) else type(err).__name__
            return name, str(err)
        return None

    assert outcome(lz4_stream) == outcome(pylz4)


@pytest.mark.parametrize(
    "stream",
    [b"", b"\x01", b"\x05\x00\x00\x00ab", b"\x00\x00\x00\x00", b"\x02\x00\x00\x00\x10 ", b"\xff\xff\xff\x7fabc"],
)
def test_same_get_block_outcome(stream):
    def outcome(module):
        with module.LZ4StreamDecompressor("double_buffer", 128) as decompressor:
            try:
                return bytes(decompressor.get_block(stream))
            except Exception as err:  # noqa: BLE001
                name = "LZ4StreamError" if isinstance(err, module.LZ4StreamError) else type(err).__name__
                return name, str(err)

    assert outcome(lz4_stream) == outcome(pylz4)


def test_sizes_above_2_gib_are_printed_as_they_are():
    # python-lz4 prints the size with %d: "Requested input size (-1) ...".
    with lz4_stream.LZ4StreamDecompressor("double_buffer", 128) as decompressor:
        with pytest.raises(lz4_stream.LZ4StreamError, match=r"^Requested input size \(4294967295\) larger"):
            decompressor.get_block(b"\xff\xff\xff\xffabc")


@pytest.mark.parametrize("buffer_size,store_comp_size", [(65536, 4), (8192, 2), (200, 1)])
def test_files_interoperate_with_python_lz4_loops(tmp_path, buffer_size, store_comp_size):
    data = b"".join(b"line %d of the file\n" % i for i in range(40_000))
    settings = {"buffer_size": buffer_size, "store_comp_size": store_comp_size}
    # Our file, python-lz4's documented decompression loop.
    path = tmp_path / "ours.lz4s"
    with lz4_stream.open(path, "wb", **settings) as f:
        f.write(data)
    blocks, stream, offset = [], path.read_bytes(), 0
    with pylz4.LZ4StreamDecompressor("double_buffer", **settings) as proc:
        while offset < len(stream):
            block = proc.get_block(stream[offset:])
            blocks.append(proc.decompress(block))
            offset += store_comp_size + len(block)
    assert b"".join(blocks) == data
    # python-lz4's documented compression loop, read back as our file.
    with pylz4.LZ4StreamCompressor("double_buffer", **settings) as proc:
        stream = b"".join(proc.compress(data[i : i + buffer_size]) for i in range(0, len(data), buffer_size))
    (tmp_path / "theirs.lz4s").write_bytes(stream)
    with lz4_stream.open(tmp_path / "theirs.lz4s", **settings) as f:
        assert f.read() == data
