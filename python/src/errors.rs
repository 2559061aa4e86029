//! `LZ4StreamError` and the mapping of the crate's errors onto Python
//! exceptions.

use pyo3::create_exception;
use pyo3::exceptions::{PyEOFError, PyException, PyOSError, PyValueError};
use pyo3::PyErr;

create_exception!(
    lz4_stream,
    LZ4StreamError,
    PyException,
    "Call to LZ4 library failed: the stream is corrupt or truncated, or the configuration cannot describe a valid stream."
);

/// The Python exception for an error of the crate's stream layer: a stream
/// cut inside a block is EOFError (as gzip and bz2 raise it), a corrupt
/// stream LZ4StreamError, a configuration the crate refuses ValueError.
pub(crate) fn from_stream(err: lz4_stream::Error) -> PyErr {
    let message = err.to_string();
    match err {
        lz4_stream::Error::Truncated { .. } => PyEOFError::new_err(message),
        lz4_stream::Error::Config(_) | lz4_stream::Error::OutOfBandSizes(_) => {
            PyValueError::new_err(message)
        }
        lz4_stream::Error::Finished => PyValueError::new_err("I/O operation on closed file"),
        lz4_stream::Error::Io(_) => PyOSError::new_err(message),
        _ => LZ4StreamError::new_err(message),
    }
}
