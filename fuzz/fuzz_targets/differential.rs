//! The same data through this crate's writer and through liblz4's
//! double-buffer or ring-buffer loop (`LZ4_compress_fast_continue` with the
//! input's acceleration, or `LZ4_compress_HC_continue` with its level, over
//! two pages of the configured size, as `blockStreaming_doubleBuffer.c` and
//! python-lz4 do, or over a ring, as `blockStreaming_ringBuffer.c` does; our
//! writer uses the same `Strategy`): each side's stream decodes exactly with
//! the other side's decoder (`LZ4_decompress_safe_continue` over two pages or
//! a ring of `LZ4_decoderRingBufferSize(page)` bytes; `Lz4StreamReader`), and
//! both streams decode exactly with lz4_flex's block decoder too (each block
//! with the last 64 KiB of output as its dictionary).
//!
//! Input: header (misc bit 0: generated data, bits 1-2: liblz4 fast with
//! acceleration 1, fast with acceleration `p`, or HC at level `p`, where `p`
//! is `(misc >> 3) & 15`; bit 7: the ring buffer), our write plan, liblz4's
//! chunk plan (each a length byte and bytes), then the data.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use lz4_stream::Strategy;
use lz4_stream_fuzz::flex;
use lz4_stream_fuzz::liblz4::{self, Layout, Mode};
use lz4_stream_fuzz::setup::{self, MAX_WRITE_PAGE};
use lz4_stream_fuzz::stream::{self, End};

fuzz_target!(|input: &[u8]| {
    let Some((setup, mut rest)) = setup::parse(input, false, MAX_WRITE_PAGE) else {
        return;
    };
    let strategy = if setup.misc & 0x80 != 0 {
        Strategy::RingBuffer
    } else {
        Strategy::DoubleBuffer
    };
    let config = &setup.config.clone().strategy(strategy);
    let layout = match strategy {
        Strategy::DoubleBuffer => Layout::DoubleBuffer,
        Strategy::RingBuffer => Layout::Ring,
    };
    let dictionary = Some(&setup.dictionary[..]).filter(|d| !d.is_empty());
    let page = config.get_buffer_size();
    let width = config.get_size_prefix().width();
    let param = ((setup.misc >> 3) & 15) as i32;
    let mode = match (setup.misc >> 1) & 3 {
        2 => Mode::Fast(1 + param),
        3 => Mode::Hc(1 + param % 12),
        _ => Mode::Fast(1),
    };
    let plan = setup::section(&mut rest);
    let chunk_plan = setup::section(&mut rest);
    let data = setup.data(rest);

    // Ours, decoded by liblz4.
    let written = stream::write_stream(config, &data, plan, &[]);
    let mut decoder = liblz4::Decoder::with_layout(layout, page, dictionary);
    let mut decoded = Vec::with_capacity(data.len());
    // Where the last block (or the end marker) ends: the stream's end.
    let mut end = 0;
    for (offset, block) in stream::blocks(&written.stream, width) {
        end = offset + width + block.len();
        if block.is_empty() {
            break; // the end marker
        }
        let chunk = decoder
            .decompress(block)
            .unwrap_or_else(|err| panic!("liblz4 rejected our block at offset {offset}: {err}"));
        decoded.extend_from_slice(chunk);
    }
    assert_eq!(end, written.stream.len());
    assert!(
        decoded == data,
        "liblz4 decoded our stream to different bytes"
    );
    let flex_decoded = flex::decode_stream(&written.stream, width, page, &setup.dictionary);
    assert!(
        flex_decoded.as_ref() == Some(&data),
        "lz4_flex did not decode our stream to the data"
    );

    // liblz4's, read by ours.
    let mut encoder = liblz4::Encoder::with_layout(layout, page, mode, dictionary);
    let mut chunk_plan = Unstructured::new(chunk_plan);
    let mut theirs = Vec::new();
    let mut pos = 0;
    while pos < data.len() {
        let len = if chunk_plan.is_empty() {
            page
        } else {
            chunk_plan.int_in_range(1..=page).unwrap_or(page)
        };
        let chunk = &data[pos..data.len().min(pos + len)];
        let block = encoder.compress(chunk).expect("liblz4 compressed a chunk");
        assert!(block.len() <= config.max_block_size());
        theirs.extend_from_slice(&(block.len() as u64).to_le_bytes()[..width]);
        theirs.extend_from_slice(block);
        pos += chunk.len();
    }
    if config.get_end_marker() {
        theirs.extend_from_slice(&[0u8; 4][..width]);
    }
    let blocks = stream::read_and_check(&theirs, config, &[], &[]);
    assert!(
        blocks.output == data,
        "we decoded liblz4's stream to different bytes"
    );
    let flex_decoded = flex::decode_stream(&theirs, width, page, &setup.dictionary);
    assert!(
        flex_decoded.as_ref() == Some(&data),
        "lz4_flex did not decode liblz4's stream to the data"
    );
    let end = if config.get_end_marker() {
        End::Marker(theirs.len())
    } else {
        End::Clean
    };
    assert_eq!(blocks.end, end);
});
