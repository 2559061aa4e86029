//! The multi-threaded writer (`StreamConfig::workers`): throughput with 1, 2
//! and all workers (one per available core), in the default, fast
//! (acceleration 8), HC-9 and HC-12 modes, on 64 KiB and 4 MiB pages, writing
//! into a `Vec`, with each setting's speed-up over one worker and its size.
//!
//! The input is real files from `corpus.rs`: the same number of bytes of
//! each kind the machine has (Python source, executables, markup, JSON,
//! prose), concatenated — 8 MiB for 64 KiB pages and 16 MiB for 4 MiB pages,
//! so that even the large pages give every worker several jobs.
//!
//! First a summary is printed (the README's table comes from it): each
//! setting's best time over a few runs (`LZ4S_BENCH_ROUNDS`, default 3)
//! interleaved with the other worker counts', as MB/s, the speed-up over one
//! worker and the compressed size, with the machine's load average.
//! Then the criterion groups run, `parallel_{mode}_{page}/{workers}`; skip
//! them with a filter that matches none (`cargo bench --bench parallel --
//! summary-only`), or pick some (`-- parallel_hc9_64KiB`).

use std::hint::black_box;
use std::io::Write;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use lz4_stream::{CompressionMode, Lz4StreamWriter, StreamConfig};

#[allow(dead_code)]
mod corpus;
mod interleaved;

/// Rounds of the interleaved summary.
const SUMMARY_ROUNDS: usize = 3;

const PAGES: [(usize, &str, usize); 2] =
    [(64 * 1024, "64KiB", 8 << 20), (4 << 20, "4MiB", 16 << 20)];

fn modes() -> [(CompressionMode, &'static str); 4] {
    [
        (CompressionMode::Default, "default"),
        (CompressionMode::Fast { acceleration: 8 }, "fast8"),
        (CompressionMode::High { level: 9 }, "hc9"),
        (CompressionMode::High { level: 12 }, "hc12"),
    ]
}

/// Worker counts: 1, 2 and one per core (0), by name.
const WORKERS: [(usize, &str); 3] = [(1, "1"), (2, "2"), (0, "all")];

/// `len` bytes of real files: an equal share of every kind, concatenated.
fn mixed(samples: &[corpus::Sample], len: usize) -> Vec<u8> {
    let share = len / samples.len();
    let mut out = Vec::with_capacity(len);
    for sample in samples {
        out.extend_from_slice(&sample.data[..share.min(sample.data.len())]);
    }
    out
}

/// Our writer into a `Vec`, end to end.
fn compress(input: &[u8], config: &StreamConfig, out: &mut Vec<u8>) {
    out.clear();
    let mut writer = Lz4StreamWriter::with_config(&mut *out, config.clone()).unwrap();
    writer.write_all(input).unwrap();
    writer.finish().unwrap();
}

fn config(page: usize, mode: CompressionMode, workers: usize) -> StreamConfig {
    StreamConfig::default()
        .buffer_size(page)
        .mode(mode)
        .workers(workers)
}

/// CPU seconds all threads of this process have used (user and system,
/// from `/proc/self/stat`, in clock ticks of 10 ms); 0 where there is no
/// `/proc`.
fn process_cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // The fields after the command name (which may hold spaces), from
    // field 3 on: utime and stime are fields 14 and 15.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

fn summary(inputs: &[(usize, &str, Vec<u8>)]) {
    let cores = StreamConfig::default().workers(0).resolved_workers();
    let rounds = interleaved::rounds(SUMMARY_ROUNDS);
    eprintln!(
        "summary: compression into a Vec, MB/s (10^6 bytes of input per second), best of \
         {rounds} interleaved runs; speed-up over 1 worker; size in bytes and relative to \
         1 worker; all = {cores} workers (available cores); cpu 2 = CPU time of all threads \
         with 2 workers / with 1 (over a second of CPU time each); load average {}",
        interleaved::load()
    );
    eprintln!(
        "{:>5} {:<7} {:>7} | {:>8} {:>8} {:>8} | {:>5} {:>5} | {:>9} {:>9} {:>7} | {:>5}",
        "page",
        "mode",
        "input",
        "1",
        "2",
        "all",
        "x2",
        "xall",
        "size 1",
        "size 2+",
        "2+ / 1",
        "cpu 2"
    );
    let mut out = Vec::new();
    for (page, page_name, input) in inputs {
        for (mode, mode_name) in modes() {
            let configs = WORKERS.map(|(workers, _)| config(*page, mode, workers));
            let sizes: Vec<usize> = configs
                .iter()
                .map(|config| {
                    compress(input, config, &mut out);
                    out.len()
                })
                .collect();
            assert_eq!(sizes[1], sizes[2], "every count from 2 up writes the same");
            let mut outs = [Vec::new(), Vec::new(), Vec::new()];
            let [o1, o2, o3] = &mut outs;
            let [c1, c2, c3] = &configs;
            let times = interleaved::best_of(
                rounds,
                &mut [
                    &mut || compress(black_box(input), c1, o1),
                    &mut || compress(black_box(input), c2, o2),
                    &mut || compress(black_box(input), c3, o3),
                ],
            );
            let speed = |i: usize| times[0].as_secs_f64() / times[i].as_secs_f64();
            // CPU time of every thread of the process, which waiting for a
            // core does not inflate: 2 workers' total against 1 worker's is
            // the work the parallel scheme adds, and bounds the speed-up on
            // idle cores at 2 / that ratio.
            // Enough runs for a second of CPU time: the clock ticks are
            // 10 ms.
            let reps = (1.0 / times[0].as_secs_f64()).ceil().clamp(1.0, 100.0) as usize;
            let cpu: Vec<f64> = configs
                .iter()
                .map(|config| {
                    let start = process_cpu_seconds();
                    for _ in 0..reps {
                        compress(input, config, &mut out);
                    }
                    process_cpu_seconds() - start
                })
                .collect();
            eprintln!(
                "{page_name:>5} {mode_name:<7} {:>6.1}M | {:>8.1} {:>8.1} {:>8.1} | {:>5.2} {:>5.2} | {:>9} {:>9} {:>+6.2}% | {:>5.2}",
                input.len() as f64 / 1e6,
                interleaved::mb_s(input.len(), times[0]),
                interleaved::mb_s(input.len(), times[1]),
                interleaved::mb_s(input.len(), times[2]),
                speed(1),
                speed(2),
                sizes[0],
                sizes[1],
                (sizes[1] as f64 / sizes[0] as f64 - 1.0) * 100.0,
                cpu[1] / cpu[0],
            );
        }
    }
}

fn parallel_benches(c: &mut Criterion) {
    let longest = PAGES.iter().map(|p| p.2).max().unwrap_or(0);
    let samples = corpus::samples(longest / 4);
    corpus::describe(&samples);
    assert!(!samples.is_empty(), "no real files found for the corpus");
    let inputs: Vec<(usize, &str, Vec<u8>)> = PAGES
        .iter()
        .map(|&(page, name, len)| (page, name, mixed(&samples, len)))
        .collect();
    summary(&inputs);

    let mut out = Vec::new();
    for (page, page_name, input) in &inputs {
        for (mode, mode_name) in modes() {
            let mut group = c.benchmark_group(format!("parallel_{mode_name}_{page_name}"));
            group.throughput(Throughput::BytesDecimal(input.len() as u64));
            for (workers, workers_name) in WORKERS {
                let config = config(*page, mode, workers);
                group.bench_with_input(
                    BenchmarkId::from_parameter(workers_name),
                    input,
                    |b, input| b.iter(|| compress(black_box(input), &config, &mut out)),
                );
            }
            group.finish();
        }
    }
}

fn criterion() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = criterion();
    targets = parallel_benches
}
criterion_main!(benches);
