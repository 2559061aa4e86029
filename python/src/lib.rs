//! Python bindings of lz4-stream: the extension module `lz4_stream._lz4_stream`.
//!
//! - `block.rs`: `LZ4StreamCompressor` and `LZ4StreamDecompressor`, a drop-in
//!   replacement for python-lz4's `lz4.stream` (same arguments, checks and
//!   exception messages), over the crate's `block::Compressor`/`Decompressor`.
//! - `file.rs`: the reader and writer behind `lz4_stream.LZ4StreamFile`, thin
//!   drivers of the crate's `Lz4StreamReader`/`Lz4StreamWriter` over Python
//!   file objects.
//!
//! Without the `extension-module` feature (which maturin enables) the crate is
//! empty, so `cargo test --workspace` builds it without Python.
#![cfg(feature = "extension-module")]

mod block;
mod buffer;
mod errors;
mod file;
mod gil;
mod options;

use pyo3::prelude::*;

/// The native part of the `lz4_stream` package (import `lz4_stream` instead).
#[pymodule]
fn _lz4_stream(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("LZ4StreamError", py.get_type::<errors::LZ4StreamError>())?;
    m.add("LZ4_MAX_INPUT_SIZE", lz4_stream::MAX_BUFFER_SIZE)?;
    m.add("HC_LEVEL_MIN", 1)?;
    m.add("HC_LEVEL_DEFAULT", options::DEFAULT_LEVEL)?;
    m.add("HC_LEVEL_OPT_MIN", 10)?;
    m.add("HC_LEVEL_MAX", lz4_stream::MAX_LEVEL)?;
    m.add_class::<block::StreamCompressor>()?;
    m.add_class::<block::StreamDecompressor>()?;
    m.add_class::<file::FileReader>()?;
    m.add_class::<file::FileWriter>()?;
    Ok(())
}
