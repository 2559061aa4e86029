//! Arbitrary data, configuration, write sizes and flush points through
//! `Lz4StreamWriter` over a sink with short writes, `WouldBlock`,
//! `Interrupted` and time-outs (retried as an event loop would), then through
//! `Lz4StreamReader` over a flaky source: the exact data comes back, block by
//! block as the writes and flushes cut it. Every block must also decode with
//! only the previous chunk as history (what python-lz4's and liblz4's
//! two-page decoders keep). With out-of-band sizes the block API is used
//! instead, with empty chunks (history resets) and oversized ones.
//!
//! With misc bits 1-2 set, the writer compresses on 2 to 4 worker threads
//! (`StreamConfig::workers`), and 6 workers, given the same data and flush
//! points (without sink faults), must write the same bytes.
//!
//! Input: header (misc bit 0: generated data, bits 1-2: worker count), write
//! plan, sink faults, read pattern, source faults (each a length byte and
//! bytes), then the data.
#![no_main]

use std::io::Write;

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use lz4_stream::block::{Compressor, Decompressor};
use lz4_stream::{Error, Lz4StreamWriter, SizePrefix, StreamConfig, WINDOW_SIZE};
use lz4_stream_fuzz::reference;
use lz4_stream_fuzz::setup::{self, MAX_WRITE_PAGE};
use lz4_stream_fuzz::stream::{self, End};

fuzz_target!(|input: &[u8]| {
    let Some((setup, mut rest)) = setup::parse(input, true, MAX_WRITE_PAGE) else {
        return;
    };
    let workers = match (setup.misc >> 1) & 3 {
        0 => 1,
        n => 1 + usize::from(n),
    };
    let config = &setup.config.clone().workers(workers);
    let plan = setup::section(&mut rest);
    let sink_faults = setup::section(&mut rest);
    let pattern = setup::section(&mut rest);
    let source_faults = setup::section(&mut rest);
    let data = setup.data(rest);

    if config.get_size_prefix() == SizePrefix::OutOfBand {
        block_api_round_trip(config, &data, plan);
        return;
    }
    let written = stream::write_stream(config, &data, plan, sink_faults);
    if workers > 1 {
        // Faults change where the writes and flushes land, so replay the
        // flushes where they were, without faults.
        let more = replay(&config.clone().workers(6), &data, &written.flushes);
        assert!(
            more == written.stream,
            "{workers} and 6 workers wrote different bytes"
        );
    }
    let blocks = stream::read_and_check(&written.stream, config, pattern, source_faults);
    assert!(blocks.output == data, "the data did not come back");
    assert_eq!(
        blocks.chunks, written.chunks,
        "blocks are not cut where pages and flushes end"
    );
    let end = if config.get_end_marker() {
        End::Marker(written.stream.len())
    } else {
        End::Clean
    };
    assert_eq!(blocks.end, end);
    previous_chunk_only(&written.stream, config, &blocks.chunks, &data);
});

/// `data` written with a flush wherever `flushes` says (how much had been
/// written), then finished: the same data and flush points, so the same
/// blocks and, with workers, the same jobs.
fn replay(config: &StreamConfig, data: &[u8], flushes: &[usize]) -> Vec<u8> {
    let mut writer = Lz4StreamWriter::with_config(Vec::new(), config.clone())
        .expect("a validated in-band configuration");
    let mut at = 0;
    for &flush_at in flushes {
        writer
            .write_all(&data[at..flush_at])
            .expect("writing to a Vec");
        writer.flush().expect("flushing to a Vec");
        at = flush_at;
    }
    writer.write_all(&data[at..]).expect("writing to a Vec");
    writer.finish().expect("finishing into a Vec")
}

/// Decodes each block with only the previous chunk (or, first, the
/// dictionary) as history, as a two-page decoder must.
fn previous_chunk_only(stream: &[u8], config: &StreamConfig, chunks: &[usize], data: &[u8]) {
    let width = config.get_size_prefix().width();
    let page = config.get_buffer_size();
    let dictionary = config.get_dictionary().unwrap_or(&[]);
    let mut at = 0usize;
    let mut previous: &[u8] = &dictionary[dictionary.len().saturating_sub(WINDOW_SIZE)..];
    for ((_, block), &len) in stream::blocks(stream, width).zip(chunks) {
        let chunk = &data[at..at + len];
        reference::check(block, &[], previous, page, Ok(chunk));
        previous = chunk;
        at += len;
    }
}

fn block_api_round_trip(config: &StreamConfig, data: &[u8], plan: &[u8]) {
    let page = config.get_buffer_size();
    let dictionary = config.get_dictionary().unwrap_or(&[]);
    let mut compressor = Compressor::new(config.clone()).expect("valid configuration");
    let mut decompressor = Decompressor::new(config.clone()).expect("valid configuration");
    let mut plan = Unstructured::new(plan);
    // What the next block may refer to: the previous chunk, nothing after an
    // empty one, the dictionary at first.
    let mut previous = dictionary[dictionary.len().saturating_sub(WINDOW_SIZE)..].to_vec();
    let mut pos = 0;
    while pos < data.len() {
        let want: usize = if plan.is_empty() {
            page
        } else {
            match plan.int_in_range(0u8..=7).unwrap_or(0) {
                0 => 0,
                1 => page + plan.int_in_range(1..=16).unwrap_or(1),
                2 => page,
                _ => plan.int_in_range(1..=page).unwrap_or(1),
            }
        };
        let chunk = &data[pos..data.len().min(pos + want)];
        let block = match compressor.compress(chunk) {
            Ok(block) => {
                assert!(chunk.len() <= page, "an oversized chunk was accepted");
                block.to_vec()
            }
            Err(Error::ChunkTooLarge { len, buffer_size }) => {
                assert_eq!((len, buffer_size), (chunk.len(), page));
                assert!(chunk.len() > page);
                continue;
            }
            Err(err) => panic!("compress failed: {err:?}"),
        };
        assert!(block.len() <= config.max_block_size());
        let out = decompressor
            .decompress(&block)
            .expect("our own block decodes");
        assert!(out == chunk, "a chunk did not come back");
        reference::check(&block, &[], &previous, page, Ok(chunk));
        previous = chunk.to_vec();
        pos += chunk.len();
    }
}
