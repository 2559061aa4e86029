//! Block-level compression: one chunk in, one prefixed block out.

use std::fmt;

use crate::codec::encode::Encoder;
use crate::config::{SizePrefix, StreamConfig};
use crate::error::Error;
use crate::limits::compress_bound;

/// Turns chunks of at most one page into prefixed LZ4 blocks, each allowed to
/// refer to the history before it — python-lz4's `LZ4StreamCompressor`.
///
/// With [`Strategy::DoubleBuffer`](crate::Strategy::DoubleBuffer) (the
/// default) a block refers only to the previous chunk (or, for the first
/// block, the preset dictionary), never further back: that is what
/// python-lz4's and liblz4's double-buffer decoders can read, as they keep
/// only two pages. With [`Strategy::RingBuffer`](crate::Strategy::RingBuffer)
/// it refers to anything in the last 64 KiB, for decoders that keep that much.
/// Either way the compressor keeps at most 64 KiB of history.
///
/// ```
/// use lz4_stream::block::Compressor;
/// use lz4_stream::{SizePrefix, StreamConfig};
///
/// # fn main() -> Result<(), lz4_stream::Error> {
/// // python: LZ4StreamCompressor("double_buffer", 8192, store_comp_size=2)
/// let config = StreamConfig::default().buffer_size(8192).size_prefix(SizePrefix::U16);
/// let mut compressor = Compressor::new(config)?;
/// let mut stream = Vec::new();
/// for chunk in b"a stream of chunks, each at most one page long".chunks(10) {
///     stream.extend_from_slice(compressor.compress(chunk)?);
/// }
/// # Ok(())
/// # }
/// ```
pub struct Compressor {
    config: StreamConfig,
    /// The LZ4 encoder for the configured mode; it keeps the previous chunk
    /// (the caller's slice is gone by then) and its match-finder tables.
    encoder: Encoder,
    /// The last block, prefix included, in `out[..out_len]`; reused so
    /// compression allocates nothing per block.
    out: Vec<u8>,
    out_len: usize,
}

impl Compressor {
    /// A compressor for `config`, validated first.
    pub fn new(config: StreamConfig) -> Result<Self, Error> {
        config.validate()?;
        Ok(Self::with_valid_config(config))
    }

    /// A compressor for a configuration already validated.
    pub(crate) fn with_valid_config(config: StreamConfig) -> Self {
        let encoder = Encoder::new(
            config.get_mode(),
            config.get_strategy(),
            config.get_buffer_size(),
            config.dictionary_window(),
        );
        Compressor {
            config,
            encoder,
            out: Vec::new(),
            out_len: 0,
        }
    }

    /// The configuration this compressor was built with.
    pub fn config(&self) -> &StreamConfig {
        &self.config
    }

    /// Compresses one chunk of at most one page into one block, returned with
    /// its size prefix (none with [`SizePrefix::OutOfBand`](crate::SizePrefix::OutOfBand),
    /// where the caller records `block.len()` itself).
    ///
    /// An empty chunk gives a 1-byte empty block (as python-lz4 writes it).
    /// With the double buffer it starts the history afresh: the next block
    /// refers to nothing before it (python-lz4's own compressor can corrupt
    /// the stream after an empty chunk; this one cannot). With the ring buffer
    /// it changes nothing else: the history stays, as in liblz4's ring loop.
    ///
    /// The block is compressed in the configured
    /// [`CompressionMode`](crate::CompressionMode).
    ///
    /// # Errors
    ///
    /// [`Error::ChunkTooLarge`] when `chunk` is longer than the page size.
    pub fn compress(&mut self, chunk: &[u8]) -> Result<&[u8], Error> {
        let buffer_size = self.config.get_buffer_size();
        if chunk.len() > buffer_size {
            return Err(Error::ChunkTooLarge {
                len: chunk.len(),
                buffer_size,
            });
        }
        let prefix = self.config.get_size_prefix();
        let capacity = framed_bound(prefix, chunk.len());
        if self.out.len() < capacity {
            self.out.resize(capacity, 0);
        }
        let len = frame(&mut self.encoder, prefix, chunk, &mut self.out);
        self.out_len = len;
        Ok(&self.out[..len])
    }

    /// The block the last successful `compress` returned, prefix included (the
    /// writer drains it from here, so compressed bytes are never copied).
    #[inline]
    pub(crate) fn last_block(&self) -> &[u8] {
        &self.out[..self.out_len]
    }
}

impl fmt::Debug for Compressor {
    /// Configuration, encoder state and the last block's length: a few
    /// lines, not the page and the match tables.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Compressor")
            .field("config", &self.config)
            .field("encoder", &self.encoder)
            .field("last_block_len", &self.out_len)
            .finish()
    }
}

/// The most bytes [`frame`] writes for a chunk of `len` bytes: the size
/// prefix and LZ4's worst case.
pub(crate) fn framed_bound(prefix: SizePrefix, len: usize) -> usize {
    prefix.width() + compress_bound(len)
}

/// Compresses `chunk` (at most one page) with `encoder` into `out` as one
/// block with its size prefix and returns the block's length, prefix
/// included; `out` must hold [`framed_bound`] bytes. The one place blocks
/// are framed: the [`Compressor`] and the parallel engine's workers both call
/// it.
#[inline]
pub(crate) fn frame(
    encoder: &mut Encoder,
    prefix: SizePrefix,
    chunk: &[u8],
    out: &mut [u8],
) -> usize {
    let width = prefix.width();
    let capacity = framed_bound(prefix, chunk.len());
    let len = encoder.compress(chunk, &mut out[width..capacity]);
    // LZ4's worst case is compress_bound, and the output buffer is that
    // long: a longer block is a bug in the encoder, not a condition a
    // caller could handle.
    assert!(
        len <= compress_bound(chunk.len()),
        "LZ4 block exceeded compress_bound"
    );
    prefix.encode(len, &mut out[..width]);
    width + len
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CompressionMode;

    #[test]
    fn debug_is_short_whatever_was_compressed() {
        for mode in [
            CompressionMode::Default,
            CompressionMode::High { level: 2 },
            CompressionMode::High { level: 9 },
            CompressionMode::High { level: 12 },
        ] {
            let config = StreamConfig::default()
                .mode(mode)
                .dictionary(vec![7u8; 70_000]);
            let mut compressor = Compressor::new(config).unwrap();
            let data: Vec<u8> = (0..3 * 65_536u32).map(|i| (i % 251) as u8).collect();
            for chunk in data.chunks(65_536) {
                compressor.compress(chunk).unwrap();
            }
            let debug = format!("{compressor:?}");
            assert!(
                debug.len() < 600,
                "{mode:?}: {} chars: {debug}",
                debug.len()
            );
            for part in [
                "Compressor { config: StreamConfig { buffer_size: 65536",
                "dictionary_len: Some(70000)",
                "encoder: Encoder { finder: ",
                "history_len: 65536",
                &format!("last_block_len: {}", compressor.last_block().len()),
            ] {
                assert!(debug.contains(part), "{part:?} not in {debug}");
            }
        }
    }
}
