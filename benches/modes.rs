//! Every compression mode against liblz4's double-buffer loop in the same
//! mode: fast accelerations 2, 4, 8, 16, 32 and 64
//! (`LZ4_compress_fast_continue`) and every high-compression level 1-12
//! (`LZ4_compress_HC_continue`), on pages of 8 KiB and 64 KiB, over the real
//! files of `corpus.rs` (the first 2 MiB of each kind) and the text, markup
//! and binary inputs of `data.rs` (1 MiB each, named `synthetic-*`).
//!
//! First a summary is printed: for every mode, page and input, the compressed
//! sizes and each encoder's best time over a few runs interleaved with the
//! other's (the README's tables come from it), with the worst cell of each
//! mode. Then the criterion groups run; skip them with a filter that matches
//! none (`cargo bench --bench modes -- summary-only`).
//!
//! Benchmark ids follow `benches/stream.rs`:
//! `{direction}_{mode}_{page}/{implementation}/{input}`, e.g.
//! `compress_hc9_64KiB/ours/json`. Compression runs our `Lz4StreamWriter` end
//! to end against liblz4's loop (each chunk copied into its page, as the C
//! example does). `decompress_hc*` groups decode our HC stream and liblz4's HC
//! stream with the same decoder (liblz4's loop), which isolates how
//! decoder-friendly each encoder's output is.
//!
//! Filter with e.g. `cargo bench --bench modes -- compress_hc9_`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use lz4_stream::CompressionMode;

#[allow(dead_code)]
mod corpus;
// The stream bench's generators; this bench uses three of its inputs.
#[allow(dead_code)]
mod data;
mod interleaved;
#[path = "../tests/common/liblz4.rs"]
mod liblz4;
#[allow(dead_code)]
mod loops;

use loops::{liblz4_compress, ours_compress};

/// liblz4's decoder loop (the one `stream.rs` times) over a whole stream.
fn liblz4_decompress(stream: &[u8], page: usize, out: &mut Vec<u8>) {
    let mut block = vec![0u8; liblz4::compress_bound(page)];
    loops::liblz4_decompress(stream, page, out, &mut block);
}

/// Smaller than `stream.rs`'s inputs: 60 benchmark groups, some at a few MB/s.
const INPUT_LEN: usize = 1 << 20;

/// Bytes of each kind of real file.
const CORPUS_LEN: usize = 2 << 20;

/// Rounds of the interleaved summary.
const SUMMARY_ROUNDS: usize = 5;

const PAGES: [(usize, &str); 2] = [(8 * 1024, "8KiB"), (64 * 1024, "64KiB")];

const SYNTHETIC: [&str; 3] = ["text", "markup", "binary"];

/// The modes measured, with their names in benchmark ids.
fn modes() -> Vec<(CompressionMode, String)> {
    let mut modes = Vec::new();
    for acceleration in [2, 4, 8, 16, 32, 64] {
        modes.push((
            CompressionMode::Fast { acceleration },
            format!("fast{acceleration}"),
        ));
    }
    for level in 1..=12 {
        modes.push((CompressionMode::High { level }, format!("hc{level}")));
    }
    modes
}

fn criterion() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
}

fn synthetic(name: &str) -> Vec<u8> {
    match name {
        "text" => data::text(INPUT_LEN, 1),
        "markup" => data::markup(INPUT_LEN, 2),
        "binary" => data::binary(INPUT_LEN, 3),
        other => panic!("no input {other}"),
    }
}

/// The real files first, then the synthetic inputs.
fn inputs() -> Vec<(String, Vec<u8>)> {
    let real = corpus::inputs(CORPUS_LEN)
        .into_iter()
        .map(|(name, data)| (name.to_string(), data));
    let synthetic = SYNTHETIC
        .iter()
        .map(|&name| (format!("synthetic-{name}"), synthetic(name)));
    real.chain(synthetic).collect()
}

/// Prints, for every mode, page and input, both encoders' sizes and their
/// speeds from an interleaved best-of-N measurement (after checking that
/// liblz4 decodes our stream), then each mode's worst speed and size ratios
/// over the real files and over the synthetic inputs.
fn summary(inputs: &[(String, Vec<u8>)]) {
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    let rounds = interleaved::rounds(SUMMARY_ROUNDS);
    eprintln!(
        "summary: compression MB/s, best of {rounds} interleaved runs by the {}; sizes in bytes; \
         ratios are ours / liblz4 in the same mode and pages; load average at the start: {}",
        interleaved::clock_name(),
        interleaved::load()
    );
    eprintln!(
        "{:>5} {:<6} {:<17} | {:>7} {:>7} {:>5} | {:>8} {:>8} {:>6}",
        "page", "mode", "input", "ours", "liblz4", "speed", "ours", "liblz4", "size"
    );
    let mut worst = Vec::new();
    for &(page, page_name) in &PAGES {
        for (mode, mode_name) in modes() {
            for (name, input) in inputs {
                ours_compress(input, page, mode, &mut ours);
                liblz4_decompress(&ours, page, &mut theirs);
                assert!(
                    theirs == *input,
                    "{mode_name} {page_name} {name}: liblz4 decodes ours"
                );
                let times = interleaved::best_of_chosen(
                    rounds,
                    &mut [
                        &mut || ours_compress(black_box(input), page, mode, &mut ours),
                        &mut || liblz4_compress(black_box(input), page, mode, &mut theirs),
                    ],
                );
                let speed = times[1].as_secs_f64() / times[0].as_secs_f64();
                let size = ours.len() as f64 / theirs.len() as f64;
                eprintln!(
                    "{page_name:>5} {mode_name:<6} {name:<17} | {:>7.1} {:>7.1} {speed:>5.2} | {:>8} {:>8} {size:>6.4}",
                    interleaved::mb_s(input.len(), times[0]),
                    interleaved::mb_s(input.len(), times[1]),
                    ours.len(),
                    theirs.len(),
                );
                let set = if name.starts_with("synthetic-") {
                    "synthetic"
                } else {
                    "real"
                };
                worst.push((
                    mode_name.clone(),
                    set,
                    speed,
                    size,
                    format!("{name} {page_name}"),
                ));
            }
        }
    }
    eprintln!("load average at the end: {}", interleaved::load());
    eprintln!("worst cells per mode (speed: lowest ours / liblz4; size: largest):");
    for (_, mode_name) in modes() {
        for set in ["real", "synthetic"] {
            let cells: Vec<_> = worst
                .iter()
                .filter(|w| w.0 == mode_name && w.1 == set)
                .collect();
            let slowest = cells
                .iter()
                .min_by(|a, b| a.2.total_cmp(&b.2))
                .expect("cells");
            let largest = cells
                .iter()
                .max_by(|a, b| a.3.total_cmp(&b.3))
                .expect("cells");
            eprintln!(
                "  {mode_name:<6} {set:<9} speed {:.2} ({})  size {:.4} ({})",
                slowest.2, slowest.4, largest.3, largest.4
            );
        }
    }
}

fn mode_benches(c: &mut Criterion) {
    let inputs = inputs();
    let mut out = Vec::with_capacity(2 * CORPUS_LEN);
    summary(&inputs);

    for &(page, page_name) in &PAGES {
        for (mode, mode_name) in modes() {
            let mut group = c.benchmark_group(format!("compress_{mode_name}_{page_name}"));
            for (name, input) in &inputs {
                group.throughput(Throughput::BytesDecimal(input.len() as u64));
                group.bench_with_input(BenchmarkId::new("ours", name), input, |b, input| {
                    b.iter(|| ours_compress(black_box(input), page, mode, &mut out))
                });
                group.bench_with_input(BenchmarkId::new("liblz4", name), input, |b, input| {
                    b.iter(|| liblz4_compress(black_box(input), page, mode, &mut out))
                });
            }
            group.finish();
        }
        // Decoding speed of HC output: the same decoder on both encoders'
        // streams, at a chain level and an optimal-parser level.
        for level in [9u8, 12] {
            let mode = CompressionMode::High { level };
            let mut group = c.benchmark_group(format!("decompress_hc{level}_{page_name}"));
            for (name, input) in &inputs {
                ours_compress(input, page, mode, &mut out);
                let ours = out.clone();
                liblz4_compress(input, page, mode, &mut out);
                let theirs = out.clone();
                group.throughput(Throughput::BytesDecimal(input.len() as u64));
                group.bench_with_input(BenchmarkId::new("ours", name), &ours, |b, stream| {
                    b.iter(|| liblz4_decompress(black_box(stream), page, &mut out))
                });
                group.bench_with_input(BenchmarkId::new("liblz4", name), &theirs, |b, stream| {
                    b.iter(|| liblz4_decompress(black_box(stream), page, &mut out))
                });
            }
            group.finish();
        }
    }
}

criterion_group! {
    name = benches;
    config = criterion();
    targets = mode_benches
}
criterion_main!(benches);
