//! The reader and writer behind `lz4_stream.LZ4StreamFile`: the crate's
//! `Lz4StreamReader` and `Lz4StreamWriter` (one state machine each, shared
//! with the Rust API) over a Python binary file object. The Python class adds
//! the `io.BufferedIOBase` surface (modes, closing, text wrapping).

use std::io::{self, BufRead, Read, Write};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use lz4_stream::{Lz4StreamReader, Lz4StreamWriter, SizePrefix, StreamConfig};

use crate::buffer::Bytes;
use crate::errors;
use crate::options;

/// A Python binary file object as `io::Read` and `io::Write`. A Python
/// exception travels through `io::Error` unchanged and is raised again by
/// [`errors::from_io`].
struct PyFile {
    file: Py<PyAny>,
}

impl Read for PyFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        Python::attach(|py| {
            let data = self
                .file
                .bind(py)
                .call_method1("read", (buf.len(),))
                .map_err(io::Error::other)?;
            if data.is_none() {
                // A non-blocking raw file with nothing to give yet.
                return Err(io::ErrorKind::WouldBlock.into());
            }
            let data = Bytes::borrow(&data).map_err(io::Error::other)?;
            let data = data.as_slice();
            if data.len() > buf.len() {
                return Err(io::Error::other(PyValueError::new_err(format!(
                    "read({}) returned {} bytes",
                    buf.len(),
                    data.len()
                ))));
            }
            buf[..data.len()].copy_from_slice(data);
            Ok(data.len())
        })
    }
}

impl Write for PyFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Python::attach(|py| {
            let written = self
                .file
                .bind(py)
                .call_method1("write", (PyBytes::new(py, buf),))
                .map_err(io::Error::other)?;
            if written.is_none() {
                // Buffered files take everything (and some return None);
                // a raw non-blocking file returns None when it takes nothing.
                return Ok(buf.len());
            }
            let written: usize = written.extract().map_err(io::Error::other)?;
            Ok(written.min(buf.len()))
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        Python::attach(|py| {
            self.file
                .bind(py)
                .call_method0("flush")
                .map(drop)
                .map_err(io::Error::other)
        })
    }
}

/// The settings of `lz4_stream.open`, as a `StreamConfig`. Out-of-band sizes
/// cannot be stored in a file.
#[allow(clippy::too_many_arguments)]
fn file_config(
    buffer_size: usize,
    store_comp_size: i64,
    dictionary: Option<&Bound<'_, PyAny>>,
    compression_mode: &str,
    acceleration: i64,
    compression_level: i64,
    end_marker: bool,
) -> PyResult<StreamConfig> {
    let prefix = options::size_prefix(store_comp_size)?;
    if prefix == SizePrefix::OutOfBand {
        return Err(PyValueError::new_err(
            "store_comp_size=0 (out-of-band block sizes) cannot be used with a file: use 1, 2 or 4",
        ));
    }
    let mode = options::compression_mode(compression_mode, acceleration, compression_level)?;
    let dictionary = options::dictionary(dictionary)?;
    Ok(options::stream_config(buffer_size, prefix, dictionary, mode)?.end_marker(end_marker))
}

/// Decompresses an LZ4 block stream read from a binary file object.
///
/// After an end marker (a zero size prefix) reading goes on with a fresh
/// decoder, so files holding several streams (appended with end markers)
/// read as one, as gzip reads several members.
#[pyclass(module = "lz4_stream._lz4_stream", name = "FileReader", unsendable)]
pub(crate) struct FileReader {
    reader: Option<Lz4StreamReader<PyFile>>,
    config: StreamConfig,
    /// Uncompressed bytes returned so far.
    position: u64,
}

impl FileReader {
    fn reader(&mut self) -> PyResult<&mut Lz4StreamReader<PyFile>> {
        self.reader
            .as_mut()
            .ok_or_else(|| PyValueError::new_err("I/O operation on closed file"))
    }

    /// The buffered output, starting the next stream after an end marker;
    /// empty only at the end of the file.
    fn fill(&mut self) -> PyResult<&[u8]> {
        loop {
            let reader = self.reader()?;
            let available = reader.fill_buf().map_err(errors::from_io)?.len();
            if available > 0 {
                break;
            }
            // The stream ended (cleanly, or at an end marker): another
            // stream may follow, which starts from the dictionary again.
            let file = self.reader.take().expect("checked above").into_inner();
            let mut next = Lz4StreamReader::with_config(file, self.config.clone())
                .map_err(|err| PyValueError::new_err(err.to_string()))?;
            let more = next
                .fill_buf()
                .map_err(errors::from_io)
                .map(|b| !b.is_empty());
            self.reader = Some(next);
            if !more? {
                break;
            }
        }
        self.reader()?.fill_buf().map_err(errors::from_io)
    }

    fn consume(&mut self, len: usize) -> PyResult<()> {
        self.reader()?.consume(len);
        self.position += len as u64;
        Ok(())
    }

    /// Up to `limit` bytes into `out`; fewer only at the end of the file.
    fn read_into(&mut self, out: &mut [u8]) -> PyResult<usize> {
        let mut filled = 0;
        while filled < out.len() {
            let available = self.fill()?;
            if available.is_empty() {
                break;
            }
            let n = available.len().min(out.len() - filled);
            out[filled..filled + n].copy_from_slice(&available[..n]);
            self.consume(n)?;
            filled += n;
        }
        Ok(filled)
    }
}

#[pymethods]
impl FileReader {
    #[new]
    #[pyo3(signature = (file, buffer_size, store_comp_size, dictionary, compression_mode,
                        acceleration, compression_level, end_marker))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        file: Py<PyAny>,
        buffer_size: usize,
        store_comp_size: i64,
        dictionary: Option<&Bound<'_, PyAny>>,
        compression_mode: &str,
        acceleration: i64,
        compression_level: i64,
        end_marker: bool,
    ) -> PyResult<Self> {
        let config = file_config(
            buffer_size,
            store_comp_size,
            dictionary,
            compression_mode,
            acceleration,
            compression_level,
            end_marker,
        )?;
        let reader = Lz4StreamReader::with_config(PyFile { file }, config.clone())
            .map_err(|err| PyValueError::new_err(err.to_string()))?;
        Ok(FileReader {
            reader: Some(reader),
            config,
            position: 0,
        })
    }

    /// Read up to `size` bytes (all that is left when negative).
    #[pyo3(signature = (size = -1))]
    fn read<'py>(&mut self, py: Python<'py>, size: i64) -> PyResult<Bound<'py, PyBytes>> {
        let mut out = Vec::new();
        if size < 0 {
            loop {
                let available = self.fill()?;
                if available.is_empty() {
                    break;
                }
                out.extend_from_slice(available);
                let n = available.len();
                self.consume(n)?;
            }
        } else {
            out.resize(size as usize, 0);
            let n = self.read_into(&mut out)?;
            out.truncate(n);
        }
        Ok(PyBytes::new(py, &out))
    }

    /// Read at most `size` bytes with at most one read of the underlying file
    /// (what is buffered, else one block's worth).
    #[pyo3(signature = (size = -1))]
    fn read1<'py>(&mut self, py: Python<'py>, size: i64) -> PyResult<Bound<'py, PyBytes>> {
        let available = self.fill()?;
        let n = if size < 0 {
            available.len()
        } else {
            available.len().min(size as usize)
        };
        let out = PyBytes::new(py, &available[..n]);
        self.consume(n)?;
        Ok(out)
    }

    /// Read into a writable bytes-like object; returns the number of bytes read.
    fn readinto(&mut self, buffer: &Bound<'_, PyAny>) -> PyResult<usize> {
        let mut target = Bytes::borrow_mut(buffer)?;
        self.read_into(target.as_mut_slice())
    }

    /// Like `readinto`, with at most one read of the underlying file.
    fn readinto1(&mut self, buffer: &Bound<'_, PyAny>) -> PyResult<usize> {
        let mut target = Bytes::borrow_mut(buffer)?;
        let target = target.as_mut_slice();
        let available = self.fill()?;
        let n = available.len().min(target.len());
        target[..n].copy_from_slice(&available[..n]);
        self.consume(n)?;
        Ok(n)
    }

    /// Return buffered bytes without consuming them (at least one unless at
    /// the end of the file; `size` is a hint, as in gzip).
    #[pyo3(signature = (size = 0))]
    fn peek<'py>(&mut self, py: Python<'py>, size: i64) -> PyResult<Bound<'py, PyBytes>> {
        let _ = size;
        let available = self.fill()?;
        Ok(PyBytes::new(py, available))
    }

    /// Read one line (up to and including b"\n"), at most `size` bytes when
    /// `size` is not negative.
    #[pyo3(signature = (size = -1))]
    fn readline<'py>(&mut self, py: Python<'py>, size: i64) -> PyResult<Bound<'py, PyBytes>> {
        let limit = if size < 0 { usize::MAX } else { size as usize };
        let mut line = Vec::new();
        while line.len() < limit {
            let available = self.fill()?;
            if available.is_empty() {
                break;
            }
            let wanted = available.len().min(limit - line.len());
            let (n, done) = match available[..wanted].iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (wanted, false),
            };
            line.extend_from_slice(&available[..n]);
            self.consume(n)?;
            if done {
                break;
            }
        }
        Ok(PyBytes::new(py, &line))
    }

    /// Uncompressed bytes read so far.
    fn tell(&self) -> u64 {
        self.position
    }

    /// Drop the decoder and return the underlying file object.
    fn detach(&mut self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let reader = self
            .reader
            .take()
            .ok_or_else(|| PyValueError::new_err("I/O operation on closed file"))?;
        Ok(reader.into_inner().file.clone_ref(py))
    }
}

/// Compresses what is written into an LZ4 block stream on a binary file object.
#[pyclass(module = "lz4_stream._lz4_stream", name = "FileWriter", unsendable)]
pub(crate) struct FileWriter {
    writer: Option<Lz4StreamWriter<PyFile>>,
    /// Uncompressed bytes written so far.
    position: u64,
}

impl FileWriter {
    fn writer(&mut self) -> PyResult<&mut Lz4StreamWriter<PyFile>> {
        self.writer
            .as_mut()
            .ok_or_else(|| PyValueError::new_err("I/O operation on closed file"))
    }
}

#[pymethods]
impl FileWriter {
    #[new]
    #[pyo3(signature = (file, buffer_size, store_comp_size, dictionary, compression_mode,
                        acceleration, compression_level, end_marker))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        file: Py<PyAny>,
        buffer_size: usize,
        store_comp_size: i64,
        dictionary: Option<&Bound<'_, PyAny>>,
        compression_mode: &str,
        acceleration: i64,
        compression_level: i64,
        end_marker: bool,
    ) -> PyResult<Self> {
        let config = file_config(
            buffer_size,
            store_comp_size,
            dictionary,
            compression_mode,
            acceleration,
            compression_level,
            end_marker,
        )?;
        let writer = Lz4StreamWriter::with_config(PyFile { file }, config)
            .map_err(|err| PyValueError::new_err(err.to_string()))?;
        Ok(FileWriter {
            writer: Some(writer),
            position: 0,
        })
    }

    /// Compress and write `data` (any bytes-like object); returns its length.
    fn write(&mut self, data: &Bound<'_, PyAny>) -> PyResult<usize> {
        let data = Bytes::borrow(data)?;
        let data = data.as_slice();
        self.writer()?.write_all(data).map_err(errors::from_io)?;
        self.position += data.len() as u64;
        Ok(data.len())
    }

    /// Write the buffered input as a block and flush the file object, so a
    /// reader can decode everything written so far.
    fn flush(&mut self) -> PyResult<()> {
        self.writer()?.flush().map_err(errors::from_io)
    }

    /// Uncompressed bytes written so far.
    fn tell(&self) -> u64 {
        self.position
    }

    /// Write the last block (and the end marker, if configured), flush, and
    /// return the underlying file object. Safe to call again after an error.
    fn finish(&mut self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let writer = self.writer()?;
        writer.try_finish().map_err(errors::from_io)?;
        let file = writer.get_ref().file.clone_ref(py);
        self.writer = None;
        Ok(file)
    }
}
