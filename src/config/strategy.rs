//! The history strategy: how far back a block may refer, and so which
//! decoders can read the stream.

/// What a block may refer to: only the chunk before it (the double buffer
/// python-lz4 and liblz4's `blockStreaming_doubleBuffer.c` use), or the whole
/// last 64 KiB of the stream (liblz4's `blockStreaming_ringBuffer.c`,
/// python-lz4's unimplemented `ring_buffer`).
///
/// Both write the same stream format (prefixed LZ4 blocks); only the reach of
/// the matches differs, so the choice matters to the decoder:
///
/// | decoder | [`DoubleBuffer`](Strategy::DoubleBuffer) | [`RingBuffer`](Strategy::RingBuffer) |
/// |---|---|---|
/// | this crate's reader and [`block::Decompressor`](crate::block::Decompressor) | yes | yes |
/// | liblz4's `LZ4_decompress_safe_continue` over a ring of at least `LZ4_decoderRingBufferSize(page)` = 65 536 + 14 + page bytes | yes | yes |
/// | any decoder keeping the last 64 KiB of output (`LZ4_decompress_safe_usingDict`, lz4_flex with a dictionary) | yes | yes |
/// | python-lz4's `LZ4StreamDecompressor("double_buffer", ...)` | yes | **no** |
/// | liblz4's double-buffer loop (two pages) | yes | **no** |
///
/// A two-page decoder fails on a ring-buffer stream, or returns wrong bytes:
/// choose [`RingBuffer`](Strategy::RingBuffer) only when the peer keeps 64 KiB
/// of history. It pays where pages are small: with 1 KiB pages a block refers
/// to 1 KiB of history with the double buffer and to 64 KiB with the ring
/// buffer, which in the default mode makes real source code, markup, JSON and
/// prose 0.64x-0.77x the size, executables 0.93x (the README's table). With
/// 64 KiB pages both reach the same 64 KiB.
///
/// ```
/// use lz4_stream::{StreamConfig, Strategy};
///
/// // python-lz4 would name it LZ4StreamCompressor("ring_buffer", 1024)
/// let config = StreamConfig::default()
///     .buffer_size(1024)
///     .strategy(Strategy::RingBuffer);
/// assert_eq!(config.get_strategy(), Strategy::RingBuffer);
/// assert_eq!(StreamConfig::default().get_strategy(), Strategy::DoubleBuffer);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Strategy {
    /// A block refers only to the previous chunk (the first block: to the
    /// preset dictionary), as python-lz4's `double_buffer` and liblz4's
    /// two-page loop require. An empty chunk starts the history afresh
    /// (python-lz4's decoder drops its history there).
    #[default]
    DoubleBuffer,
    /// A block refers to anything in the last 64 KiB of the stream (the
    /// preset dictionary included while it is within reach), across block and
    /// flush boundaries, as `LZ4_compress_fast_continue` and
    /// `LZ4_compress_HC_continue` do over liblz4's ring buffer. An empty chunk
    /// gives an empty block and keeps the history, as in liblz4's ring loop.
    RingBuffer,
}
