//! The sans-I/O core: chunks to prefixed blocks and back, with the history
//! each side keeps. Mirrors python-lz4's `LZ4StreamCompressor` and
//! `LZ4StreamDecompressor`, including out-of-band block sizes.
//!
//! The [`Lz4StreamWriter`](crate::Lz4StreamWriter) and
//! [`Lz4StreamReader`](crate::Lz4StreamReader) are thin I/O layers over these
//! two types; use them directly to frame blocks yourself (datagrams, message
//! queues, a length you store elsewhere).

mod compressor;
mod decompressor;
pub(crate) mod parallel;
mod window;

pub use compressor::Compressor;
pub use decompressor::Decompressor;
