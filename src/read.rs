//! `Lz4StreamReader`: an `io::Read` / `io::BufRead` layer that reads prefixed
//! blocks from an inner reader and hands out their decoded chunks.

use std::io::{self, BufRead, Read};
use std::ops::Range;

use crate::block::Decompressor;
use crate::config::{SizePrefix, StreamConfig};
use crate::error::{BlockPart, Error};
use crate::limits::WINDOW_SIZE;

/// The block buffer's first size: blocks up to this size (all blocks of pages
/// up to ~127 KiB) are read in one go; larger ones grow the buffer by doubling
/// as their bytes arrive.
const MIN_BLOCK_BUFFER: usize = 128 * 1024;

/// Where the reader is in the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    /// Reading a size prefix; `filled` bytes of it are in `prefix`.
    Prefix { filled: usize },
    /// Reading a block body of `size` bytes; `filled` are in `block`.
    Body { size: usize, filled: usize },
    /// The inner reader ended cleanly between blocks, or a zero size prefix
    /// (end marker) was read: nothing more is read from the inner reader.
    End,
    /// The stream is corrupt or truncated; every later call reports this.
    Failed {
        kind: io::ErrorKind,
        message: String,
    },
}

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
#[derive(Debug)]
pub struct Lz4StreamReader<R: Read> {
    inner: R,
    decompressor: Decompressor,
    state: State,
    prefix: [u8; 4],
    /// The compressed block being read; grows to the largest block seen, which
    /// the size check bounds by `compress_bound(buffer_size)`, and only as
    /// that block's bytes arrive.
    block: Vec<u8>,
    /// Decoded bytes not yet consumed, as a range of the decompressor's window.
    unread: Range<usize>,
    /// Stream offset of the current block's size prefix, for error messages.
    block_offset: u64,
    /// Index of the current block, for error messages.
    block_index: u64,
}

impl<R: Read> Lz4StreamReader<R> {
    /// A reader with the default configuration: 64 KiB pages, 4-byte prefixes,
    /// no dictionary (python-lz4's defaults).
    pub fn new(inner: R) -> Self {
        Self::with_valid_config(inner, StreamConfig::default())
    }

    /// A reader with `config` (the writer's page size, prefix width and
    /// dictionary), validated first.
    ///
    /// # Errors
    ///
    /// An invalid configuration, or [`SizePrefix::OutOfBand`], which a byte
    /// stream cannot carry (use [`block::Decompressor`](crate::block::Decompressor)).
    pub fn with_config(inner: R, config: StreamConfig) -> Result<Self, Error> {
        config.validate()?;
        if config.get_size_prefix() == SizePrefix::OutOfBand {
            return Err(Error::OutOfBandSizes("Lz4StreamReader"));
        }
        Ok(Self::with_valid_config(inner, config))
    }

    fn with_valid_config(inner: R, config: StreamConfig) -> Self {
        Lz4StreamReader {
            inner,
            decompressor: Decompressor::with_valid_config(config),
            state: State::Prefix { filled: 0 },
            prefix: [0; 4],
            block: Vec::new(),
            unread: 0..0,
            block_offset: 0,
            block_index: 0,
        }
    }

    /// The configuration in use.
    pub fn config(&self) -> &StreamConfig {
        self.decompressor.config()
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
        self.unread.is_empty() && self.state == State::End
    }

    /// Reads and decodes blocks until there is output or the stream ends.
    fn fill(&mut self) -> io::Result<()> {
        while self.unread.is_empty() {
            let Some(size) = self.next_block()? else {
                return Ok(());
            };
            if let Err(kind) = self.decompressor.decompress_block(&self.block[..size]) {
                return Err(self.fail(self.corrupt(kind)));
            }
            self.unread = self.decompressor.last_range();
            self.block_decoded(size);
        }
        Ok(())
    }

    /// Reads the next block into `self.block` and returns its size, or `None`
    /// at the end of the stream. The block counts as read only once
    /// [`Self::block_decoded`] is called: until then, calling again returns
    /// the same block.
    fn next_block(&mut self) -> io::Result<Option<usize>> {
        loop {
            match self.state {
                State::End => return Ok(None),
                State::Failed { kind, ref message } => {
                    return Err(io::Error::new(kind, message.clone()))
                }
                State::Prefix { filled } => self.read_prefix(filled)?,
                State::Body { size, filled } if filled == size => return Ok(Some(size)),
                State::Body { size, filled } => self.read_body(size, filled)?,
            }
        }
    }

    /// Moves past the block `next_block` returned, once it is decoded.
    fn block_decoded(&mut self, size: usize) {
        self.block_offset += (self.config().get_size_prefix().width() + size) as u64;
        self.block_index += 1;
        self.state = State::Prefix { filled: 0 };
    }

    fn read_prefix(&mut self, filled: usize) -> io::Result<()> {
        let prefix = self.config().get_size_prefix();
        let width = prefix.width();
        let n = read_retrying(&mut self.inner, &mut self.prefix[filled..width])?;
        if n == 0 {
            if filled == 0 {
                self.state = State::End;
                return Ok(());
            }
            return Err(self.fail(Error::Truncated {
                block: self.block_index,
                offset: Some(self.block_offset),
                part: BlockPart::SizePrefix,
                needed: width as u64,
                got: filled as u64,
            }));
        }
        let filled = filled + n;
        if filled < width {
            self.state = State::Prefix { filled };
            return Ok(());
        }
        let size = prefix.decode(&self.prefix[..width]);
        if size == 0 {
            // liblz4's end-of-stream marker; python-lz4 never writes an empty
            // block (an empty chunk still compresses to one byte).
            self.state = State::End;
            return Ok(());
        }
        let size = match self.decompressor.check_block_size(size) {
            Ok(size) => size,
            Err(kind) => return Err(self.fail(self.corrupt(kind))),
        };
        self.state = State::Body { size, filled: 0 };
        Ok(())
    }

    fn read_body(&mut self, size: usize, filled: usize) -> io::Result<()> {
        // Grow the block buffer with the bytes that actually arrive, not to the
        // size the prefix announces: with large pages a forged 4-byte prefix
        // would otherwise cost up to compress_bound(buffer_size) at once.
        let limit = size.min(
            self.block
                .len()
                .max(filled.saturating_mul(2))
                .max(MIN_BLOCK_BUFFER),
        );
        if self.block.len() < limit {
            // Exactly: the Vec's own doubling would overshoot compress_bound.
            self.block.reserve_exact(limit - self.block.len());
            self.block.resize(limit, 0);
        }
        let n = read_retrying(&mut self.inner, &mut self.block[filled..limit])?;
        if n == 0 {
            return Err(self.fail(Error::Truncated {
                block: self.block_index,
                offset: Some(self.block_offset),
                part: BlockPart::Body,
                needed: size as u64,
                got: filled as u64,
            }));
        }
        self.state = State::Body {
            size,
            filled: filled + n,
        };
        Ok(())
    }

    /// `read_to_end` once the caller's vector holds 64 KiB of this call's
    /// output: decodes each block straight onto the vector, whose last 64 KiB
    /// are then the history, rather than into the window and out again.
    fn read_rest_onto(&mut self, buf: &mut Vec<u8>) -> io::Result<()> {
        debug_assert!(self.unread.is_empty() && buf.len() >= WINDOW_SIZE);
        let end = buf.len();
        DecodeOnto {
            reader: self,
            buf,
            end,
        }
        .run()
    }

    /// Makes the last `count` bytes of output unread again. They are the end
    /// of the window's history, which holds the latest output whenever no
    /// chunk is unread.
    fn unread_last(&mut self, count: usize) {
        debug_assert!(self.unread.is_empty());
        self.unread = self.decompressor.recent_output(count);
    }

    fn corrupt(&self, kind: crate::error::Corruption) -> Error {
        Error::Corrupt {
            block: self.block_index,
            offset: Some(self.block_offset),
            kind,
        }
    }

    /// Records a permanent failure and returns it as an `io::Error`.
    fn fail(&mut self, err: Error) -> io::Error {
        let err = io::Error::from(err);
        self.state = State::Failed {
            kind: err.kind(),
            message: err.to_string(),
        };
        err
    }
}

/// Blocks decoded straight onto the caller's vector: `buf[..end]` is the
/// output so far, and `buf[end..]` the decoder's scratch. Dropping it, however
/// the decoding ends (even by a panic in the inner reader), trims `buf` to the
/// output and catches the window up, so a retry or a later `read` resumes with
/// the right history.
struct DecodeOnto<'a, R: Read> {
    reader: &'a mut Lz4StreamReader<R>,
    buf: &'a mut Vec<u8>,
    end: usize,
}

impl<R: Read> DecodeOnto<'_, R> {
    fn run(&mut self) -> io::Result<()> {
        let reader = &mut *self.reader;
        while let Some(size) = reader.next_block()? {
            let decoded = reader.decompressor.decompress_block_onto(
                &reader.block[..size],
                self.buf,
                &mut self.end,
            );
            if let Err(kind) = decoded {
                return Err(reader.fail(reader.corrupt(kind)));
            }
            reader.block_decoded(size);
        }
        Ok(())
    }
}

impl<R: Read> Drop for DecodeOnto<'_, R> {
    fn drop(&mut self) {
        self.buf.truncate(self.end);
        self.reader.decompressor.replace_history(self.buf);
    }
}

/// One `read` from `inner`, retrying `Interrupted`.
fn read_retrying<R: Read>(inner: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match inner.read(buf) {
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
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
        while buf.len() - start < WINDOW_SIZE || !self.unread.is_empty() {
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
    /// and the error is `InvalidData` (or the read's own error, if it failed
    /// too). Unlike it, an error from the inner reader in the middle of a
    /// multi-byte character loses nothing: the text before the character is
    /// appended, and the character's first bytes stay unread for the retry.
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
        if result.is_err() && utf8.error_len().is_none() {
            // Cut short inside a character by the inner reader's error.
            let mut bytes = err.into_bytes();
            self.unread_last(bytes.len() - utf8.valid_up_to());
            bytes.truncate(utf8.valid_up_to());
            let text = String::from_utf8(bytes).expect("valid up to here");
            buf.push_str(&text);
            return result;
        }
        result.and(Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )))
    }
}

impl<R: Read> BufRead for Lz4StreamReader<R> {
    /// The rest of the current decoded chunk, straight from the window; empty
    /// at the end of the stream.
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.fill()?;
        Ok(self.decompressor.window_bytes(self.unread.clone()))
    }

    fn consume(&mut self, amt: usize) {
        self.unread.start += amt.min(self.unread.len());
    }
}
