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

use std::os::raw::{c_char, c_int};

use libfuzzer_sys::fuzz_target;
// Links liblz4, whose one-shot dictionary decoder is declared below.
use lz4_stream::block::Decompressor;
use lz4_stream::{SizePrefix, StreamConfig, WINDOW_SIZE};
use lz4_sys as _;

extern "C" {
    fn LZ4_decompress_safe_usingDict(
        src: *const c_char,
        dst: *mut c_char,
        src_size: c_int,
        dst_capacity: c_int,
        dict_start: *const c_char,
        dict_size: c_int,
    ) -> c_int;
}

/// liblz4's one-shot decoder with `history` as its dictionary.
fn liblz4_decode(block: &[u8], page: usize, history: &[u8]) -> Option<Vec<u8>> {
    let mut out = vec![0u8; page];
    // SAFETY: every pointer comes from a live slice or Vec with the length
    // passed beside it; liblz4 writes at most `page` bytes into `out`.
    let n = unsafe {
        LZ4_decompress_safe_usingDict(
            block.as_ptr().cast(),
            out.as_mut_ptr().cast(),
            block.len() as c_int,
            page as c_int,
            history.as_ptr().cast(),
            history.len() as c_int,
        )
    };
    (n >= 0).then(|| {
        out.truncate(n as usize);
        out
    })
}

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
        let liblz4 = liblz4_decode(block, page, window);
        match ours.decompress(block) {
            Ok(output) => {
                assert!(output.len() <= page, "more than one page");
                match &flex {
                    Ok(flex) => assert_eq!(output, &flex[..], "lz4_flex decodes differently"),
                    Err(err) => panic!("we accept a block lz4_flex rejects ({err})"),
                }
                if let Some(theirs) = &liblz4 {
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
                        liblz4.is_none(),
                        "liblz4 and lz4_flex accept a block we reject"
                    );
                }
            }
        }
    }
});
