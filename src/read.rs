//! `Lz4StreamReader`: an `io::Read` / `io::BufRead` layer that reads prefixed
//! blocks from an inner reader and hands out their decoded chunks.

use std::fmt;
use std::io::{self, BufRead, Read};
use std::task::Poll;

use crate::config::StreamConfig;
use crate::drive;
use crate::error::Error;
use crate::limits::WINDOW_SIZE;
use crate::stream::{DecoderState, StreamDecoder};

/// Decompresses an LZ4 block stream read from `R`.
///
/// Reads exactly the bytes of the stream and nothing after it: the size prefix,
/// then the block, so after a zero size prefix (liblz4's end marker) `R` is
/// left positioned right after the marker. Each block is decoded into a window
/// that keeps the last 64 KiB of output, and [`BufRead::fill_buf`] hands out
/// the decoded chunk straight from that window. [`Read::read_to_end`] (and
/// `read_to_string`) skip that copy: once the caller's vector holds 64 KiB of
/// the call's output, its tail is the history, and each later block decodes
/// straight onto it.
///
/// A stream cut inside a size prefix or a block is an
/// [`UnexpectedEof`](io::ErrorKind::UnexpectedEof) error; one that is cut
/// cleanly between blocks cannot be told from a complete stream (the format
/// has no trailer). Errors from `R` (`WouldBlock`, timeouts, ...) leave the
/// reader where it was: calling again resumes with exactly the right bytes.
/// `Interrupted` is retried internally.
///
/// It is a driver of [`StreamDecoder`], with its errors: after a corrupt or
/// truncated stream every call returns the same error, whose
/// [`io::Error::into_inner`] is the typed [`Error`].
///
/// Reading small pages from an unbuffered `R` costs two `read` calls per
/// block; wrap `R` in a [`BufReader`](io::BufReader) if that matters.
///
/// ```
/// use std::io::{Read, Write};
/// use lz4_stream::{Lz4StreamReader, Lz4StreamWriter};
///
/// # fn main() -> std::io::Result<()> {
/// let mut writer = Lz4StreamWriter::new(Vec::new());
/// writer.write_all(b"hello, stream")?;
/// let compressed = writer.finish()?;
///
/// let mut reader = Lz4StreamReader::new(&compressed[..]);
/// let mut text = String::new();
/// reader.read_to_string(&mut text)?;
/// assert_eq!(text, "hello, stream");
/// # Ok(())
/// # }
/// ```
pub struct Lz4StreamReader<R: Read> {
    inner: R,
    decoder: StreamDecoder,
}

impl<R: Read> Lz4StreamReader<R> {
    /// A reader with the default configuration: 64 KiB pages, 4-byte prefixes,
    /// no dictionary (python-lz4's defaults).
    pub fn new(inner: R) -> Self {
        Lz4StreamReader {
            inner,
            decoder: StreamDecoder::with_valid_config(StreamConfig::default()),
        }
    }

    /// A reader with `config` (the writer's page size, prefix width and
    /// dictionary), validated first.
    ///
    /// # Errors
    ///
    /// An invalid configuration, or [`SizePrefix::OutOfBand`](crate::SizePrefix::OutOfBand),
    /// which a byte stream cannot carry (use [`block::Decompressor`](crate::block::Decompressor)).
    pub fn with_config(inner: R, config: StreamConfig) -> Result<Self, Error> {
        Ok(Lz4StreamReader {
            inner,
            decoder: StreamDecoder::for_byte_stream(config, "Lz4StreamReader")?,
        })
    }

    /// The configuration in use.
    pub fn config(&self) -> &StreamConfig {
        self.decoder.config()
    }

    /// Compressed bytes read from the inner reader so far.
    pub fn total_in(&self) -> u64 {
        self.decoder.total_in()
    }

    /// Decoded bytes handed to the caller so far (as flate2's readers count
    /// them).
    pub fn total_out(&self) -> u64 {
        self.decoder.total_out()
    }

    /// The inner reader.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// The inner reader, mutably. Reading from it directly corrupts the stream.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// The inner reader. Decoded bytes not yet read, and a block read only in
    /// part, are lost.
    pub fn into_inner(self) -> R {
        self.inner
    }

    /// Whether the end of the stream has been reached (a clean end of `R`
    /// between blocks, or an end marker) and all output consumed.
    pub fn is_finished(&self) -> bool {
        self.decoder.output().is_empty() && self.decoder.state() == DecoderState::Done
    }

    /// `read_to_end` once the caller's vector holds 64 KiB of this call's
    /// output: decodes each block straight onto the vector, whose last 64 KiB
    /// are then the history, rather than into the window and out again.
    fn read_rest_onto(&mut self, buf: &mut Vec<u8>) -> io::Result<()> {
        let inner = &mut self.inner;
        let mut onto = self.decoder.decode_onto(buf);
        drive::blocking(drive::poll_decode_onto(&mut onto, |buf| {
            Poll::Ready(inner.read(buf))
        }))
    }
}

impl<R: Read> Read for Lz4StreamReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }

    /// Appends the decoded output without the default implementation's
    /// probing reads (about a third slower here on incompressible data): the
    /// first 64 KiB chunk by chunk from the window, the rest decoded straight
    /// onto `buf`, whose tail is then the history, which saves copying every
    /// chunk out of the window. The decoder's scratch room in `buf` (a page,
    /// zeroed once per call and never beyond `buf`'s capacity) is trimmed
    /// before this returns.
    fn read_to_end(&mut self, buf: &mut Vec<u8>) -> io::Result<usize> {
        let start = buf.len();
        while buf.len() - start < WINDOW_SIZE || !self.decoder.output().is_empty() {
            let available = self.fill_buf()?;
            if available.is_empty() {
                return Ok(buf.len() - start);
            }
            let n = available.len();
            buf.extend_from_slice(available);
            self.consume(n);
        }
        let result = self.read_rest_onto(buf);
        result.map(|()| buf.len() - start)
    }

    /// [`Read::read_to_end`], then one UTF-8 check of the new bytes. As with
    /// the default implementation, new bytes that are not UTF-8 are not kept
    /// and the error is `InvalidData`. Unlike it, that is the error even when
    /// the read failed too: a retry cannot make those bytes text, and the
    /// read's own error (`WouldBlock`, say) would invite one that goes on
    /// after them as if nothing were missing. And an error from the inner
    /// reader in the middle of a multi-byte character loses nothing: the text
    /// before the character is appended, and the character's first bytes
    /// stay unread for the retry.
    fn read_to_string(&mut self, buf: &mut String) -> io::Result<usize> {
        // An empty string's own bytes can take the output; otherwise a fresh
        // vector does, so that only the new bytes are checked (safe code
        // cannot rebuild a `String` without checking all of it).
        let mut bytes = if buf.is_empty() {
            std::mem::take(buf).into_bytes()
        } else {
            Vec::new()
        };
        let result = self.read_to_end(&mut bytes);
        let err = match String::from_utf8(bytes) {
            Ok(text) => {
                let n = text.len();
                if buf.is_empty() {
                    *buf = text;
                } else {
                    buf.push_str(&text);
                }
                return result.map(|_| n);
            }
            Err(err) => err,
        };
        let utf8 = err.utf8_error();
        // `error_len` is `None` when the bytes end inside a character, which
        // the rest of the stream may complete.
        if result.is_err() && utf8.error_len().is_none() {
            // Cut short inside a character by the inner reader's error.
            let mut bytes = err.into_bytes();
            self.decoder
                .unconsume_last(bytes.len() - utf8.valid_up_to());
            bytes.truncate(utf8.valid_up_to());
            let text = String::from_utf8(bytes).expect("valid up to here");
            buf.push_str(&text);
            return result;
        }
        Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        ))
    }
}

impl<R: Read> BufRead for Lz4StreamReader<R> {
    /// The rest of the current decoded chunk, straight from the window; empty
    /// at the end of the stream.
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let inner = &mut self.inner;
        drive::blocking(drive::poll_fill(&mut self.decoder, |buf| {
            Poll::Ready(inner.read(buf))
        }))?;
        Ok(self.decoder.output())
    }

    fn consume(&mut self, amt: usize) {
        self.decoder.consume_output(amt);
    }
}

impl<R: Read> fmt::Debug for Lz4StreamReader<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lz4StreamReader")
            .field("decoder", &self.decoder)
            .finish_non_exhaustive()
    }
}
