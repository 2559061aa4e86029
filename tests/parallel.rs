//! The multi-threaded writer (`StreamConfig::workers`): the same bytes for
//! every worker count from 2 up, whatever the flush points; the same as one
//! worker's in the hash-chain levels and within 0.5% of its size in the
//! others; every block decodable by liblz4's two-page loop, which keeps only
//! the previous chunk.

mod common;

use std::io::Write;

use common::{liblz4, sample, Rng};
use lz4_stream::{CompressionMode, Lz4StreamWriter, StreamConfig};

/// `data` written in the pieces of `plan`, flushing where it says.
fn write_planned(config: &StreamConfig, data: &[u8], plan: &[(usize, bool)]) -> Vec<u8> {
    let mut writer = Lz4StreamWriter::with_config(Vec::new(), config.clone()).unwrap();
    let mut at = 0;
    for &(len, flush) in plan {
        writer.write_all(&data[at..at + len]).unwrap();
        at += len;
        if flush {
            writer.flush().unwrap();
        }
    }
    writer.finish().unwrap()
}

/// Random write sizes with a flush after about one write in eight.
fn plan(rng: &mut Rng, len: usize, page: usize) -> Vec<(usize, bool)> {
    let mut steps = Vec::new();
    let mut left = len;
    while left > 0 {
        let n = match rng.below(3) {
            0 => 1 + rng.below(64),
            1 => 1 + rng.below(2 * page),
            _ => page,
        }
        .min(left);
        steps.push((n, rng.chance(12)));
        left -= n;
    }
    steps
}

fn random_mode(rng: &mut Rng) -> CompressionMode {
    *rng.pick(&[
        CompressionMode::Default,
        CompressionMode::Fast { acceleration: 4 },
        CompressionMode::High { level: 2 },
        CompressionMode::High { level: 5 },
        CompressionMode::High { level: 9 },
        CompressionMode::High { level: 10 },
    ])
}

/// Decodes with liblz4's double-buffer loop (two pages, nothing older).
fn liblz4_decode(config: &StreamConfig, stream: &[u8]) -> Vec<u8> {
    liblz4::decompress_stream(
        stream,
        config.get_buffer_size(),
        config.get_size_prefix().width(),
        config.get_dictionary(),
    )
    .unwrap_or_else(|err| panic!("liblz4 rejected the stream: {err}"))
}

#[test]
fn every_worker_count_writes_the_same_bytes() {
    let mut rng = Rng::new(12);
    for case in 0..40 {
        let (config, data) = common::random_case(&mut rng);
        let mode = random_mode(&mut rng);
        let config = config.mode(mode);
        let steps = plan(&mut rng, data.len(), config.get_buffer_size());
        let two = write_planned(&config.clone().workers(2), &data, &steps);
        for workers in [3, 4 + rng.below(5)] {
            let more = write_planned(&config.clone().workers(workers), &data, &steps);
            assert!(more == two, "case {case}: {workers} workers, {config:?}");
        }
        let one = write_planned(&config, &data, &steps);
        if matches!(mode, CompressionMode::High { level } if level >= 3) {
            assert!(one == two, "case {case}: one worker differs, {config:?}");
        }
        assert!(common::decompress(&config, &two) == data, "case {case}");
        assert!(liblz4_decode(&config, &two) == data, "case {case}");
    }
}

/// Blocks are cut exactly where one worker cuts them: at full pages and
/// at flushes, so a peer can decode everything flushed.
#[test]
fn flushes_cut_blocks_as_with_one_worker() {
    let config = StreamConfig::default().buffer_size(10_000).workers(3);
    let data = sample("text", 95_000, 3);
    let steps: Vec<(usize, bool)> = (0..19).map(|i| (5_000, i % 3 == 1)).collect();
    let parallel = write_planned(&config, &data, &steps);
    let single = write_planned(&config.clone().workers(1), &data, &steps);
    assert_eq!(
        common::block_lengths(&config, &parallel)
            .lines()
            .map(|l| l.split(' ').next().unwrap().to_string())
            .collect::<Vec<_>>(),
        common::block_lengths(&config, &single)
            .lines()
            .map(|l| l.split(' ').next().unwrap().to_string())
            .collect::<Vec<_>>(),
    );
}

/// A flush hands the inner writer every block so far: what was written can
/// be decoded before the stream ends, also when it ends on a page boundary
/// inside a job (a job is 16 pages of 4 KiB) and no partial page is left.
#[test]
fn flush_writes_everything_so_far() {
    let config = StreamConfig::default().buffer_size(4096).workers(4);
    for len in [50_000, 3 * 4096, 16 * 4096, 21 * 4096] {
        let data = sample("binary", len, 8);
        let mut writer = Lz4StreamWriter::with_config(Vec::new(), config.clone()).unwrap();
        writer.write_all(&data).unwrap();
        writer.flush().unwrap();
        assert!(
            common::decompress(&config, writer.get_ref()) == data,
            "{len}"
        );
        // And the stream goes on from there.
        writer.write_all(&data).unwrap();
        let stream = writer.finish().unwrap();
        assert!(common::decompress(&config, &stream) == [&data[..], &data[..]].concat());
    }
}

#[test]
fn size_stays_within_half_a_percent_of_one_worker() {
    // 4 and 64 KiB pages of the tests' synthetic text and records; the
    // README's table measures real files.
    let inputs = [
        ("text", sample("text", 1 << 20, 1)),
        ("binary", sample("binary", 1 << 20, 2)),
    ];
    for (name, data) in &inputs {
        for page in [4096, 65_536] {
            for mode in [
                CompressionMode::Default,
                CompressionMode::Fast { acceleration: 8 },
                CompressionMode::High { level: 2 },
            ] {
                let config = StreamConfig::default().buffer_size(page).mode(mode);
                let one = common::compress(&config, data).len() as f64;
                let two = common::compress(&config.clone().workers(2), data).len() as f64;
                let change = (two / one - 1.0) * 100.0;
                println!("{name}, page {page}, {mode:?}: {change:+.3}%");
                // Smaller is fine (the sparse index sometimes finds more).
                assert!(
                    change <= 0.5,
                    "{name}, page {page}, {mode:?}: {change:+.3}%"
                );
            }
        }
    }
}

/// The writer stays `Send` and `Sync` with workers: they are owned by it.
#[test]
fn the_parallel_writer_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>(_: &T) {}
    let writer =
        Lz4StreamWriter::with_config(Vec::new(), StreamConfig::default().workers(2)).unwrap();
    assert_send_sync(&writer);
}

#[test]
fn absurd_worker_counts_are_refused() {
    let err = Lz4StreamWriter::with_config(Vec::new(), StreamConfig::default().workers(100_000))
        .unwrap_err();
    assert!(
        err.to_string().contains("workers 100000 is out of range"),
        "{err}"
    );
}
