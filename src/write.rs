//! `Lz4StreamWriter`: an `io::Write` layer that cuts its input into pages and
//! writes one prefixed block per page.

use std::fmt;
use std::io::{self, Write};
use std::task::Poll;

use crate::config::StreamConfig;
use crate::drive;
use crate::error::Error;
use crate::stream::StreamEncoder;

/// Compresses everything written to it into an LZ4 block stream on `W`.
///
/// Input is gathered into pages of `buffer_size` bytes; each full page becomes
/// one block, written with its size prefix. [`flush`](Write::flush) turns the
/// partial page into a block too and flushes `W`, so a peer on the other end of
/// a socket can decode everything written so far. [`finish`](Self::finish)
/// writes what is left and returns `W`; dropping the writer does the same on a
/// best-effort basis, ignoring errors (call `finish` to see them).
///
/// It survives short writes and errors from `W`: a compressed block that `W`
/// did not take stays here and goes out first on the next `write` or `flush`,
/// so after the caller retries, `W` has received exactly the stream for the
/// bytes `write` reported as accepted — nothing lost, nothing written twice.
/// `Interrupted` is retried internally, as `BufWriter` does.
///
/// It is a driver of [`StreamEncoder`]: the bytes are exactly the encoder's
/// for the same input and flush points.
///
/// ```
/// use std::io::Write;
/// use lz4_stream::Lz4StreamWriter;
///
/// # fn main() -> std::io::Result<()> {
/// let mut writer = Lz4StreamWriter::new(Vec::new());
/// writer.write_all(b"some data, some data, some data")?;
/// let compressed: Vec<u8> = writer.finish()?;
/// # assert!(!compressed.is_empty());
/// # Ok(())
/// # }
/// ```
pub struct Lz4StreamWriter<W: Write> {
    /// `None` only once `finish` has handed it back.
    inner: Option<W>,
    encoder: StreamEncoder,
    /// `try_finish` has completed, the inner writer's flush included: later
    /// calls have nothing to do (a flaky inner flush is not called again).
    done: bool,
}

impl<W: Write> Lz4StreamWriter<W> {
    /// A writer with the default configuration: 64 KiB pages, 4-byte prefixes,
    /// no dictionary (python-lz4's defaults).
    pub fn new(inner: W) -> Self {
        Lz4StreamWriter {
            inner: Some(inner),
            encoder: StreamEncoder::with_valid_config(StreamConfig::default()),
            done: false,
        }
    }

    /// A writer with `config`, validated first.
    ///
    /// # Errors
    ///
    /// An invalid configuration, or [`SizePrefix::OutOfBand`](crate::SizePrefix::OutOfBand),
    /// which a byte stream cannot carry (use [`block::Compressor`](crate::block::Compressor)).
    pub fn with_config(inner: W, config: StreamConfig) -> Result<Self, Error> {
        Ok(Lz4StreamWriter {
            inner: Some(inner),
            encoder: StreamEncoder::for_byte_stream(config, "Lz4StreamWriter")?,
            done: false,
        })
    }

    /// The configuration in use.
    pub fn config(&self) -> &StreamConfig {
        self.encoder.config()
    }

    /// Bytes of input taken so far (as flate2's writers count them).
    pub fn total_in(&self) -> u64 {
        self.encoder.total_in()
    }

    /// Compressed bytes handed to the inner writer so far.
    pub fn total_out(&self) -> u64 {
        self.encoder.total_out()
    }

    /// The inner writer.
    pub fn get_ref(&self) -> &W {
        self.inner
            .as_ref()
            .expect("inner writer is present until finish")
    }

    /// The inner writer, mutably. Writing to it directly corrupts the stream.
    pub fn get_mut(&mut self) -> &mut W {
        self.inner
            .as_mut()
            .expect("inner writer is present until finish")
    }

    /// Writes the partial page as a last block (and the end marker, if
    /// configured), flushes the inner writer and returns it.
    ///
    /// On error the writer is lost with whatever it held; use
    /// [`try_finish`](Self::try_finish) to be able to retry.
    pub fn finish(mut self) -> io::Result<W> {
        self.try_finish()?;
        self.inner
            .take()
            .ok_or_else(|| io::Error::from(Error::Finished))
    }

    /// Like [`finish`](Self::finish), but keeps the writer, so a failed attempt
    /// (say `WouldBlock`) can be retried. Afterwards `write` fails (with
    /// [`BrokenPipe`](io::ErrorKind::BrokenPipe)) and the inner writer is
    /// still available through [`get_mut`](Self::get_mut).
    pub fn try_finish(&mut self) -> io::Result<()> {
        if self.done {
            return Ok(());
        }
        let inner = inner_mut(&mut self.inner)?;
        drive::blocking(drive::poll_until(
            &mut self.encoder,
            StreamEncoder::finish,
            |buf| Poll::Ready(inner.write(buf)),
        ))?;
        inner.flush()?;
        self.done = true;
        Ok(())
    }
}

/// The inner writer, or [`Error::Finished`] once `finish` has taken it.
fn inner_mut<W>(inner: &mut Option<W>) -> io::Result<&mut W> {
    inner
        .as_mut()
        .ok_or_else(|| io::Error::from(Error::Finished))
}

impl<W: Write> Write for Lz4StreamWriter<W> {
    /// Accepts up to the rest of the current page. A full page is compressed;
    /// its block is written at the start of the next `write`, `flush` or
    /// `finish`, which report any error from `W` before accepting more.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let inner = inner_mut(&mut self.inner)?;
        drive::blocking(drive::poll_write(&mut self.encoder, buf, |buf| {
            Poll::Ready(inner.write(buf))
        }))
    }

    /// Writes the partial page as a block and flushes `W`.
    fn flush(&mut self) -> io::Result<()> {
        let inner = inner_mut(&mut self.inner)?;
        drive::blocking(drive::poll_until(
            &mut self.encoder,
            StreamEncoder::flush,
            |buf| Poll::Ready(inner.write(buf)),
        ))?;
        inner.flush()
    }
}

impl<W: Write> Drop for Lz4StreamWriter<W> {
    fn drop(&mut self) {
        if self.inner.is_some() && !self.done && !std::thread::panicking() {
            // Best effort, as documented: errors cannot be reported from drop.
            let _ = self.try_finish();
        }
    }
}

impl<W: Write> fmt::Debug for Lz4StreamWriter<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lz4StreamWriter")
            .field("encoder", &self.encoder)
            .field("finished", &self.done)
            .finish_non_exhaustive()
    }
}
