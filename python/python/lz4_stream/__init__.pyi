"""Type stubs for lz4_stream."""

import io
import os
from typing import IO, Literal, Optional, Union, overload

from typing_extensions import Buffer

from ._lz4_stream import (
    HC_LEVEL_DEFAULT as HC_LEVEL_DEFAULT,
    HC_LEVEL_MAX as HC_LEVEL_MAX,
    HC_LEVEL_MIN as HC_LEVEL_MIN,
    HC_LEVEL_OPT_MIN as HC_LEVEL_OPT_MIN,
    LZ4_MAX_INPUT_SIZE as LZ4_MAX_INPUT_SIZE,
    LZ4StreamCompressor as LZ4StreamCompressor,
    LZ4StreamDecompressor as LZ4StreamDecompressor,
    LZ4StreamError as LZ4StreamError,
)

DEFAULT_BUFFER_SIZE: int

_Path = Union[str, bytes, os.PathLike[str], os.PathLike[bytes]]
_BinaryMode = Literal["r", "rb", "w", "wb", "x", "xb", "a", "ab"]
_TextMode = Literal["rt", "wt", "xt", "at"]
_CompressionMode = Literal["default", "fast", "high_compression"]

class LZ4StreamFile(io.BufferedIOBase):
    name: Optional[Union[str, bytes]]
    def __init__(
        self,
        file: Union[_Path, IO[bytes]],
        mode: _BinaryMode = "rb",
        *,
        strategy: Literal["double_buffer", "ring_buffer"] = "double_buffer",
        buffer_size: int = 65536,
        store_comp_size: Literal[1, 2, 4] = 4,
        dictionary: Optional[Buffer] = None,
        compression_mode: _CompressionMode = "default",
        acceleration: int = 1,
        compression_level: int = 9,
        end_marker: bool = False,
    workers: int = 1,
    ) -> None: ...
    @property
    def mode(self) -> str: ...
    def peek(self, size: int = 0) -> bytes: ...
    def tell(self) -> int: ...

@overload
def open(
    file: Union[_Path, IO[bytes]],
    mode: _BinaryMode = "rb",
    *,
    strategy: Literal["double_buffer", "ring_buffer"] = "double_buffer",
    buffer_size: int = 65536,
    store_comp_size: Literal[1, 2, 4] = 4,
    dictionary: Optional[Buffer] = None,
    compression_mode: _CompressionMode = "default",
    acceleration: int = 1,
    compression_level: int = 9,
    end_marker: bool = False,
    workers: int = 1,
    encoding: None = None,
    errors: None = None,
    newline: None = None,
) -> LZ4StreamFile: ...
@overload
def open(
    file: Union[_Path, IO[bytes]],
    mode: _TextMode,
    *,
    strategy: Literal["double_buffer", "ring_buffer"] = "double_buffer",
    buffer_size: int = 65536,
    store_comp_size: Literal[1, 2, 4] = 4,
    dictionary: Optional[Buffer] = None,
    compression_mode: _CompressionMode = "default",
    acceleration: int = 1,
    compression_level: int = 9,
    end_marker: bool = False,
    workers: int = 1,
    encoding: Optional[str] = None,
    errors: Optional[str] = None,
    newline: Optional[str] = None,
) -> io.TextIOWrapper: ...
