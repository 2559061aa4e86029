"""``import lz4.stream`` imports lz4_stream (for python-lz4's test suite)."""
from lz4_stream import LZ4_MAX_INPUT_SIZE, LZ4StreamCompressor, LZ4StreamDecompressor, LZ4StreamError  # noqa: F401
