//! Stream configuration: page size, size-prefix width, preset dictionary,
//! end marker, compression mode, history strategy and worker count,
//! validated once, here, the way python-lz4 validates them.

use std::fmt;
use std::sync::Arc;

use crate::error::{ConfigError, Error};
use crate::limits::{
    compress_bound, DEFAULT_BUFFER_SIZE, MAX_BUFFER_SIZE, MAX_WORKERS, WINDOW_SIZE,
};

mod mode;
mod strategy;

pub use mode::CompressionMode;
pub use strategy::Strategy;

/// How each block's compressed length is stored in front of it
/// (python-lz4's `store_comp_size`).
///
/// python-lz4 and this crate always write the prefix little-endian.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SizePrefix {
    /// No prefix: the block lengths travel out of band (`store_comp_size=0`).
    /// Only the [`block`](crate::block) API supports this.
    OutOfBand,
    /// One byte (`store_comp_size=1`): pages up to 239 bytes (python-lz4 accepts 239).
    U8,
    /// Two bytes (`store_comp_size=2`): pages up to 65 264 bytes.
    U16,
    /// Four bytes (`store_comp_size=4`, python-lz4's default and ours).
    #[default]
    U32,
}

impl SizePrefix {
    /// The prefix for python-lz4's `store_comp_size` value (0, 1, 2 or 4).
    ///
    /// ```
    /// use lz4_stream::SizePrefix;
    /// assert_eq!(SizePrefix::from_bytes(2).unwrap(), SizePrefix::U16);
    /// assert!(SizePrefix::from_bytes(3).is_err());
    /// ```
    pub fn from_bytes(width: usize) -> Result<SizePrefix, Error> {
        match width {
            0 => Ok(SizePrefix::OutOfBand),
            1 => Ok(SizePrefix::U8),
            2 => Ok(SizePrefix::U16),
            4 => Ok(SizePrefix::U32),
            other => Err(ConfigError::PrefixWidth(other).into()),
        }
    }

    /// The prefix width in bytes (python-lz4's `store_comp_size`).
    pub const fn width(self) -> usize {
        match self {
            SizePrefix::OutOfBand => 0,
            SizePrefix::U8 => 1,
            SizePrefix::U16 => 2,
            SizePrefix::U32 => 4,
        }
    }

    /// The largest block length this prefix may announce. Four-byte prefixes
    /// stop at `i32::MAX`, as python-lz4 and liblz4 (which use `int`) do.
    pub const fn max_value(self) -> u64 {
        match self {
            SizePrefix::U8 => u8::MAX as u64,
            SizePrefix::U16 => u16::MAX as u64,
            SizePrefix::OutOfBand | SizePrefix::U32 => i32::MAX as u64,
        }
    }

    /// Writes `len` little-endian into `out[..self.width()]`.
    pub(crate) fn encode(self, len: usize, out: &mut [u8]) {
        // One fixed-width store per width: a copy of `width()` bytes would be
        // a call to memcpy for every block (about 40 instructions at 512-byte
        // pages, where a block costs a few thousand).
        let bytes = (len as u64).to_le_bytes();
        match self {
            SizePrefix::OutOfBand => {}
            SizePrefix::U8 => out[0] = bytes[0],
            SizePrefix::U16 => out[..2].copy_from_slice(&bytes[..2]),
            SizePrefix::U32 => out[..4].copy_from_slice(&bytes[..4]),
        }
    }

    /// Reads a little-endian length from the first `self.width()` bytes of
    /// `bytes` (which may hold more). Fixed-width reads, as in `encode`: a
    /// copy of `width()` bytes would be a call to memcpy for every block.
    pub(crate) fn decode(self, bytes: &[u8]) -> u64 {
        match self {
            SizePrefix::OutOfBand => 0,
            SizePrefix::U8 => u64::from(bytes[0]),
            SizePrefix::U16 => u64::from(u16::from_le_bytes([bytes[0], bytes[1]])),
            SizePrefix::U32 => {
                u64::from(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
            }
        }
    }
}

/// The settings both ends of a stream must agree on: the reader cannot discover
/// any of them from the stream.
///
/// `StreamConfig::default()` is python-lz4's `buffer_size=65536,
/// store_comp_size=4, dictionary=''`. Builder methods take and return `self`;
/// the writer, reader and block codecs validate the result once, when they are
/// created.
///
/// ```
/// use lz4_stream::{SizePrefix, StreamConfig};
///
/// // python: LZ4StreamCompressor("double_buffer", 8192, store_comp_size=2,
/// //                             dictionary=b"...")
/// let config = StreamConfig::default()
///     .buffer_size(8192)
///     .size_prefix(SizePrefix::U16)
///     .dictionary(b"common words of the protocol".to_vec());
/// assert!(config.validate().is_ok());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct StreamConfig {
    buffer_size: usize,
    size_prefix: SizePrefix,
    /// Shared, because every codec built from this config keeps a reference and
    /// a dictionary can be 64 KiB or more.
    dictionary: Option<Arc<[u8]>>,
    end_marker: bool,
    mode: CompressionMode,
    strategy: Strategy,
    /// Compression threads as given: 0 stands for one per core, resolved
    /// when a writer starts (`resolved_workers`).
    workers: usize,
}

impl Default for StreamConfig {
    fn default() -> Self {
        StreamConfig {
            buffer_size: DEFAULT_BUFFER_SIZE,
            size_prefix: SizePrefix::U32,
            dictionary: None,
            end_marker: false,
            mode: CompressionMode::Default,
            strategy: Strategy::DoubleBuffer,
            workers: 1,
        }
    }
}

impl fmt::Debug for StreamConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Print the dictionary's length, not its (possibly 64 KiB) contents.
        f.debug_struct("StreamConfig")
            .field("buffer_size", &self.buffer_size)
            .field("size_prefix", &self.size_prefix)
            .field("dictionary_len", &self.dictionary.as_ref().map(|d| d.len()))
            .field("end_marker", &self.end_marker)
            .field("mode", &self.mode)
            .field("strategy", &self.strategy)
            .field("workers", &self.workers)
            .finish()
    }
}

impl StreamConfig {
    /// Same as [`StreamConfig::default`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the page size (python-lz4's `buffer_size`): every block holds at
    /// most this many bytes of input. 1 to 0x7E000000 bytes, and the worst-case
    /// compressed page must fit the size prefix.
    pub fn buffer_size(mut self, buffer_size: usize) -> Self {
        self.buffer_size = buffer_size;
        self
    }

    /// Sets how block lengths are stored (python-lz4's `store_comp_size`).
    pub fn size_prefix(mut self, size_prefix: SizePrefix) -> Self {
        self.size_prefix = size_prefix;
        self
    }

    /// Sets the preset dictionary (python-lz4's `dictionary`): the first block
    /// may refer to its last 64 KiB. An empty dictionary means none.
    ///
    /// Any byte container will do (`&[u8]`, `b"..."`, `Vec<u8>`, `Box<[u8]>`,
    /// `Arc<[u8]>`, `&str`, ...); the bytes are copied once into a buffer
    /// that every codec built from this configuration shares.
    ///
    /// ```
    /// use lz4_stream::StreamConfig;
    ///
    /// // python: LZ4StreamCompressor("double_buffer", 65536, dictionary=b"GET POST")
    /// let config = StreamConfig::default().dictionary(b"GET POST");
    /// assert_eq!(config.get_dictionary(), Some(&b"GET POST"[..]));
    /// assert_eq!(StreamConfig::default().dictionary(Vec::new()).get_dictionary(), None);
    /// ```
    pub fn dictionary(mut self, dictionary: impl AsRef<[u8]>) -> Self {
        let dictionary = dictionary.as_ref();
        self.dictionary = (!dictionary.is_empty()).then(|| Arc::from(dictionary));
        self
    }

    /// When `true`, [`Lz4StreamWriter::finish`](crate::Lz4StreamWriter::finish)
    /// ends the stream with a zero size prefix, as liblz4's
    /// `blockStreaming_doubleBuffer.c` example does. Off by default: python-lz4
    /// does not understand the marker (it fails on a zero-length block). The
    /// reader always accepts it.
    pub fn end_marker(mut self, end_marker: bool) -> Self {
        self.end_marker = end_marker;
        self
    }

    /// Sets how hard the writer compresses (python-lz4's `mode`,
    /// `acceleration` and `compression_level`). Only the compressing side
    /// uses it; readers decode every mode.
    pub fn mode(mut self, mode: CompressionMode) -> Self {
        self.mode = mode;
        self
    }

    /// Sets what a block may refer to (python-lz4's `strategy`): only the
    /// previous chunk ([`Strategy::DoubleBuffer`], the default, which
    /// python-lz4 reads) or the whole last 64 KiB of the stream
    /// ([`Strategy::RingBuffer`], smaller with small pages, but only for
    /// decoders that keep 64 KiB of history — see [`Strategy`]). Only the
    /// compressing side uses it; readers decode both.
    ///
    /// A ring-buffer block depends on everything in the last 64 KiB, not only
    /// on the chunk before it, so its blocks are compressed one after another:
    /// unlike double-buffer blocks, they cannot be split among threads one
    /// chunk each: [`workers`](Self::workers) other than 1 with the ring
    /// buffer is rejected ([`ConfigError::RingBufferWorkers`]).
    pub fn strategy(mut self, strategy: Strategy) -> Self {
        self.strategy = strategy;
        self
    }

    /// Sets how many threads the stream writers compress pages on (zstd's
    /// `nbWorkers`, `lz4 -T`). 1, the default, compresses on the caller's
    /// thread; 0 means one thread per available core
    /// ([`std::thread::available_parallelism`]); at most [`MAX_WORKERS`].
    ///
    /// With 2 or more, pages are compressed by worker threads the writer
    /// owns (pigz's scheme: a block refers only to the chunk before it, so
    /// any run of pages can be compressed once it is full), and the blocks
    /// are written in order. A worker's job is a run of consecutive pages of
    /// about 256 KiB (256 KiB divided by the page size, at least 1 page and
    /// at most 16; a flush or the end of the stream ends a job early), which
    /// it compresses one after the other as the single-threaded writer does;
    /// only a job's first page has its history (the page before the job)
    /// indexed afresh. The output is the same for every worker count
    /// from 2 up: a function of the configuration, the input and the flush
    /// points only. In the high modes with levels 3 to 12 it is also the
    /// same as one worker's; in the default, fast and high 1-2 modes a
    /// job's first page finds the page before it indexed more sparsely
    /// than the single-threaded encoder has it, so the bytes differ (the
    /// size by less than 0.5%; see the README). python-lz4 and liblz4
    /// decode it either way.
    ///
    /// Memory grows with the count, not with the stream: each worker keeps
    /// an encoder (its window of four pages, or 64 KiB and one page for
    /// smaller pages, and its match-finder
    /// tables, up to 640 KiB at the high levels), and up to two jobs per
    /// worker are in flight, each a buffer of its pages and one of their
    /// blocks, plus the job being filled and the one before the oldest:
    /// about (2 x workers + 3) x 2 x 256 KiB of job buffers with pages of up
    /// to 256 KiB (2 workers, 64 KiB pages: a 3.3 MB peak measured), and
    /// (2 x workers + 3) x 2 x the page size with larger pages. Without
    /// workers the writer holds one page and one block. Only the stream writers (through
    /// [`StreamEncoder`](crate::stream::StreamEncoder)) use workers;
    /// [`block::Compressor`](crate::block::Compressor) compresses on the
    /// caller's thread. The ring buffer ([`Strategy::RingBuffer`]) needs
    /// every block in turn, so with it any value but 1 is rejected.
    ///
    /// Threads are started as pages arrive. When the system refuses one,
    /// the writer goes on with the threads it has, and with none compresses
    /// on the caller's thread: the same blocks, and no error.
    ///
    /// ```
    /// use std::io::Write;
    /// use lz4_stream::{CompressionMode, Lz4StreamWriter, StreamConfig};
    ///
    /// # fn main() -> std::io::Result<()> {
    /// let config = StreamConfig::default()
    ///     .mode(CompressionMode::High { level: 9 })
    ///     .workers(0); // one per core
    /// let mut writer = Lz4StreamWriter::with_config(Vec::new(), config)?;
    /// writer.write_all(&b"parallel pages, ".repeat(20_000))?;
    /// let compressed = writer.finish()?;
    /// # assert!(compressed.len() < 20_000);
    /// # Ok(())
    /// # }
    /// ```
    pub fn workers(mut self, workers: usize) -> Self {
        self.workers = workers;
        self
    }

    /// The page size.
    pub fn get_buffer_size(&self) -> usize {
        self.buffer_size
    }

    /// The size-prefix width.
    pub fn get_size_prefix(&self) -> SizePrefix {
        self.size_prefix
    }

    /// The preset dictionary, if any (all of it; only the last 64 KiB are used).
    pub fn get_dictionary(&self) -> Option<&[u8]> {
        self.dictionary.as_deref()
    }

    /// Whether the writer ends the stream with a zero size prefix.
    pub fn get_end_marker(&self) -> bool {
        self.end_marker
    }

    /// The compression mode.
    pub fn get_mode(&self) -> CompressionMode {
        self.mode
    }

    /// The history strategy.
    pub fn get_strategy(&self) -> Strategy {
        self.strategy
    }

    /// The worker count as set: 0 means one per available core (see
    /// [`workers`](Self::workers)).
    pub fn get_workers(&self) -> usize {
        self.workers
    }

    /// The number of compression threads a writer runs: the configured
    /// count, with 0 replaced by the number of available cores (1 if that
    /// cannot be told).
    pub fn resolved_workers(&self) -> usize {
        match self.workers {
            0 => std::thread::available_parallelism()
                .map_or(1, |cores| cores.get())
                .min(MAX_WORKERS),
            workers => workers,
        }
    }

    /// The part of the dictionary an LZ4 match can reach: its last 64 KiB.
    pub(crate) fn dictionary_window(&self) -> &[u8] {
        let dict = self.dictionary.as_deref().unwrap_or(&[]);
        &dict[dict.len().saturating_sub(WINDOW_SIZE)..]
    }

    /// The largest compressed block one page can produce.
    pub fn max_block_size(&self) -> usize {
        compress_bound(self.buffer_size)
    }

    /// Checks the configuration as python-lz4 does, with an error that says what
    /// is wrong and what is allowed.
    ///
    /// ```
    /// use lz4_stream::{SizePrefix, StreamConfig};
    /// let err = StreamConfig::default()
    ///     .buffer_size(1000)
    ///     .size_prefix(SizePrefix::U8)
    ///     .validate()
    ///     .unwrap_err();
    /// assert!(err.to_string().contains("at most 239 bytes"));
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        if self.buffer_size == 0 || self.buffer_size > MAX_BUFFER_SIZE {
            return Err(ConfigError::BufferSize(self.buffer_size).into());
        }
        let bound = compress_bound(self.buffer_size);
        let max_prefix = self.size_prefix.max_value();
        if bound as u64 > max_prefix {
            return Err(ConfigError::PrefixTooNarrow {
                buffer_size: self.buffer_size,
                bound,
                width: self.size_prefix.width(),
                max_prefix,
                max_buffer_size: max_buffer_size_for(max_prefix),
            }
            .into());
        }
        self.mode.validate()?;
        if self.workers > MAX_WORKERS {
            return Err(ConfigError::Workers(self.workers).into());
        }
        if self.workers != 1 && self.strategy == Strategy::RingBuffer {
            return Err(ConfigError::RingBufferWorkers {
                workers: self.workers,
            }
            .into());
        }
        Ok(())
    }
}

impl StreamConfig {
    /// [`StreamConfig::validate`], and in-band size prefixes: a byte stream
    /// cannot carry out-of-band block lengths. `who` names the type that
    /// refuses them.
    pub(crate) fn validate_for_byte_stream(&self, who: &'static str) -> Result<(), Error> {
        self.validate()?;
        if self.size_prefix == SizePrefix::OutOfBand {
            return Err(Error::OutOfBandSizes(who));
        }
        Ok(())
    }
}

/// The largest page whose worst-case block fits a prefix holding `max_prefix`.
fn max_buffer_size_for(max_prefix: u64) -> usize {
    // compress_bound is monotonic, so search the largest b with bound(b) <= max.
    let (mut lo, mut hi) = (0usize, MAX_BUFFER_SIZE);
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if compress_bound(mid) as u64 <= max_prefix {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    lo
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dictionary_takes_the_usual_byte_containers() {
        use crate::block::{Compressor, Decompressor};

        let words: &[u8] = b"the quick brown fox jumps over the lazy dog";
        let array: &[u8; 43] = b"the quick brown fox jumps over the lazy dog";
        let vec: Vec<u8> = words.to_vec();
        let boxed: Box<[u8]> = words.into();
        let arc: Arc<[u8]> = words.into();
        let configs = [
            StreamConfig::default().dictionary(words),
            StreamConfig::default().dictionary(array),
            StreamConfig::default().dictionary(b"the quick brown fox jumps over the lazy dog"),
            StreamConfig::default().dictionary(&vec),
            StreamConfig::default().dictionary(vec),
            StreamConfig::default().dictionary(boxed),
            StreamConfig::default().dictionary(Arc::clone(&arc)),
            StreamConfig::default().dictionary(&arc),
            StreamConfig::default().dictionary("the quick brown fox jumps over the lazy dog"),
        ];
        let chunk = b"the lazy dog jumps over the quick brown fox";
        let mut compressor = Compressor::new(configs[0].clone()).unwrap();
        let block = compressor.compress(chunk).unwrap().to_vec();
        // The dictionary is used: the block is much smaller than the chunk.
        assert!(block.len() < chunk.len() / 2 + 4, "{}", block.len());
        for config in configs {
            assert_eq!(config.get_dictionary(), Some(words));
            assert_eq!(config, StreamConfig::default().dictionary(words));
            let mut compressor = Compressor::new(config.clone()).unwrap();
            assert_eq!(compressor.compress(chunk).unwrap(), block);
            let mut decompressor = Decompressor::new(config).unwrap();
            let body = decompressor.get_block(&block).unwrap();
            assert_eq!(decompressor.decompress(body).unwrap(), chunk);
        }
        // Empty means none, whatever the container.
        assert_eq!(
            StreamConfig::default().dictionary(b""),
            StreamConfig::default()
        );
        assert_eq!(
            StreamConfig::default()
                .dictionary(Vec::new())
                .get_dictionary(),
            None
        );
    }

    #[test]
    fn prefix_limits_match_python_lz4() {
        assert_eq!(max_buffer_size_for(SizePrefix::U8.max_value()), 239);
        assert_eq!(max_buffer_size_for(SizePrefix::U16.max_value()), 65_264);
        assert_eq!(
            max_buffer_size_for(SizePrefix::U32.max_value()),
            MAX_BUFFER_SIZE
        );
    }

    #[test]
    fn validation_bounds() {
        let ok = |b, p| StreamConfig::new().buffer_size(b).size_prefix(p).validate();
        assert!(ok(239, SizePrefix::U8).is_ok());
        assert!(ok(240, SizePrefix::U8).is_err());
        assert!(ok(65_264, SizePrefix::U16).is_ok());
        assert!(ok(65_265, SizePrefix::U16).is_err());
        assert!(ok(MAX_BUFFER_SIZE, SizePrefix::U32).is_ok());
        assert!(ok(MAX_BUFFER_SIZE + 1, SizePrefix::U32).is_err());
        assert!(ok(0, SizePrefix::OutOfBand).is_err());
        assert!(ok(1, SizePrefix::OutOfBand).is_ok());
    }

    #[test]
    fn worker_counts() {
        let workers = |n| StreamConfig::new().workers(n).validate();
        assert!(workers(1).is_ok());
        assert!(workers(0).is_ok());
        assert!(workers(MAX_WORKERS).is_ok());
        let err = workers(MAX_WORKERS + 1).unwrap_err().to_string();
        assert!(err.contains("workers 257 is out of range"), "{err}");
        assert!(workers(usize::MAX).is_err());
        assert_eq!(StreamConfig::new().resolved_workers(), 1);
        assert_eq!(StreamConfig::new().workers(7).resolved_workers(), 7);
        let all = StreamConfig::new().workers(0).resolved_workers();
        assert!((1..=MAX_WORKERS).contains(&all));
    }

    #[test]
    fn the_ring_buffer_runs_on_one_thread_only() {
        let ring = StreamConfig::new().strategy(Strategy::RingBuffer);
        assert!(ring.clone().workers(1).validate().is_ok());
        for workers in [0, 2, 8] {
            let err = ring.clone().workers(workers).validate().unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::Config(ConfigError::RingBufferWorkers { workers: w }) if w == workers
                ),
                "{err:?}"
            );
            assert!(err.to_string().contains("Strategy::RingBuffer"), "{err}");
        }
    }

    #[test]
    fn prefix_round_trip() {
        for prefix in [SizePrefix::U8, SizePrefix::U16, SizePrefix::U32] {
            // The largest value, one with a different byte in every place
            // (little-endian: 0x01 first), and zero.
            let distinct = 0x0403_0201 & prefix.max_value() as usize;
            for value in [prefix.max_value() as usize, distinct, 0] {
                let mut buf = [0u8; 4];
                prefix.encode(value, &mut buf);
                assert_eq!(buf[0], value as u8);
                assert_eq!(prefix.decode(&buf[..prefix.width()]), value as u64);
            }
        }
    }

    #[test]
    fn dictionary_window_is_the_last_64k() {
        let dict: Vec<u8> = (0..100_000u32).map(|i| i as u8).collect();
        let config = StreamConfig::new().dictionary(dict.clone());
        assert_eq!(config.dictionary_window(), &dict[100_000 - WINDOW_SIZE..]);
        assert_eq!(
            StreamConfig::new().dictionary(Vec::new()).get_dictionary(),
            None
        );
    }
}
