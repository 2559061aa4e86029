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
//! First a summary is printed (the README's table comes from it): for each
//! setting, interleaved rounds (`LZ4S_BENCH_ROUNDS`, default 5) of one run
//! per worker count, each run one writer taking the input as many times as
//! makes at least [`MIN_RUN`] with one worker (so that thread start-up and
//! the first touch of a fresh writer's buffers are paid once per run, not
//! per few milliseconds of work, and the clock's resolution does not
//! matter). It prints the best run's MB/s, the speed-up over one worker, the
//! compressed size (of the input once) and the CPU time of all threads with
//! 2 workers against 1, summed over the rounds, with the machine's load
//! average before and after.
//! Then the criterion groups run, `parallel_{mode}_{page}/{workers}`, each
//! iteration one writer over the input once; skip
//! them with a filter that matches none (`cargo bench --bench parallel --
//! summary-only`), or pick some (`-- parallel_hc9_64KiB`).

use std::hint::black_box;
use std::io::Write;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use lz4_stream::{CompressionMode, Lz4StreamWriter, StreamConfig};

#[allow(dead_code)]
mod corpus;
mod interleaved;

/// Rounds of the interleaved summary.
const SUMMARY_ROUNDS: usize = 5;

/// The least time one summary run takes with one worker.
const MIN_RUN: Duration = Duration::from_millis(300);

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

/// Our writer into a `Vec`, end to end.
fn compress(input: &[u8], config: &StreamConfig, out: &mut Vec<u8>) {
    compress_repeated(input, 1, config, out);
}

/// One writer into a `Vec`, taking `input` `times` times in a row.
fn compress_repeated(input: &[u8], times: usize, config: &StreamConfig, out: &mut Vec<u8>) {
    out.clear();
    let mut writer = Lz4StreamWriter::with_config(&mut *out, config.clone()).unwrap();
    for _ in 0..times {
        writer.write_all(input).unwrap();
    }
    writer.finish().unwrap();
}

/// Each setting's best wall-clock time and its CPU time (all threads)
/// summed over the rounds.
struct Timing {
    best: Duration,
    cpu: f64,
}

/// Runs each closure once per round, in turn, keeping each one's best
/// wall-clock time (as `interleaved::best_of` does) and adding up the CPU
/// time of all the process's threads it took.
fn best_of_with_cpu(rounds: usize, runs: &mut [&mut dyn FnMut()]) -> Vec<Timing> {
    let mut timings: Vec<Timing> = runs
        .iter()
        .map(|_| Timing {
            best: Duration::MAX,
            cpu: 0.0,
        })
        .collect();
    for _ in 0..rounds {
        for (run, timing) in runs.iter_mut().zip(&mut timings) {
            let cpu = process_cpu_seconds();
            let start = Instant::now();
            run();
            timing.best = timing.best.min(start.elapsed());
            timing.cpu += process_cpu_seconds() - cpu;
        }
    }
    timings
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
         {rounds} interleaved runs, each one writer taking the input as many times (x) as \
         makes {} ms or more with 1 worker; speed-up over 1 worker; size of the input once, \
         in bytes and relative to 1 worker; all = {cores} workers (available cores); \
         cpu 2 = CPU time of all threads with 2 workers / with 1, over all rounds; \
         load average {}",
        MIN_RUN.as_millis(),
        interleaved::load()
    );
    eprintln!(
        "{:>5} {:<7} {:>7} {:>4} | {:>8} {:>8} {:>8} | {:>5} {:>5} | {:>9} {:>9} {:>7} | {:>5}",
        "page",
        "mode",
        "input",
        "x",
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
            // How many times over the input a run takes: one worker's time
            // for it once, after the sizes' run above warmed the caches.
            let start = Instant::now();
            compress(input, &configs[0], &mut out);
            let once = start.elapsed().as_secs_f64();
            let times = (MIN_RUN.as_secs_f64() / once).ceil().clamp(1.0, 1000.0) as usize;
            let mut outs = [Vec::new(), Vec::new(), Vec::new()];
            let [o1, o2, o3] = &mut outs;
            let [c1, c2, c3] = &configs;
            let timings = best_of_with_cpu(
                rounds,
                &mut [
                    &mut || compress_repeated(black_box(input), times, c1, o1),
                    &mut || compress_repeated(black_box(input), times, c2, o2),
                    &mut || compress_repeated(black_box(input), times, c3, o3),
                ],
            );
            let speed = |i: usize| timings[0].best.as_secs_f64() / timings[i].best.as_secs_f64();
            let mb_s = |i: usize| interleaved::mb_s(times * input.len(), timings[i].best);
            // CPU time of every thread of the process, which waiting for a
            // core does not inflate: 2 workers' total against 1 worker's is
            // the work the parallel scheme adds, and bounds the speed-up on
            // idle cores at 2 / that ratio.
            eprintln!(
                "{page_name:>5} {mode_name:<7} {:>6.1}M {times:>4} | {:>8.1} {:>8.1} {:>8.1} | {:>5.2} {:>5.2} | {:>9} {:>9} {:>+6.2}% | {:>5.2}",
                input.len() as f64 / 1e6,
                mb_s(0),
                mb_s(1),
                mb_s(2),
                speed(1),
                speed(2),
                sizes[0],
                sizes[1],
                (sizes[1] as f64 / sizes[0] as f64 - 1.0) * 100.0,
                timings[1].cpu / timings[0].cpu,
            );
        }
    }
    eprintln!("load average after the summary {}", interleaved::load());
}

fn parallel_benches(c: &mut Criterion) {
    let longest = PAGES.iter().map(|p| p.2).max().unwrap_or(0);
    let samples = corpus::samples(longest / 4);
    corpus::describe(&samples);
    assert!(!samples.is_empty(), "no real files found for the corpus");
    let inputs: Vec<(usize, &str, Vec<u8>)> = PAGES
        .iter()
        .map(|&(page, name, len)| (page, name, corpus::mixed(&samples, len)))
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
