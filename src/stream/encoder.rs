//! `StreamEncoder`: bytes in, pages cut, prefixed blocks and the end marker out.

use std::fmt;

use super::producer::BlockProducer;
use crate::config::StreamConfig;
use crate::error::Error;

/// The end marker's bytes: a zero size prefix of up to four bytes.
const END_MARKER: [u8; 4] = [0; 4];

/// Where a [`StreamEncoder`] is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EncoderState {
    /// Taking input.
    Open,
    /// [`finish`](StreamEncoder::finish) has been called: no more input; the
    /// last blocks (and the end marker) are still being handed out.
    Finishing,
    /// The whole stream has been handed out.
    Done,
    /// Compression failed; every later call returns the same error.
    Failed,
}

/// The encoder's phase; the public [`EncoderState`] without the data.
enum Phase {
    Open,
    /// `marker_left` bytes of the end marker are still to be handed out
    /// (after every block).
    Finishing {
        marker_left: usize,
    },
    Done,
    Failed(Error),
}

/// A sans-I/O LZ4 block-stream compressor: bytes in, prefixed blocks out.
///
/// [`push`](Self::push) takes input up to the end of the current page; each
/// full page becomes one block, which [`pending`](Self::pending) then shows
/// until [`consume`](Self::consume) says it has been written somewhere. While
/// output is pending, `push` takes nothing (returns 0): hand the output on
/// first. So at most one page and one block are held, however slowly the
/// output drains.
///
/// With [`StreamConfig::workers`] at 2 or more, full pages are compressed on
/// worker threads the encoder owns, in jobs of consecutive pages (about
/// 256 KiB), while the caller goes on pushing; blocks come out in stream
/// order. At most two jobs per worker are in flight: beyond that, and when
/// the next blocks are needed (`flush`, `finish`), `push`, `flush` and
/// `finish` wait for them — for computation only, at most one job's
/// compression; I/O stays entirely with the caller, on its own thread or
/// task. Dropping the encoder joins the threads.
///
/// [`flush`](Self::flush) turns the partial page into a block, so a peer can
/// decode everything pushed so far; [`finish`](Self::finish) does the same and
/// appends the end marker if the configuration asks for one. Both are "call
/// until true": between calls, hand out what `pending` shows.
///
/// The output is exactly what [`Lz4StreamWriter`](crate::Lz4StreamWriter)
/// writes for the same input and flush points (the writer is a driver of this
/// type).
///
/// ```
/// use lz4_stream::stream::StreamEncoder;
/// use lz4_stream::StreamConfig;
///
/// # fn main() -> Result<(), lz4_stream::Error> {
/// let mut encoder = StreamEncoder::new(StreamConfig::default())?;
/// let mut out = Vec::new();
/// let mut input = &b"one line of a log\n"[..];
/// while !input.is_empty() {
///     let taken = encoder.push(input)?;
///     input = &input[taken..];
///     out.extend_from_slice(encoder.pending());
///     encoder.consume(encoder.pending().len());
/// }
/// // Cut the partial page, so the peer can decode the line now.
/// while !encoder.flush()? {
///     out.extend_from_slice(encoder.pending());
///     encoder.consume(encoder.pending().len());
/// }
/// assert_eq!(encoder.total_in(), 18);
/// assert_eq!(encoder.total_out(), out.len() as u64);
/// # Ok(())
/// # }
/// ```
pub struct StreamEncoder {
    producer: BlockProducer,
    /// Input not yet compressed: less than one page.
    page: Vec<u8>,
    phase: Phase,
    /// Bytes taken by `push`.
    total_in: u64,
    /// Bytes handed out through `consume`.
    total_out: u64,
}

impl StreamEncoder {
    /// An encoder for `config`, validated first.
    ///
    /// # Errors
    ///
    /// An invalid configuration, or [`SizePrefix::OutOfBand`](crate::SizePrefix::OutOfBand), which a byte
    /// stream cannot carry (use [`block::Compressor`](crate::block::Compressor)).
    pub fn new(config: StreamConfig) -> Result<Self, Error> {
        Self::for_byte_stream(config, "StreamEncoder")
    }

    /// [`StreamEncoder::new`] for an adapter called `who` (named in the
    /// out-of-band error).
    pub(crate) fn for_byte_stream(config: StreamConfig, who: &'static str) -> Result<Self, Error> {
        config.validate_for_byte_stream(who)?;
        Ok(Self::with_valid_config(config))
    }

    /// An encoder for a configuration already validated, with in-band prefixes.
    pub(crate) fn with_valid_config(config: StreamConfig) -> Self {
        // The page grows as input arrives, so a huge page size costs nothing
        // for a short stream.
        let initial = config.get_buffer_size().min(64 * 1024);
        StreamEncoder {
            producer: BlockProducer::for_config(config),
            page: Vec::with_capacity(initial),
            phase: Phase::Open,
            total_in: 0,
            total_out: 0,
        }
    }

    /// The configuration in use.
    pub fn config(&self) -> &StreamConfig {
        self.producer.config()
    }

    /// Where the encoder is in its life.
    pub fn state(&self) -> EncoderState {
        match self.phase {
            Phase::Open => EncoderState::Open,
            Phase::Finishing { .. } => EncoderState::Finishing,
            Phase::Done => EncoderState::Done,
            Phase::Failed(_) => EncoderState::Failed,
        }
    }

    /// Bytes of input taken so far.
    pub fn total_in(&self) -> u64 {
        self.total_in
    }

    /// Bytes of output handed out (consumed) so far: the length of the stream
    /// written, once `pending` is empty.
    pub fn total_out(&self) -> u64 {
        self.total_out
    }

    /// Takes input up to the end of the current page and returns how much it
    /// took. A page that fills up is compressed into a block, which
    /// [`pending`](Self::pending) then shows (with workers: once its job is
    /// full and compressed).
    ///
    /// Returns 0 (taking nothing) when `input` is empty and while output is
    /// pending: consume it first. With workers, it also returns 0 after
    /// waiting for the next blocks when every worker has its jobs. A whole
    /// page at the start of `input` is compressed straight from it, without
    /// being copied into the page (with workers: copied once, into the job
    /// being filled).
    ///
    /// # Errors
    ///
    /// [`Error::Finished`] after [`finish`](Self::finish); the sticky error
    /// after a failure.
    #[inline]
    pub fn push(&mut self, input: &[u8]) -> Result<usize, Error> {
        if !matches!(self.phase, Phase::Open) {
            return Err(self.closed_error());
        }
        // While open, `pending` is the producer's output: no end marker yet.
        // A writer calls `push` first, drains when it takes nothing, then
        // calls again: this refusal is inlined into the writer's loop.
        if input.is_empty() || self.producer.has_ready() {
            return Ok(0);
        }
        self.push_open(input)
    }

    /// [`push`](Self::push) into an open encoder with no output pending.
    fn push_open(&mut self, input: &[u8]) -> Result<usize, Error> {
        if !self.producer.can_accept() {
            // Every worker has its pages: wait for the next block in order,
            // which the caller then hands on before pushing again.
            let result = self.producer.wait();
            self.check(result)?;
            return Ok(0);
        }
        let buffer_size = self.config().get_buffer_size();
        let taken = if self.page.is_empty() && input.len() >= buffer_size {
            // The compressor keeps its own copy as history, so staging the
            // page first would only copy every byte once more.
            let result = self.producer.submit(&input[..buffer_size]);
            self.check(result)?;
            buffer_size
        } else {
            let taken = input.len().min(buffer_size - self.page.len());
            self.page.extend_from_slice(&input[..taken]);
            if self.page.len() == buffer_size {
                self.submit_page()?;
            }
            taken
        };
        self.total_in += taken as u64;
        Ok(taken)
    }

    /// Output ready to be written: (part of) a prefixed block, or of the end
    /// marker. Empty when there is nothing to write.
    #[inline]
    pub fn pending(&self) -> &[u8] {
        let ready = self.producer.ready();
        if !ready.is_empty() {
            return ready;
        }
        match self.phase {
            Phase::Finishing { marker_left } if self.producer.is_idle() => {
                &END_MARKER[..marker_left]
            }
            _ => &[],
        }
    }

    /// Marks the first `n` bytes of [`pending`](Self::pending) as written
    /// (`n` larger than `pending().len()` counts as all of it).
    #[inline]
    pub fn consume(&mut self, n: usize) {
        let ready = self.producer.ready().len();
        let n = if ready > 0 {
            let n = n.min(ready);
            self.producer.consume(n);
            n
        } else if !self.producer.is_idle() {
            // The end marker waits behind blocks still being compressed, and
            // `pending` does not show it yet.
            0
        } else if let Phase::Finishing { marker_left } = &mut self.phase {
            let n = n.min(*marker_left);
            *marker_left -= n;
            n
        } else {
            0
        };
        self.total_out += n as u64;
    }

    /// Compresses the partial page into a block, so everything pushed so far
    /// can be decoded. Returns `Ok(true)` once that block (and any earlier
    /// output) has been handed out; until then, consume
    /// [`pending`](Self::pending) and call again. With an empty page and
    /// nothing pending it returns `Ok(true)` at once and writes no block.
    ///
    /// After [`finish`](Self::finish), `flush` only reports whether the output
    /// has all been handed out.
    ///
    /// # Errors
    ///
    /// The sticky error after a failure.
    pub fn flush(&mut self) -> Result<bool, Error> {
        match &self.phase {
            Phase::Failed(err) => Err(err.clone()),
            Phase::Open => {
                if !self.submit_partial_page()? {
                    return Ok(false);
                }
                self.wait_for_output()?;
                Ok(self.pending().is_empty() && self.producer.is_idle())
            }
            Phase::Finishing { .. } | Phase::Done => {
                self.wait_for_output()?;
                Ok(self.pending().is_empty() && self.producer.is_idle())
            }
        }
    }

    /// Ends the stream: the partial page becomes the last block, followed by
    /// the end marker if the configuration asks for one. Returns `Ok(true)`
    /// once all of it has been handed out (the state is then
    /// [`EncoderState::Done`]); until then, consume [`pending`](Self::pending)
    /// and call again. Calling it when done returns `Ok(true)` again.
    ///
    /// # Errors
    ///
    /// The sticky error after a failure.
    pub fn finish(&mut self) -> Result<bool, Error> {
        match &self.phase {
            Phase::Failed(err) => return Err(err.clone()),
            Phase::Done => return Ok(true),
            Phase::Finishing { .. } => {}
            Phase::Open => {
                if !self.submit_partial_page()? {
                    return Ok(false);
                }
                let config = self.config();
                let marker_left = if config.get_end_marker() {
                    config.get_size_prefix().width()
                } else {
                    0
                };
                self.phase = Phase::Finishing { marker_left };
            }
        }
        self.wait_for_output()?;
        if self.pending().is_empty() && self.producer.is_idle() {
            self.phase = Phase::Done;
            return Ok(true);
        }
        Ok(false)
    }

    /// With nothing to hand out but blocks still being compressed on worker
    /// threads, waits for the next one, so that "call until true" always
    /// has output to hand on between calls.
    fn wait_for_output(&mut self) -> Result<(), Error> {
        if self.pending().is_empty() && !self.producer.is_idle() {
            let result = self.producer.wait();
            self.check(result)?;
        }
        Ok(())
    }

    /// A flush point: hands the partial page (if any) to the producer and
    /// tells it to compress everything it holds without waiting for more
    /// input. `Ok(false)` when the producer cannot take the page yet (every
    /// worker is busy): the next block has been waited for, to be handed on
    /// before calling again.
    fn submit_partial_page(&mut self) -> Result<bool, Error> {
        if !self.page.is_empty() {
            if !self.producer.can_accept() {
                self.wait_for_output()?;
                return Ok(false);
            }
            self.submit_page()?;
        }
        let result = self.producer.flush();
        self.check(result)?;
        Ok(true)
    }

    /// Hands the partial page to the producer.
    fn submit_page(&mut self) -> Result<(), Error> {
        let result = self.producer.submit(&self.page);
        self.check(result)?;
        self.page.clear();
        Ok(())
    }

    /// Makes a producer's failure sticky.
    #[inline]
    fn check(&mut self, result: Result<(), Error>) -> Result<(), Error> {
        result.map_err(|err| self.fail(err))
    }

    /// Records `err` as the sticky failure and returns it.
    #[cold]
    fn fail(&mut self, err: Error) -> Error {
        self.phase = Phase::Failed(err.clone());
        err
    }

    /// What `push` says once the encoder no longer takes input: the sticky
    /// error, or [`Error::Finished`].
    #[cold]
    fn closed_error(&self) -> Error {
        match &self.phase {
            Phase::Failed(err) => err.clone(),
            _ => Error::Finished,
        }
    }
}

impl fmt::Debug for StreamEncoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamEncoder")
            .field("config", self.config())
            .field("state", &self.state())
            .field("buffered", &self.page.len())
            .field("pending", &self.pending().len())
            .field("total_in", &self.total_in)
            .field("total_out", &self.total_out)
            .finish()
    }
}
