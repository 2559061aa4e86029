//! Inputs the fuzz targets in `fuzz/` found, replayed through the public API
//! so they stay fixed without a fuzzer. Each test names the target and what
//! it found.

use std::io::{ErrorKind, Read};

use lz4_stream::block::Decompressor;
use lz4_stream::{
    BlockPart, Corruption, Error, Lz4StreamReader, SizePrefix, StreamConfig, MAX_BUFFER_SIZE,
};

/// `reader`: with the largest page size, a 4-byte prefix announcing 721 MB
/// followed by two bytes made the reader allocate (and zero) the announced
/// size before reading the body: libFuzzer's out-of-memory at 512 MB. The
/// reader now grows the block buffer as bytes arrive; `tests/memory.rs`
/// checks the allocation, this checks the error.
#[test]
fn forged_prefix_with_huge_pages_is_a_truncation() {
    let config = StreamConfig::default()
        .buffer_size(MAX_BUFFER_SIZE)
        .size_prefix(SizePrefix::U32);
    let stream = [0x00, 0x00, 0x00, 0x2b, 0x10, 0x23];
    let mut reader = Lz4StreamReader::with_config(&stream[..], config).unwrap();
    let mut out = Vec::new();
    let err = reader.read_to_end(&mut out).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
    match err.get_ref().and_then(|e| e.downcast_ref::<Error>()) {
        Some(Error::Truncated {
            block: 0,
            offset: Some(0),
            part: BlockPart::Body,
            needed: 721_420_288,
            got: 2,
        }) => {}
        other => panic!("{other:?}"),
    }
    assert!(out.is_empty());
}

/// `block_decompress`: a 1-byte page with a 3-byte dictionary, and a block
/// whose first sequence is a 5-byte match of the dictionary's last byte. It
/// cannot fit the page; the decoder rejects it by liblz4's end-of-page rule
/// (no sequence but the last within 12 bytes of the page end). Either way it
/// is corrupt, and the history is untouched afterwards.
#[test]
fn match_that_cannot_fit_a_one_byte_page_is_corrupt() {
    let config = StreamConfig::default()
        .buffer_size(1)
        .size_prefix(SizePrefix::U8)
        .dictionary(b"the");
    let mut decompressor = Decompressor::new(config).unwrap();
    let block = [1, 1, 0, 0, 1, 0, 0, 1, 0, 0];
    match decompressor.decompress(&block) {
        Err(Error::Corrupt {
            block: 0,
            offset: None,
            kind: Corruption::InvalidBlock(_) | Corruption::PageOverflow { .. },
        }) => {}
        other => panic!("{other:?}"),
    }
    // One literal, then a page of its own: still decodes afterwards.
    assert_eq!(decompressor.decompress(&[0x10, b'x']).unwrap(), b"x");
    assert_eq!(decompressor.blocks_decoded(), 1);
}
