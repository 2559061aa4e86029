//! `LZ4StreamCompressor` and `LZ4StreamDecompressor`: python-lz4's `lz4.stream`
//! API over the crate's block codecs. Arguments, the order of the checks and
//! the exception messages follow python-lz4's `_stream.c`, so code (and
//! tests) written for python-lz4 behave the same; the codecs underneath never
//! corrupt a stream after an empty chunk and release the GIL while they work.

use pyo3::exceptions::{PyOverflowError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes};

use lz4_stream::block::{Compressor, Decompressor};
use lz4_stream::{compress_bound, SizePrefix, MAX_BUFFER_SIZE};

use crate::buffer::Bytes;
use crate::errors::LZ4StreamError;
use crate::gil;
use crate::options;

/// `bytes`, or `bytearray` when the context was made with `return_bytearray`,
/// holding a copy of `data`, which may be a Python object's memory (that
/// another thread could change, or resize, without the GIL).
fn output<'py>(py: Python<'py>, data: &[u8], bytearray: bool) -> Bound<'py, PyAny> {
    if bytearray {
        PyByteArray::new(py, data).into_any()
    } else {
        PyBytes::new(py, data).into_any()
    }
}

/// From this many bytes, [`codec_output`] copies without the GIL: a copy
/// runs at several GB/s, so below it releasing and re-taking the GIL (and
/// zeroing the new object first, which filling it later requires) would
/// cost more than the copy.
const DETACHED_COPY_FROM: usize = 1 << 20;

/// [`output`] of the codec's own bytes (a block or chunk it made), copied
/// without the GIL when long: the new object is this thread's alone until it
/// is returned, and the codec's memory is out of other threads' reach while
/// `&mut self` is borrowed. Copied with the GIL held, a 128 MiB chunk stalled
/// other Python threads for 0.43x-0.49x of the whole decompression; copied
/// without it, 0.32x-0.36x, the object's allocation (whose zeroing touches
/// its pages for the first time) being the rest.
fn codec_output<'py>(py: Python<'py>, data: &[u8], bytearray: bool) -> PyResult<Bound<'py, PyAny>> {
    if data.len() < DETACHED_COPY_FROM {
        // One copy, as `output` makes it: `new_with` would zero first.
        return Ok(output(py, data, bytearray));
    }
    let fill = |buf: &mut [u8]| {
        py.detach(|| buf.copy_from_slice(data));
        Ok(())
    };
    Ok(if bytearray {
        PyByteArray::new_with(py, data.len(), fill)?.into_any()
    } else {
        PyBytes::new_with(py, data.len(), fill)?.into_any()
    })
}

/// `buffer_size` as python-lz4's compressor checks it: 1 to
/// `LZ4_MAX_INPUT_SIZE` (python-lz4 also takes 0, a page that holds nothing).
fn compressor_page(buffer_size: i64) -> PyResult<usize> {
    match usize::try_from(buffer_size) {
        Ok(size @ 1..=MAX_BUFFER_SIZE) => Ok(size),
        Ok(0) => Err(PyValueError::new_err(
            "Invalid buffer_size argument: 0. A page must hold at least 1 byte",
        )),
        _ => Err(PyValueError::new_err(format!(
            "Invalid buffer_size argument: {buffer_size}. Cannot define output buffer size. \
             Must be lesser or equal to {MAX_BUFFER_SIZE}"
        ))),
    }
}

/// The largest block length a `store_comp_size`-byte prefix can state
/// (python-lz4 takes 4 bytes' worth for out-of-band sizes).
fn prefix_max(prefix: SizePrefix) -> u64 {
    match prefix.width() {
        0 | 4 => u64::from(u32::MAX),
        width => (1u64 << (8 * width)) - 1,
    }
}

/// python-lz4's `get_input_bound`: the input size whose worst-case compressed
/// size is `compressed_len` (plus one), or 0 above `LZ4_MAX_INPUT_SIZE`. Its
/// decompressor refuses blocks whose bound exceeds the page.
fn input_bound(compressed_len: u64) -> u64 {
    let csize = compressed_len.max(17);
    if csize > compress_bound(MAX_BUFFER_SIZE) as u64 {
        return 0;
    }
    let isize = ((csize << 8) - csize - 4080) >> 8;
    if isize > MAX_BUFFER_SIZE as u64 {
        0
    } else {
        isize + 1
    }
}

/// LZ4 stream compressing context (python-lz4's `lz4.stream.LZ4StreamCompressor`).
///
/// Each `compress(chunk)` call turns one chunk of at most `buffer_size` bytes
/// into one block, preceded by its compressed length in `store_comp_size`
/// bytes (little-endian; none when 0: keep the lengths yourself). A block may
/// refer to the chunk before it, so blocks must be decompressed in order by
/// one `LZ4StreamDecompressor` configured alike.
///
/// Args:
///     strategy (str): "double_buffer": a block refers only to the chunk before
///         it, as python-lz4's decompressor needs; or "ring_buffer": a block may
///         refer to the whole last 64 KiB (liblz4's ring-buffer loop; smaller
///         output with small pages, but python-lz4 cannot read it and raises
///         NotImplementedError for it).
///     buffer_size (int): page size: the largest chunk `compress` takes.
///     mode (str): "default", "fast" or "high_compression".
///     acceleration (int): "fast" mode only: 1 (default speed) and up; values
///         outside 1 to 65537 are clamped, as liblz4 does.
///     compression_level (int): "high_compression" mode only: 1 to 12 (9 is the
///         default; below 1 means 9, above 12 means 12, as in liblz4).
///     return_bytearray (bool): return bytearray instead of bytes.
///     store_comp_size (int): width of the size prefix: 0 (out of band), 1, 2 or 4.
///     dictionary (bytes-like or str): preset dictionary (its last 64 KiB count).
///
/// An empty chunk gives a 1-byte block; with "double_buffer" it starts the
/// history afresh, so unlike python-lz4's own compressor this one never
/// corrupts the stream after it.
/// The GIL is released while a chunk is compressed.
// `subclass`: python-lz4's classes are plain Python classes, which users
// may derive from.
#[pyclass(module = "lz4_stream", name = "LZ4StreamCompressor", subclass)]
pub(crate) struct StreamCompressor {
    compressor: Compressor,
    return_bytearray: bool,
}

#[pymethods]
impl StreamCompressor {
    #[new]
    #[pyo3(signature = (strategy, buffer_size, mode = "default".to_string(), acceleration = 1,
                        compression_level = 9, return_bytearray = None, store_comp_size = 4,
                        dictionary = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        strategy: String,
        buffer_size: i64,
        mode: String,
        acceleration: i64,
        compression_level: i64,
        return_bytearray: Option<&Bound<'_, PyAny>>,
        store_comp_size: i64,
        dictionary: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        // python-lz4's order: dictionary size, prefix width, strategy, mode,
        // page size, page size against the prefix.
        let options::ContextOptions {
            return_bytearray,
            dictionary,
            prefix,
            strategy,
        } = options::ContextOptions::check(
            &strategy,
            return_bytearray,
            store_comp_size,
            dictionary,
        )?;
        let mode = options::compression_mode(&mode, acceleration, compression_level)?;
        let page = compressor_page(buffer_size)?;
        if compress_bound(page) as u64 > prefix_max(prefix) {
            return Err(LZ4StreamError::new_err(format!(
                "Inconsistent buffer_size/store_comp_size values. Maximal compressed length ({page}) \
                 cannot fit in a {} byte-long integer",
                prefix.width()
            )));
        }
        let config = options::stream_config(strategy, page, prefix, dictionary, mode)?;
        let compressor =
            Compressor::new(config).map_err(|err| PyValueError::new_err(err.to_string()))?;
        Ok(StreamCompressor {
            compressor,
            return_bytearray,
        })
    }

    /// Enter the LZ4 stream context.
    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// Exit the LZ4 stream context (the context stays usable, as in python-lz4).
    #[pyo3(signature = (exc_type = None, exc = None, exc_tb = None))]
    fn __exit__(
        &self,
        exc_type: Option<&Bound<'_, PyAny>>,
        exc: Option<&Bound<'_, PyAny>>,
        exc_tb: Option<&Bound<'_, PyAny>>,
    ) -> bool {
        let _ = (exc_type, exc, exc_tb);
        false
    }

    /// Stream compress the given chunk of data (any bytes-like object of at most
    /// `buffer_size` bytes) into one block, with its size prefix.
    ///
    /// Raises:
    ///     TypeError: chunk is not bytes-like (a str, for example).
    ///     OverflowError: chunk is larger than buffer_size.
    ///     LZ4StreamError: compression failed.
    fn compress<'py>(
        &mut self,
        py: Python<'py>,
        chunk: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let chunk = Bytes::borrow(chunk)?;
        if chunk.len() > self.compressor.config().get_buffer_size() {
            return Err(PyOverflowError::new_err("Input too large for LZ4 API"));
        }
        let data = gil::input(&chunk, 0..chunk.len());
        let compressor = &mut self.compressor;
        let block = gil::run(py, data.len(), move || compressor.compress(&data))
            .map_err(|_| LZ4StreamError::new_err("Compression failed"))?;
        codec_output(py, block, self.return_bytearray)
    }
}

/// LZ4 stream decompression context (python-lz4's `lz4.stream.LZ4StreamDecompressor`).
///
/// `get_block(stream)` returns the first block of `stream` (without its size
/// prefix); `decompress(block)` decodes it, using the blocks before it as
/// history. It keeps a full 64 KiB of history, so it also reads streams whose
/// blocks refer further back than python-lz4's two pages.
///
/// Args:
///     strategy (str): "double_buffer" or "ring_buffer", as the compressor's
///         (both decode the same way: the history kept covers either).
///     buffer_size (int): page size of the compressor: the most one block
///         decompresses to.
///     return_bytearray (bool): return bytearray instead of bytes.
///     store_comp_size (int): width of the size prefix: 0 (out of band), 1, 2 or 4.
///     dictionary (bytes-like or str): preset dictionary, as given to the compressor.
///
/// The GIL is released while a block is decoded.
#[pyclass(module = "lz4_stream", name = "LZ4StreamDecompressor", subclass)]
pub(crate) struct StreamDecompressor {
    /// Set up for out-of-band sizes: `get_block` reads the prefixes itself,
    /// with python-lz4's rules and messages.
    decompressor: Decompressor,
    prefix: SizePrefix,
    /// The page size as given (up to 4 GiB - 1; the decoder's page stops at
    /// LZ4_MAX_INPUT_SIZE, which no block can exceed).
    buffer_size: u64,
    return_bytearray: bool,
}

#[pymethods]
impl StreamDecompressor {
    #[new]
    #[pyo3(signature = (strategy, buffer_size, return_bytearray = None, store_comp_size = 4,
                        dictionary = None))]
    fn new(
        strategy: String,
        buffer_size: i64,
        return_bytearray: Option<&Bound<'_, PyAny>>,
        store_comp_size: i64,
        dictionary: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let options::ContextOptions {
            return_bytearray,
            dictionary,
            prefix,
            strategy,
        } = options::ContextOptions::check(
            &strategy,
            return_bytearray,
            store_comp_size,
            dictionary,
        )?;
        // python-lz4 checks nothing more about the page size of a
        // decompressor; it must fit its unsigned int, and hold something.
        let buffer_size = match u32::try_from(buffer_size) {
            Ok(size @ 1..) => u64::from(size),
            _ => {
                return Err(PyValueError::new_err(format!(
                    "Invalid buffer_size argument: {buffer_size}. Must be between 1 and {}",
                    u32::MAX
                )))
            }
        };
        let page = (buffer_size as usize).min(MAX_BUFFER_SIZE);
        let config = options::stream_config(
            strategy,
            page,
            SizePrefix::OutOfBand,
            dictionary,
            lz4_stream::CompressionMode::Default,
        )?;
        let decompressor =
            Decompressor::new(config).map_err(|err| PyValueError::new_err(err.to_string()))?;
        Ok(StreamDecompressor {
            decompressor,
            prefix,
            buffer_size,
            return_bytearray,
        })
    }

    /// Enter the LZ4 stream context.
    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    /// Exit the LZ4 stream context (the context stays usable, as in python-lz4).
    #[pyo3(signature = (exc_type = None, exc = None, exc_tb = None))]
    fn __exit__(
        &self,
        exc_type: Option<&Bound<'_, PyAny>>,
        exc: Option<&Bound<'_, PyAny>>,
        exc_tb: Option<&Bound<'_, PyAny>>,
    ) -> bool {
        let _ = (exc_type, exc, exc_tb);
        false
    }

    /// Return the first LZ4 compressed block of `stream` (any bytes-like
    /// object), without its size prefix. The next block starts
    /// `store_comp_size + len(block)` bytes further on; pass a memoryview
    /// slice (`view[offset:]`) to avoid copying the rest of the stream.
    ///
    /// Raises:
    ///     LZ4StreamError: `stream` does not hold a whole block, or the context
    ///         uses out-of-band sizes (store_comp_size=0).
    //
    // Not `block::Decompressor::get_block`: that one refuses a prefix above
    // the page's compress bound, where python-lz4 returns the block (and its
    // `decompress` refuses it); and python-lz4 takes prefix widths with pages
    // the crate's configuration refuses (1-byte prefix, 256-byte page), which
    // is why the decoder here is configured for out-of-band sizes.
    fn get_block<'py>(
        &self,
        py: Python<'py>,
        stream: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let stream = Bytes::borrow(stream)?;
        let stream = stream.as_slice();
        if stream.len() > i32::MAX as usize {
            return Err(PyOverflowError::new_err("Input too large for LZ4 API"));
        }
        let width = self.prefix.width();
        if width == 0 {
            return Err(LZ4StreamError::new_err(
                "LZ4 context is configured for storing block size out-of-band",
            ));
        }
        if stream.len() < width {
            return Err(LZ4StreamError::new_err(
                "Invalid source, too small for holding any block",
            ));
        }
        let mut le = [0u8; 8];
        le[..width].copy_from_slice(&stream[..width]);
        let size = u64::from_le_bytes(le);
        let available = stream.len() - width;
        if (available as u64) < size {
            return Err(LZ4StreamError::new_err(format!(
                "Requested input size ({size}) larger than source size ({available})"
            )));
        }
        Ok(output(
            py,
            &stream[width..width + size as usize],
            self.return_bytearray,
        ))
    }

    /// Decompress one block (any bytes-like object, without its size prefix)
    /// and return its chunk.
    ///
    /// Raises:
    ///     OverflowError: the block is longer than the size prefix can state.
    ///     LZ4StreamError: the block is corrupt, refers to data the stream does
    ///         not have, or decodes to more than buffer_size bytes.
    fn decompress<'py>(
        &mut self,
        py: Python<'py>,
        chunk: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let block = Bytes::borrow(chunk)?;
        let len = block.len() as u64;
        if len > prefix_max(self.prefix) {
            return Err(PyOverflowError::new_err(format!(
                "Source length ({len}) too large for LZ4 store_comp_size ({}) value",
                self.prefix.width()
            )));
        }
        let bound = input_bound(len);
        if bound == 0 || bound > self.buffer_size {
            return Err(LZ4StreamError::new_err(format!(
                "Maximal decompressed data ({bound}) cannot fit in LZ4 internal buffer ({})",
                self.buffer_size
            )));
        }
        if len == 0 {
            // liblz4 fails on an empty block at its first byte; the crate
            // would read it as an end-of-stream marker.
            return Err(decompression_failed(py, 0, "empty block"));
        }
        let decompressor = &mut self.decompressor;
        match gil::run_in_place(py, &block, move |block| decompressor.decompress(block)) {
            Ok(chunk) => codec_output(py, chunk, self.return_bytearray),
            Err(err) => Err(decompression_failed(
                py,
                failure_position(&err),
                &err.to_string(),
            )),
        }
    }
}

/// python-lz4's message, numbered as liblz4 numbers it (the failing input
/// position plus one), with the crate's explanation as the cause.
fn decompression_failed(py: Python<'_>, position: usize, detail: &str) -> PyErr {
    let err = LZ4StreamError::new_err(format!("Decompression failed. error: {}", position + 1));
    err.set_cause(py, Some(LZ4StreamError::new_err(detail.to_string())));
    err
}

/// Where in the block decoding failed, when the crate's message says so
/// ("... at byte N ..."); 0 otherwise.
fn failure_position(err: &lz4_stream::Error) -> usize {
    let message = err.to_string();
    message
        .split_once("at byte ")
        .and_then(|(_, rest)| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .unwrap_or(0)
}
