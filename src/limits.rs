//! The format's fixed limits: numbers every layer uses, defined once at the
//! bottom of the crate so that nothing here imports anything above it.

/// liblz4's `LZ4_MAX_INPUT_SIZE`: the largest page (and block input) allowed.
pub const MAX_BUFFER_SIZE: usize = 0x7E00_0000;

/// How far back an LZ4 match may reach, and so how much history a decoder keeps.
pub const WINDOW_SIZE: usize = 64 * 1024;

/// The default page size: 64 KiB, one full LZ4 window.
pub const DEFAULT_BUFFER_SIZE: usize = 64 * 1024;

/// The largest acceleration accepted; liblz4's `LZ4_ACCELERATION_MAX`.
pub const MAX_ACCELERATION: u32 = 65_537;
/// The highest compression level (liblz4's `LZ4HC_CLEVEL_MAX`).
pub const MAX_LEVEL: u8 = 12;

/// The most compression threads a writer may run
/// ([`StreamConfig::workers`](crate::StreamConfig::workers)): far more than
/// any machine this crate meets has cores, few enough that a typo (or a
/// negative number cast to `usize`) is refused instead of starting
/// thousands of threads. zstd stops at 200.
pub const MAX_WORKERS: usize = 256;

/// Worst-case compressed size of `input_len` bytes (liblz4's `LZ4_compressBound`):
/// `n + n / 255 + 16`, or `usize::MAX` where that does not fit (no valid page
/// comes near: they stop at [`MAX_BUFFER_SIZE`]).
///
/// A size prefix above `compress_bound(buffer_size)` can only come from a corrupt
/// stream, so readers reject it before reading or allocating anything.
///
/// ```
/// assert_eq!(lz4_stream::compress_bound(65_536), 65_536 + 257 + 16);
/// assert_eq!(lz4_stream::compress_bound(usize::MAX), usize::MAX);
/// let unchecked = lz4_stream::StreamConfig::default().buffer_size(usize::MAX);
/// assert_eq!(unchecked.max_block_size(), usize::MAX);
/// ```
pub const fn compress_bound(input_len: usize) -> usize {
    input_len.saturating_add(input_len / 255).saturating_add(16)
}
