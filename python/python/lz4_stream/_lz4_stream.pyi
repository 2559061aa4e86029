"""Type stubs for the native part of lz4_stream."""

from types import TracebackType
from typing import Literal, Optional, Tuple, Type, Union

from typing_extensions import Buffer, Self

_Bytes = Union[bytes, bytearray]

LZ4_MAX_INPUT_SIZE: int
HC_LEVEL_MIN: int
HC_LEVEL_DEFAULT: int
HC_LEVEL_OPT_MIN: int
HC_LEVEL_MAX: int

class LZ4StreamError(Exception): ...

class LZ4StreamCompressor:
    def __init__(
        self,
        strategy: str,
        buffer_size: int,
        mode: str = "default",
        acceleration: int = True,
        compression_level: int = 9,
        return_bytearray: object = False,
        store_comp_size: Literal[0, 1, 2, 4] = 4,
        dictionary: Union[str, Buffer, None] = "",
    ) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]] = None,
        exc: Optional[BaseException] = None,
        exc_tb: Optional[TracebackType] = None,
    ) -> bool: ...
    def compress(self, chunk: Buffer) -> _Bytes: ...

class LZ4StreamDecompressor:
    def __init__(
        self,
        strategy: str,
        buffer_size: int,
        return_bytearray: object = False,
        store_comp_size: Literal[0, 1, 2, 4] = 4,
        dictionary: Union[str, Buffer, None] = "",
    ) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]] = None,
        exc: Optional[BaseException] = None,
        exc_tb: Optional[TracebackType] = None,
    ) -> bool: ...
    def decompress(self, chunk: Buffer) -> _Bytes: ...
    def get_block(self, stream: Buffer) -> _Bytes: ...

# (strategy, buffer_size, store_comp_size, dictionary, compression_mode,
#  acceleration, compression_level, end_marker)
_FileSettings = Tuple[str, int, int, Union[str, Buffer, None], str, int, int, bool]

class FileReader:
    def __init__(self, file: object, settings: _FileSettings) -> None: ...
    def read(self, size: int = -1) -> bytes: ...
    def read1(self, size: int = -1) -> bytes: ...
    def readinto(self, buffer: Buffer) -> int: ...
    def readinto1(self, buffer: Buffer) -> int: ...
    def peek(self, size: int = 0) -> bytes: ...
    def readline(self, size: int = -1) -> bytes: ...
    def tell(self) -> int: ...

class FileWriter:
    def __init__(self, file: object, settings: _FileSettings, workers: int = 1) -> None: ...
    def write(self, data: Buffer) -> int: ...
    def flush(self) -> None: ...
    def tell(self) -> int: ...
    def finish(self) -> None: ...
