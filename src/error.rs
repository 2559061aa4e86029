//! The crate's error type: one enum that tells apart bad configuration, misuse,
//! corrupt input, truncated input and I/O failure.

use std::io;

/// Everything that can go wrong in this crate.
///
/// Converts into [`io::Error`] with a fitting kind, so the `Read`/`Write`
/// adapters can report it through the standard traits; the original `Error` can
/// be recovered from such an `io::Error` with [`io::Error::into_inner`] and
/// `downcast`.
///
/// It is `Clone`, so a failed stream can hand the same typed error out again
/// on every later call. [`io::Error`] itself cannot be cloned: a clone of
/// [`Error::Io`] keeps the kind and the message, not the inner error's
/// source (the one `Io` error the stream layer may store, when the parallel
/// writer's threads have stopped, has none).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration cannot describe a valid stream (see [`ConfigError`]).
    #[error("invalid configuration: {0}")]
    Config(#[from] ConfigError),

    /// A chunk handed to [`block::Compressor::compress`](crate::block::Compressor::compress)
    /// is larger than one page.
    #[error("chunk of {len} bytes does not fit a {buffer_size}-byte page")]
    ChunkTooLarge {
        /// Length of the rejected chunk.
        len: usize,
        /// The configured page size.
        buffer_size: usize,
    },

    /// The stream is not a valid LZ4 block stream for this configuration.
    ///
    /// The stream has no header, so a reader configured unlike the writer
    /// sees corruption; the message names the setting most likely to differ
    /// when the kind of corruption points to one.
    #[error(
        "corrupt stream at block {block}{}: {kind}; {}",
        offset_suffix(*.offset),
        kind.likely_cause()
    )]
    Corrupt {
        /// Index (from 0) of the offending block in the stream.
        block: u64,
        /// Byte offset of the block's size prefix in the stream, when known
        /// (the streaming reader knows it; the block API does not).
        offset: Option<u64>,
        /// What is wrong.
        kind: Corruption,
    },

    /// The stream ends inside a size prefix or inside a block.
    #[error(
        "truncated stream: block {block}{} is cut short ({got} of {needed} bytes of its {part})",
        offset_suffix(*.offset)
    )]
    Truncated {
        /// Index (from 0) of the incomplete block.
        block: u64,
        /// Byte offset of the block's size prefix in the stream, when known.
        offset: Option<u64>,
        /// Which part of the block was cut.
        part: BlockPart,
        /// Bytes that part needs.
        needed: u64,
        /// Bytes of it that were available.
        got: u64,
    },

    /// [`block::Decompressor::get_block`](crate::block::Decompressor::get_block)
    /// was given a slice that does not hold a whole block (python-lz4 raises
    /// `BufferError` here). Feed it more of the stream and ask again.
    #[error("incomplete block: {needed} bytes needed, {available} available")]
    IncompleteBlock {
        /// Bytes the first block (with its size prefix) needs.
        needed: u64,
        /// Bytes the slice holds.
        available: usize,
    },

    /// The operation needs in-band size prefixes, but the configuration uses
    /// [`SizePrefix::OutOfBand`](crate::SizePrefix::OutOfBand).
    #[error("{0} needs in-band size prefixes; with SizePrefix::OutOfBand use the block API and carry the block lengths yourself")]
    OutOfBandSizes(&'static str),

    /// The writer or encoder was given input after the stream was finished
    /// ([`Lz4StreamWriter::try_finish`](crate::Lz4StreamWriter::try_finish),
    /// [`StreamEncoder::finish`](crate::stream::StreamEncoder::finish), an
    /// async writer's shutdown). As an [`io::Error`] its kind is
    /// [`BrokenPipe`](io::ErrorKind::BrokenPipe), what a socket says to a
    /// write after its writing half was shut down.
    #[error("the stream is already finished: no more data can be written to it")]
    Finished,

    /// A compression thread of a multi-threaded writer
    /// ([`StreamConfig::workers`](crate::StreamConfig::workers)) panicked
    /// while compressing a block. The blocks before it were written; the
    /// stream cannot go on.
    #[error("a compression worker panicked on block {block}: {message}")]
    WorkerPanicked {
        /// Index (from 0) of the block being compressed.
        block: u64,
        /// The panic's message, when it had one.
        message: String,
    },

    /// The underlying reader or writer failed.
    #[error(transparent)]
    Io(#[from] io::Error),
}

impl Clone for Error {
    fn clone(&self) -> Self {
        match self {
            Error::Config(err) => Error::Config(err.clone()),
            Error::ChunkTooLarge { len, buffer_size } => Error::ChunkTooLarge {
                len: *len,
                buffer_size: *buffer_size,
            },
            Error::Corrupt {
                block,
                offset,
                kind,
            } => Error::Corrupt {
                block: *block,
                offset: *offset,
                kind: kind.clone(),
            },
            Error::Truncated {
                block,
                offset,
                part,
                needed,
                got,
            } => Error::Truncated {
                block: *block,
                offset: *offset,
                part: *part,
                needed: *needed,
                got: *got,
            },
            Error::IncompleteBlock { needed, available } => Error::IncompleteBlock {
                needed: *needed,
                available: *available,
            },
            Error::OutOfBandSizes(who) => Error::OutOfBandSizes(who),
            Error::Finished => Error::Finished,
            Error::WorkerPanicked { block, message } => Error::WorkerPanicked {
                block: *block,
                message: message.clone(),
            },
            Error::Io(err) => Error::Io(io::Error::new(err.kind(), err.to_string())),
        }
    }
}

fn offset_suffix(offset: Option<u64>) -> String {
    match offset {
        Some(offset) => format!(" (stream offset {offset})"),
        None => String::new(),
    }
}

/// Which part of a block a truncated stream cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockPart {
    /// The little-endian size prefix.
    SizePrefix,
    /// The compressed LZ4 block after the prefix.
    Body,
}

impl std::fmt::Display for BlockPart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BlockPart::SizePrefix => "size prefix",
            BlockPart::Body => "compressed body",
        })
    }
}

/// How a stream is corrupt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Corruption {
    /// The size prefix announces more bytes than any block of one page can take
    /// (`compress_bound(buffer_size)`); it is rejected before anything is read
    /// or allocated.
    #[error("size prefix announces {size} bytes, but a {buffer_size}-byte page compresses to at most {max}")]
    BlockTooLarge {
        /// The announced compressed size.
        size: u64,
        /// The largest compressed block a page can produce.
        max: usize,
        /// The configured page size.
        buffer_size: usize,
    },
    /// The block decodes to more than one page.
    #[error("block decodes to more than one {buffer_size}-byte page")]
    PageOverflow {
        /// The configured page size.
        buffer_size: usize,
    },
    /// A match refers to data before the start of the history: the writer
    /// had history (a dictionary) this reader does not.
    #[error("invalid LZ4 block: match offset {offset} at byte {at} reaches before the start of the history ({available} bytes available)")]
    OffsetBeforeHistory {
        /// Where the offset is in the block.
        at: usize,
        /// The match offset.
        offset: usize,
        /// Bytes of history (dictionary and output) there were to refer to.
        available: usize,
    },
    /// The block is not valid LZ4 (a length past the input, a zero offset,
    /// ...).
    #[error("invalid LZ4 block: {0}")]
    InvalidBlock(String),
}

impl Corruption {
    /// The reader setting most likely to differ from the writer's when the
    /// data itself is intact, as a clause for [`Error::Corrupt`]'s message.
    fn likely_cause(&self) -> &'static str {
        match self {
            // A narrower page than the writer's, or a prefix that takes block
            // bytes for length bytes, announces blocks no page can need.
            Corruption::BlockTooLarge { .. } => {
                "if the data is intact, the page size or the size-prefix width differs from the writer's"
            }
            Corruption::PageOverflow { .. } => {
                "if the data is intact, the page size is smaller than the writer's"
            }
            Corruption::OffsetBeforeHistory { .. } => {
                "if the data is intact, the dictionary differs from the writer's (or the writer used one and the reader has none)"
            }
            // Blocks cut in the wrong places decode as garbage.
            Corruption::InvalidBlock(_) => {
                "if the data is intact, the size-prefix width, page size or dictionary differs from the writer's"
            }
        }
    }
}

/// Why a [`StreamConfig`](crate::StreamConfig) was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// `buffer_size` is 0 or above liblz4's `LZ4_MAX_INPUT_SIZE`.
    #[error("buffer_size {0} is out of range: a page holds 1 to {max} bytes", max = crate::limits::MAX_BUFFER_SIZE)]
    BufferSize(usize),
    /// The worst-case compressed page does not fit the size prefix.
    #[error(
        "buffer_size {buffer_size} needs up to {bound} bytes per block, more than a {width}-byte size prefix can hold ({max_prefix}); with this prefix pages may be at most {max_buffer_size} bytes"
    )]
    PrefixTooNarrow {
        /// The configured page size.
        buffer_size: usize,
        /// `compress_bound(buffer_size)`.
        bound: usize,
        /// The prefix width in bytes.
        width: usize,
        /// The largest value the prefix may hold.
        max_prefix: u64,
        /// The largest page size this prefix allows.
        max_buffer_size: usize,
    },
    /// `SizePrefix::from_bytes` was given a width other than 0, 1, 2 or 4.
    #[error("a size prefix is 0 (out of band), 1, 2 or 4 bytes wide, not {0}")]
    PrefixWidth(usize),
    /// `CompressionMode::Fast` with an acceleration outside 1 to 65 537.
    #[error("acceleration {0} is out of range: 1 (default speed) to {max}", max = crate::limits::MAX_ACCELERATION)]
    Acceleration(u32),
    /// [`StreamConfig::workers`](crate::StreamConfig::workers) above
    /// [`MAX_WORKERS`](crate::MAX_WORKERS).
    #[error("workers {0} is out of range: 1 to {max} threads, or 0 for one per available core", max = crate::limits::MAX_WORKERS)]
    Workers(usize),
    /// More than one compression thread
    /// ([`StreamConfig::workers`](crate::StreamConfig::workers), 0 included)
    /// with [`Strategy::RingBuffer`](crate::Strategy::RingBuffer).
    #[error("workers({workers}) cannot be used with Strategy::RingBuffer: each ring-buffer block depends on the last 64 KiB of the stream, so blocks are compressed one after another; use workers(1) or Strategy::DoubleBuffer")]
    RingBufferWorkers {
        /// The worker count asked for (0: one per core).
        workers: usize,
    },
    /// `CompressionMode::High` with a level outside 1 to 12.
    #[error("compression level {0} is out of range: 1 to {max} (9 is the usual choice)", max = crate::limits::MAX_LEVEL)]
    Level(u8),
}

impl From<Error> for io::Error {
    fn from(err: Error) -> io::Error {
        let kind = match err {
            // Hand an inner I/O error back unchanged, so callers still see
            // WouldBlock, Interrupted, etc. with their original kind.
            Error::Io(inner) => return inner,
            Error::Config(_) | Error::ChunkTooLarge { .. } | Error::OutOfBandSizes(_) => {
                io::ErrorKind::InvalidInput
            }
            Error::Corrupt { .. } => io::ErrorKind::InvalidData,
            Error::Truncated { .. } | Error::IncompleteBlock { .. } => io::ErrorKind::UnexpectedEof,
            Error::Finished => io::ErrorKind::BrokenPipe,
            Error::WorkerPanicked { .. } => io::ErrorKind::Other,
        };
        io::Error::new(kind, err)
    }
}
