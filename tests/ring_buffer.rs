//! `Strategy::RingBuffer` against liblz4's ring-buffer block streaming
//! (`examples/blockStreaming_ringBuffer.c`), both ways, in-process through
//! lz4-sys (`tests/common/liblz4.rs`), in every compression mode:
//!
//! - what the writer and `block::Compressor` write with the ring buffer
//!   decodes with liblz4's `LZ4_decompress_safe_continue` over a ring of
//!   `LZ4_decoderRingBufferSize(page)` bytes, not synchronised with the
//!   encoder, and with our reader — uneven writes, flushes, empty chunks,
//!   dictionaries;
//! - what liblz4's ring-buffer compressor writes decodes with our reader and
//!   `block::Decompressor`;
//! - our sizes stay within 1.005x of liblz4's ring loop for the same mode;
//! - the double-buffer decoders (python-lz4's, liblz4's two-page loop) cannot
//!   read a ring-buffer stream, as the documentation says.
//!
//! Sizes are kept small enough for unoptimised test builds.

mod common;

use std::io::Write;

use common::liblz4::{self, Decoder, Encoder};
use common::{sample, Rng};
use lz4_stream::block::{Compressor, Decompressor};
use lz4_stream::{CompressionMode, Lz4StreamWriter, SizePrefix, Strategy, StreamConfig};

/// Every mode: the default, accelerations from 1 to the maximum, all levels.
fn all_modes() -> Vec<CompressionMode> {
    let mut modes = vec![CompressionMode::Default];
    for acceleration in [1, 2, 8, 64, lz4_stream::MAX_ACCELERATION] {
        modes.push(CompressionMode::Fast { acceleration });
    }
    for level in 1..=lz4_stream::MAX_LEVEL {
        modes.push(CompressionMode::High { level });
    }
    modes
}

/// Input per case: the optimal parser's top levels are slow unoptimised.
fn max_len(mode: CompressionMode) -> usize {
    match mode {
        CompressionMode::High { level } if level >= 11 => 40_000,
        CompressionMode::High { level } if level >= 9 => 120_000,
        _ => 300_000,
    }
}

fn ring(page: usize, prefix: SizePrefix, mode: CompressionMode) -> StreamConfig {
    StreamConfig::default()
        .buffer_size(page)
        .size_prefix(prefix)
        .mode(mode)
        .strategy(Strategy::RingBuffer)
}

/// Text whose repeats lie further back than a small page: lines drawn again
/// from a pool of earlier lines, so the ring buffer's reach matters.
fn far_repeats(len: usize, seed: u64) -> Vec<u8> {
    let pool: Vec<Vec<u8>> = (0..400)
        .map(|i| sample("text", 40 + (i * 7) % 90, seed ^ i as u64))
        .collect();
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(len + 200);
    while out.len() < len {
        if rng.chance(15) {
            out.extend_from_slice(&sample("random", 1 + rng.below(64), rng.next_u64()));
        } else {
            out.extend_from_slice(&pool[rng.below(pool.len())]);
        }
    }
    out.truncate(len);
    out
}

/// The bytes of `data` split as a network writer might: tiny writes, page
/// multiples and everything between.
fn write_sizes(rng: &mut Rng, page: usize, total: usize) -> Vec<usize> {
    let mut sizes = Vec::new();
    let mut left = total;
    while left > 0 {
        let n = match rng.below(5) {
            0 => page,
            1 => 1 + rng.below(16),
            2 => 1 + rng.below(3 * page + 5),
            _ => 1 + rng.below(page),
        }
        .min(left);
        sizes.push(n);
        left -= n;
    }
    sizes
}

/// Checks that every match of every block refers at most 65 535 bytes back
/// and into the history (dictionary window plus earlier output) — the only
/// limit a 64 KiB decoder imposes — and returns the farthest reach beyond the
/// previous chunk seen, to show the ring buffer really uses it.
fn check_ring_rule(chunks: &[&[u8]], blocks: &[&[u8]], dictionary: usize) -> usize {
    let mut history = dictionary.min(65_536);
    let mut previous = history;
    let mut beyond_previous = 0;
    for (index, (chunk, block)) in chunks.iter().zip(blocks).enumerate() {
        let seqs = common::sequences(block);
        let mut pos = 0;
        for (n, &(literals, offset, len)) in seqs.iter().enumerate() {
            pos += literals;
            if n + 1 == seqs.len() {
                break;
            }
            assert!(
                offset > 0 && offset <= pos + history && offset <= 65_535,
                "block {index}: match at {pos} refers {offset} back, {} bytes of history",
                pos + history
            );
            beyond_previous = beyond_previous.max(offset.saturating_sub(pos + previous));
            pos += len;
        }
        assert_eq!(pos, chunk.len(), "block {index} decodes to another length");
        history += chunk.len();
        previous = chunk.len();
    }
    beyond_previous
}

/// The writer with the ring buffer, every mode, uneven writes and flushes
/// (each a block boundary the next block refers across), with and without a
/// dictionary: liblz4's ring decoder and our reader give the data back, and a
/// ring-buffer stream really is smaller than the double buffer's.
#[test]
fn writer_streams_decode_with_liblz4_ring_loop_in_every_mode() {
    let mut rng = Rng::new(14);
    for mode in all_modes() {
        for (case, &page) in [512usize, 1000, 4096, 65_536].iter().enumerate() {
            let data = far_repeats(max_len(mode).min(20 * page + 5_000), rng.next_u64());
            let dictionary = (case % 2 == 1).then(|| far_repeats(70_000, 99));
            let mut config = ring(page, SizePrefix::U32, mode);
            if let Some(dict) = &dictionary {
                config = config.dictionary(dict.clone());
            }
            let what = format!("{mode:?}, page {page}, dictionary {}", dictionary.is_some());
            let mut writer = Lz4StreamWriter::with_config(Vec::new(), config.clone()).unwrap();
            let mut offset = 0;
            for n in write_sizes(&mut rng, page, data.len()) {
                writer.write_all(&data[offset..offset + n]).unwrap();
                offset += n;
                if rng.chance(20) {
                    writer.flush().unwrap();
                }
            }
            let stream = writer.finish().unwrap();

            let theirs = liblz4::decompress_stream_with(
                Decoder::ring(page, dictionary.as_deref()),
                &stream,
                4,
            )
            .unwrap_or_else(|e| panic!("{what}: liblz4's ring loop: {e}"));
            assert!(theirs == data, "{what}: liblz4 decodes other bytes");
            assert!(
                common::decompress(&config, &stream) == data,
                "{what}: our reader"
            );

            // With 64 KiB pages both reach about as far, and a high
            // acceleration probes too few positions to find much anywhere:
            // there the greedy finders may land a few bytes either way.
            let searching =
                !matches!(mode, CompressionMode::Fast { acceleration } if acceleration > 8);
            let double = config.clone().strategy(Strategy::DoubleBuffer);
            let double_len = common::compress(&double, &data).len();
            assert!(
                page == 65_536 || !searching || stream.len() < double_len,
                "{what}: ring {} bytes, double buffer {double_len}",
                stream.len()
            );
        }
    }
}

/// The block API with the ring buffer, every mode, random chunk sizes with
/// empty chunks (which keep the history): every match stays within the last
/// 64 KiB, some reach beyond the previous chunk, and liblz4's ring decoder and
/// our decompressor decode the blocks.
#[test]
fn block_api_with_empty_chunks_decodes_with_liblz4_ring_loop() {
    let mut rng = Rng::new(41);
    for mode in all_modes() {
        let page = *rng.pick(&[64usize, 512, 3000, 65_536]);
        let dictionary = rng
            .chance(50)
            .then(|| far_repeats(1 + rng.below(90_000), 5));
        let data = far_repeats(max_len(mode).min(150_000), rng.next_u64());
        let mut config = ring(page, SizePrefix::OutOfBand, mode);
        if let Some(dict) = &dictionary {
            config = config.dictionary(dict.clone());
        }
        let mut chunks: Vec<&[u8]> = Vec::new();
        let mut rest = &data[..];
        while !rest.is_empty() {
            let n = match rng.below(10) {
                0 => 0,
                1..=5 => page,
                _ => 1 + rng.below(page),
            }
            .min(rest.len());
            chunks.push(&rest[..n]);
            rest = &rest[n..];
        }
        let mut compressor = Compressor::new(config.clone()).unwrap();
        let blocks: Vec<Vec<u8>> = chunks
            .iter()
            .map(|chunk| compressor.compress(chunk).unwrap().to_vec())
            .collect();
        let block_refs: Vec<&[u8]> = blocks.iter().map(Vec::as_slice).collect();
        let what = format!("{mode:?}, page {page}");
        let dict_len = dictionary.as_ref().map_or(0, Vec::len);
        let reach = check_ring_rule(&chunks, &block_refs, dict_len);
        assert!(
            page == 65_536 || reach > 0,
            "{what}: no match beyond the previous chunk"
        );

        let lengths: Vec<usize> = blocks.iter().map(Vec::len).collect();
        let theirs = liblz4::decompress_blocks_with(
            Decoder::ring(page, dictionary.as_deref()),
            &blocks.concat(),
            &lengths,
        )
        .unwrap_or_else(|e| panic!("{what}: liblz4's ring loop: {e}"));
        assert!(theirs == data, "{what}: liblz4 decodes other bytes");
        let mut decompressor = Decompressor::new(config).unwrap();
        let mut ours = Vec::new();
        for block in &blocks {
            ours.extend_from_slice(decompressor.decompress(block).unwrap());
        }
        assert!(ours == data, "{what}: our decompressor");
    }
}

/// liblz4's ring-buffer compressor in every mode (empty chunks, uneven
/// chunks, dictionaries), read by our reader and decompressor.
#[test]
fn liblz4_ring_streams_decode_with_ours_in_every_mode() {
    let mut rng = Rng::new(187);
    for mode in all_modes() {
        let page = *rng.pick(&[239usize, 1024, 8192, 65_536, 100_000]);
        let dictionary = rng
            .chance(50)
            .then(|| far_repeats(1 + rng.below(90_000), 6));
        let data = far_repeats(max_len(mode), rng.next_u64());
        let what = format!("{mode:?}, page {page}");
        let mut encoder = Encoder::ring(page, mode.into(), dictionary.as_deref());
        let mut chunks = Vec::new();
        let mut stream = Vec::new();
        let mut rest = &data[..];
        while !rest.is_empty() {
            let n = match rng.below(8) {
                0 => 0,
                1..=4 => page,
                _ => 1 + rng.below(page),
            }
            .min(rest.len());
            let block = encoder.compress(&rest[..n]).unwrap();
            stream.extend_from_slice(&(block.len() as u32).to_le_bytes());
            stream.extend_from_slice(block);
            chunks.push(block.to_vec());
            rest = &rest[n..];
        }
        let mut config = StreamConfig::default().buffer_size(page);
        if let Some(dict) = &dictionary {
            config = config.dictionary(dict.clone());
        }
        // The reader does not need to know the stream is a ring-buffer one.
        assert!(
            common::decompress(&config, &stream) == data,
            "{what}: our reader"
        );
        let mut decompressor =
            Decompressor::new(config.size_prefix(SizePrefix::OutOfBand)).unwrap();
        let mut ours = Vec::new();
        for block in &chunks {
            ours.extend_from_slice(decompressor.decompress(block).unwrap());
        }
        assert!(ours == data, "{what}: our decompressor");
    }
}

/// Our ring-buffer streams are at most 1.005x liblz4's ring loop's for the
/// same pages and mode (full pages of text with far repeats, with and without
/// a dictionary). Sizes are deterministic, so this guards the ratio in every
/// build.
#[test]
fn sizes_within_1_005_of_liblz4_ring_loop() {
    for mode in all_modes() {
        for page in [512usize, 4096, 65_536] {
            let data = far_repeats(max_len(mode).min(300_000), page as u64);
            for dictionary in [None, Some(far_repeats(65_536, 3))] {
                let mut config = ring(page, SizePrefix::U32, mode);
                if let Some(dict) = &dictionary {
                    config = config.dictionary(dict.clone());
                }
                let mut compressor = Compressor::new(config).unwrap();
                let ours: usize = data
                    .chunks(page)
                    .map(|chunk| compressor.compress(chunk).unwrap().len())
                    .sum();
                let mut encoder = Encoder::ring(page, mode.into(), dictionary.as_deref());
                let theirs: usize = data
                    .chunks(page)
                    .map(|chunk| 4 + encoder.compress(chunk).unwrap().len())
                    .sum();
                assert!(
                    ours as f64 <= theirs as f64 * 1.005,
                    "{mode:?} page {page} dictionary {}: {ours} bytes vs liblz4's {theirs}",
                    dictionary.is_some()
                );
            }
        }
    }
}

/// What the documentation says: a double-buffer decoder (liblz4's two-page
/// loop, as python-lz4's) cannot read a ring-buffer stream — it fails or
/// returns other bytes — while a 64 KiB decoder can.
#[test]
fn double_buffer_decoders_cannot_read_ring_buffer_streams() {
    let page = 1024;
    let data = far_repeats(100_000, 8);
    let config = ring(page, SizePrefix::U32, CompressionMode::Default);
    let stream = common::compress(&config, &data);
    let two_pages = liblz4::decompress_stream(&stream, page, 4, None);
    assert!(
        two_pages.map_or(true, |out| out != data),
        "a two-page decoder read a ring stream"
    );
    assert!(common::decompress(&config, &stream) == data);
}

/// An empty chunk keeps the ring buffer's history (as in liblz4's ring loop),
/// where the double buffer starts afresh: the chunk after it, a repeat of the
/// one before, is a tiny block only with the ring buffer.
#[test]
fn empty_chunk_keeps_the_history_with_the_ring_buffer() {
    let chunk = sample("random", 1000, 1);
    for (strategy, tiny) in [
        (Strategy::RingBuffer, true),
        (Strategy::DoubleBuffer, false),
    ] {
        let config = StreamConfig::default()
            .buffer_size(1000)
            .size_prefix(SizePrefix::OutOfBand)
            .strategy(strategy);
        let mut compressor = Compressor::new(config.clone()).unwrap();
        let mut decompressor = Decompressor::new(config).unwrap();
        for (i, input) in [&chunk[..], &[], &chunk[..]].into_iter().enumerate() {
            let block = compressor.compress(input).unwrap().to_vec();
            assert_eq!(decompressor.decompress(&block).unwrap(), input);
            if i == 2 {
                assert_eq!(
                    block.len() < 40,
                    tiny,
                    "{strategy:?}: {} bytes",
                    block.len()
                );
            }
        }
    }
}

#[test]
fn strategy_is_configured_and_shown() {
    let config = StreamConfig::default();
    assert_eq!(config.get_strategy(), Strategy::DoubleBuffer);
    assert!(format!("{config:?}").contains("strategy: DoubleBuffer"));
    let config = config.strategy(Strategy::RingBuffer);
    assert!(config.validate().is_ok());
    assert!(format!("{config:?}").contains("strategy: RingBuffer"));
}
