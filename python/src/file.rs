//! The reader and writer behind `lz4_stream.LZ4StreamFile`: drivers of the
//! crate's sans-I/O stream layer (`StreamDecoder`, `StreamEncoder`) over a
//! Python binary file object. The codec work runs without the GIL; only the
//! file object's `read`, `write` and `flush` calls hold it. The Python class
//! adds the `io.BufferedIOBase` surface (modes, closing, text wrapping).

use pyo3::exceptions::{PyBlockingIOError, PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use lz4_stream::stream::{DecoderState, StreamDecoder, StreamEncoder};
use lz4_stream::{SizePrefix, StreamConfig};

use crate::buffer::Bytes;

/// The largest piece `read()` collects before starting another.
const READ_PIECE: usize = 4 << 20;
use crate::errors::from_stream;
use crate::gil;
use crate::options;

/// Compressed bytes are read from the file in pieces of at most this size.
const READ_SIZE: usize = 64 * 1024;

/// The settings of `lz4_stream.open`, as the Python class passes them to
/// both the reader and the writer: (strategy, buffer_size, store_comp_size,
/// dictionary, compression_mode, acceleration, compression_level, end_marker).
/// Loosely typed where a wrong value is the user's (a negative size, a
/// truthy int for a flag), so that `config` can say what is wrong with it.
#[derive(FromPyObject)]
pub(crate) struct FileSettings<'py>(
    String,
    i64,
    i64,
    Option<Bound<'py, PyAny>>,
    String,
    i64,
    i64,
    Bound<'py, PyAny>,
);

impl FileSettings<'_> {
    /// As a `StreamConfig` for `workers` threads. Out-of-band sizes cannot be
    /// stored in a file.
    fn config(&self, workers: usize) -> PyResult<StreamConfig> {
        let FileSettings(
            strategy,
            buffer_size,
            store_comp_size,
            dictionary,
            compression_mode,
            acceleration,
            compression_level,
            end_marker,
        ) = self;
        let strategy = options::strategy(strategy)?;
        let buffer_size = usize::try_from(*buffer_size)
            .ok()
            .filter(|&size| size > 0)
            .ok_or_else(|| {
                PyValueError::new_err(format!(
                    "Invalid buffer_size argument: {buffer_size}. A page must hold at least 1 byte"
                ))
            })?;
        let end_marker = end_marker.is_truthy()?;
        let prefix = options::size_prefix(*store_comp_size)?;
        if prefix == SizePrefix::OutOfBand {
            return Err(PyValueError::new_err(
                "store_comp_size=0 (out-of-band block sizes) cannot be used with a file: use 1, 2 or 4",
            ));
        }
        let mode = options::compression_mode(compression_mode, *acceleration, *compression_level)?;
        let dictionary = options::dictionary(dictionary.as_ref())?;
        let config = options::stream_config(strategy, buffer_size, prefix, dictionary, mode)?
            .end_marker(end_marker)
            .workers(workers);
        // Validated again with the workers: the ring buffer cannot use them.
        config
            .validate()
            .map_err(|err| PyValueError::new_err(err.to_string()))?;
        Ok(config)
    }
}

/// Decompresses an LZ4 block stream read from a binary file object.
///
/// After an end marker (a zero size prefix) reading goes on with a fresh
/// decoder, so files holding several streams (appended with end markers)
/// read as one, as gzip reads several members.
#[pyclass(module = "lz4_stream._lz4_stream", name = "FileReader")]
pub(crate) struct FileReader {
    file: Py<PyAny>,
    decoder: StreamDecoder,
    config: StreamConfig,
    /// The last piece read from the file; the decoder has taken
    /// `input[..taken]` of it.
    input: Option<Py<PyBytes>>,
    taken: usize,
    /// The file has returned b"".
    file_ended: bool,
    /// Uncompressed bytes returned so far.
    position: u64,
}

impl FileReader {
    /// Reads the next piece of the file; false at its end.
    fn read_more(&mut self, py: Python<'_>) -> PyResult<bool> {
        if self.file_ended {
            return Ok(false);
        }
        let piece = self.file.bind(py).call_method1("read", (READ_SIZE,))?;
        if piece.is_none() {
            return Err(PyOSError::new_err(
                "the file object has no data available (non-blocking file)",
            ));
        }
        let piece = match piece.cast_into::<PyBytes>() {
            Ok(bytes) => bytes,
            Err(err) => PyBytes::new(py, Bytes::borrow(&err.into_inner())?.as_slice()),
        };
        self.file_ended = piece.as_bytes().is_empty();
        self.input = Some(piece.unbind());
        self.taken = 0;
        Ok(!self.file_ended)
    }

    fn input_left(&self, py: Python<'_>) -> usize {
        self.input
            .as_ref()
            .map_or(0, |input| input.bind(py).as_bytes().len() - self.taken)
    }

    /// Makes decoded bytes available in `decoder.output()`; false at the end
    /// of the file.
    fn fill(&mut self, py: Python<'_>) -> PyResult<bool> {
        loop {
            if !self.decoder.output().is_empty() {
                return Ok(true);
            }
            match self.decoder.state() {
                DecoderState::Open => {
                    if self.input_left(py) == 0 && !self.read_more(py)? {
                        // Between blocks this ends the stream; inside one it
                        // is the truncation error.
                        self.decoder.end_of_input().map_err(from_stream)?;
                        continue;
                    }
                    let input = self.input.as_ref().expect("read above").bind(py);
                    let input = &input.as_bytes()[self.taken..];
                    let decoder = &mut self.decoder;
                    // bytes are immutable and held by `self.input`, so the
                    // slice stays valid without the GIL.
                    let taken = gil::run(py, input.len(), move || decoder.feed(input))
                        .map_err(from_stream)?;
                    self.taken += taken;
                }
                DecoderState::Done => {
                    // Another stream may follow an end marker; it starts
                    // from the dictionary again.
                    if self.input_left(py) == 0 && !self.read_more(py)? {
                        return Ok(false);
                    }
                    self.decoder = StreamDecoder::new(self.config.clone()).map_err(from_stream)?;
                }
                _ => {
                    let err = self.decoder.error().cloned();
                    return Err(err.map_or_else(
                        || PyOSError::new_err("the stream decoder failed"),
                        from_stream,
                    ));
                }
            }
        }
    }

    fn consume(&mut self, len: usize) {
        self.decoder.consume_output(len);
        self.position += len as u64;
    }

    /// Fills `target` as far as the file goes. Its slice is taken afresh after
    /// each `fill`, which may release the GIL: another thread may write into
    /// the same memory meanwhile, so no Rust slice over it lives across that.
    fn read_into(&mut self, py: Python<'_>, target: &mut Bytes<'_>) -> PyResult<usize> {
        let wanted = target.len();
        let mut filled = 0;
        while filled < wanted && self.fill(py)? {
            let out = target.as_mut_slice();
            let available = self.decoder.output();
            let n = available.len().min(wanted - filled);
            out[filled..filled + n].copy_from_slice(&available[..n]);
            self.consume(n);
            filled += n;
        }
        Ok(filled)
    }
}

#[pymethods]
impl FileReader {
    #[new]
    fn new(file: Py<PyAny>, settings: FileSettings<'_>) -> PyResult<Self> {
        let config = settings.config(1)?;
        let decoder = StreamDecoder::new(config.clone()).map_err(from_stream)?;
        Ok(FileReader {
            file,
            decoder,
            config,
            input: None,
            taken: 0,
            file_ended: false,
            position: 0,
        })
    }

    /// Read up to `size` bytes (all that is left when negative).
    #[pyo3(signature = (size = -1))]
    fn read<'py>(&mut self, py: Python<'py>, size: i64) -> PyResult<Bound<'py, PyBytes>> {
        // Grows with what is decoded, never by `size` up front: read(10**12)
        // on a small file must not try to allocate a terabyte.
        let limit = usize::try_from(size).unwrap_or(usize::MAX);
        // Collected in pieces of at most `READ_PIECE` bytes and joined once
        // into the result: a single growing vector would copy everything
        // again at each doubling and fault in twice the memory (64 MiB read
        // at once took 3.5 times as long as 64 reads of 1 MiB).
        let mut pieces: Vec<Vec<u8>> = Vec::new();
        let mut piece = Vec::new();
        let mut total = 0;
        while total < limit && self.fill(py)? {
            let available = self.decoder.output();
            let n = available.len().min(limit - total);
            if piece.len() + n > READ_PIECE && !piece.is_empty() {
                pieces.push(std::mem::take(&mut piece));
            }
            piece.extend_from_slice(&available[..n]);
            total += n;
            self.consume(n);
        }
        if pieces.is_empty() {
            return Ok(PyBytes::new(py, &piece));
        }
        pieces.push(piece);
        PyBytes::new_with(py, total, |result| {
            let mut at = 0;
            for piece in &pieces {
                result[at..at + piece.len()].copy_from_slice(piece);
                at += piece.len();
            }
            Ok(())
        })
    }

    /// Read at most `size` bytes, decoding at most one more block.
    #[pyo3(signature = (size = -1))]
    fn read1<'py>(&mut self, py: Python<'py>, size: i64) -> PyResult<Bound<'py, PyBytes>> {
        self.fill(py)?;
        let available = self.decoder.output();
        let n = if size < 0 {
            available.len()
        } else {
            available.len().min(size as usize)
        };
        let out = PyBytes::new(py, &available[..n]);
        self.consume(n);
        Ok(out)
    }

    /// Read into a writable bytes-like object; returns the number of bytes read.
    fn readinto(&mut self, py: Python<'_>, buffer: &Bound<'_, PyAny>) -> PyResult<usize> {
        let mut target = Bytes::borrow_mut(buffer)?;
        self.read_into(py, &mut target)
    }

    /// Like `readinto`, decoding at most one more block.
    fn readinto1(&mut self, py: Python<'_>, buffer: &Bound<'_, PyAny>) -> PyResult<usize> {
        let mut target = Bytes::borrow_mut(buffer)?;
        self.fill(py)?;
        // Taken after `fill`, which may release the GIL (see read_into).
        let target = target.as_mut_slice();
        let available = self.decoder.output();
        let n = available.len().min(target.len());
        target[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }

    /// Return decoded bytes without consuming them (at least one unless at
    /// the end of the file; `size` is a hint, as in gzip).
    #[pyo3(signature = (size = 0))]
    fn peek<'py>(&mut self, py: Python<'py>, size: i64) -> PyResult<Bound<'py, PyBytes>> {
        let _ = size;
        self.fill(py)?;
        Ok(PyBytes::new(py, self.decoder.output()))
    }

    /// Read one line (up to and including b"\n"), at most `size` bytes when
    /// `size` is not negative.
    #[pyo3(signature = (size = -1))]
    fn readline<'py>(&mut self, py: Python<'py>, size: i64) -> PyResult<Bound<'py, PyBytes>> {
        let limit = if size < 0 { usize::MAX } else { size as usize };
        let mut line = Vec::new();
        while line.len() < limit && self.fill(py)? {
            let available = self.decoder.output();
            let wanted = available.len().min(limit - line.len());
            let (n, done) = match available[..wanted].iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (wanted, false),
            };
            line.extend_from_slice(&available[..n]);
            self.consume(n);
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
}

/// Compresses what is written into an LZ4 block stream on a binary file object,
/// on `workers` threads when asked (the crate's multi-core `StreamEncoder`).
///
/// A block the file object did not take (it raised, or wrote part of it)
/// stays pending and goes out first on the next call, so nothing is lost or
/// written twice when the caller retries.
#[pyclass(module = "lz4_stream._lz4_stream", name = "FileWriter")]
pub(crate) struct FileWriter {
    file: Py<PyAny>,
    /// Whether `file` is an `io.RawIOBase`, whose `write` returns None when
    /// it took nothing (non-blocking); any other file object's None means
    /// it took everything (gzip, bz2 and lzma ignore the value).
    raw: bool,
    encoder: StreamEncoder,
}

impl FileWriter {
    /// Runs `flush` or `finish` on the encoder without the GIL (it may wait
    /// for worker threads or compress the last page).
    fn detached(
        &mut self,
        py: Python<'_>,
        step: fn(&mut StreamEncoder) -> Result<bool, lz4_stream::Error>,
    ) -> PyResult<bool> {
        let encoder = &mut self.encoder;
        py.detach(move || step(encoder)).map_err(from_stream)
    }

    /// Flushes the file object, if it has a `flush` (a bare object with a
    /// `write` will do, as for gzip).
    fn flush_file(&self, py: Python<'_>) -> PyResult<()> {
        let file = self.file.bind(py);
        if file.hasattr("flush")? {
            file.call_method0("flush")?;
        }
        Ok(())
    }

    /// Hands the encoder's pending output to the file object.
    fn drain(&mut self, py: Python<'_>) -> PyResult<()> {
        loop {
            let pending = self.encoder.pending();
            if pending.is_empty() {
                return Ok(());
            }
            let written = self
                .file
                .bind(py)
                .call_method1("write", (PyBytes::new(py, pending),))?;
            // A raw file may take part and says how much; a non-blocking raw
            // file returns None when it took nothing (io.RawIOBase.write).
            // The bytes not taken stay pending for the next call. Other file
            // objects (codecs writers, web frameworks' response objects)
            // may return None having taken it all.
            let n = match written.is_none() {
                true if self.raw => 0,
                true => pending.len(),
                false => written.extract::<usize>()?.min(pending.len()),
            };
            if n == 0 {
                return Err(blocked(py, 0));
            }
            self.encoder.consume(n);
        }
    }
}

/// io.BufferedWriter's error for a non-blocking file that took nothing, with
/// the bytes of the caller's data taken before it (`characters_written`).
fn blocked(py: Python<'_>, taken: usize) -> PyErr {
    let eagain = match py.import("errno").and_then(|errno| errno.getattr("EAGAIN")) {
        Ok(code) => code.unbind(),
        Err(err) => return err,
    };
    PyBlockingIOError::new_err((eagain, "write could not complete without blocking", taken))
}

#[pymethods]
impl FileWriter {
    #[new]
    #[pyo3(signature = (file, settings, workers = 1))]
    fn new(
        py: Python<'_>,
        file: Py<PyAny>,
        settings: FileSettings<'_>,
        workers: usize,
    ) -> PyResult<Self> {
        let config = settings.config(workers)?;
        let encoder = StreamEncoder::new(config).map_err(from_stream)?;
        let raw_class = py.import("io")?.getattr("RawIOBase")?;
        let raw = file.bind(py).is_instance(&raw_class)?;
        Ok(FileWriter { file, raw, encoder })
    }

    /// Compress and write `data` (any bytes-like object); returns its length.
    fn write(&mut self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<usize> {
        let data = Bytes::borrow(data)?;
        let page = self.encoder.config().get_buffer_size();
        // With worker threads `push` may wait for a block: never with the GIL.
        let threaded = self.encoder.config().get_workers() != 1;
        let mut done = 0;
        while done < data.len() {
            if let Err(err) = self.drain(py) {
                // As io.BufferedWriter: say how much of `data` was taken, so a
                // retry passes only the rest and nothing is written twice.
                return Err(if err.is_instance_of::<PyBlockingIOError>(py) {
                    blocked(py, done)
                } else {
                    err
                });
            }
            // `push` takes at most a page, so a mutable input is copied for
            // the work without the GIL (gil.rs) a page at a time: memory stays
            // bounded whatever its size, and each byte is copied once or
            // twice (again if the page being filled took only part of it).
            let range = done..data.len().min(done + page);
            let input = if threaded {
                data.for_detached_work(range)
            } else {
                gil::input(&data, range)
            };
            let encoder = &mut self.encoder;
            let input = &input[..];
            let work = if threaded { usize::MAX } else { input.len() };
            done += gil::run(py, work, move || encoder.push(input)).map_err(from_stream)?;
        }
        match self.drain(py) {
            // All of `data` is taken; what the file did not take stays
            // pending and goes out first on the next write, flush or close
            // (io.BufferedWriter keeps it in its buffer the same way).
            Err(err) if err.is_instance_of::<PyBlockingIOError>(py) => Ok(data.len()),
            result => result.map(|()| data.len()),
        }
    }

    /// Write the buffered input as a block and flush the file object, so a
    /// reader can decode everything written so far.
    fn flush(&mut self, py: Python<'_>) -> PyResult<()> {
        // With worker threads, flush waits for their blocks: without the GIL.
        while !self.detached(py, StreamEncoder::flush)? {
            self.drain(py)?;
        }
        self.drain(py)?;
        self.flush_file(py)
    }

    /// Uncompressed bytes written so far.
    fn tell(&self) -> u64 {
        self.encoder.total_in()
    }

    /// Write the last block (and the end marker, if configured) and flush the
    /// file object. Safe to call again after an error.
    fn finish(&mut self, py: Python<'_>) -> PyResult<()> {
        while !self.detached(py, StreamEncoder::finish)? {
            self.drain(py)?;
        }
        self.drain(py)?;
        self.flush_file(py)
    }
}
