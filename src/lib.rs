//! LZ4 block streaming: the linked-block, double-buffer format that
//! python-lz4's `lz4.stream` module and liblz4's streaming examples write.
//!
//! A stream is a sequence of raw LZ4 blocks, each preceded by its compressed
//! length (a 1, 2 or 4-byte little-endian size prefix) and each allowed to
//! refer back to the data before it. There is no header, checksum or trailer:
//! both ends must agree on the page size, prefix width and dictionary
//! ([`StreamConfig`]).
//!
//! - [`Lz4StreamWriter`] and [`Lz4StreamReader`] are `io::Write` and
//!   `io::Read`/`io::BufRead` layers over files, sockets and other adapters.
//! - `tokio::{Lz4StreamWriter, Lz4StreamReader}` (feature `tokio`) and
//!   `futures::{Lz4StreamWriter, Lz4StreamReader}` (feature `futures-io`) are
//!   the same for async I/O: `AsyncWrite`, `AsyncRead` and `AsyncBufRead`.
//! - [`stream::StreamEncoder`] and [`stream::StreamDecoder`] are the sans-I/O
//!   state machines under them: bytes in, blocks out and back, for a
//!   transport of your own (datagrams, message queues, other runtimes).
//! - [`block::Compressor`] and [`block::Decompressor`] are the per-block core,
//!   mirroring python-lz4's `LZ4StreamCompressor` and `LZ4StreamDecompressor`
//!   (including out-of-band block sizes).
//! - [`Strategy`] chooses what a block may refer to: the previous chunk only
//!   (the double buffer python-lz4 reads, the default) or the whole last
//!   64 KiB (liblz4's ring buffer, smaller with small pages).
//!
//! ```
//! use std::io::{Read, Write};
//! use lz4_stream::{Lz4StreamReader, Lz4StreamWriter, SizePrefix, StreamConfig};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // python: LZ4StreamCompressor("double_buffer", 8192, store_comp_size=2)
//! let config = StreamConfig::default().buffer_size(8192).size_prefix(SizePrefix::U16);
//!
//! let mut writer = Lz4StreamWriter::with_config(Vec::new(), config.clone())?;
//! writer.write_all(&b"to be or not to be, ".repeat(1000))?;
//! let compressed = writer.finish()?;
//!
//! let mut reader = Lz4StreamReader::with_config(&compressed[..], config)?;
//! let mut data = Vec::new();
//! reader.read_to_end(&mut data)?;
//! assert_eq!(data, b"to be or not to be, ".repeat(1000));
//! # Ok(())
//! # }
//! ```
// On docs.rs (which passes --cfg docsrs), every item gated by a feature says
// which one it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

// Layers, each using only those listed before it: limits, error, config;
// the raw LZ4 codec; the per-block layer; the sans-I/O stream layer; the
// I/O adapters, each a thin driver of the stream layer (with the loops they
// share in `drive`).
#[cfg(any(feature = "tokio", feature = "futures-io"))]
mod async_io;
pub mod block;
mod codec;
mod config;
mod drive;
mod error;
mod limits;
mod read;
pub mod stream;
mod write;

#[cfg(feature = "futures-io")]
#[cfg_attr(docsrs, doc(cfg(feature = "futures-io")))]
pub mod futures;
#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub mod tokio;

pub use config::{CompressionMode, SizePrefix, Strategy, StreamConfig};
pub use error::{BlockPart, ConfigError, Corruption, Error};
pub use limits::{
    compress_bound, DEFAULT_BUFFER_SIZE, MAX_ACCELERATION, MAX_BUFFER_SIZE, MAX_LEVEL, MAX_WORKERS,
    WINDOW_SIZE,
};
pub use read::Lz4StreamReader;
pub use write::Lz4StreamWriter;

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
