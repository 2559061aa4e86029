//! Block-level decompression: size prefixes in, chunks out, history kept.

use std::fmt;
use std::ops::Range;

use crate::block::window::Window;
use crate::codec::decode::{decode_padded_block, BlockError, MF_LIMIT, WILD_MARGIN};
use crate::config::{SizePrefix, StreamConfig};
use crate::error::{Corruption, Error};
use crate::limits::WINDOW_SIZE;

/// How far ahead of the output `decompress_block_onto` zeroes a caller's
/// vector at least (see there).
const ZERO_AHEAD: usize = 2048;

/// Turns the blocks of a stream back into their chunks, one block at a time,
/// keeping the 64 KiB of history later blocks may refer to — python-lz4's
/// `LZ4StreamDecompressor`.
///
/// Unlike python-lz4's decoder, which keeps only its two pages, this one keeps a
/// full 64 KiB window (dictionary included), so it reads every stream
/// python-lz4's and liblz4's encoders write, whatever their chunk sizes.
///
/// ```
/// use lz4_stream::block::{Compressor, Decompressor};
/// use lz4_stream::StreamConfig;
///
/// # fn main() -> Result<(), lz4_stream::Error> {
/// let config = StreamConfig::default().buffer_size(8192);
/// let mut compressor = Compressor::new(config.clone())?;
/// let mut stream = Vec::new();
/// for chunk in [&b"hello hello hello "[..], b"hello world"] {
///     stream.extend_from_slice(compressor.compress(chunk)?);
/// }
///
/// // python: block = proc.get_block(stream[offset:]); chunk = proc.decompress(block)
/// let mut decompressor = Decompressor::new(config)?;
/// let (mut offset, mut out) = (0, Vec::new());
/// while offset < stream.len() {
///     let block = decompressor.get_block(&stream[offset..])?;
///     offset += decompressor.prefix_width() + block.len();
///     out.extend_from_slice(decompressor.decompress(block)?);
/// }
/// assert_eq!(out, b"hello hello hello hello world");
/// # Ok(())
/// # }
/// ```
pub struct Decompressor {
    config: StreamConfig,
    /// Earlier output and room for the next block, in one buffer, so a block
    /// decodes in place right after the history it refers to.
    window: Window,
    /// Where the last block's output sits in `window`.
    last: Range<usize>,
    /// Blocks decoded so far: the index of the next one, for error messages.
    blocks: u64,
    /// `config.max_block_size()`, which every size prefix is checked against:
    /// kept, because it takes a division.
    max_block_size: usize,
}

impl Decompressor {
    /// A decompressor for streams written with `config` (the same page size,
    /// prefix width and dictionary the writer used).
    pub fn new(config: StreamConfig) -> Result<Self, Error> {
        config.validate()?;
        Ok(Self::with_valid_config(config))
    }

    /// A decompressor for a configuration already validated.
    pub(crate) fn with_valid_config(config: StreamConfig) -> Self {
        let window = Window::new(config.get_buffer_size(), config.dictionary_window());
        Decompressor {
            max_block_size: config.max_block_size(),
            config,
            window,
            last: 0..0,
            blocks: 0,
        }
    }

    /// The configuration this decompressor was built with.
    pub fn config(&self) -> &StreamConfig {
        &self.config
    }

    /// Width of the size prefix in front of each block, in bytes.
    pub fn prefix_width(&self) -> usize {
        self.config.get_size_prefix().width()
    }

    /// Number of blocks decoded so far.
    pub fn blocks_decoded(&self) -> u64 {
        self.blocks
    }

    /// The first block of `stream`, without its size prefix — python-lz4's
    /// `get_block`. The next block starts `prefix_width() + block.len()` bytes
    /// further on.
    ///
    /// An empty block is a zero size prefix: liblz4's end-of-stream marker.
    ///
    /// # Errors
    ///
    /// [`Error::IncompleteBlock`] when `stream` does not hold a whole block (more
    /// of the stream is needed); [`Error::Corrupt`] when the prefix announces
    /// more than a page can compress to; [`Error::OutOfBandSizes`] with
    /// [`SizePrefix::OutOfBand`].
    pub fn get_block<'a>(&self, stream: &'a [u8]) -> Result<&'a [u8], Error> {
        let prefix = self.config.get_size_prefix();
        if prefix == SizePrefix::OutOfBand {
            return Err(Error::OutOfBandSizes("get_block"));
        }
        let width = prefix.width();
        if stream.len() < width {
            return Err(Error::IncompleteBlock {
                needed: width as u64,
                available: stream.len(),
            });
        }
        let size = prefix.decode(&stream[..width]);
        let size = self
            .check_block_size(size)
            .map_err(|kind| self.corrupt(kind))?;
        let needed = width + size;
        if stream.len() < needed {
            return Err(Error::IncompleteBlock {
                needed: needed as u64,
                available: stream.len(),
            });
        }
        Ok(&stream[width..needed])
    }

    /// Decodes one block (without its size prefix) and returns its chunk.
    ///
    /// The block may refer to up to 64 KiB of earlier output (or the
    /// dictionary). An empty block decodes to nothing. On error the history is
    /// unchanged.
    ///
    /// # Errors
    ///
    /// [`Error::Corrupt`] when the block is longer than a page can compress to,
    /// is not valid LZ4, refers to data before the start of the history, or
    /// decodes to more than one page.
    pub fn decompress(&mut self, block: &[u8]) -> Result<&[u8], Error> {
        self.decompress_block(block)
            .map_err(|kind| self.corrupt(kind))?;
        Ok(self.last_output())
    }

    /// Checks a size prefix against the largest block a page can produce.
    pub(crate) fn check_block_size(&self, size: u64) -> Result<usize, Corruption> {
        let max = self.max_block_size;
        if size > max as u64 {
            return Err(Corruption::BlockTooLarge {
                size,
                max,
                buffer_size: self.config.get_buffer_size(),
            });
        }
        Ok(size as usize)
    }

    /// Decodes `block` into the window; the output is then `last_output()`.
    pub(crate) fn decompress_block(&mut self, block: &[u8]) -> Result<usize, Corruption> {
        self.decompress_padded_block(block, block.len())
    }

    /// [`Decompressor::decompress_block`] for the block `padded[..len]`,
    /// whose following bytes the decoder may read (see `decode_padded_block`):
    /// a reader's block buffer past the block, or the rest of a fed slice.
    pub(crate) fn decompress_padded_block(
        &mut self,
        padded: &[u8],
        len: usize,
    ) -> Result<usize, Corruption> {
        let block = &padded[..len];
        self.check_block_size(block.len() as u64)?;
        if block.is_empty() {
            self.last = 0..0;
            self.blocks += 1;
            return Ok(0);
        }
        let room = self.room_for(block);
        let (buf, pos) = self.window.output_space(room);
        let end = decode_padded_block(padded, len, buf, pos, pos + room)
            .map_err(|err| self.block_error(err))?;
        let len = end - pos;
        self.last = self.window.commit(len);
        self.blocks += 1;
        Ok(len)
    }

    /// Decodes `block` straight after `out[..*end]` and moves `*end` past its
    /// output, instead of into the window: this saves copying every chunk out
    /// of the window when all of the output goes to one vector anyway.
    ///
    /// `out[..*end]` must end with the last 64 KiB of this stream's output
    /// (so at least 64 KiB of it): that is the history the block refers to.
    /// `out[*end..]` is scratch space: the vector is grown (with zeros) to hold
    /// the page and the decoder's margin, and the caller truncates it to
    /// `*end` when done. The window does not see this output: call
    /// [`Decompressor::replace_history`] before decoding into it again (the
    /// stream decoder's `DecodeOnto` session does, when it is dropped).
    ///
    /// The scratch space never makes the vector reallocate: when a page of
    /// room does not fit its capacity (an exactly sized vector near its end),
    /// the block goes through the window and only its real output is
    /// appended, so the vector grows only if that output does not fit.
    ///
    /// The block is `padded[..len]`, as in
    /// [`Decompressor::decompress_padded_block`].
    #[inline]
    pub(crate) fn decompress_block_onto(
        &mut self,
        padded: &[u8],
        len: usize,
        out: &mut Vec<u8>,
        end: &mut usize,
    ) -> Result<usize, Corruption> {
        debug_assert!(*end >= WINDOW_SIZE && *end <= out.len());
        let block = &padded[..len];
        self.check_block_size(block.len() as u64)?;
        let room = self.room_for(block);
        if block.is_empty() || *end + room > out.capacity() {
            self.replace_history(&out[..*end]);
            let len = self.decompress_padded_block(padded, len)?;
            out.truncate(*end);
            out.extend_from_slice(self.last_output());
            *end += len;
            self.last = 0..0;
            return Ok(len);
        }
        self.last = 0..0;
        // Zeroing is the price of handing the decoder initialized memory in
        // safe Rust; the vector keeps its length from block to block, so
        // within one call each byte is zeroed once, shortly before the
        // decoder writes it. Without the full margin the decoder is only
        // slower near the end of the room, never wrong.
        let wanted = (*end + room + WILD_MARGIN).min(out.capacity());
        if out.len() < wanted {
            // Zero at least ZERO_AHEAD bytes at a time (within the capacity,
            // so never a reallocation): the same bytes, but with small pages
            // one call per 2 KiB of output instead of one per block.
            let ahead = (out.len() + ZERO_AHEAD).min(out.capacity());
            out.resize(wanted.max(ahead), 0);
        }
        let new_end = decode_padded_block(padded, len, out, *end, *end + room)
            .map_err(|err| self.block_error(err))?;
        let len = new_end - *end;
        *end = new_end;
        self.blocks += 1;
        Ok(len)
    }

    /// Makes `history` (its last 64 KiB) the history the next block refers
    /// to, after blocks were decoded with [`Decompressor::decompress_block_onto`].
    pub(crate) fn replace_history(&mut self, history: &[u8]) {
        self.window.replace_history(history);
        self.last = 0..0;
    }

    /// Where the last `count` bytes of output sit in the window (at most the
    /// window's history; the window must be up to date).
    pub(crate) fn recent_output(&self, count: usize) -> Range<usize> {
        let end = self.window.history_len();
        end - count.min(end)..end
    }

    /// The output room a block needs: at most a page, and less for a small
    /// block. Every byte of an LZ4 block yields at most 255 bytes of output,
    /// so a small block never needs a whole (possibly huge) page of room. The
    /// extra `MF_LIMIT` keeps the end-of-block rules, which the decoder checks
    /// against the end of the room, from ever firing earlier than they would
    /// against the end of the page.
    #[inline]
    fn room_for(&self, block: &[u8]) -> usize {
        let buffer_size = self.config.get_buffer_size();
        buffer_size.min(block.len().saturating_mul(255).saturating_add(MF_LIMIT))
    }

    fn block_error(&self, err: BlockError) -> Corruption {
        match err {
            BlockError::PageOverflow => Corruption::PageOverflow {
                buffer_size: self.config.get_buffer_size(),
            },
            BlockError::OffsetBeforeHistory {
                at,
                offset,
                available,
            } => Corruption::OffsetBeforeHistory {
                at,
                offset,
                available,
            },
            other => Corruption::InvalidBlock(other.to_string()),
        }
    }

    /// The chunk the last successful `decompress` produced.
    pub(crate) fn last_output(&self) -> &[u8] {
        self.window.get(self.last.clone())
    }

    /// Where the last chunk sits in the window (for the reader's `BufRead`).
    pub(crate) fn last_range(&self) -> Range<usize> {
        self.last.clone()
    }

    /// Bytes of the window in `range` (a sub-range of `last_range()`).
    pub(crate) fn window_bytes(&self, range: Range<usize>) -> &[u8] {
        self.window.get(range)
    }

    fn corrupt(&self, kind: Corruption) -> Error {
        Error::Corrupt {
            block: self.blocks,
            offset: None,
            kind,
        }
    }

    /// Bytes allocated for the history window.
    pub fn window_capacity(&self) -> usize {
        self.window.capacity()
    }
}

impl fmt::Debug for Decompressor {
    /// Configuration, blocks decoded and the window's state: a few lines,
    /// not the 64 KiB of history.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decompressor")
            .field("config", &self.config)
            .field("blocks_decoded", &self.blocks)
            .field("window", &self.window)
            .field("last_chunk_len", &self.last.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::Compressor;

    #[test]
    fn debug_is_short_whatever_was_decoded() {
        let config = StreamConfig::default()
            .buffer_size(8192)
            .dictionary(vec![3u8; 70_000]);
        let mut compressor = Compressor::new(config.clone()).unwrap();
        let mut decompressor = Decompressor::new(config).unwrap();
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        for chunk in data.chunks(8192) {
            let block = compressor.compress(chunk).unwrap();
            let block = decompressor.get_block(block).unwrap();
            decompressor.decompress(block).unwrap();
        }
        let debug = format!("{decompressor:?}");
        assert!(debug.len() < 400, "{} chars: {debug}", debug.len());
        for part in [
            "Decompressor { config: StreamConfig { buffer_size: 8192",
            "blocks_decoded: 25",
            "window: Window { kept_len: ",
            &format!("last_chunk_len: {}", 200_000 - 24 * 8192),
        ] {
            assert!(debug.contains(part), "{part:?} not in {debug}");
        }
    }
}
