//! Arbitrary blocks through our block decoder, lz4_flex's and liblz4's, after
//! the same history (a dictionary, then whatever the earlier blocks decoded
//! to).
//!
//! Checks: whenever we accept a block, lz4_flex accepts it with identical
//! bytes, and so does liblz4 if it accepts it; whenever lz4_flex accepts a
//! block we reject, liblz4 rejects it too (lz4_flex does not enforce the
//! end-of-block rules that liblz4 and we do); no block yields more than one
//! page.
//!
//! Input: byte 0 picks the page size, byte 1 the dictionary; then blocks, each
//! a little-endian u16 length and that many bytes (a python-lz4 stream with
//! 2-byte prefixes is such an input).
#![no_main]

use libfuzzer_sys::fuzz_target;
use lz4_stream::block::Decompressor;
use lz4_stream::{SizePrefix, StreamConfig, WINDOW_SIZE};
use lz4_stream_fuzz::liblz4;

const PAGES: [usize; 11] = [
    1,
    7,
    64,
    239,
    941,
    4096,
    8192,
    65_264,
    65_536,
    100_000,
    1 << 20,
];

fuzz_target!(|input: &[u8]| {
    let [page_choice, dict_choice, rest @ ..] = input else {
        return;
    };
    let page = PAGES[*page_choice as usize % PAGES.len()];
    let dict_len = [0usize, 4, 1000, 70_000][*dict_choice as usize % 4];
    let dictionary: Vec<u8> = (0..dict_len).map(|i| (i * 7 % 251) as u8).collect();
    let config = StreamConfig::default()
        .buffer_size(page)
        .size_prefix(SizePrefix::OutOfBand)
        .dictionary(dictionary.clone());
    let mut ours = Decompressor::new(config).expect("valid configuration");
    let mut history = dictionary;
    let mut flex_out = vec![0u8; page];
    let mut rest = rest;
    for _ in 0..16 {
        let [lo, hi, tail @ ..] = rest else {
            break;
        };
        let len = (u16::from_le_bytes([*lo, *hi]) as usize).min(tail.len());
        let (block, tail) = tail.split_at(len);
        rest = tail;
        if block.is_empty() {
            // An empty block (liblz4's end marker behind a zero prefix)
            // decodes to nothing here; the one-shot decoders reject it.
            assert_eq!(ours.decompress(block).map(<[u8]>::len).ok(), Some(0));
            continue;
        }
        let window = &history[history.len().saturating_sub(WINDOW_SIZE)..];
        let flex = lz4_flex::block::decompress_into_with_dict(block, &mut flex_out, window)
            .map(|n| flex_out[..n].to_vec());
        let lib = liblz4::decompress_using_dict(block, window, page);
        match ours.decompress(block) {
            Ok(output) => {
                assert!(output.len() <= page, "more than one page");
                match &flex {
                    Ok(flex) => assert_eq!(output, &flex[..], "lz4_flex decodes differently"),
                    Err(err) => panic!("we accept a block lz4_flex rejects ({err})"),
                }
                if let Some(theirs) = &lib {
                    assert_eq!(output, &theirs[..], "liblz4 decodes differently");
                }
                history.extend_from_slice(output);
                if history.len() > 4 * WINDOW_SIZE {
                    history.drain(..history.len() - WINDOW_SIZE);
                }
            }
            Err(_) => {
                if flex.is_ok() {
                    assert!(
                        lib.is_none(),
                        "liblz4 and lz4_flex accept a block we reject"
                    );
                }
            }
        }
    }
});
