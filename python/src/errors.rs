//! `LZ4StreamError` and the mapping of the crate's errors onto Python
//! exceptions.

use std::io;

use pyo3::create_exception;
use pyo3::exceptions::{PyEOFError, PyException, PyOSError, PyValueError};
use pyo3::PyErr;

create_exception!(
    lz4_stream,
    LZ4StreamError,
    PyException,
    "Call to LZ4 library failed: the stream is corrupt or truncated, or the configuration cannot describe a valid stream."
);

/// The Python exception for an error of the crate's stream reader or writer:
/// a Python exception raised by the underlying file object comes back
/// unchanged; a stream cut inside a block is EOFError (as gzip and bz2 raise
/// it); a corrupt stream is LZ4StreamError; other I/O errors are OSError.
pub(crate) fn from_io(err: io::Error) -> PyErr {
    let kind = err.kind();
    let Some(inner) = err.get_ref() else {
        return PyOSError::new_err(err.to_string());
    };
    if inner.is::<PyErr>() {
        if let Some(inner) = err.into_inner() {
            if let Ok(py_err) = inner.downcast::<PyErr>() {
                return *py_err;
            }
        }
        return PyOSError::new_err(format!("{kind}"));
    }
    match inner.downcast_ref::<lz4_stream::Error>() {
        Some(lz4_stream::Error::Truncated { .. }) => PyEOFError::new_err(inner.to_string()),
        Some(lz4_stream::Error::Corrupt { .. }) => LZ4StreamError::new_err(inner.to_string()),
        Some(lz4_stream::Error::Config(_)) => PyValueError::new_err(inner.to_string()),
        Some(_) => LZ4StreamError::new_err(inner.to_string()),
        None => PyOSError::new_err(err.to_string()),
    }
}
