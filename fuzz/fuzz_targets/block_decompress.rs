//! Arbitrary blocks, and sequences of blocks, through `block::Decompressor`:
//! raw bytes and blocks built from arbitrary (often invalid) sequences, with
//! offsets at the edge of the history.
//!
//! Checks: no panic; every result is at most one page and exactly what the
//! reference decoder makes of the block after the same history, so no byte of
//! earlier output leaks into a short block's result; a failed block leaves the
//! history as it was; a block that decodes past the page is `PageOverflow`.
//! Then the same blocks behind size prefixes (some of them lying) go through
//! `get_block`.
//!
//! Input: header, then blocks, each chosen by the input: raw bytes, a built
//! block, or a built block with one byte changed.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use lz4_stream::block::Decompressor;
use lz4_stream::{Corruption, Error, SizePrefix, WINDOW_SIZE};
use lz4_stream_fuzz::reference::{self, Reject};
use lz4_stream_fuzz::{setup, stream};

/// Pages up to 4 MiB: well past the 64 KiB window, while a block's room
/// (255 bytes per compressed byte, up to the page) stays cheap to fill. The
/// `reader` target covers pages up to the 2 GiB maximum.
const MAX_DECODE_PAGE: usize = 4 << 20;

fuzz_target!(|input: &[u8]| {
    let Some((setup, rest)) = setup::parse(input, true, MAX_DECODE_PAGE) else {
        return;
    };
    let config = &setup.config;
    let page = config.get_buffer_size();
    let dictionary = &setup.dictionary[setup.dictionary.len().saturating_sub(WINDOW_SIZE)..];
    let mut decompressor = Decompressor::new(config.clone()).expect("valid configuration");
    let mut u = Unstructured::new(rest);
    // Everything decoded so far (trimmed to the last 64 KiB now and then).
    let mut history: Vec<u8> = Vec::new();
    let mut prefixed = Vec::new();
    let mut decoded = 0u64;
    for _ in 0..32 {
        if u.is_empty() {
            break;
        }
        let reach = dictionary.len() + history.len();
        let block = match u.int_in_range(0u8..=2).unwrap_or(0) {
            0 => {
                let len = u.int_in_range(0..=u.len()).unwrap_or(0);
                u.bytes(len).unwrap_or(&[]).to_vec()
            }
            1 => reference::build_block(&mut u, reach),
            _ => {
                let mut block = reference::build_block(&mut u, reach);
                let at = u.int_in_range(0..=block.len() - 1).unwrap_or(0);
                block[at] ^= u.int_in_range(1..=255u8).unwrap_or(1);
                block
            }
        };
        // Behind a prefix for the get_block pass: the true length or a lie.
        let width = config.get_size_prefix().width();
        let claimed = if u.ratio(1u8, 8).unwrap_or(false) {
            u.arbitrary::<u32>().unwrap_or(0) as usize
        } else {
            block.len()
        };
        prefixed.extend_from_slice(&(claimed as u64).to_le_bytes()[..width]);
        prefixed.extend_from_slice(&block);

        let result = decompressor.decompress(&block);
        let actual = match &result {
            Ok(chunk) => {
                assert!(chunk.len() <= page);
                Ok(*chunk)
            }
            Err(Error::Corrupt {
                block: index,
                offset: None,
                kind,
            }) => {
                assert_eq!(*index, decoded, "error names the wrong block");
                Err(kind)
            }
            Err(other) => panic!("decompress: unexpected error {other:?}"),
        };
        let verdict = reference::check(&block, dictionary, &history, page, actual);
        match result {
            Ok(chunk) => {
                history.extend_from_slice(chunk);
                decoded += 1;
            }
            Err(Error::Corrupt { kind, .. }) => {
                let overflow = verdict.result == Err(Reject::Overflow);
                if overflow && !verdict.lenient && block.len() <= config.max_block_size() {
                    assert!(
                        matches!(kind, Corruption::PageOverflow { .. }),
                        "a block decoding past the page reported as {kind} (block {block:?}, page {page})"
                    );
                }
            }
            Err(_) => unreachable!("checked above"),
        }
        if history.len() > 4 * WINDOW_SIZE {
            history.drain(..history.len() - WINDOW_SIZE);
        }
        assert_eq!(decompressor.blocks_decoded(), decoded);
    }
    if config.get_size_prefix() != SizePrefix::OutOfBand {
        stream::decode_blocks(&prefixed, config);
    }
});
