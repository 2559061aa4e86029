//! liblz4's block streaming loops — double buffer
//! (`examples/blockStreaming_doubleBuffer.c`) and ring buffer
//! (`examples/blockStreaming_ringBuffer.c`) — in-process, through the C library
//! `lz4-sys` builds and links statically.
//!
//! The reference both for compatibility tests and for benchmarks: the loops
//! below do what the C example does — two pages of `buffer_size` bytes in one
//! allocation, each chunk copied to offset 0 of the next page and compressed
//! with `LZ4_compress_fast_continue` (or `LZ4_compress_HC_continue`), each block
//! decoded with `LZ4_decompress_safe_continue` into alternating pages — with the
//! example's fixed 4-byte native prefix generalised to python-lz4's 0, 1, 2 or
//! 4-byte little-endian prefixes, optional preset dictionaries and chunk sizes
//! other than a full page.
//!
//! The ring-buffer loops ([`Layout::Ring`]) do what the other example does:
//! the compressor copies each chunk right after the previous one into a ring of
//! 256 KiB + one page and starts again at its front once 256 KiB are used; the
//! decoder, not synchronised with it, decodes each block right after the
//! previous one into a ring of `LZ4_decoderRingBufferSize(page)` = 65 536 + 14
//! + page bytes, starting again at its front when a page might not fit.
//!
//! Included by path (`#[path = ".../tests/common/liblz4.rs"] mod liblz4;`) from
//! tests and benches, so it depends on nothing but `std` and `lz4-sys`.
#![allow(dead_code)]

use std::os::raw::{c_char, c_int, c_void};
use std::ptr::NonNull;

// lz4-sys compiles lz4.c and lz4hc.c into the test binary but declares only part
// of the streaming API; the rest is declared here. Naming the crate makes sure
// its static library is linked even though none of its items are used.
use lz4_sys as _;

/// Signatures as in liblz4 1.10's `lz4.h` and `lz4hc.h` (lz4-sys 1.11 bundles
/// 1.10.0). The state types are opaque: only liblz4 allocates and reads them.
mod ffi {
    use super::{c_char, c_int, c_void};

    extern "C" {
        pub fn LZ4_compressBound(input_size: c_int) -> c_int;
        pub fn LZ4_decoderRingBufferSize(max_block_size: c_int) -> c_int;

        pub fn LZ4_decompress_safe_usingDict(
            src: *const c_char,
            dst: *mut c_char,
            src_size: c_int,
            dst_capacity: c_int,
            dict_start: *const c_char,
            dict_size: c_int,
        ) -> c_int;

        pub fn LZ4_createStream() -> *mut c_void;
        pub fn LZ4_freeStream(stream: *mut c_void) -> c_int;
        pub fn LZ4_resetStream_fast(stream: *mut c_void);
        pub fn LZ4_loadDict(
            stream: *mut c_void,
            dictionary: *const c_char,
            dict_size: c_int,
        ) -> c_int;
        pub fn LZ4_compress_fast_continue(
            stream: *mut c_void,
            src: *const c_char,
            dst: *mut c_char,
            src_size: c_int,
            dst_capacity: c_int,
            acceleration: c_int,
        ) -> c_int;

        pub fn LZ4_createStreamDecode() -> *mut c_void;
        pub fn LZ4_freeStreamDecode(stream: *mut c_void) -> c_int;
        pub fn LZ4_setStreamDecode(
            stream: *mut c_void,
            dictionary: *const c_char,
            dict_size: c_int,
        ) -> c_int;
        pub fn LZ4_decompress_safe_continue(
            stream: *mut c_void,
            src: *const c_char,
            dst: *mut c_char,
            src_size: c_int,
            dst_capacity: c_int,
        ) -> c_int;

        pub fn LZ4_createStreamHC() -> *mut c_void;
        pub fn LZ4_freeStreamHC(stream: *mut c_void) -> c_int;
        pub fn LZ4_resetStreamHC_fast(stream: *mut c_void, compression_level: c_int);
        pub fn LZ4_loadDictHC(
            stream: *mut c_void,
            dictionary: *const c_char,
            dict_size: c_int,
        ) -> c_int;
        pub fn LZ4_compress_HC_continue(
            stream: *mut c_void,
            src: *const c_char,
            dst: *mut c_char,
            src_size: c_int,
            max_dst_size: c_int,
        ) -> c_int;
    }
}

/// liblz4's `LZ4_MAX_INPUT_SIZE`.
const MAX_INPUT_SIZE: usize = 0x7E00_0000;

/// `LZ4_compressBound`, from the C library itself.
pub fn compress_bound(len: usize) -> usize {
    assert!(
        len <= MAX_INPUT_SIZE,
        "{len} bytes is above LZ4_MAX_INPUT_SIZE"
    );
    // SAFETY: a pure function of its argument.
    let bound = unsafe { ffi::LZ4_compressBound(len as c_int) };
    bound as usize
}

/// One block decoded by `LZ4_decompress_safe_usingDict` after `dictionary`
/// into at most `capacity` bytes; `None` when liblz4 rejects it.
pub fn decompress_using_dict(block: &[u8], dictionary: &[u8], capacity: usize) -> Option<Vec<u8>> {
    let mut out = vec![0u8; capacity];
    // SAFETY: every pointer comes from a live slice with the length passed next
    // to it; liblz4 writes at most `capacity` bytes into `out` and only reads
    // the block and the dictionary.
    let n = unsafe {
        ffi::LZ4_decompress_safe_usingDict(
            block.as_ptr().cast(),
            out.as_mut_ptr().cast(),
            c_len(block.len()),
            c_len(capacity),
            dictionary.as_ptr().cast(),
            c_len(dictionary.len()),
        )
    };
    out.truncate(usize::try_from(n).ok()?);
    Some(out)
}

/// A dictionary the liblz4 states can keep pointing at (its own heap copy,
/// which does not move), or `None` for no or an empty dictionary.
fn owned_dictionary(dictionary: Option<&[u8]>) -> Option<Box<[u8]>> {
    dictionary
        .filter(|d| !d.is_empty())
        .map(|d| d.to_vec().into_boxed_slice())
}

/// The pointer and length liblz4 takes for `dictionary` (null and 0 for none).
fn raw_dictionary(dictionary: &Option<Box<[u8]>>) -> (*const c_char, c_int) {
    match dictionary {
        Some(dict) => (dict.as_ptr() as *const c_char, c_len(dict.len())),
        None => (std::ptr::null(), 0),
    }
}

fn c_len(len: usize) -> c_int {
    c_int::try_from(len).expect("length fits a C int")
}

/// Which liblz4 compressor writes the blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `LZ4_compress_fast_continue` with this acceleration (1 is the default
    /// and python-lz4's `mode="default"`).
    Fast(i32),
    /// `LZ4_compress_HC_continue` at this level (python-lz4's
    /// `mode="high_compression"`, levels 3 to 12).
    Hc(i32),
}

impl From<lz4_stream::CompressionMode> for Mode {
    /// The liblz4 compressor and parameter for one of our modes.
    fn from(mode: lz4_stream::CompressionMode) -> Mode {
        match mode {
            lz4_stream::CompressionMode::Default => Mode::Fast(1),
            lz4_stream::CompressionMode::Fast { acceleration } => Mode::Fast(acceleration as i32),
            lz4_stream::CompressionMode::High { level } => Mode::Hc(i32::from(level)),
        }
    }
}

/// Where the loops put each chunk: liblz4 finds the history by address, so
/// this decides what a block may refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Two pages, used in turn: a block refers to the previous chunk.
    DoubleBuffer,
    /// One ring, chunks one after another: a block refers to the last 64 KiB.
    Ring,
}

/// The compressor's ring: 256 KiB, as in the example, and one page of slack
/// (a chunk starts before the 256 KiB mark and may end after it).
pub const RING_BYTES: usize = 256 * 1024;

/// The liblz4 stream state, whichever compressor owns it.
enum EncodeState {
    Fast(NonNull<c_void>),
    Hc(NonNull<c_void>, c_int),
}

/// liblz4's block-streaming compressor: one block per chunk. With the double
/// buffer each chunk is copied to offset 0 of the page after the previous
/// chunk's; with the ring, right after the previous chunk.
pub struct Encoder {
    state: EncodeState,
    acceleration: c_int,
    buffer_size: usize,
    layout: Layout,
    /// Both pages in one allocation, adjacent as in the C example's
    /// `char inpBuf[2][BLOCK_BYTES]`, or the ring: liblz4 remembers their
    /// addresses between calls, so this buffer never moves or shrinks while
    /// the stream lives.
    pages: Box<[u8]>,
    /// Where the next chunk goes.
    offset: usize,
    /// The preset dictionary: liblz4 refers to it by address until the first
    /// page replaces it, so it lives (unmoved, on the heap) as long as `self`.
    dictionary: Option<Box<[u8]>>,
    /// The last block (no prefix), with room for `compress_bound(buffer_size)`.
    out: Vec<u8>,
}

impl Encoder {
    /// A double-buffer stream for pages of `buffer_size` bytes, starting from
    /// `dictionary` (of which liblz4 uses the last 64 KiB) if given.
    pub fn new(buffer_size: usize, mode: Mode, dictionary: Option<&[u8]>) -> Encoder {
        Self::with_layout(Layout::DoubleBuffer, buffer_size, mode, dictionary)
    }

    /// A ring-buffer stream (`blockStreaming_ringBuffer.c`) for chunks of at
    /// most `buffer_size` bytes, starting from `dictionary` if given.
    pub fn ring(buffer_size: usize, mode: Mode, dictionary: Option<&[u8]>) -> Encoder {
        Self::with_layout(Layout::Ring, buffer_size, mode, dictionary)
    }

    /// A stream with either layout.
    pub fn with_layout(
        layout: Layout,
        buffer_size: usize,
        mode: Mode,
        dictionary: Option<&[u8]>,
    ) -> Encoder {
        assert!(
            (1..=MAX_INPUT_SIZE).contains(&buffer_size),
            "page size {buffer_size} out of range"
        );
        let state = match mode {
            Mode::Fast(acceleration) => {
                assert!(acceleration >= 1, "acceleration {acceleration} below 1");
                // SAFETY: returns an initialised state or null.
                let stream = unsafe { ffi::LZ4_createStream() };
                EncodeState::Fast(NonNull::new(stream).expect("LZ4_createStream failed"))
            }
            Mode::Hc(level) => {
                // SAFETY: returns an initialised state (at the default level) or null.
                let stream = unsafe { ffi::LZ4_createStreamHC() };
                EncodeState::Hc(
                    NonNull::new(stream).expect("LZ4_createStreamHC failed"),
                    level,
                )
            }
        };
        let mut encoder = Encoder {
            state,
            acceleration: match mode {
                Mode::Fast(acceleration) => acceleration,
                Mode::Hc(_) => 1,
            },
            buffer_size,
            layout,
            pages: vec![0u8; layout_bytes(layout, buffer_size)].into_boxed_slice(),
            offset: 0,
            dictionary: owned_dictionary(dictionary),
            out: vec![0u8; compress_bound(buffer_size)],
        };
        encoder.reset();
        encoder
    }

    /// Starts a new stream (with the same dictionary), as the C library allows
    /// a state to be reused: `LZ4_resetStream_fast` / `LZ4_resetStreamHC_fast`,
    /// then `LZ4_loadDict` / `LZ4_loadDictHC`.
    pub fn reset(&mut self) {
        self.offset = 0;
        let (dict_ptr, dict_len) = raw_dictionary(&self.dictionary);
        // SAFETY: the states were created by liblz4 and are live; the dictionary
        // is owned by `self` and stays at its address until `self` is dropped or
        // the next reset, by which time liblz4 no longer refers to it.
        unsafe {
            match self.state {
                EncodeState::Fast(stream) => {
                    ffi::LZ4_resetStream_fast(stream.as_ptr());
                    if dict_len > 0 {
                        ffi::LZ4_loadDict(stream.as_ptr(), dict_ptr, dict_len);
                    }
                }
                EncodeState::Hc(stream, level) => {
                    ffi::LZ4_resetStreamHC_fast(stream.as_ptr(), level);
                    if dict_len > 0 {
                        ffi::LZ4_loadDictHC(stream.as_ptr(), dict_ptr, dict_len);
                    }
                }
            }
        }
    }

    /// The page size.
    pub fn buffer_size(&self) -> usize {
        self.buffer_size
    }

    /// Compresses one chunk (1 byte to one page; the ring also takes an empty
    /// chunk, as the example's loop would) into one block, returned without a
    /// size prefix.
    pub fn compress(&mut self, chunk: &[u8]) -> Result<&[u8], String> {
        let least = usize::from(self.layout == Layout::DoubleBuffer);
        if chunk.len() < least || chunk.len() > self.buffer_size {
            return Err(format!(
                "chunk of {} bytes: the {:?} loop takes {least} to {} bytes",
                chunk.len(),
                self.layout,
                self.buffer_size
            ));
        }
        let start = self.offset;
        let input = &mut self.pages[start..start + chunk.len()];
        input.copy_from_slice(chunk);
        let src = input.as_ptr() as *const c_char;
        let dst = self.out.as_mut_ptr() as *mut c_char;
        let capacity = c_len(self.out.len());
        // SAFETY: src points to chunk.len() bytes inside `pages`, dst to
        // `capacity` writable bytes; both pages and the dictionary stay where
        // liblz4 last saw them (see the fields' comments).
        let written = unsafe {
            match self.state {
                EncodeState::Fast(stream) => ffi::LZ4_compress_fast_continue(
                    stream.as_ptr(),
                    src,
                    dst,
                    c_len(chunk.len()),
                    capacity,
                    self.acceleration,
                ),
                EncodeState::Hc(stream, _) => ffi::LZ4_compress_HC_continue(
                    stream.as_ptr(),
                    src,
                    dst,
                    c_len(chunk.len()),
                    capacity,
                ),
            }
        };
        if written <= 0 {
            return Err(format!("liblz4 compression failed ({written})"));
        }
        self.offset = match self.layout {
            Layout::DoubleBuffer => self.buffer_size - start,
            // The example's `if (inpOffset >= RING_BUFFER_BYTES -
            // MESSAGE_MAX_BYTES) inpOffset = 0;`.
            Layout::Ring if start + chunk.len() >= RING_BYTES => 0,
            Layout::Ring => start + chunk.len(),
        };
        Ok(&self.out[..written as usize])
    }
}

impl Drop for Encoder {
    fn drop(&mut self) {
        // SAFETY: created by the matching LZ4_create* and freed only here.
        unsafe {
            match self.state {
                EncodeState::Fast(stream) => {
                    ffi::LZ4_freeStream(stream.as_ptr());
                }
                EncodeState::Hc(stream, _) => {
                    ffi::LZ4_freeStreamHC(stream.as_ptr());
                }
            }
        }
    }
}

/// The buffer a loop keeps for pages of `buffer_size` bytes.
fn layout_bytes(layout: Layout, buffer_size: usize) -> usize {
    match layout {
        Layout::DoubleBuffer => 2 * buffer_size,
        Layout::Ring => RING_BYTES + buffer_size,
    }
}

/// liblz4's block-streaming decoder: each block decoded with
/// `LZ4_decompress_safe_continue`, at most one page long. The double-buffer
/// decoder writes into the page after the previous block's and keeps only
/// those two pages (and the dictionary until they replace it), like
/// python-lz4's decoder; the ring decoder writes right after the previous
/// block into a ring of `LZ4_decoderRingBufferSize(page)` bytes.
pub struct Decoder {
    stream: NonNull<c_void>,
    buffer_size: usize,
    layout: Layout,
    /// Both pages in one allocation, adjacent as in the C example's
    /// `char decBuf[2][BLOCK_BYTES]`, or the ring; never moved while the
    /// stream lives.
    pages: Box<[u8]>,
    /// Where the next block's output goes.
    offset: usize,
    /// liblz4 reads the dictionary in place, so it stays here, unmoved.
    dictionary: Option<Box<[u8]>>,
}

impl Decoder {
    /// A double-buffer decoder for pages of `buffer_size` bytes, starting
    /// from `dictionary`.
    pub fn new(buffer_size: usize, dictionary: Option<&[u8]>) -> Decoder {
        Self::with_layout(Layout::DoubleBuffer, buffer_size, dictionary)
    }

    /// A ring-buffer decoder for blocks of at most `buffer_size` bytes,
    /// starting from `dictionary`.
    pub fn ring(buffer_size: usize, dictionary: Option<&[u8]>) -> Decoder {
        Self::with_layout(Layout::Ring, buffer_size, dictionary)
    }

    /// A decoder with either layout.
    pub fn with_layout(layout: Layout, buffer_size: usize, dictionary: Option<&[u8]>) -> Decoder {
        assert!(
            (1..=MAX_INPUT_SIZE).contains(&buffer_size),
            "page size {buffer_size} out of range"
        );
        let bytes = match layout {
            Layout::DoubleBuffer => 2 * buffer_size,
            Layout::Ring => {
                // SAFETY: a pure function of its argument.
                let bytes = unsafe { ffi::LZ4_decoderRingBufferSize(c_len(buffer_size)) };
                usize::try_from(bytes).expect("LZ4_decoderRingBufferSize failed")
            }
        };
        // SAFETY: returns a fresh state or null.
        let stream = unsafe { ffi::LZ4_createStreamDecode() };
        let mut decoder = Decoder {
            stream: NonNull::new(stream).expect("LZ4_createStreamDecode failed"),
            buffer_size,
            layout,
            pages: vec![0u8; bytes].into_boxed_slice(),
            offset: 0,
            dictionary: owned_dictionary(dictionary),
        };
        decoder.reset();
        decoder
    }

    /// Starts a new stream with the same dictionary (`LZ4_setStreamDecode`).
    pub fn reset(&mut self) {
        self.offset = 0;
        let (dict_ptr, dict_len) = raw_dictionary(&self.dictionary);
        // SAFETY: a live state; the dictionary is owned by `self` and unmoved.
        let ok = unsafe { ffi::LZ4_setStreamDecode(self.stream.as_ptr(), dict_ptr, dict_len) };
        assert_eq!(ok, 1, "LZ4_setStreamDecode failed");
    }

    /// The page size.
    pub fn buffer_size(&self) -> usize {
        self.buffer_size
    }

    /// Decodes one block (no size prefix) into the next page (or the ring)
    /// and returns its output.
    pub fn decompress(&mut self, block: &[u8]) -> Result<&[u8], String> {
        if block.len() > compress_bound(self.buffer_size) {
            return Err(format!(
                "block of {} bytes is larger than a page of {} can compress to",
                block.len(),
                self.buffer_size
            ));
        }
        if self.offset + self.buffer_size > self.pages.len() {
            // The ring: the next block might not fit before the end.
            self.offset = 0;
        }
        let start = self.offset;
        let dst = self.pages[start..start + self.buffer_size].as_mut_ptr() as *mut c_char;
        // SAFETY: src is `block`, dst one page inside `pages`, with capacity one
        // page; the other page and the dictionary are where liblz4 last saw them.
        let decoded = unsafe {
            ffi::LZ4_decompress_safe_continue(
                self.stream.as_ptr(),
                block.as_ptr() as *const c_char,
                dst,
                c_len(block.len()),
                c_len(self.buffer_size),
            )
        };
        if decoded < 0 {
            return Err(format!(
                "LZ4_decompress_safe_continue failed ({decoded}) on a block of {} bytes",
                block.len()
            ));
        }
        self.offset = match self.layout {
            Layout::DoubleBuffer => self.buffer_size - start,
            Layout::Ring => start + decoded as usize,
        };
        Ok(&self.pages[start..start + decoded as usize])
    }
}

impl Drop for Decoder {
    fn drop(&mut self) {
        // SAFETY: created by LZ4_createStreamDecode and freed only here.
        unsafe {
            ffi::LZ4_freeStreamDecode(self.stream.as_ptr());
        }
    }
}

/// How to write a whole stream with [`compress_stream`].
#[derive(Debug, Clone)]
pub struct StreamOptions<'a> {
    /// The page size.
    pub buffer_size: usize,
    /// The compressor and its acceleration or level.
    pub mode: Mode,
    /// Size prefix width: 0 (lengths returned out of band), 1, 2 or 4 bytes,
    /// little-endian.
    pub prefix_width: usize,
    /// The preset dictionary, if any.
    pub dictionary: Option<&'a [u8]>,
    /// End the stream with a zero size prefix, as the C example does.
    pub end_marker: bool,
    /// The double-buffer or the ring-buffer loop.
    pub layout: Layout,
}

impl<'a> StreamOptions<'a> {
    /// The C example's settings for `buffer_size`: acceleration 1, 4-byte
    /// prefixes, no dictionary, end marker.
    pub fn example(buffer_size: usize) -> Self {
        StreamOptions {
            buffer_size,
            mode: Mode::Fast(1),
            prefix_width: 4,
            dictionary: None,
            end_marker: true,
            layout: Layout::DoubleBuffer,
        }
    }
}

/// Writes `len` little-endian in `width` bytes, checking it fits.
fn push_prefix(out: &mut Vec<u8>, len: usize, width: usize) -> Result<(), String> {
    let max: u64 = match width {
        1 => u8::MAX.into(),
        2 => u16::MAX.into(),
        4 => i32::MAX as u64,
        other => return Err(format!("no {other}-byte size prefix")),
    };
    if len as u64 > max {
        return Err(format!(
            "block of {len} bytes does not fit a {width}-byte prefix"
        ));
    }
    out.extend_from_slice(&(len as u64).to_le_bytes()[..width]);
    Ok(())
}

/// Compresses `data` as the examples do, with chunk sizes taken in turn from
/// `chunk_sizes` (cycled; each clamped to 1..=`buffer_size` and to what is
/// left; an empty list means full pages).
///
/// Returns the stream and the length of each block (prefix excluded), which is
/// how a caller with `prefix_width == 0` finds the blocks again.
pub fn compress_stream(
    data: &[u8],
    options: &StreamOptions<'_>,
    chunk_sizes: &[usize],
) -> Result<(Vec<u8>, Vec<usize>), String> {
    let mut encoder = Encoder::with_layout(
        options.layout,
        options.buffer_size,
        options.mode,
        options.dictionary,
    );
    let mut out = Vec::with_capacity(data.len() / 2 + 64);
    let mut lengths = Vec::new();
    let mut sizes = chunk_sizes.iter().cycle();
    let mut rest = data;
    while !rest.is_empty() {
        let wanted = sizes.next().copied().unwrap_or(options.buffer_size);
        let take = wanted.clamp(1, options.buffer_size).min(rest.len());
        let (chunk, tail) = rest.split_at(take);
        rest = tail;
        let block = encoder.compress(chunk)?;
        if options.prefix_width > 0 {
            push_prefix(&mut out, block.len(), options.prefix_width)?;
        }
        out.extend_from_slice(block);
        lengths.push(block.len());
    }
    if options.end_marker {
        if options.prefix_width == 0 {
            return Err("an end marker needs a size prefix".into());
        }
        out.extend_from_slice(&[0u8; 4][..options.prefix_width]);
    }
    Ok((out, lengths))
}

/// Decodes a prefixed stream with the double-buffer loop. A zero size prefix
/// ends the stream (the bytes after it are not looked at); a stream cut inside
/// a prefix or a block, or a block liblz4 rejects, is an error naming the block.
pub fn decompress_stream(
    stream: &[u8],
    buffer_size: usize,
    prefix_width: usize,
    dictionary: Option<&[u8]>,
) -> Result<Vec<u8>, String> {
    decompress_stream_with(Decoder::new(buffer_size, dictionary), stream, prefix_width)
}

/// [`decompress_stream`] with the given decoder (for instance
/// [`Decoder::ring`]).
pub fn decompress_stream_with(
    mut decoder: Decoder,
    stream: &[u8],
    prefix_width: usize,
) -> Result<Vec<u8>, String> {
    if ![1, 2, 4].contains(&prefix_width) {
        return Err(format!("no {prefix_width}-byte size prefix"));
    }
    let mut out = Vec::with_capacity(stream.len() * 2);
    let mut offset = 0;
    let mut index = 0usize;
    while offset < stream.len() {
        let Some(prefix) = stream.get(offset..offset + prefix_width) else {
            return Err(format!(
                "block {index} at {offset}: stream ends inside its size prefix"
            ));
        };
        let mut le = [0u8; 8];
        le[..prefix_width].copy_from_slice(prefix);
        let len = u64::from_le_bytes(le) as usize;
        offset += prefix_width;
        if len == 0 {
            break;
        }
        let Some(block) = stream.get(offset..offset.saturating_add(len)) else {
            return Err(format!(
                "block {index} at {offset}: {len} bytes announced, {} left",
                stream.len() - offset
            ));
        };
        let chunk = decoder
            .decompress(block)
            .map_err(|e| format!("block {index} at {offset}: {e}"))?;
        out.extend_from_slice(chunk);
        offset += len;
        index += 1;
    }
    Ok(out)
}

/// Decodes a stream without size prefixes, given each block's length, with
/// the double-buffer loop.
pub fn decompress_blocks(
    stream: &[u8],
    lengths: &[usize],
    buffer_size: usize,
    dictionary: Option<&[u8]>,
) -> Result<Vec<u8>, String> {
    decompress_blocks_with(Decoder::new(buffer_size, dictionary), stream, lengths)
}

/// [`decompress_blocks`] with the given decoder (for instance
/// [`Decoder::ring`]).
pub fn decompress_blocks_with(
    mut decoder: Decoder,
    stream: &[u8],
    lengths: &[usize],
) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(stream.len() * 2);
    let mut offset = 0;
    for (index, &len) in lengths.iter().enumerate() {
        let block = stream
            .get(offset..offset + len)
            .ok_or_else(|| format!("block {index} at {offset}: stream too short for {len}"))?;
        let chunk = decoder
            .decompress(block)
            .map_err(|e| format!("block {index} at {offset}: {e}"))?;
        out.extend_from_slice(chunk);
        offset += len;
    }
    if offset != stream.len() {
        return Err(format!(
            "{} bytes after the last block",
            stream.len() - offset
        ));
    }
    Ok(out)
}
