//! liblz4's streaming loops. Double buffer (`blockStreaming_doubleBuffer.c`,
//! and what python-lz4's `lz4.stream` does): each chunk is copied into the
//! next of two pages and compressed with `LZ4_compress_fast_continue` (or
//! `LZ4_compress_HC_continue`); each block is decoded into the next of two
//! pages with `LZ4_decompress_safe_continue`. Ring buffer
//! (`blockStreaming_ringBuffer.c`): each chunk goes right after the previous
//! one in a ring of 256 KiB + one page, and each block is decoded right after
//! the previous one in a ring of `LZ4_decoderRingBufferSize(page)` bytes, not
//! synchronised with the encoder's.
//!
//! lz4-sys builds and links liblz4 but does not declare every streaming
//! function; the missing ones are declared here with liblz4's signatures.

use std::os::raw::{c_char, c_int, c_void};

use lz4_stream::Strategy;

use lz4_sys::{
    LZ4StreamDecode, LZ4StreamEncode, LZ4_createStream, LZ4_createStreamDecode,
    LZ4_decompress_safe_continue, LZ4_freeStream, LZ4_freeStreamDecode, LZ4_setStreamDecode,
};

extern "C" {
    fn LZ4_decoderRingBufferSize(max_block_size: c_int) -> c_int;
    fn LZ4_decompress_safe_usingDict(
        src: *const c_char,
        dst: *mut c_char,
        src_size: c_int,
        dst_capacity: c_int,
        dict_start: *const c_char,
        dict_size: c_int,
    ) -> c_int;
    fn LZ4_compress_fast_continue(
        stream: *mut LZ4StreamEncode,
        src: *const c_char,
        dst: *mut c_char,
        src_size: c_int,
        dst_capacity: c_int,
        acceleration: c_int,
    ) -> c_int;
    fn LZ4_loadDict(stream: *mut LZ4StreamEncode, dict: *const c_char, dict_size: c_int) -> c_int;
    fn LZ4_createStreamHC() -> *mut c_void;
    fn LZ4_freeStreamHC(stream: *mut c_void) -> c_int;
    fn LZ4_resetStreamHC_fast(stream: *mut c_void, level: c_int);
    fn LZ4_loadDictHC(stream: *mut c_void, dict: *const c_char, dict_size: c_int) -> c_int;
    fn LZ4_compress_HC_continue(
        stream: *mut c_void,
        src: *const c_char,
        dst: *mut c_char,
        src_size: c_int,
        dst_capacity: c_int,
    ) -> c_int;
}

/// One block decoded by `LZ4_decompress_safe_usingDict` after `dictionary`
/// into at most `capacity` bytes; `None` when liblz4 rejects it.
pub fn decompress_using_dict(block: &[u8], dictionary: &[u8], capacity: usize) -> Option<Vec<u8>> {
    let mut out = vec![0u8; capacity];
    // SAFETY: every pointer comes from a live slice or Vec with the length
    // passed beside it; liblz4 writes at most `capacity` bytes into `out`.
    let n = unsafe {
        LZ4_decompress_safe_usingDict(
            block.as_ptr().cast(),
            out.as_mut_ptr().cast(),
            block.len() as c_int,
            capacity as c_int,
            dictionary.as_ptr().cast(),
            dictionary.len() as c_int,
        )
    };
    out.truncate(usize::try_from(n).ok()?);
    Some(out)
}

/// liblz4's `LZ4_compressBound`.
pub fn compress_bound(len: usize) -> usize {
    len + len / 255 + 16
}

/// Which liblz4 compressor to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `LZ4_compress_fast_continue` with this acceleration (1 is the default).
    Fast(i32),
    /// `LZ4_compress_HC_continue` at this level (1-12).
    High(i32),
}

enum Stream {
    Fast(*mut LZ4StreamEncode, i32),
    High(*mut c_void),
}

/// The compressor's ring, as in the example: 256 KiB, and one page of slack.
const RING_BYTES: usize = 256 * 1024;

/// liblz4's double-buffer or ring-buffer compressor.
pub struct Encoder {
    stream: Stream,
    strategy: Strategy,
    /// Two pages or the ring, never reallocated: liblz4 keeps pointers into it.
    pages: Box<[u8]>,
    page: usize,
    /// Where the next chunk goes.
    offset: usize,
    /// The dictionary, kept alive and in place: liblz4 refers to it.
    _dictionary: Box<[u8]>,
    out: Vec<u8>,
}

impl Encoder {
    /// A compressor for `page`-byte pages with a preset dictionary (empty for
    /// none), with the double-buffer or the ring-buffer loop.
    pub fn new(page: usize, dictionary: &[u8], mode: Mode, strategy: Strategy) -> Encoder {
        assert!(page > 0 && page <= 0x7E00_0000);
        let dictionary: Box<[u8]> = dictionary.into();
        // SAFETY: the streams are created and checked here and freed in Drop;
        // the dictionary lives (unmoved, on the heap) as long as the stream.
        let stream = unsafe {
            match mode {
                Mode::Fast(acceleration) => {
                    let stream = LZ4_createStream();
                    assert!(!stream.is_null());
                    if !dictionary.is_empty() {
                        LZ4_loadDict(
                            stream,
                            dictionary.as_ptr().cast(),
                            dictionary.len() as c_int,
                        );
                    }
                    Stream::Fast(stream, acceleration)
                }
                Mode::High(level) => {
                    let stream = LZ4_createStreamHC();
                    assert!(!stream.is_null());
                    LZ4_resetStreamHC_fast(stream, level);
                    if !dictionary.is_empty() {
                        LZ4_loadDictHC(
                            stream,
                            dictionary.as_ptr().cast(),
                            dictionary.len() as c_int,
                        );
                    }
                    Stream::High(stream)
                }
            }
        };
        let bytes = match strategy {
            Strategy::DoubleBuffer => 2 * page,
            Strategy::RingBuffer => RING_BYTES + page,
        };
        Encoder {
            stream,
            strategy,
            pages: vec![0u8; bytes].into_boxed_slice(),
            page,
            offset: 0,
            _dictionary: dictionary,
            out: vec![0u8; compress_bound(page)],
        }
    }

    /// Compresses one chunk (1 to `page` bytes) into one block, without prefix.
    pub fn compress(&mut self, chunk: &[u8]) -> &[u8] {
        assert!(!chunk.is_empty() && chunk.len() <= self.page);
        let start = self.offset;
        self.pages[start..start + chunk.len()].copy_from_slice(chunk);
        self.offset = match self.strategy {
            Strategy::DoubleBuffer => self.page - start,
            // The example wraps once 256 KiB are used.
            Strategy::RingBuffer if start + chunk.len() >= RING_BYTES => 0,
            Strategy::RingBuffer => start + chunk.len(),
        };
        let src = self.pages[start..].as_ptr().cast::<c_char>();
        let dst = self.out.as_mut_ptr().cast::<c_char>();
        let (len, cap) = (chunk.len() as c_int, self.out.len() as c_int);
        // SAFETY: src holds len bytes inside the pages, dst cap bytes; the
        // previous page is still in place, as the streaming API requires.
        let written = unsafe {
            match self.stream {
                Stream::Fast(stream, acceleration) => {
                    LZ4_compress_fast_continue(stream, src, dst, len, cap, acceleration)
                }
                Stream::High(stream) => LZ4_compress_HC_continue(stream, src, dst, len, cap),
            }
        };
        assert!(
            written > 0,
            "liblz4 failed to compress a {}-byte chunk",
            chunk.len()
        );
        &self.out[..written as usize]
    }
}

impl Drop for Encoder {
    fn drop(&mut self) {
        // SAFETY: created in `new`, freed once.
        unsafe {
            match self.stream {
                Stream::Fast(stream, _) => {
                    LZ4_freeStream(stream);
                }
                Stream::High(stream) => {
                    LZ4_freeStreamHC(stream);
                }
            }
        }
    }
}

/// liblz4's double-buffer or ring-buffer decompressor.
pub struct Decoder {
    stream: *mut LZ4StreamDecode,
    strategy: Strategy,
    /// Two pages or the ring, never reallocated: liblz4 keeps pointers into it.
    pages: Box<[u8]>,
    page: usize,
    /// Where the next block's output goes.
    offset: usize,
    _dictionary: Box<[u8]>,
}

impl Decoder {
    /// A decompressor for `page`-byte pages with a preset dictionary (empty
    /// for none), with the double-buffer or the ring-buffer loop.
    pub fn new(page: usize, dictionary: &[u8], strategy: Strategy) -> Decoder {
        let dictionary: Box<[u8]> = dictionary.into();
        // SAFETY: created and checked here, freed in Drop; the dictionary stays
        // in place as long as the stream.
        let stream = unsafe {
            let stream = LZ4_createStreamDecode();
            assert!(!stream.is_null());
            LZ4_setStreamDecode(stream, dictionary.as_ptr(), dictionary.len() as c_int);
            stream
        };
        let bytes = match strategy {
            Strategy::DoubleBuffer => 2 * page,
            Strategy::RingBuffer => {
                // SAFETY: a pure function of its argument.
                let bytes = unsafe { LZ4_decoderRingBufferSize(page as c_int) };
                usize::try_from(bytes).expect("LZ4_decoderRingBufferSize failed")
            }
        };
        Decoder {
            stream,
            strategy,
            pages: vec![0u8; bytes].into_boxed_slice(),
            page,
            offset: 0,
            _dictionary: dictionary,
        }
    }

    /// Decodes one block into the next page (or the ring); `None` when
    /// liblz4 rejects it.
    pub fn decompress(&mut self, block: &[u8]) -> Option<&[u8]> {
        if self.offset + self.page > self.pages.len() {
            // The ring: the next block might not fit before the end.
            self.offset = 0;
        }
        let start = self.offset;
        let dst = self.pages[start..].as_mut_ptr();
        // SAFETY: dst has room for one page; the history is in place.
        let n = unsafe {
            LZ4_decompress_safe_continue(
                self.stream,
                block.as_ptr(),
                dst,
                block.len() as c_int,
                self.page as c_int,
            )
        };
        if n < 0 {
            return None;
        }
        self.offset = match self.strategy {
            Strategy::DoubleBuffer => self.page - start,
            Strategy::RingBuffer => start + n as usize,
        };
        Some(&self.pages[start..start + n as usize])
    }
}

impl Drop for Decoder {
    fn drop(&mut self) {
        // SAFETY: created in `new`, freed once.
        unsafe {
            LZ4_freeStreamDecode(self.stream);
        }
    }
}
