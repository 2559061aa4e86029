//! Stream compression and decompression speed: this crate's writer and reader
//! against liblz4's double-buffer loop (`blockStreaming_doubleBuffer.c`, via
//! lz4-sys) and lz4_flex's frame encoder and decoder, on the same data and
//! page size in one run.
//!
//! Benchmark ids are `{direction}_{mode}_{page}/{implementation}/{input}`,
//! e.g. `compress_default_8KiB/liblz4/json`: `default` is liblz4's
//! acceleration 1 (python-lz4's `mode="default"`); groups for other modes
//! (`compress_fast8_64KiB`, `compress_hc9_8KiB`, ...) fit the same scheme.
//! Filter with `cargo bench --bench stream -- compress_default_8KiB`.
//!
//! Inputs are the real files of `corpus.rs` (8 MiB of each kind: Python
//! source, ELF executables and libraries, HTML, JSON, prose and logs, found
//! on this machine) and the synthetic inputs of `data.rs` (4 MiB each); the
//! summary labels each row with its set.
//!
//! Throughput is uncompressed bytes per second in both directions. Each
//! decoder reads the stream its own encoder wrote. All three take their input
//! from memory and append their output to a `Vec` (already allocated); like
//! the C example, the liblz4 loops copy each chunk into a page and each block
//! into a block buffer, as our writer and reader do. Our reader is measured
//! two ways: `read_to_end` (`ours`), which past the first 64 KiB decodes
//! straight onto the output, and `fill_buf`/`consume` (`ours_bufread`), which
//! copies each chunk out of the reader's window, as a streaming consumer
//! (`io::copy` into a writer) does.
//!
//! Before the criterion groups, a summary is printed once per run: compressed
//! sizes, and each implementation's best time over 15 runs interleaved with
//! the others' (steadier ratios on a busy machine than benchmarks measured one
//! after another).

use std::cell::RefCell;
use std::hint::black_box;
use std::io::{Read, Write};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use lz4_flex::frame::{BlockMode, BlockSize, FrameDecoder, FrameEncoder, FrameInfo};
use lz4_stream::CompressionMode;

mod corpus;
mod data;
mod interleaved;
#[path = "../tests/common/liblz4.rs"]
mod liblz4;
mod loops;

use loops::{block_ranges, liblz4_decompress, ours_decompress, ours_decompress_bufread};

/// Our writer in the default mode.
fn ours_compress(input: &[u8], page: usize, out: &mut Vec<u8>) {
    loops::ours_compress(input, page, CompressionMode::Default, out)
}

/// liblz4's loop at acceleration 1.
fn liblz4_compress(input: &[u8], page: usize, out: &mut Vec<u8>) {
    loops::liblz4_compress(input, page, CompressionMode::Default, out)
}

/// Bytes per synthetic input: a few MiB, enough for many pages and for
/// caches not to hold input and output together, small enough for a quick run.
const INPUT_LEN: usize = 4 << 20;

/// Bytes per kind of real file.
const CORPUS_LEN: usize = 8 << 20;

/// One benchmark input: which set it is from (`real` or `synthetic`), its
/// name in benchmark ids, its bytes.
struct Input {
    set: &'static str,
    name: String,
    data: Vec<u8>,
}

/// The inputs, real files first. Real kinds are named as in `corpus.rs`;
/// synthetic ones get a `synthetic-` prefix, so ids never collide.
fn inputs() -> Vec<Input> {
    let real = corpus::inputs(CORPUS_LEN)
        .into_iter()
        .map(|(name, data)| Input {
            set: "real",
            name: name.to_string(),
            data,
        });
    let synthetic = data::inputs(INPUT_LEN)
        .into_iter()
        .map(|(name, data)| Input {
            set: "synthetic",
            name: format!("synthetic-{name}"),
            data,
        });
    real.chain(synthetic).collect()
}

/// The page sizes compared: liblz4's example uses 8 KiB, python-lz4 defaults
/// to 64 KiB.
const PAGES: [(usize, &str); 2] = [(8 * 1024, "8KiB"), (64 * 1024, "64KiB")];

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

/// The block path this crate's reader used before its own decoder: each block
/// read into a block buffer and decoded by lz4_flex's
/// `decompress_into_with_dict` into a page, with the last 64 KiB of output as
/// the (separate) dictionary, and the page appended to the output. Slicing the
/// dictionary out of the output itself is the cheapest way to keep it.
fn flex_dict_decompress(stream: &[u8], page: usize, out: &mut Vec<u8>, block: &mut [u8]) {
    out.clear();
    let mut chunk = vec![0u8; page];
    for range in block_ranges(stream) {
        let block = &mut block[..range.len()];
        block.copy_from_slice(&stream[range]);
        let history = &out[out.len().saturating_sub(64 * 1024)..];
        let n = lz4_flex::block::decompress_into_with_dict(block, &mut chunk, history).unwrap();
        out.extend_from_slice(&chunk[..n]);
    }
}

fn flex_decompress(frame: &[u8], out: &mut Vec<u8>) {
    out.clear();
    FrameDecoder::new(frame).read_to_end(out).unwrap();
}

/// One input's streams at one page size: (page, the input, ours, liblz4's,
/// lz4_flex's frame).
type Streams<'a> = (usize, &'a Input, Vec<u8>, Vec<u8>, Vec<u8>);

/// Rounds of the interleaved summary measurement.
const SUMMARY_ROUNDS: usize = 15;

/// Prints, once per run, each input's compressed sizes and the
/// implementations' speeds from an interleaved best-of-N measurement, with the
/// ratios to liblz4 (the README's table comes from here).
///
/// So that no implementation finds its buffers colder in the cache than the
/// others do, the compressors read the same input (each writes into its own
/// vector, once per round), and the decoders read the same stream (ours,
/// within 0.01 % of liblz4's size; lz4_flex's frame decoder needs its own
/// format) and write into the same vector.
fn summary(streams: &[Streams]) {
    let mb_s = interleaved::mb_s;
    let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
    let out = RefCell::new(Vec::new());
    let block = RefCell::new(vec![0u8; liblz4::compress_bound(PAGES[1].0)]);
    let rounds = interleaved::rounds(SUMMARY_ROUNDS);
    eprintln!(
        "summary: MB/s of uncompressed data, best of {rounds} interleaved runs by the {}; \
         sizes in bytes; ratios are ours / liblz4 unless noted.\n\
         c: compression; d: decompression (ours: read_to_end; flex: lz4_flex's frame \
         decoder); d buf: our reader through fill_buf/consume; f dict: lz4_flex's \
         block decoder with a separate dictionary (the path our decoder replaced), \
         with the slower of our two paths / f dict\n\
         load average at the start: {}",
        interleaved::clock_name(),
        interleaved::load()
    );
    eprintln!(
        "{:<9} {:>5} {:<20} | {:>6} {:>6} {:>6} {:>5} | {:>6} {:>6} {:>6} {:>5} | {:>6} {:>5} | {:>6} {:>5} | {:>8} {:>8} {:>8} {:>6}",
        "set", "page", "input", "c ours", "liblz4", "flex", "ratio", "d ours", "liblz4", "flex",
        "ratio", "d buf", "ratio", "f dict", "ours/", "ours", "liblz4", "flex", "size"
    );
    // Per set: the worst cell of each ratio (lowest speed, largest size).
    let mut worst: Vec<(&str, [(f64, String); 4])> = Vec::new();
    for (page, input, ours, theirs, flex) in streams {
        let (page, set, name, input) = (*page, input.set, &input.name, &input.data);
        let len = input.len();
        let c_times = interleaved::best_of_chosen(
            rounds,
            &mut [
                &mut || ours_compress(black_box(input), page, &mut a),
                &mut || liblz4_compress(black_box(input), page, &mut b),
                &mut || flex_compress(black_box(input), &mut c),
            ],
        );
        let d_times = interleaved::best_of_chosen(
            rounds,
            &mut [
                &mut || ours_decompress(black_box(ours), page, &mut out.borrow_mut()),
                &mut || {
                    let (mut out, mut block) = (out.borrow_mut(), block.borrow_mut());
                    liblz4_decompress(black_box(ours), page, &mut out, &mut block)
                },
                &mut || flex_decompress(black_box(flex), &mut out.borrow_mut()),
                &mut || ours_decompress_bufread(black_box(ours), page, &mut out.borrow_mut()),
                &mut || {
                    let (mut out, mut block) = (out.borrow_mut(), block.borrow_mut());
                    flex_dict_decompress(black_box(ours), page, &mut out, &mut block)
                },
            ],
        );
        let cs: Vec<f64> = c_times.iter().map(|&t| mb_s(len, t)).collect();
        let ds: Vec<f64> = d_times.iter().map(|&t| mb_s(len, t)).collect();
        let page_name = PAGES.iter().find(|p| p.0 == page).expect("page").1;
        eprintln!(
            "{set:<9} {page_name:>5} {name:<20} | {:>6.0} {:>6.0} {:>6.0} {:>5.2} | {:>6.0} {:>6.0} {:>6.0} {:>5.2} | {:>6.0} {:>5.2} | {:>6.0} {:>5.2} | {:>8} {:>8} {:>8} {:>6.4}",
            cs[0], cs[1], cs[2], cs[0] / cs[1],
            ds[0], ds[1], ds[2], ds[0] / ds[1],
            ds[3], ds[3] / ds[1],
            ds[4], ds[3].min(ds[0]) / ds[4],
            ours.len(), theirs.len(), flex.len(),
            ours.len() as f64 / theirs.len() as f64,
        );
        let cell = format!("{name} {page_name}");
        let ratios = [
            cs[0] / cs[1],
            ds[0] / ds[1],
            ds[3] / ds[1],
            -(ours.len() as f64 / theirs.len() as f64),
        ];
        let entry = match worst.iter().position(|w| w.0 == set) {
            Some(i) => &mut worst[i].1,
            None => {
                worst.push((set, std::array::from_fn(|_| (f64::MAX, String::new()))));
                &mut worst.last_mut().expect("pushed").1
            }
        };
        for (slot, ratio) in entry.iter_mut().zip(ratios) {
            if ratio < slot.0 {
                *slot = (ratio, cell.clone());
            }
        }
    }
    for (set, [c, d, buf, size]) in &worst {
        eprintln!(
            "worst, {set}: compression {:.2} ({}); read_to_end {:.2} ({}); fill_buf {:.2} ({}); size {:.4} ({})",
            c.0, c.1, d.0, d.1, buf.0, buf.1, -size.0, size.1
        );
    }
    eprintln!("load average at the end: {}", interleaved::load());
}

fn criterion() -> Criterion {
    // 126 benchmarks: short runs keep `cargo bench` to several minutes.
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
}

fn stream_benches(c: &mut Criterion) {
    let inputs = inputs();
    let mut out = Vec::with_capacity(2 * CORPUS_LEN);
    let mut block = vec![0u8; liblz4::compress_bound(PAGES[1].0)];

    // The compressed streams, made once: the decoders' inputs.
    let mut streams = Vec::new();
    for &(page, page_name) in &PAGES {
        for entry in &inputs {
            let (name, input) = (&entry.name, &entry.data);
            ours_compress(input, page, &mut out);
            let ours = out.clone();
            liblz4_compress(input, page, &mut out);
            let theirs = out.clone();
            flex_compress(input, &mut out);
            let flex = out.clone();
            // The streams must round trip, or the timings mean nothing.
            ours_decompress(&ours, page, &mut out);
            assert!(out == *input, "ours: {name} {page_name} round trip");
            ours_decompress_bufread(&ours, page, &mut out);
            assert!(
                out == *input,
                "ours (BufRead): {name} {page_name} round trip"
            );
            // The summary's decoders all read our stream.
            liblz4_decompress(&ours, page, &mut out, &mut block);
            assert!(
                out == *input,
                "liblz4 on ours: {name} {page_name} round trip"
            );
            flex_dict_decompress(&ours, page, &mut out, &mut block);
            assert!(
                out == *input,
                "lz4_flex (dictionary) on ours: {name} {page_name} round trip"
            );
            liblz4_decompress(&theirs, page, &mut out, &mut block);
            assert!(out == *input, "liblz4: {name} {page_name} round trip");
            flex_decompress(&flex, &mut out);
            assert!(out == *input, "lz4_flex: {name} round trip");
            streams.push((page, entry, ours, theirs, flex));
        }
    }
    summary(&streams);

    for &(page, page_name) in &PAGES {
        let mut group = c.benchmark_group(format!("compress_default_{page_name}"));
        for Input {
            name, data: input, ..
        } in &inputs
        {
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
        for (_, input, ours, theirs, flex) in streams.iter().filter(|s| s.0 == page) {
            let name = &input.name;
            group.throughput(Throughput::BytesDecimal(input.data.len() as u64));
            group.bench_with_input(BenchmarkId::new("ours", name), ours, |b, stream| {
                b.iter(|| ours_decompress(black_box(stream), page, &mut out))
            });
            group.bench_with_input(BenchmarkId::new("ours_bufread", name), ours, |b, stream| {
                b.iter(|| ours_decompress_bufread(black_box(stream), page, &mut out))
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
