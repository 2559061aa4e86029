//! The async adapters' cost, and the CPU time one page takes on the executor.
//!
//! Times are the calling thread's CPU time (the current-thread runtime runs
//! both ends of the pipe on it), best of N interleaved, so a busy machine's
//! waiting for a core is not counted.
//!
//! 1. Throughput (default mode, 64 KiB pages): the tokio writer and reader
//!    over an in-memory `tokio::io::duplex` pipe (64 KiB, the other end
//!    driven by a second task on the same current-thread runtime) against the
//!    blocking writer into a `Vec` and the blocking reader's `read_to_end`
//!    from a slice (and through `fill_buf`/`consume`, its streaming path); and
//!    the tokio adapters over a `Vec` / slice, which leaves only the adapter's
//!    own cost. Best of N, interleaved; MB/s of
//!    uncompressed data, and async / sync.
//! 2. CPU per page: how long compressing (and decoding) one page takes in
//!    each mode, 64 KiB and 4 MiB pages, default, HC-9 and HC-12 — the time
//!    a task spends inside one `poll_write` (or `poll_read`) without
//!    yielding, to decide when to move compression off the runtime
//!    (`spawn_blocking`, tokio-util's `SyncIoBridge`).
//!
//! Inputs: the real-file corpus of `benches/corpus.rs` (4 MiB of each kind)
//! and the synthetic text of `benches/data.rs`. Then a small criterion group
//! for the pipe cell on the synthetic text. `cargo bench --bench async_io
//! --features tokio`.

use std::hint::black_box;
use std::io::{Read, Write};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lz4_stream::stream::StreamDecoder;
use lz4_stream::{
    block::Compressor, CompressionMode, Lz4StreamReader, Lz4StreamWriter, StreamConfig,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[allow(dead_code)]
mod corpus;
#[allow(dead_code)]
mod data;
mod interleaved;

const INPUT_LEN: usize = 4 << 20;
const PIPE: usize = 64 * 1024;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

fn sync_compress(input: &[u8], config: &StreamConfig, out: &mut Vec<u8>) {
    out.clear();
    let mut writer = Lz4StreamWriter::with_config(&mut *out, config.clone()).unwrap();
    writer.write_all(input).unwrap();
    writer.finish().unwrap();
}

fn sync_decompress(stream: &[u8], config: &StreamConfig, out: &mut Vec<u8>) {
    out.clear();
    let mut reader = Lz4StreamReader::with_config(stream, config.clone()).unwrap();
    reader.read_to_end(out).unwrap();
}

/// The blocking reader's streaming path, `fill_buf`/`consume`: what a
/// consumer that is not `read_to_end` (`io::copy` into a writer, lines)
/// runs, and what every async read runs.
fn sync_decompress_bufread(stream: &[u8], config: &StreamConfig, out: &mut Vec<u8>) {
    use std::io::BufRead;
    out.clear();
    let mut reader = Lz4StreamReader::with_config(stream, config.clone()).unwrap();
    loop {
        let chunk = reader.fill_buf().unwrap();
        if chunk.is_empty() {
            break;
        }
        let n = chunk.len();
        out.extend_from_slice(chunk);
        reader.consume(n);
    }
}

/// The tokio writer into a `Vec`: the adapter's own cost.
fn tokio_compress_vec(
    rt: &tokio::runtime::Runtime,
    input: &[u8],
    config: &StreamConfig,
    out: &mut Vec<u8>,
) {
    out.clear();
    rt.block_on(async {
        let mut writer =
            lz4_stream::tokio::Lz4StreamWriter::with_config(&mut *out, config.clone()).unwrap();
        writer.write_all(input).await.unwrap();
        writer.shutdown().await.unwrap();
    });
}

/// The tokio writer into a duplex pipe, drained into a `Vec` by a second task.
fn tokio_compress_pipe(
    rt: &tokio::runtime::Runtime,
    input: &[u8],
    config: &StreamConfig,
    out: &mut Vec<u8>,
) {
    out.clear();
    rt.block_on(async {
        let (a, mut b) = tokio::io::duplex(PIPE);
        let write = async {
            let mut writer =
                lz4_stream::tokio::Lz4StreamWriter::with_config(a, config.clone()).unwrap();
            writer.write_all(input).await.unwrap();
            writer.shutdown().await.unwrap();
        };
        let drain = b.read_to_end(out);
        let ((), drained) = tokio::join!(write, drain);
        drained.unwrap();
    });
}

/// The tokio reader from a slice: the adapter's own cost.
fn tokio_decompress_slice(
    rt: &tokio::runtime::Runtime,
    stream: &[u8],
    config: &StreamConfig,
    out: &mut Vec<u8>,
) {
    out.clear();
    rt.block_on(async {
        let mut reader =
            lz4_stream::tokio::Lz4StreamReader::with_config(stream, config.clone()).unwrap();
        reader.read_to_end(out).await.unwrap();
    });
}

/// The tokio reader from a duplex pipe that a second task fills.
fn tokio_decompress_pipe(
    rt: &tokio::runtime::Runtime,
    stream: &[u8],
    config: &StreamConfig,
    out: &mut Vec<u8>,
) {
    out.clear();
    rt.block_on(async {
        let (mut a, b) = tokio::io::duplex(PIPE);
        let feed = async {
            a.write_all(stream).await.unwrap();
            a.shutdown().await.unwrap();
        };
        let read = async {
            let mut reader =
                lz4_stream::tokio::Lz4StreamReader::with_config(b, config.clone()).unwrap();
            reader.read_to_end(out).await.unwrap();
        };
        tokio::join!(feed, read);
    });
}

fn inputs() -> Vec<(&'static str, Vec<u8>)> {
    let mut inputs = corpus::inputs(INPUT_LEN);
    inputs.push(("synthetic-text", data::text(INPUT_LEN, 1)));
    inputs
}

fn throughput_summary(inputs: &[(&'static str, Vec<u8>)]) {
    let rounds = interleaved::rounds(15);
    let config = StreamConfig::default();
    let rt = runtime();
    println!(
        "\nasync vs sync, default mode, 64 KiB pages, CPU time, best of {rounds} interleaved (MB/s; load {}):",
        interleaved::load()
    );
    println!(
        "{:<16} {:>9} {:>11} {:>9} {:>7} {:>7} | {:>9} {:>9} {:>11} {:>9} {:>7} {:>7} {:>7}",
        "input",
        "w sync",
        "w tokio-vec",
        "w pipe",
        "vec/s",
        "pipe/s",
        "r sync",
        "r s-buf",
        "r tokio-sl",
        "r pipe",
        "sl/s",
        "pipe/s",
        "sl/sbuf"
    );
    for (name, input) in inputs {
        let mut stream = Vec::new();
        sync_compress(input, &config, &mut stream);
        let (mut o1, mut o2, mut o3, mut o4) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let w = interleaved::best_of_cpu(
            rounds,
            &mut [
                &mut || sync_compress(input, &config, &mut o1),
                &mut || tokio_compress_vec(&rt, input, &config, &mut o2),
                &mut || tokio_compress_pipe(&rt, input, &config, &mut o3),
            ],
        );
        assert!(o1 == o2 && o2 == o3);
        let r = interleaved::best_of_cpu(
            rounds,
            &mut [
                &mut || sync_decompress(&stream, &config, &mut o1),
                &mut || tokio_decompress_slice(&rt, &stream, &config, &mut o2),
                &mut || tokio_decompress_pipe(&rt, &stream, &config, &mut o3),
                &mut || sync_decompress_bufread(&stream, &config, &mut o4),
            ],
        );
        assert!(o1 == *input && o2 == *input && o3 == *input && o4 == *input);
        let mb = |t| interleaved::mb_s(input.len(), t);
        let ratio = |a: Duration, s: Duration| s.as_secs_f64() / a.as_secs_f64();
        println!(
            "{:<16} {:>9.0} {:>11.0} {:>9.0} {:>7.3} {:>7.3} | {:>9.0} {:>9.0} {:>11.0} {:>9.0} {:>7.3} {:>7.3} {:>7.3}",
            name,
            mb(w[0]),
            mb(w[1]),
            mb(w[2]),
            ratio(w[1], w[0]),
            ratio(w[2], w[0]),
            mb(r[0]),
            mb(r[3]),
            mb(r[1]),
            mb(r[2]),
            ratio(r[1], r[0]),
            ratio(r[2], r[0]),
            ratio(r[1], r[3]),
        );
    }
}

/// Time per page in each mode: one `poll_write` that completes a page runs
/// this long without yielding.
fn cpu_per_page(inputs: &[(&'static str, Vec<u8>)]) {
    let rounds = interleaved::rounds(5).min(5);
    println!(
        "\nCPU time per page (best of {rounds}, averaged over the pages of each input; load {}):",
        interleaved::load()
    );
    println!(
        "{:<16} {:>8} {:>10} {:>12} {:>12}",
        "input", "page", "mode", "compress", "decode"
    );
    let modes = [
        ("default", CompressionMode::Default),
        ("hc9", CompressionMode::High { level: 9 }),
        ("hc12", CompressionMode::High { level: 12 }),
    ];
    for (name, input) in inputs {
        for page in [64 * 1024, 4 << 20] {
            for (mode_name, mode) in modes {
                let config = StreamConfig::default().buffer_size(page).mode(mode);
                let pages = input.len().div_ceil(page);
                let mut stream = Vec::new();
                let compress = interleaved::best_of_cpu(
                    rounds,
                    &mut [&mut || {
                        let mut compressor = Compressor::new(config.clone()).unwrap();
                        stream.clear();
                        for chunk in input.chunks(page) {
                            stream.extend_from_slice(compressor.compress(chunk).unwrap());
                        }
                    }],
                )[0];
                let decode = interleaved::best_of_cpu(
                    rounds,
                    &mut [&mut || {
                        let mut decoder = StreamDecoder::new(config.clone()).unwrap();
                        let mut rest = &stream[..];
                        while !rest.is_empty() {
                            let n = decoder.feed(rest).unwrap();
                            rest = &rest[n..];
                            black_box(decoder.output());
                            decoder.consume_output(usize::MAX);
                        }
                    }],
                )[0];
                println!(
                    "{:<16} {:>8} {:>10} {:>12} {:>12}",
                    name,
                    if page == 64 * 1024 { "64 KiB" } else { "4 MiB" },
                    mode_name,
                    format!("{:.2?}", compress / pages as u32),
                    format!("{:.2?}", decode / pages as u32),
                );
            }
        }
    }
}

fn benches(c: &mut Criterion) {
    let inputs = inputs();
    throughput_summary(&inputs);
    cpu_per_page(&inputs);
    let input = data::text(INPUT_LEN, 1);
    let config = StreamConfig::default();
    let mut stream = Vec::new();
    sync_compress(&input, &config, &mut stream);
    let rt = runtime();
    let mut out = Vec::new();
    let mut group = c.benchmark_group("async_default_64KiB");
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.bench_function("compress/sync/synthetic-text", |b| {
        b.iter(|| sync_compress(&input, &config, &mut out))
    });
    group.bench_function("compress/tokio-pipe/synthetic-text", |b| {
        b.iter(|| tokio_compress_pipe(&rt, &input, &config, &mut out))
    });
    group.bench_function("decompress/sync/synthetic-text", |b| {
        b.iter(|| sync_decompress(&stream, &config, &mut out))
    });
    group.bench_function("decompress/tokio-pipe/synthetic-text", |b| {
        b.iter(|| tokio_decompress_pipe(&rt, &stream, &config, &mut out))
    });
    group.finish();
}

criterion_group!(name = async_io; config = Criterion::default().sample_size(10); targets = benches);
criterion_main!(async_io);
