"""lz4_stream.open and LZ4StreamFile, as gzip.open / gzip.GzipFile users expect."""

import array
import io
import os
import shutil

import pytest

import lz4_stream
from conftest import assert_gil_released, compress_chunks, rss, varied_data


@pytest.fixture
def path(tmp_path):
    return tmp_path / "data.lz4s"


CONFIGS = [
    {},
    {"buffer_size": 8192, "store_comp_size": 2},
    {"buffer_size": 200, "store_comp_size": 1, "dictionary": b"lorem ipsum dolor"},
    {"buffer_size": 100_000, "compression_mode": "high_compression", "compression_level": 12},
    {"buffer_size": 4096, "compression_mode": "fast", "acceleration": 8, "end_marker": True},
    {"strategy": "ring_buffer", "buffer_size": 512, "dictionary": b"lorem ipsum dolor"},
]


@pytest.mark.parametrize("config", CONFIGS)
def test_round_trip_through_a_path(path, text_data, config):
    with lz4_stream.open(path, "wb", **config) as f:
        assert isinstance(f, io.BufferedIOBase)
        for start in range(0, len(text_data), 77_777):
            assert f.write(text_data[start : start + 77_777]) == len(text_data[start : start + 77_777])
        assert f.tell() == len(text_data)
    with lz4_stream.open(path, "rb", **config) as f:
        assert f.read() == text_data
        assert f.read() == b""
        assert f.tell() == len(text_data)


def test_file_matches_the_block_api(path, text_data):
    page = 8192
    with lz4_stream.open(path, "wb", buffer_size=page) as f:
        f.write(text_data)
    chunks = [text_data[i : i + page] for i in range(0, len(text_data), page)]
    assert path.read_bytes() == b"".join(compress_chunks(chunks, buffer_size=page))


def test_file_objects_are_used_and_left_open(text_data):
    raw = io.BytesIO()
    with lz4_stream.LZ4StreamFile(raw, "wb") as f:
        f.write(memoryview(text_data))
        f.write(array.array("B", b"tail"))
    assert not raw.closed
    raw.seek(0)
    with lz4_stream.LZ4StreamFile(raw) as f:
        assert f.read() == text_data + b"tail"
    assert not raw.closed


def test_text_modes(path):
    lines = ["première ligne\n", "second line\n", "third, without newline"]
    with lz4_stream.open(path, "wt", encoding="utf-8") as f:
        f.writelines(lines)
    with lz4_stream.open(path, "rt", encoding="utf-8") as f:
        assert f.readlines() == lines
    with lz4_stream.open(path, "rt", encoding="utf-8", newline="") as f:
        assert list(f) == lines


def test_mode_checks(path):
    with pytest.raises(ValueError):
        lz4_stream.open(path, "rwb")
    with pytest.raises(ValueError):
        lz4_stream.open(path, "rbt")
    with pytest.raises(ValueError):
        lz4_stream.open(path, "wb", encoding="utf-8")
    with pytest.raises(ValueError):
        lz4_stream.open(path, "wb", store_comp_size=0)
    with pytest.raises(TypeError):
        lz4_stream.LZ4StreamFile(42)


def test_exclusive_create(path):
    with lz4_stream.open(path, "xb") as f:
        f.write(b"first")
    with pytest.raises(FileExistsError):
        lz4_stream.open(path, "xb")
    with lz4_stream.open(path) as f:
        assert f.read() == b"first"


def test_append_makes_one_readable_stream(path):
    with lz4_stream.open(path, "wb", buffer_size=1024) as f:
        f.write(b"a" * 5000)
    with lz4_stream.open(path, "ab", buffer_size=1024) as f:
        f.write(b"b" * 5000)
    with lz4_stream.open(path, buffer_size=1024) as f:
        assert f.read() == b"a" * 5000 + b"b" * 5000


def test_append_with_a_dictionary_needs_end_markers(path):
    settings = {"buffer_size": 1024, "dictionary": b"abcdefgh" * 10}
    with pytest.raises(ValueError, match="end_marker"):
        lz4_stream.open(path, "ab", **settings)
    for part in (b"abcdefgh" * 300, b"hgfedcba" * 300):
        with lz4_stream.open(path, "ab", end_marker=True, **settings) as f:
            f.write(part)
    with lz4_stream.open(path, **settings) as f:
        assert f.read() == b"abcdefgh" * 300 + b"hgfedcba" * 300


def test_end_marker_is_written(path):
    with lz4_stream.open(path, "wb", end_marker=True, store_comp_size=2, buffer_size=4096) as f:
        f.write(b"x" * 10)
    assert path.read_bytes().endswith(b"\x00\x00")


def test_readline_iteration_peek_readinto(path):
    lines = [b"line %d %s\n" % (i, b"x" * (i % 70)) for i in range(3000)]
    with lz4_stream.open(path, "wb", buffer_size=1000) as f:
        f.writelines(lines)
    with lz4_stream.open(path, buffer_size=1000) as f:
        assert f.readline() == lines[0]
        assert f.readline(3) == lines[1][:3]
        assert f.readline() == lines[1][3:]
        peeked = f.peek()
        assert peeked and peeked == b"".join(lines[2:])[: len(peeked)]
        assert f.readline() == lines[2]
        assert list(f) == lines[3:]
        assert f.readline() == b"" and f.peek() == b""
    with lz4_stream.open(path, buffer_size=1000) as f:
        target = bytearray(10_000)
        assert f.readinto(target) == 10_000
        assert bytes(target) == b"".join(lines)[:10_000]
        view = memoryview(bytearray(5))
        assert f.readinto1(view) <= 5
        assert len(f.read1(100)) <= 100
        assert len(f.read(10)) == 10


def test_close_semantics(path):
    f = lz4_stream.open(path, "wb")
    f.write(b"data")
    assert not f.closed and f.writable() and not f.readable() and not f.seekable()
    f.close()
    f.close()
    assert f.closed
    with pytest.raises(ValueError):
        f.write(b"more")
    f = lz4_stream.open(path)
    with pytest.raises(io.UnsupportedOperation):
        f.write(b"x")
    f.close()
    with pytest.raises(ValueError):
        f.read()
    with pytest.raises(ValueError):
        f.readable()


def test_flush_makes_written_data_readable(path):
    with lz4_stream.open(path, "wb") as writer:
        writer.write(b"partial page")
        writer.flush()
        with lz4_stream.open(path) as reader:
            assert reader.read() == b"partial page"


def test_copyfileobj(path, text_data, tmp_path):
    source = tmp_path / "source"
    source.write_bytes(text_data)
    with open(source, "rb") as src, lz4_stream.open(path, "wb") as dst:
        shutil.copyfileobj(src, dst)
    with lz4_stream.open(path) as src:
        assert src.read() == text_data


def test_truncated_file_raises_never_a_short_read(path):
    data = os.urandom(3000) * 20
    with lz4_stream.open(path, "wb", buffer_size=4096) as f:
        f.write(data)
    stream = path.read_bytes()
    # Where each block ends, and how much data the blocks before hold.
    decoded_at, offset = {0: 0}, 0
    while offset < len(stream):
        offset += 4 + int.from_bytes(stream[offset : offset + 4], "little")
        decoded_at[offset] = min(len(data), 4096 * len(decoded_at))
    near = {b + d for b in decoded_at for d in (-2, -1, 1, 2)}
    cuts = sorted(({c for c in near if 0 < c < len(stream)} | set(decoded_at) | set(range(0, len(stream), 97))))
    for cut in cuts:
        with lz4_stream.open(io.BytesIO(stream[:cut]), buffer_size=4096) as f:
            if cut in decoded_at:
                # A cut between blocks cannot be told from the end.
                assert f.read() == data[: decoded_at[cut]]
            else:
                with pytest.raises(EOFError):
                    f.read()


def test_corrupt_file_raises(path):
    with lz4_stream.open(path, "wb", buffer_size=4096) as f:
        f.write(b"corrupt me " * 2000)
    stream = bytearray(path.read_bytes())
    stream[4:40] = b"\xff" * 36  # a literal length running past the block
    with lz4_stream.open(io.BytesIO(bytes(stream)), buffer_size=4096) as f:
        with pytest.raises(lz4_stream.LZ4StreamError):
            f.read()
    huge_prefix = b"\xff\xff\xff\x7f" + b"x" * 100
    with lz4_stream.open(io.BytesIO(huge_prefix), buffer_size=4096) as f:
        with pytest.raises(lz4_stream.LZ4StreamError):
            f.read(1)


def test_errors_of_the_file_object_come_through():
    class Failing(io.RawIOBase):
        def writable(self):
            return True

        def write(self, data):
            raise OSError(28, "No space left on device")

    f = lz4_stream.LZ4StreamFile(Failing(), "wb", buffer_size=16)
    with pytest.raises(OSError, match="No space left"):
        f.write(b"x" * 100)


def test_300_mb_stream_in_bounded_memory(tmp_path):
    pattern = os.urandom(32 * 1024)
    piece = pattern * 32  # 1 MiB, compressible: it repeats every 32 KiB
    path = tmp_path / "big.lz4s"
    before = rss()
    with lz4_stream.open(path, "wb") as f:
        for _ in range(300):
            f.write(piece)
    grown_writing = rss() - before
    total = 0
    with lz4_stream.open(path) as f:
        while True:
            block = f.read(1 << 20)
            if not block:
                break
            assert block == piece[: len(block)] or len(block) < len(piece)
            total += len(block)
    assert total == 300 * len(piece)
    assert grown_writing < 8 << 20
    assert rss() - before < 8 << 20


def test_worker_threads(tmp_path, text_data):
    outputs = []
    for workers in (1, 2, 3):
        path = tmp_path / f"workers{workers}.lz4s"
        with lz4_stream.open(path, "wb", buffer_size=16384, workers=workers) as f:
            for start in range(0, len(text_data), 5000):
                f.write(text_data[start : start + 5000])
            f.flush()
            f.write(b"after a flush")
        with lz4_stream.open(path, buffer_size=16384) as f:
            assert f.read() == text_data + b"after a flush"
        outputs.append(path.read_bytes())
    # The same bytes for every count from 2 up.
    assert outputs[1] == outputs[2]
    with pytest.raises(ValueError):
        lz4_stream.open(tmp_path / "ring", "wb", strategy="ring_buffer", workers=2)


def test_read_with_a_huge_size_allocates_only_what_is_decoded(path):
    with lz4_stream.open(path, "wb") as f:
        f.write(b"small file " * 10)
    before = rss()
    with lz4_stream.open(path, "rb") as f:
        assert f.read(10**12) == b"small file " * 10
        assert f.read(10**12) == b""
    assert rss() - before < 64 << 20


class NonBlockingRaw(io.RawIOBase):
    """A raw non-blocking file: takes at most `room` bytes per write, and
    returns None (took nothing) on every other call, as a full pipe does."""

    def __init__(self, room):
        self.data = bytearray()
        self.room = room
        self.calls = 0
        self.refusals = 0

    def writable(self):
        return True

    def write(self, b):
        self.calls += 1
        if self.calls % 2 == 0:
            self.refusals += 1
            return None
        n = min(len(b), self.room)
        self.data += bytes(b[:n])
        return n


def test_non_blocking_raw_file_loses_nothing(text_data):
    expected = io.BytesIO()
    with lz4_stream.open(expected, "wb", buffer_size=4096) as f:
        for i in range(0, len(text_data), 1000):
            f.write(text_data[i : i + 1000])

    raw = NonBlockingRaw(room=1500)
    f = lz4_stream.open(raw, "wb", buffer_size=4096)
    blocked = 0
    for i in range(0, len(text_data), 1000):
        chunk = memoryview(text_data[i : i + 1000])
        while chunk:
            try:
                chunk = chunk[f.write(chunk) :]
            except BlockingIOError as err:
                blocked += 1
                chunk = chunk[err.characters_written :]
    while True:
        try:
            f.close()
            break
        except BlockingIOError:
            blocked += 1
    assert f.closed
    assert raw.refusals > 0 and blocked > 0
    assert bytes(raw.data) == expected.getvalue()
    assert lz4_stream.open(io.BytesIO(raw.data), buffer_size=4096).read() == text_data


def test_gil_is_released_while_writing_and_reading_files():
    data = varied_data(64 << 20)
    compressed = io.BytesIO()

    def write():
        with lz4_stream.open(compressed, "wb") as f:
            f.write(data)

    assert_gil_released(write)
    result = []
    compressed.seek(0)
    assert_gil_released(lambda: result.append(lz4_stream.open(compressed).read()))
    assert result[0] == data


class ReturnsNone:
    """A file object whose write returns None and has no flush, as
    codecs.StreamWriter and web frameworks' response objects have it."""

    def __init__(self):
        self.data = bytearray()

    def write(self, b):
        self.data += b


@pytest.mark.parametrize("workers", [1, 2])
def test_a_write_that_returns_none_took_everything(text_data, workers):
    sink = ReturnsNone()
    with lz4_stream.open(sink, "wb", buffer_size=4096, workers=workers) as f:
        f.write(text_data)
        f.flush()
        f.write(b"after a flush")
    with lz4_stream.open(io.BytesIO(bytes(sink.data)), buffer_size=4096) as f:
        assert f.read() == text_data + b"after a flush"


def test_threads_sharing_a_file_take_turns(tmp_path):
    import threading

    path = tmp_path / "shared.lz4s"
    chunk = 65536
    # Each write is one thread's numbered chunk, whole.
    pieces = {
        (t, i): bytes([t]) * 8 + i.to_bytes(8, "little") + os.urandom(chunk - 16)
        for t in range(3)
        for i in range(40)
    }
    errors = []
    with lz4_stream.open(path, "wb", buffer_size=16384) as f:

        def write(t):
            try:
                for i in range(40):
                    f.write(pieces[(t, i)])
            except BaseException as err:  # reported below
                errors.append(err)

        threads = [threading.Thread(target=write, args=(t,)) for t in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    data = lz4_stream.open(path).read()
    got = [data[at : at + chunk] for at in range(0, len(data), chunk)]
    assert sorted(got) == sorted(pieces.values())


def test_a_large_mutable_input_is_not_copied_whole(tmp_path):
    # In a process of its own, so that the peak is this write's.
    import subprocess
    import sys

    script = """
import resource, lz4_stream, sys
data = bytearray(160 << 20)
data[::4096] = b"x" * len(range(0, len(data), 4096))  # every page touched, no temporary
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for workers in (1, 2):
    with lz4_stream.open(sys.argv[1], "wb", workers=workers) as f:
        f.write(data)
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024)
"""
    out = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "big.lz4s")],
        check=True,
        capture_output=True,
        text=True,
    )
    assert int(out.stdout) < 32 << 20


def test_bad_settings_say_what_is_wrong():
    for size in (0, -1):
        with pytest.raises(ValueError, match="buffer_size"):
            lz4_stream.open(io.BytesIO(), "wb", buffer_size=size)
    out = io.BytesIO()
    # A flag takes any truth value, as Python's own do.
    with lz4_stream.open(out, "wb", end_marker=1) as f:
        f.write(b"data")
    assert out.getvalue().endswith(b"\0\0\0\0")


def test_readinto_a_read_only_buffer_is_a_type_error(path):
    with lz4_stream.open(path, "wb") as f:
        f.write(b"abc")
    with lz4_stream.open(path) as f:
        with pytest.raises(TypeError, match="read-write"):
            f.readinto(b"xyz")
        assert f.read() == b"abc"


def test_tell_takes_its_turn_too(tmp_path):
    import threading

    errors = []
    with lz4_stream.open(tmp_path / "t.lz4s", "wb", buffer_size=16384) as f:

        def write():
            try:
                for _ in range(100):
                    f.write(os.urandom(65536))
            except BaseException as err:  # reported below
                errors.append(err)

        thread = threading.Thread(target=write)
        thread.start()
        positions = []
        while thread.is_alive():
            positions.append(f.tell())
        thread.join()
    assert errors == []
    assert positions == sorted(positions) and positions[-1] <= 100 * 65536
