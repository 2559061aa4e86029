//! Stream compression and decompression speed: this crate's writer and reader
//! against liblz4's double-buffer loop (`blockStreaming_doubleBuffer.c`, via
//! lz4-sys) and lz4_flex's frame encoder and decoder, on the same data and
//! page size in one run.
//!
//! Benchmark ids are `{direction}_{mode}_{page}/{implementation}/{input}`,
//! e.g. `compress_default_8KiB/liblz4/text`: `default` is liblz4's
//! acceleration 1 (python-lz4's `mode="default"`); groups for other modes
//! (`compress_fast8_64KiB`, `compress_hc9_8KiB`, ...) fit the same scheme.
//! Filter with `cargo bench --bench stream -- compress_default_8KiB`.
//!
//! Throughput is uncompressed bytes per second in both directions. Each
//! decoder reads the stream its own encoder wrote. All three take their input
//! from memory and append their output to a `Vec` (already allocated); like
//! the C example, the liblz4 loops copy each chunk into a page and each block
//! into a block buffer, as our writer and reader do. The compressed sizes are
//! printed once per run, before the measurements.

use std::hint::black_box;
use std::io::{Read, Write};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use lz4_flex::frame::{BlockMode, BlockSize, FrameDecoder, FrameEncoder, FrameInfo};
use lz4_stream::{Lz4StreamReader, Lz4StreamWriter, StreamConfig};

mod data;
#[path = "../tests/common/liblz4.rs"]
mod liblz4;

/// Bytes per input: a few MiB, enough for many pages and for caches not to
/// hold input and output together, small enough for a quick run.
const INPUT_LEN: usize = 4 << 20;

/// The page sizes compared: liblz4's example uses 8 KiB, python-lz4 defaults
/// to 64 KiB.
const PAGES: [(usize, &str); 2] = [(8 * 1024, "8KiB"), (64 * 1024, "64KiB")];

fn config(page: usize) -> StreamConfig {
    StreamConfig::default().buffer_size(page)
}

/// Our writer, end to end: `write_all` of the whole input, then `finish`.
fn ours_compress(input: &[u8], page: usize, out: &mut Vec<u8>) {
    out.clear();
    let mut writer = Lz4StreamWriter::with_config(&mut *out, config(page)).unwrap();
    writer.write_all(input).unwrap();
    writer.finish().unwrap();
}

/// liblz4's loop: each page copied into the double buffer, compressed with
/// `LZ4_compress_fast_continue` (acceleration 1), appended with a 4-byte prefix.
fn liblz4_compress(input: &[u8], page: usize, out: &mut Vec<u8>) {
    out.clear();
    let mut encoder = liblz4::Encoder::new(page, liblz4::Mode::Fast(1), None);
    for chunk in input.chunks(page) {
        let block = encoder.compress(chunk).unwrap();
        out.extend_from_slice(&(block.len() as u32).to_le_bytes());
        out.extend_from_slice(block);
    }
}

/// lz4_flex's frame format with linked 64 KiB blocks (its smallest block size;
/// linked, like a stream's), no checksums: the closest frame-format analogue.
fn flex_frame_info() -> FrameInfo {
    FrameInfo::new()
        .block_size(BlockSize::Max64KB)
        .block_mode(BlockMode::Linked)
}

fn flex_compress(input: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let mut encoder = FrameEncoder::with_frame_info(flex_frame_info(), &mut *out);
    encoder.write_all(input).unwrap();
    encoder.finish().unwrap();
}

/// Our reader, end to end: `read_to_end` of the whole stream.
fn ours_decompress(stream: &[u8], page: usize, out: &mut Vec<u8>) {
    out.clear();
    let mut reader = Lz4StreamReader::with_config(stream, config(page)).unwrap();
    reader.read_to_end(out).unwrap();
}

/// liblz4's loop as the example has it: each block read (copied) into a
/// block buffer, as its `fread` does and as our reader does from its source,
/// decoded with `LZ4_decompress_safe_continue` into alternating pages, and each
/// page appended to the output.
fn liblz4_decompress(stream: &[u8], page: usize, out: &mut Vec<u8>, block: &mut [u8]) {
    out.clear();
    let mut decoder = liblz4::Decoder::new(page, None);
    let mut offset = 0;
    while offset < stream.len() {
        let mut prefix = [0u8; 4];
        prefix.copy_from_slice(&stream[offset..offset + 4]);
        let len = u32::from_le_bytes(prefix) as usize;
        offset += 4;
        block[..len].copy_from_slice(&stream[offset..offset + len]);
        out.extend_from_slice(decoder.decompress(&block[..len]).unwrap());
        offset += len;
    }
}

fn flex_decompress(frame: &[u8], out: &mut Vec<u8>) {
    out.clear();
    FrameDecoder::new(frame).read_to_end(out).unwrap();
}

fn criterion() -> Criterion {
    // 48 benchmarks: short runs keep `cargo bench` to a few minutes.
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
}

fn stream_benches(c: &mut Criterion) {
    let inputs = data::inputs(INPUT_LEN);
    let mut out = Vec::with_capacity(2 * INPUT_LEN);
    let mut block = vec![0u8; liblz4::compress_bound(PAGES[1].0)];

    // The compressed streams, made once: decoders' inputs and the size table.
    let mut streams = Vec::new();
    eprintln!("compressed sizes (bytes; ratio = ours / liblz4):");
    for &(page, page_name) in &PAGES {
        for (name, input) in &inputs {
            ours_compress(input, page, &mut out);
            let ours = out.clone();
            liblz4_compress(input, page, &mut out);
            let theirs = out.clone();
            flex_compress(input, &mut out);
            let flex = out.clone();
            // The streams must round trip, or the timings mean nothing.
            ours_decompress(&ours, page, &mut out);
            assert!(out == *input, "ours: {name} {page_name} round trip");
            liblz4_decompress(&theirs, page, &mut out, &mut block);
            assert!(out == *input, "liblz4: {name} {page_name} round trip");
            flex_decompress(&flex, &mut out);
            assert!(out == *input, "lz4_flex: {name} round trip");
            eprintln!(
                "  {page_name:>5} {name:<10} input {:>8}  ours {:>8}  liblz4 {:>8}  ratio {:.4}  lz4_flex frame {:>8}",
                input.len(),
                ours.len(),
                theirs.len(),
                ours.len() as f64 / theirs.len() as f64,
                flex.len(),
            );
            streams.push((page, *name, ours, theirs, flex));
        }
    }

    for &(page, page_name) in &PAGES {
        let mut group = c.benchmark_group(format!("compress_default_{page_name}"));
        for (name, input) in &inputs {
            group.throughput(Throughput::BytesDecimal(input.len() as u64));
            group.bench_with_input(BenchmarkId::new("ours", name), input, |b, input| {
                b.iter(|| ours_compress(black_box(input), page, &mut out))
            });
            group.bench_with_input(BenchmarkId::new("liblz4", name), input, |b, input| {
                b.iter(|| liblz4_compress(black_box(input), page, &mut out))
            });
            group.bench_with_input(BenchmarkId::new("lz4_flex", name), input, |b, input| {
                b.iter(|| flex_compress(black_box(input), &mut out))
            });
        }
        group.finish();

        let mut group = c.benchmark_group(format!("decompress_default_{page_name}"));
        for (_, name, ours, theirs, flex) in streams.iter().filter(|s| s.0 == page) {
            group.throughput(Throughput::BytesDecimal(INPUT_LEN as u64));
            group.bench_with_input(BenchmarkId::new("ours", name), ours, |b, stream| {
                b.iter(|| ours_decompress(black_box(stream), page, &mut out))
            });
            group.bench_with_input(BenchmarkId::new("liblz4", name), theirs, |b, stream| {
                b.iter(|| liblz4_decompress(black_box(stream), page, &mut out, &mut block))
            });
            group.bench_with_input(BenchmarkId::new("lz4_flex", name), flex, |b, frame| {
                b.iter(|| flex_decompress(black_box(frame), &mut out))
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = criterion();
    targets = stream_benches
}
criterion_main!(benches);
