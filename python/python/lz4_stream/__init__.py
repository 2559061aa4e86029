"""LZ4 block streaming: python-lz4's ``lz4.stream`` format, maintained.

A stream is a sequence of raw LZ4 blocks, each preceded by its compressed
length (1, 2 or 4 bytes, little-endian) and each allowed to refer to the data
before it: the double-buffer format of python-lz4's experimental
``lz4.stream`` module and of liblz4's streaming examples.

- :class:`LZ4StreamCompressor` and :class:`LZ4StreamDecompressor` are a drop-in
  replacement for ``lz4.stream`` (same arguments, checks and messages)::

      from lz4_stream import LZ4StreamCompressor, LZ4StreamDecompressor

- :func:`open` and :class:`LZ4StreamFile` read and write such streams as files,
  as :func:`gzip.open` does for gzip.

Threads: the GIL is released while 4 KiB or more is compressed or decoded,
over bytes no other thread can change meanwhile: ``bytes`` (and memoryviews
of ``bytes``) are read in place; a mutable input (bytearray, numpy array,
writable memoryview) is copied before it is compressed, and decompressed
with the GIL held; ``readinto`` writes into its target only with the GIL held.
An :class:`LZ4StreamFile` may be shared between threads: its calls take turns,
as those of io.BufferedWriter and io.BufferedReader do. The compressor and
decompressor objects may not (a second thread's call raises RuntimeError).
"""

import builtins
import io
import os
import threading

from ._lz4_stream import (
    HC_LEVEL_DEFAULT,
    HC_LEVEL_MAX,
    HC_LEVEL_MIN,
    HC_LEVEL_OPT_MIN,
    LZ4_MAX_INPUT_SIZE,
    LZ4StreamCompressor,
    LZ4StreamDecompressor,
    LZ4StreamError,
)
from ._lz4_stream import FileReader as _FileReader
from ._lz4_stream import FileWriter as _FileWriter

__all__ = [
    "HC_LEVEL_DEFAULT",
    "HC_LEVEL_MAX",
    "HC_LEVEL_MIN",
    "HC_LEVEL_OPT_MIN",
    "LZ4_MAX_INPUT_SIZE",
    "LZ4StreamCompressor",
    "LZ4StreamDecompressor",
    "LZ4StreamError",
    "LZ4StreamFile",
    "open",
]

DEFAULT_BUFFER_SIZE = 64 * 1024

_READ_MODES = {"r", "rb"}
_WRITE_MODES = {"w", "wb", "x", "xb", "a", "ab"}


class LZ4StreamFile(io.BufferedIOBase):
    """A file object that reads or writes an LZ4 block stream.

    ``file`` is a path (str, bytes or os.PathLike) or a binary file object.
    ``mode`` is ``"rb"`` (the default), ``"wb"``, ``"xb"`` or ``"ab"`` (the
    ``b`` may be left out). The other arguments describe the stream and must
    match the writer's: ``strategy`` (``"double_buffer"``, which python-lz4
    reads, or ``"ring_buffer"``: blocks refer to the whole last 64 KiB, smaller
    with small pages), ``buffer_size`` (the page size, default 65536),
    ``store_comp_size`` (size prefix width: 1, 2 or 4), ``dictionary`` (a
    preset dictionary, bytes-like), and for writing ``compression_mode``
    (``"default"``, ``"fast"`` or ``"high_compression"``), ``acceleration``,
    ``compression_level`` and ``end_marker`` (end the stream with a zero size
    prefix, as liblz4's example does; python-lz4 cannot read that marker) and
    ``workers`` (compress pages on this many threads; 0 means one per core;
    the stream is the same for any count from 2 up, not with the ring buffer).

    Memory stays bounded by a few pages, whatever the stream's length, and
    the compression and decompression run without the GIL. A
    stream cut inside a block raises EOFError; a corrupt one LZ4StreamError.
    Reading goes on after an end marker, so streams appended with
    ``mode="ab"`` read back as one. Appending to a stream with a dictionary
    needs ``end_marker=True`` on every stream of the file (the next stream
    starts from the dictionary again, which only a marker can announce).
    """

    def __init__(
        self,
        file,
        mode="rb",
        *,
        strategy="double_buffer",
        buffer_size=DEFAULT_BUFFER_SIZE,
        store_comp_size=4,
        dictionary=None,
        compression_mode="default",
        acceleration=1,
        compression_level=9,
        end_marker=False,
        workers=1,
    ):
        # One call at a time: the codec releases the GIL, and another thread
        # entering meanwhile would find it busy. Reentrant, so that a call
        # from the file object's own write (or a signal handler) meets a
        # clear error rather than a deadlock. First, for close() from
        # __del__ after a failed __init__.
        self._lock = threading.RLock()
        self._fp = None
        self._close_fp = False
        self._reader = None
        self._writer = None
        if mode not in _READ_MODES | _WRITE_MODES:
            raise ValueError(f"Invalid mode: {mode!r}")
        raw_mode = mode[0] + "b"
        if raw_mode == "ab" and dictionary and not end_marker:
            raise ValueError(
                "appending to a stream with a dictionary needs end_marker=True: "
                "without markers the appended stream would be decoded against "
                "the previous one's history instead of the dictionary"
            )
        if isinstance(file, (str, bytes, os.PathLike)):
            fp = builtins.open(file, raw_mode)
            close_fp = True
        elif hasattr(file, "read") or hasattr(file, "write"):
            fp = file
            close_fp = False
        else:
            raise TypeError("file must be a str, bytes or os.PathLike object, or a file object")
        settings = (
            strategy,
            buffer_size,
            store_comp_size,
            dictionary,
            compression_mode,
            acceleration,
            compression_level,
            end_marker,
        )
        try:
            if raw_mode == "rb":
                self._reader = _FileReader(fp, settings)
            else:
                self._writer = _FileWriter(fp, settings, workers)
        except BaseException:
            if close_fp:
                fp.close()
            raise
        self._fp = fp
        self._close_fp = close_fp
        self._mode = "rb" if raw_mode == "rb" else "wb"
        self.name = getattr(fp, "name", None) if not isinstance(file, (str, bytes, os.PathLike)) else os.fspath(file)

    @property
    def mode(self):
        """``"rb"`` or ``"wb"``, as for gzip.GzipFile."""
        return self._mode

    @property
    def closed(self):
        """True once the file is closed."""
        return self._fp is None

    def _check_open(self):
        if self._fp is None:
            raise ValueError("I/O operation on closed file")

    def _check_readable(self):
        self._check_open()
        if self._reader is None:
            raise io.UnsupportedOperation("File not open for reading")

    def _check_writable(self):
        self._check_open()
        if self._writer is None:
            raise io.UnsupportedOperation("File not open for writing")

    def close(self):
        """Finish the stream (when writing) and close the file.

        A file object given to the constructor is not closed, only flushed
        (as gzip.GzipFile does). Closing twice does nothing.
        """
        with self._lock:
            fp = self._fp
            if fp is None:
                return
            try:
                if self._writer is not None:
                    self._writer.finish()
            except BlockingIOError:
                # A non-blocking file took nothing: stay open with the rest of
                # the stream pending, so that close() can be called again.
                raise
            except BaseException:
                self._release(fp)
                raise
            self._release(fp)

    def _release(self, fp):
        self._fp = None
        self._reader = None
        self._writer = None
        if self._close_fp:
            fp.close()

    def readable(self):
        """True in read mode."""
        self._check_open()
        return self._reader is not None

    def writable(self):
        """True in write modes."""
        self._check_open()
        return self._writer is not None

    def seekable(self):
        """False: an LZ4 block stream is read and written front to back."""
        self._check_open()
        return False

    def fileno(self):
        """The underlying file's descriptor."""
        self._check_open()
        return self._fp.fileno()

    def read(self, size=-1):
        """Read up to ``size`` uncompressed bytes (all that is left if negative or None)."""
        with self._lock:
            self._check_readable()
            return self._reader.read(-1 if size is None else size)

    def read1(self, size=-1):
        """Read up to ``size`` bytes, reading the underlying file at most once."""
        with self._lock:
            self._check_readable()
            return self._reader.read1(-1 if size is None else size)

    def readinto(self, b):
        """Read into a writable bytes-like object; return the number of bytes read."""
        with self._lock:
            self._check_readable()
            return self._reader.readinto(b)

    def readinto1(self, b):
        """Like readinto, reading the underlying file at most once."""
        with self._lock:
            self._check_readable()
            return self._reader.readinto1(b)

    def peek(self, size=0):
        """Return buffered bytes without consuming them; b"" only at the end."""
        with self._lock:
            self._check_readable()
            return self._reader.peek(size)

    def readline(self, size=-1):
        """Read one line, at most ``size`` bytes if ``size`` is not negative."""
        with self._lock:
            self._check_readable()
            return self._reader.readline(-1 if size is None else size)

    def write(self, data):
        """Compress and write a bytes-like object; return its length in bytes."""
        with self._lock:
            self._check_writable()
            return self._writer.write(data)

    def flush(self):
        """Write the buffered data as a block and flush the underlying file.

        Every flush ends a block, so frequent flushing costs compression ratio.
        """
        with self._lock:
            self._check_open()
            if self._writer is not None:
                self._writer.flush()

    def tell(self):
        """Uncompressed bytes read or written so far."""
        with self._lock:
            self._check_open()
            return (self._reader or self._writer).tell()

    def __repr__(self):
        state = "closed" if self.closed else self._mode
        return f"<lz4_stream.LZ4StreamFile {self.name!r} {state}>"


def open(
    file,
    mode="rb",
    *,
    strategy="double_buffer",
    buffer_size=DEFAULT_BUFFER_SIZE,
    store_comp_size=4,
    dictionary=None,
    compression_mode="default",
    acceleration=1,
    compression_level=9,
    end_marker=False,
    workers=1,
    encoding=None,
    errors=None,
    newline=None,
):
    """Open an LZ4 block stream file in binary or text mode, like gzip.open.

    ``mode`` is one of ``"rb"``, ``"wb"``, ``"xb"``, ``"ab"`` (binary, the
    default is ``"rb"``) or ``"rt"``, ``"wt"``, ``"xt"``, ``"at"`` (text, through
    io.TextIOWrapper with ``encoding``, ``errors`` and ``newline``). ``"r"``,
    ``"w"``, ``"x"`` and ``"a"`` are binary. The stream settings are those of
    :class:`LZ4StreamFile`.

    >>> import lz4_stream, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "log.lz4s")
    >>> with lz4_stream.open(path, "wt", encoding="utf-8") as f:
    ...     _ = f.write("first line\\nsecond line\\n")
    >>> with lz4_stream.open(path, "rt", encoding="utf-8") as f:
    ...     f.readlines()
    ['first line\\n', 'second line\\n']
    """
    if "t" in mode:
        if "b" in mode:
            raise ValueError(f"Invalid mode: {mode!r}")
    else:
        if encoding is not None:
            raise ValueError("Argument 'encoding' not supported in binary mode")
        if errors is not None:
            raise ValueError("Argument 'errors' not supported in binary mode")
        if newline is not None:
            raise ValueError("Argument 'newline' not supported in binary mode")
    binary = LZ4StreamFile(
        file,
        mode.replace("t", ""),
        strategy=strategy,
        buffer_size=buffer_size,
        store_comp_size=store_comp_size,
        dictionary=dictionary,
        compression_mode=compression_mode,
        acceleration=acceleration,
        compression_level=compression_level,
        end_marker=end_marker,
        workers=workers,
    )
    if "t" in mode:
        encoding = io.text_encoding(encoding) if hasattr(io, "text_encoding") else encoding
        return io.TextIOWrapper(binary, encoding, errors, newline)
    return binary
