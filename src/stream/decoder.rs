//! `StreamDecoder`: compressed bytes in (any pieces), decoded bytes out.

use std::fmt;
use std::ops::Range;

use crate::block::Decompressor;
use crate::config::StreamConfig;
use crate::error::{BlockPart, Corruption, Error};
use crate::limits::WINDOW_SIZE;

/// The block buffer's first size: blocks up to this size (all blocks of pages
/// up to ~127 KiB) are read in one go; larger ones grow the buffer by doubling
/// as their bytes arrive.
const MIN_BLOCK_BUFFER: usize = 128 * 1024;

/// Where a [`StreamDecoder`] is in the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecoderState {
    /// Between blocks or inside one: more input may come.
    Open,
    /// The stream has ended, at an end marker or at
    /// [`end_of_input`](StreamDecoder::end_of_input) between blocks; no more
    /// input is taken. [`output`](StreamDecoder::output) may still hold the
    /// last chunk.
    Done,
    /// The stream is corrupt or truncated; every later call that needs input
    /// returns the same error.
    Failed,
}

/// The decoder's phase; the public [`DecoderState`] with the data.
///
/// `Copy`, with the error of a failed stream kept beside it
/// (`StreamDecoder::failure`) rather than in `Failed`: the phase is set
/// twice a block, and a variant holding an [`Error`] made each of those
/// assignments an out-of-line call to drop the old value (1.6 % of the
/// instructions decoding JSON in 512-byte pages).
#[derive(Clone, Copy)]
enum Phase {
    /// Reading a size prefix; `filled` bytes of it are in `prefix`.
    Prefix { filled: usize },
    /// Reading a block body of `size` bytes; `filled` are in `block`.
    Body { size: usize, filled: usize },
    /// Clean end: nothing more is taken.
    End,
    /// The stream failed: `StreamDecoder::failure` holds the error.
    Failed,
}

/// A sans-I/O LZ4 block-stream decompressor: compressed bytes in, in pieces
/// of any size, decoded bytes out.
///
/// Input comes one of two ways:
///
/// - **Exact reads**: [`input_buf`](Self::input_buf) is exactly the rest of
///   the current size prefix or block body; read into it, then
///   [`commit_input`](Self::commit_input) the count. Nothing is copied twice,
///   and nothing is ever read past an end marker, so the source is left
///   positioned right after the stream. At the end of the source, call
///   [`end_of_input`](Self::end_of_input).
/// - **Push**: [`feed`](Self::feed) takes what it can of a slice (a datagram,
///   an `AsyncBufRead`'s buffer) and returns how much; a whole block in the
///   slice is decoded straight from it.
///
/// A block is decoded as soon as its last byte arrives; its chunk is then
/// [`output`](Self::output), a slice of the decoder's 64 KiB history window,
/// until [`consume_output`](Self::consume_output) takes it. While output is
/// waiting, no input is taken (`input_buf` is empty, `feed` returns 0): the
/// memory held is bounded by the configuration, never by the input.
///
/// Errors are those of the readers: [`Error::Corrupt`] and
/// [`Error::Truncated`] with the block index and the stream offset of the
/// block's size prefix. A failure is sticky: the same error comes back from
/// every later call that takes input. A size prefix announcing more than a
/// page can compress to is rejected before anything is allocated for it.
///
/// ```
/// use lz4_stream::stream::StreamDecoder;
/// use lz4_stream::{Lz4StreamWriter, StreamConfig};
/// use std::io::{Read, Write};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let mut writer = Lz4StreamWriter::new(Vec::new());
/// writer.write_all(b"read exactly what the stream needs")?;
/// let compressed = writer.finish()?;
///
/// // A reader driving the decoder with exact reads.
/// let mut source = &compressed[..];
/// let mut decoder = StreamDecoder::new(StreamConfig::default())?;
/// let mut out = Vec::new();
/// loop {
///     out.extend_from_slice(decoder.output());
///     decoder.consume_output(decoder.output().len());
///     if decoder.input_buf().is_empty() {
///         break; // the stream has ended (an end marker)
///     }
///     let n = source.read(decoder.input_buf())?;
///     if n == 0 {
///         decoder.end_of_input()?;
///         break;
///     }
///     decoder.commit_input(n)?;
/// }
/// assert_eq!(out, b"read exactly what the stream needs");
/// assert_eq!(decoder.total_in(), compressed.len() as u64);
/// # Ok(())
/// # }
/// ```
pub struct StreamDecoder {
    /// Decodes blocks and keeps the history; it also counts the blocks, the
    /// index every error names.
    decompressor: Decompressor,
    phase: Phase,
    /// Why the stream failed: `Some` exactly when `phase` is `Failed` (both
    /// set by `fail` only).
    failure: Option<Error>,
    prefix: [u8; 4],
    /// The compressed block being read; grows to the largest block seen, which
    /// the size check bounds by `compress_bound(buffer_size)`, and only as
    /// that block's bytes arrive.
    block: Vec<u8>,
    /// Decoded bytes not yet consumed, as a range of the decompressor's window.
    unread: Range<usize>,
    /// Stream offset of the current block's size prefix.
    block_start: u64,
    /// Compressed bytes taken.
    total_in: u64,
    /// Decoded bytes handed out.
    total_out: u64,
}

impl StreamDecoder {
    /// A decoder for streams written with `config` (the writer's page size,
    /// prefix width and dictionary), validated first.
    ///
    /// # Errors
    ///
    /// An invalid configuration, or [`SizePrefix::OutOfBand`](crate::SizePrefix::OutOfBand), which a byte
    /// stream cannot carry (use [`block::Decompressor`](crate::block::Decompressor)).
    pub fn new(config: StreamConfig) -> Result<Self, Error> {
        Self::for_byte_stream(config, "StreamDecoder")
    }

    /// [`StreamDecoder::new`] for an adapter called `who` (named in the
    /// out-of-band error).
    pub(crate) fn for_byte_stream(config: StreamConfig, who: &'static str) -> Result<Self, Error> {
        config.validate_for_byte_stream(who)?;
        Ok(Self::with_valid_config(config))
    }

    /// A decoder for a configuration already validated, with in-band prefixes.
    pub(crate) fn with_valid_config(config: StreamConfig) -> Self {
        StreamDecoder {
            decompressor: Decompressor::with_valid_config(config),
            phase: Phase::Prefix { filled: 0 },
            failure: None,
            prefix: [0; 4],
            block: Vec::new(),
            unread: 0..0,
            block_start: 0,
            total_in: 0,
            total_out: 0,
        }
    }

    /// The configuration in use.
    pub fn config(&self) -> &StreamConfig {
        self.decompressor.config()
    }

    /// Where the decoder is in the stream.
    pub fn state(&self) -> DecoderState {
        match self.phase {
            Phase::Prefix { .. } | Phase::Body { .. } => DecoderState::Open,
            Phase::End => DecoderState::Done,
            Phase::Failed => DecoderState::Failed,
        }
    }

    /// The error that failed the stream, if it failed.
    pub fn error(&self) -> Option<&Error> {
        self.failure.as_ref()
    }

    /// Compressed bytes taken so far.
    pub fn total_in(&self) -> u64 {
        self.total_in
    }

    /// Decoded bytes handed out (consumed) so far.
    pub fn total_out(&self) -> u64 {
        self.total_out
    }

    /// Blocks decoded so far (the index of the next block).
    pub fn blocks_decoded(&self) -> u64 {
        self.decompressor.blocks_decoded()
    }

    /// The buffer to read the next compressed bytes into: exactly the rest of
    /// the current size prefix or block body (a large body is offered in
    /// pieces that double as its bytes arrive, so a forged size prefix costs
    /// no memory up front). Read into it, then call
    /// [`commit_input`](Self::commit_input).
    ///
    /// Empty when no input is taken now: while [`output`](Self::output) holds
    /// decoded bytes (consume them first), and once the stream has ended or
    /// failed (see [`state`](Self::state)).
    // `always`: called through the read loop's `Intake`, it was not inlined
    // into `read_to_end`, which then took 1.4 % more instructions with
    // 512-byte pages.
    #[inline(always)]
    pub fn input_buf(&mut self) -> &mut [u8] {
        if !self.unread.is_empty() {
            return &mut [];
        }
        match self.phase {
            Phase::Prefix { filled } => {
                let width = self.config().get_size_prefix().width();
                &mut self.prefix[filled..width]
            }
            // Every block after the first few fits the buffer as it is.
            Phase::Body { size, filled } if size <= self.block.len() => {
                &mut self.block[filled..size]
            }
            Phase::Body { size, filled } => {
                let limit = self.grow_block(size, filled);
                &mut self.block[filled..limit]
            }
            Phase::End | Phase::Failed => &mut [],
        }
    }

    /// Takes the first `n` bytes of [`input_buf`](Self::input_buf) as input.
    /// A size prefix or block completed by them is processed at once: a block
    /// is decoded and its chunk becomes [`output`](Self::output); a zero size
    /// prefix (liblz4's end marker) ends the stream.
    ///
    /// # Errors
    ///
    /// [`Error::Corrupt`] for a size prefix larger than any block of a page or
    /// a block that is not valid LZ4; the sticky error after a failure.
    ///
    /// # Panics
    ///
    /// If `n` is larger than the buffer `input_buf` offered.
    pub fn commit_input(&mut self, n: usize) -> Result<(), Error> {
        self.commit(n, None)
    }

    /// Takes what it can of `input` (push style) and returns how much. Stops
    /// when a block's chunk is waiting in [`output`](Self::output), and at the
    /// end of the stream (an end marker): the bytes after it are not taken.
    ///
    /// # Errors
    ///
    /// As [`commit_input`](Self::commit_input).
    pub fn feed(&mut self, input: &[u8]) -> Result<usize, Error> {
        if let Some(err) = &self.failure {
            return Err(err.clone());
        }
        let mut rest = input;
        while !rest.is_empty() && self.unread.is_empty() {
            if let Phase::Body { size, filled: 0 } = self.phase {
                if rest.len() >= size {
                    // The whole body is here: decode it where it is.
                    self.total_in += size as u64;
                    // What follows the block in `rest` is its padding.
                    let result = self.decompressor.decompress_padded_block(rest, size);
                    self.decoded(result.map(|_| ()))?;
                    rest = &rest[size..];
                    continue;
                }
            }
            let buf = self.input_buf();
            if buf.is_empty() {
                break;
            }
            let n = buf.len().min(rest.len());
            buf[..n].copy_from_slice(&rest[..n]);
            rest = &rest[n..];
            self.commit_input(n)?;
        }
        Ok(input.len() - rest.len())
    }

    /// Says that no more input will come. Between blocks that is the end of
    /// the stream (the format has no trailer); inside a size prefix or a
    /// block it is an error.
    ///
    /// # Errors
    ///
    /// [`Error::Truncated`], naming the part that was cut, the block and its
    /// offset; the sticky error after a failure.
    pub fn end_of_input(&mut self) -> Result<(), Error> {
        let width = self.config().get_size_prefix().width();
        let (part, needed, got) = match self.phase {
            Phase::Prefix { filled: 0 } | Phase::End => {
                self.phase = Phase::End;
                return Ok(());
            }
            Phase::Failed => return Err(self.sticky_error()),
            Phase::Prefix { filled } => (BlockPart::SizePrefix, width, filled),
            Phase::Body { size, filled } => (BlockPart::Body, size, filled),
        };
        Err(self.fail(Error::Truncated {
            block: self.blocks_decoded(),
            offset: Some(self.block_start),
            part,
            needed: needed as u64,
            got: got as u64,
        }))
    }

    /// Decoded bytes not yet consumed: the rest of the last block's chunk,
    /// straight from the history window.
    pub fn output(&self) -> &[u8] {
        self.decompressor.window_bytes(self.unread.clone())
    }

    /// Marks the first `n` bytes of [`output`](Self::output) as consumed
    /// (`n` larger than `output().len()` counts as all of it).
    pub fn consume_output(&mut self, n: usize) {
        let n = n.min(self.unread.len());
        self.unread.start += n;
        self.total_out += n as u64;
    }

    /// Makes the last `count` bytes of output unconsumed again (for
    /// `read_to_string`, which must leave a character cut by an error for
    /// the retry). They are the end of the window's history, which holds the
    /// latest output whenever nothing is unconsumed.
    pub(crate) fn unconsume_last(&mut self, count: usize) {
        debug_assert!(self.unread.is_empty());
        self.unread = self.decompressor.recent_output(count);
        self.total_out -= self.unread.len() as u64;
    }

    /// Decodes the rest of the stream straight onto `out`, whose last 64 KiB
    /// must be this stream's latest output: see [`DecodeOnto`].
    pub(crate) fn decode_onto<'a>(&'a mut self, out: &'a mut Vec<u8>) -> DecodeOnto<'a> {
        debug_assert!(self.unread.is_empty() && out.len() >= WINDOW_SIZE);
        let end = out.len();
        DecodeOnto {
            decoder: self,
            out,
            end,
        }
    }

    /// Sizes the block buffer for the next read of a `size`-byte body with
    /// `filled` bytes in, and returns how far that read may go.
    fn grow_block(&mut self, size: usize, filled: usize) -> usize {
        // Grow with the bytes that actually arrive, not to the size the
        // prefix announces: with large pages a forged 4-byte prefix would
        // otherwise cost up to compress_bound(buffer_size) at once.
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
        limit
    }

    /// `commit_input`, decoding a completed block into the window, or onto
    /// `onto` (the vector and the end of its output) when given.
    #[inline]
    fn commit(&mut self, n: usize, onto: Option<(&mut Vec<u8>, &mut usize)>) -> Result<(), Error> {
        // One look at the phase: how much `input_buf` offered, and what the
        // bytes complete. Nothing is offered while output is unread.
        let offered = |offered: usize| {
            assert!(
                n <= offered,
                "commit_input({n}) after input_buf offered {offered} bytes"
            );
        };
        if !self.unread.is_empty() {
            offered(0);
            return Ok(());
        }
        match self.phase {
            Phase::Prefix { filled } => {
                let prefix = self.config().get_size_prefix();
                offered(prefix.width() - filled);
                if n == 0 {
                    return Ok(());
                }
                self.total_in += n as u64;
                let filled = filled + n;
                if filled < prefix.width() {
                    self.phase = Phase::Prefix { filled };
                    return Ok(());
                }
                let size = prefix.decode(&self.prefix);
                if size == 0 {
                    // liblz4's end-of-stream marker; python-lz4 never writes
                    // an empty block (an empty chunk still compresses to one
                    // byte).
                    self.phase = Phase::End;
                    return Ok(());
                }
                match self.decompressor.check_block_size(size) {
                    Ok(size) => {
                        self.phase = Phase::Body { size, filled: 0 };
                        Ok(())
                    }
                    Err(kind) => Err(self.corrupt(kind)),
                }
            }
            Phase::Body { size, filled } => {
                offered(self.block.len().min(size) - filled);
                if n == 0 {
                    return Ok(());
                }
                self.total_in += n as u64;
                let filled = filled + n;
                if filled < size {
                    self.phase = Phase::Body { size, filled };
                    return Ok(());
                }
                // The buffer past the block (earlier blocks' bytes) is its
                // padding.
                let padded = &self.block[..];
                let result = match onto {
                    None => self
                        .decompressor
                        .decompress_padded_block(padded, size)
                        .map(|_| ()),
                    Some((out, end)) => {
                        let before = *end;
                        let result = self
                            .decompressor
                            .decompress_block_onto(padded, size, out, end);
                        self.total_out += (*end - before) as u64;
                        result.map(|_| ())
                    }
                };
                self.decoded(result)
            }
            Phase::Failed => Err(self.sticky_error()),
            Phase::End => {
                offered(0);
                Ok(())
            }
        }
    }

    /// Moves past a block once it was decoded (its chunk becomes the output,
    /// unless it went onto a caller's vector), or fails the stream.
    #[inline(always)]
    fn decoded(&mut self, result: Result<(), Corruption>) -> Result<(), Error> {
        if let Err(kind) = result {
            return Err(self.corrupt(kind));
        }
        self.unread = self.decompressor.last_range();
        self.block_start = self.total_in;
        self.phase = Phase::Prefix { filled: 0 };
        Ok(())
    }

    /// Fails the stream with corruption in the current block.
    fn corrupt(&mut self, kind: Corruption) -> Error {
        self.fail(Error::Corrupt {
            block: self.blocks_decoded(),
            offset: Some(self.block_start),
            kind,
        })
    }

    /// Records a permanent failure and returns it.
    fn fail(&mut self, err: Error) -> Error {
        self.phase = Phase::Failed;
        self.failure = Some(err.clone());
        err
    }

    /// The error that failed the stream, again (`phase` is `Failed`).
    #[cold]
    fn sticky_error(&self) -> Error {
        match &self.failure {
            Some(err) => err.clone(),
            // `fail` sets both; a failed phase without its error would be a
            // bug here, and still must not pass for a clean stream.
            None => unreachable!("a failed stream keeps its error"),
        }
    }
}

/// Blocks decoded straight onto a caller's vector (a reader's
/// `read_to_end`), instead of into the window and out again: `out[..end]` is
/// the output so far, whose last 64 KiB are the history, and `out[end..]` the
/// decoder's scratch. The window does not see this output; dropping the
/// session, however decoding ends (even by a panic in the inner reader),
/// trims `out` to the output and catches the window up, so a retry or a later
/// read resumes with the right history.
pub(crate) struct DecodeOnto<'a> {
    decoder: &'a mut StreamDecoder,
    out: &'a mut Vec<u8>,
    end: usize,
}

/// The calls a read loop (`drive::poll_decode`) makes on what it feeds: the
/// stream decoder itself, or its session decoding onto a vector. Each is the
/// [`StreamDecoder`] method of the same name.
pub(crate) trait Intake {
    fn input_buf(&mut self) -> &mut [u8];
    fn commit_input(&mut self, n: usize) -> Result<(), Error>;
    fn end_of_input(&mut self) -> Result<(), Error>;
    fn state(&self) -> DecoderState;
    fn error(&self) -> Option<&Error>;
}

impl Intake for StreamDecoder {
    #[inline]
    fn input_buf(&mut self) -> &mut [u8] {
        StreamDecoder::input_buf(self)
    }

    #[inline]
    fn commit_input(&mut self, n: usize) -> Result<(), Error> {
        StreamDecoder::commit_input(self, n)
    }

    fn end_of_input(&mut self) -> Result<(), Error> {
        StreamDecoder::end_of_input(self)
    }

    fn state(&self) -> DecoderState {
        StreamDecoder::state(self)
    }

    fn error(&self) -> Option<&Error> {
        StreamDecoder::error(self)
    }
}

impl Intake for DecodeOnto<'_> {
    #[inline]
    fn input_buf(&mut self) -> &mut [u8] {
        self.decoder.input_buf()
    }

    /// A completed block is decoded onto the vector.
    #[inline]
    fn commit_input(&mut self, n: usize) -> Result<(), Error> {
        self.decoder.commit(n, Some((self.out, &mut self.end)))
    }

    fn end_of_input(&mut self) -> Result<(), Error> {
        self.decoder.end_of_input()
    }

    fn state(&self) -> DecoderState {
        self.decoder.state()
    }

    fn error(&self) -> Option<&Error> {
        self.decoder.error()
    }
}

impl Drop for DecodeOnto<'_> {
    fn drop(&mut self) {
        self.out.truncate(self.end);
        self.decoder.decompressor.replace_history(self.out);
    }
}

impl fmt::Debug for StreamDecoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamDecoder")
            .field("config", self.config())
            .field("state", &self.state())
            .field("blocks_decoded", &self.blocks_decoded())
            .field("output", &self.unread.len())
            .field("total_in", &self.total_in)
            .field("total_out", &self.total_out)
            .finish()
    }
}
