//! The reader's peak memory is bounded by its configuration, never by what
//! the stream claims: measured with a counting global allocator.
//!
//! This binary holds a single test, so nothing else allocates while a case is
//! measured. Run with `--nocapture` to see the peaks.

use std::io::{self, ErrorKind, Read};

use lz4_stream::{compress_bound, Lz4StreamReader, SizePrefix, StreamConfig, MAX_BUFFER_SIZE};

#[path = "common/alloc.rs"]
mod alloc;

use alloc::peak_of;

#[global_allocator]
static ALLOCATOR: alloc::Counting = alloc::Counting;

/// Reads the whole stream into a sink (no output buffer of our own): the
/// decoded length, or the error's kind.
fn drain(config: &StreamConfig, stream: &[u8]) -> Result<u64, ErrorKind> {
    let mut reader = Lz4StreamReader::with_config(stream, config.clone()).unwrap();
    io::copy(&mut reader, &mut io::sink()).map_err(|e| e.kind())
}

/// What the reader may hold for pages of `page` bytes: the window (64 KiB of
/// history, free room of at least 256 KiB and two pages, a 64-byte copy
/// margin) twice, because while it grows the old and the new buffer are both
/// counted (a `realloc` is counted as if it always copied); the largest
/// compressed block; and 64 KiB for everything else.
fn budget(page: usize) -> usize {
    let window = 64 * 1024 + (256 * 1024 + page).max(2 * page) + 64;
    2 * window + compress_bound(page) + 64 * 1024
}

fn config(prefix: SizePrefix, page: usize) -> StreamConfig {
    StreamConfig::default()
        .buffer_size(page)
        .size_prefix(prefix)
}

/// A block of literals only: the largest a valid block of `len` bytes gets.
fn literal_block(data: &[u8]) -> Vec<u8> {
    let mut block = Vec::with_capacity(data.len() + data.len() / 255 + 2);
    if data.len() < 15 {
        block.push((data.len() as u8) << 4);
    } else {
        block.push(0xF0);
        let mut rest = data.len() - 15;
        while rest >= 255 {
            block.push(255);
            rest -= 255;
        }
        block.push(rest as u8);
    }
    block.extend_from_slice(data);
    block
}

/// A tiny block that decodes to a whole page (`page >= 13`): one literal,
/// one long match of it, five final literals.
fn expanding_block(page: usize) -> Vec<u8> {
    let match_len = page - 6;
    let mut block = vec![0x10 | 15, b'a', 1, 0];
    let mut rest = match_len - 4 - 15;
    while rest >= 255 {
        block.push(255);
        rest -= 255;
    }
    block.push(rest as u8);
    block.push(0x50);
    block.extend_from_slice(b"tail!");
    block
}

fn prefixed(prefix: SizePrefix, block: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(&(block.len() as u64).to_le_bytes()[..prefix.width()]);
    out.extend_from_slice(block);
}

#[test]
fn reader_memory_is_bounded_by_the_configuration() {
    // 0. The measurement itself: a 1 MiB buffer must show up.
    let (_, peak) = peak_of(|| {
        let mut buf = Vec::new();
        io::repeat(1).take(1 << 20).read_to_end(&mut buf).unwrap();
        buf.len()
    });
    assert!(
        peak >= 1 << 20,
        "the counting allocator saw only {peak} bytes"
    );

    // 1. Prefixes claiming the largest size each width holds, one more than
    //    compress_bound (rejected before anything is allocated), and exactly
    //    compress_bound with the stream cut 100 bytes later (accepted, then
    //    truncated): nothing near the claimed size may be allocated, even
    //    with 2 GiB pages.
    let hostile: &[(SizePrefix, usize)] = &[
        (SizePrefix::U8, 1),
        (SizePrefix::U8, 239),
        (SizePrefix::U16, 1000),
        (SizePrefix::U16, 65_264),
        (SizePrefix::U32, 65_536),
        (SizePrefix::U32, 1 << 20),
        (SizePrefix::U32, MAX_BUFFER_SIZE),
    ];
    let mut worst_hostile = 0;
    for &(prefix, page) in hostile {
        let config = config(prefix, page);
        let width = prefix.width();
        let full = if width == 4 {
            u32::MAX as u64
        } else {
            (1u64 << (8 * width)) - 1
        };
        let bound = compress_bound(page) as u64;
        for claim in [full, prefix.max_value(), bound + 1, bound] {
            if claim > full {
                continue;
            }
            let mut stream = claim.to_le_bytes()[..width].to_vec();
            stream.extend(std::iter::repeat_n(7u8, 100.min(claim as usize - 1)));
            let (result, peak) = peak_of(|| drain(&config, &stream));
            let expected = if claim > bound {
                ErrorKind::InvalidData
            } else {
                ErrorKind::UnexpectedEof
            };
            assert_eq!(
                result,
                Err(expected),
                "{prefix:?} page {page} claim {claim}"
            );
            println!(
                "claim {claim:>10} ({width}-byte prefix, page {page:>10}): peak {peak:>7} bytes"
            );
            assert!(
                peak <= 256 * 1024,
                "a {claim}-byte claim with {page}-byte pages cost {peak} bytes"
            );
            worst_hostile = worst_hostile.max(peak);
        }
    }
    println!("forged prefixes: worst peak {worst_hostile} bytes");

    // 2. Long streams of maximal blocks: full pages of literals (the largest
    //    valid blocks) alternating with tiny blocks that expand to a whole
    //    page, so both the compressed-block buffer and the window are pushed
    //    to their largest.
    let maximal: &[(SizePrefix, usize, usize, usize)] = &[
        // (prefix, page, blocks, dictionary length)
        (SizePrefix::U8, 239, 4000, 0),
        (SizePrefix::U16, 65_264, 64, 0),
        (SizePrefix::U32, 65_536, 64, 100_000),
        (SizePrefix::U32, 1 << 20, 12, 0),
        (SizePrefix::U32, 4 << 20, 4, 0),
    ];
    for &(prefix, page, blocks, dict_len) in maximal {
        let mut config = config(prefix, page);
        if dict_len > 0 {
            config = config.dictionary(vec![9u8; dict_len]);
        }
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut literals = vec![0u8; page];
        let mut stream = Vec::new();
        for i in 0..blocks {
            if i % 2 == 0 {
                for byte in literals.iter_mut() {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    *byte = state as u8;
                }
                let block = literal_block(&literals);
                assert!(block.len() <= compress_bound(page));
                prefixed(prefix, &block, &mut stream);
            } else {
                prefixed(prefix, &expanding_block(page), &mut stream);
            }
        }
        let (result, peak) = peak_of(|| drain(&config, &stream));
        assert_eq!(result, Ok((blocks * page) as u64), "page {page}");
        println!(
            "{blocks:>5} maximal blocks, page {page:>8}{}: peak {peak:>8} bytes (budget {})",
            if dict_len > 0 {
                " + 100 KB dictionary"
            } else {
                ""
            },
            budget(page)
        );
        assert!(
            peak <= budget(page),
            "page {page}: peak {peak} bytes, budget {}",
            budget(page)
        );
    }
}
