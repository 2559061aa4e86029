//! Every compression mode against liblz4's double-buffer loop in the same
//! mode: fast accelerations 2, 8 and 64 (`LZ4_compress_fast_continue`) and
//! every high-compression level 1-12 (`LZ4_compress_HC_continue`), on pages of
//! 8 KiB and 64 KiB, over the text, markup and binary inputs of `data.rs`.
//!
//! Benchmark ids follow `benches/stream.rs`:
//! `{direction}_{mode}_{page}/{implementation}/{input}`, e.g.
//! `compress_hc9_64KiB/ours/text`. Compression runs our `Lz4StreamWriter` end
//! to end against liblz4's loop (each chunk copied into its page, as the C
//! example does). `decompress_hc*` groups decode our HC stream and liblz4's HC
//! stream with the same decoder (liblz4's loop), which isolates how
//! decoder-friendly each encoder's output is. The compressed sizes of every
//! mode are printed first (they are deterministic; timings are not).
//!
//! Filter with e.g. `cargo bench --bench modes -- compress_hc9_`.

use std::hint::black_box;
use std::io::Write;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use lz4_stream::{CompressionMode, Lz4StreamWriter, StreamConfig};

// The stream bench's generators; this bench uses three of its inputs.
#[allow(dead_code)]
mod data;
#[path = "../tests/common/liblz4.rs"]
mod liblz4;

/// Smaller than `stream.rs`'s inputs: 50 benchmark groups, some at a few MB/s.
const INPUT_LEN: usize = 1 << 20;

const PAGES: [(usize, &str); 2] = [(8 * 1024, "8KiB"), (64 * 1024, "64KiB")];

const INPUTS: [&str; 3] = ["text", "markup", "binary"];

/// The modes measured, with their names in benchmark ids.
fn modes() -> Vec<(CompressionMode, String)> {
    let mut modes = Vec::new();
    for acceleration in [2, 8, 64] {
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

fn liblz4_mode(mode: CompressionMode) -> liblz4::Mode {
    match mode {
        CompressionMode::Default => liblz4::Mode::Fast(1),
        CompressionMode::Fast { acceleration } => liblz4::Mode::Fast(acceleration as i32),
        CompressionMode::High { level } => liblz4::Mode::Hc(i32::from(level)),
    }
}

/// Our writer, end to end.
fn ours_compress(input: &[u8], page: usize, mode: CompressionMode, out: &mut Vec<u8>) {
    out.clear();
    let config = StreamConfig::default().buffer_size(page).mode(mode);
    let mut writer = Lz4StreamWriter::with_config(&mut *out, config).unwrap();
    writer.write_all(input).unwrap();
    writer.finish().unwrap();
}

/// liblz4's double-buffer loop in the same mode, 4-byte prefixes.
fn liblz4_compress(input: &[u8], page: usize, mode: CompressionMode, out: &mut Vec<u8>) {
    out.clear();
    let mut encoder = liblz4::Encoder::new(page, liblz4_mode(mode), None);
    for chunk in input.chunks(page) {
        let block = encoder.compress(chunk).unwrap();
        out.extend_from_slice(&(block.len() as u32).to_le_bytes());
        out.extend_from_slice(block);
    }
}

fn liblz4_decompress(stream: &[u8], page: usize, out: &mut Vec<u8>) {
    out.clear();
    let decoded = liblz4::decompress_stream(stream, page, 4, None).unwrap();
    out.extend_from_slice(&decoded);
}

fn criterion() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
}

fn input(name: &str) -> Vec<u8> {
    match name {
        "text" => data::text(INPUT_LEN, 1),
        "markup" => data::markup(INPUT_LEN, 2),
        "binary" => data::binary(INPUT_LEN, 3),
        other => panic!("no input {other}"),
    }
}

fn mode_benches(c: &mut Criterion) {
    let inputs: Vec<(&str, Vec<u8>)> = INPUTS.iter().map(|&name| (name, input(name))).collect();
    let mut out = Vec::with_capacity(2 * INPUT_LEN);

    eprintln!("compressed sizes (bytes; ratio = ours / liblz4, same mode and pages):");
    for &(page, page_name) in &PAGES {
        for (mode, mode_name) in modes() {
            for (name, input) in &inputs {
                ours_compress(input, page, mode, &mut out);
                let ours = out.len();
                liblz4_decompress(&out.clone(), page, &mut out);
                assert!(
                    out == *input,
                    "{mode_name} {page_name} {name}: liblz4 decodes ours"
                );
                liblz4_compress(input, page, mode, &mut out);
                let theirs = out.len();
                eprintln!(
                    "  {page_name:>5} {mode_name:<6} {name:<7} ours {ours:>8}  liblz4 {theirs:>8}  ratio {:.4}",
                    ours as f64 / theirs as f64
                );
            }
        }
    }

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
