//! `Lz4StreamWriter`: an `io::Write` layer that cuts its input into pages and
//! writes one prefixed block per page.

use std::io::{self, Write};
use std::ops::Range;

use crate::block::Compressor;
use crate::config::{SizePrefix, StreamConfig};
use crate::error::Error;

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
#[derive(Debug)]
pub struct Lz4StreamWriter<W: Write> {
    /// `None` only once `finish` has handed it back.
    inner: Option<W>,
    compressor: Compressor,
    /// Input not yet compressed: less than one page.
    page: Vec<u8>,
    /// The part of `compressor.last_block()` that `inner` has not taken yet.
    unwritten: Range<usize>,
    /// Bytes of the zero end marker still to write, once finishing.
    marker_left: usize,
    /// No more input: the last page has been compressed (and the end marker
    /// queued); what is pending still has to reach the inner writer.
    finished: bool,
    /// `try_finish` has completed, inner flush included: nothing is left to do.
    done: bool,
}

impl<W: Write> Lz4StreamWriter<W> {
    /// A writer with the default configuration: 64 KiB pages, 4-byte prefixes,
    /// no dictionary (python-lz4's defaults).
    pub fn new(inner: W) -> Self {
        Self::with_valid_config(inner, StreamConfig::default())
    }

    /// A writer with `config`, validated first.
    ///
    /// # Errors
    ///
    /// An invalid configuration, or [`SizePrefix::OutOfBand`], which a byte
    /// stream cannot carry (use [`block::Compressor`](crate::block::Compressor)).
    pub fn with_config(inner: W, config: StreamConfig) -> Result<Self, Error> {
        config.validate()?;
        if config.get_size_prefix() == SizePrefix::OutOfBand {
            return Err(Error::OutOfBandSizes("Lz4StreamWriter"));
        }
        Ok(Self::with_valid_config(inner, config))
    }

    fn with_valid_config(inner: W, config: StreamConfig) -> Self {
        // The page grows as input arrives, so a huge page size costs nothing
        // for a short stream.
        let initial = config.get_buffer_size().min(64 * 1024);
        Lz4StreamWriter {
            inner: Some(inner),
            compressor: Compressor::with_valid_config(config),
            page: Vec::with_capacity(initial),
            unwritten: 0..0,
            marker_left: 0,
            finished: false,
            done: false,
        }
    }

    /// The configuration in use.
    pub fn config(&self) -> &StreamConfig {
        self.compressor.config()
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
    /// (say `WouldBlock`) can be retried. Afterwards `write` fails and the inner
    /// writer is still available through [`get_mut`](Self::get_mut).
    pub fn try_finish(&mut self) -> io::Result<()> {
        if self.done {
            return Ok(());
        }
        if !self.finished {
            self.write_partial_page()?;
            if self.config().get_end_marker() {
                self.marker_left = self.config().get_size_prefix().width();
            }
            self.finished = true;
        }
        self.drain()?;
        self.inner_mut()?.flush()?;
        self.done = true;
        Ok(())
    }

    fn inner_mut(&mut self) -> io::Result<&mut W> {
        self.inner
            .as_mut()
            .ok_or_else(|| io::Error::from(Error::Finished))
    }

    /// Compresses the partial page, if any, and writes the block out.
    fn write_partial_page(&mut self) -> io::Result<()> {
        self.drain()?;
        if !self.page.is_empty() {
            self.compress_page()?;
            self.drain()?;
        }
        Ok(())
    }

    /// Turns the page into the pending block. Only called with nothing pending.
    fn compress_page(&mut self) -> io::Result<()> {
        debug_assert!(self.unwritten.is_empty());
        let len = self.compressor.compress(&self.page)?.len();
        self.unwritten = 0..len;
        self.page.clear();
        Ok(())
    }

    /// Hands pending compressed bytes (and the end marker) to the inner writer.
    fn drain(&mut self) -> io::Result<()> {
        let inner = self
            .inner
            .as_mut()
            .ok_or_else(|| io::Error::from(Error::Finished))?;
        while !self.unwritten.is_empty() || self.marker_left > 0 {
            let pending = if self.unwritten.is_empty() {
                &[0u8; 4][..self.marker_left]
            } else {
                &self.compressor.last_block()[self.unwritten.clone()]
            };
            match inner.write(pending) {
                Ok(0) => {
                    return Err(io::Error::new(
                        io::ErrorKind::WriteZero,
                        "the inner writer accepted no more compressed bytes",
                    ))
                }
                Ok(n) => {
                    if self.unwritten.is_empty() {
                        self.marker_left -= n.min(self.marker_left);
                    } else {
                        self.unwritten.start += n.min(self.unwritten.len());
                    }
                }
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        }
        Ok(())
    }
}

impl<W: Write> Write for Lz4StreamWriter<W> {
    /// Accepts up to the rest of the current page. A full page is compressed;
    /// its block is written at the start of the next `write`, `flush` or
    /// `finish`, which report any error from `W` before accepting more.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.finished {
            return Err(Error::Finished.into());
        }
        if buf.is_empty() {
            return Ok(0);
        }
        // Earlier output first: until it is out, accept nothing new, so an error
        // here means "nothing of buf was taken".
        self.drain()?;
        let buffer_size = self.config().get_buffer_size();
        if self.page.is_empty() && buf.len() >= buffer_size {
            // A whole page straight from the caller's buffer: the compressor
            // keeps its own copy as history, so staging it in `page` first
            // would only copy every byte once more.
            let len = self.compressor.compress(&buf[..buffer_size])?.len();
            self.unwritten = 0..len;
            return Ok(buffer_size);
        }
        let taken = buf.len().min(buffer_size - self.page.len());
        self.page.extend_from_slice(&buf[..taken]);
        if self.page.len() == buffer_size {
            if let Err(err) = self.compress_page() {
                self.page.truncate(buffer_size - taken);
                return Err(err);
            }
            // The block goes out at the start of the next write, flush or
            // finish, whose error (if any) the caller then sees: trying now
            // could only swallow an error, as these bytes are already taken.
        }
        Ok(taken)
    }

    /// Writes the partial page as a block and flushes `W`.
    fn flush(&mut self) -> io::Result<()> {
        if !self.finished {
            self.write_partial_page()?;
        } else {
            self.drain()?;
        }
        self.inner_mut()?.flush()
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
