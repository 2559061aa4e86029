//! Interleaved best-of-N timing, shared by the benches: the ratios in the
//! README's tables come from here.
// Each bench uses part of this module.
#![allow(dead_code)]

use std::time::{Duration, Instant};

/// Runs each closure once per round, in turn, for `rounds` rounds, and keeps
/// each one's fastest time. On a shared machine the interleaving exposes all of
/// them to the same background load and the minimum filters out the rounds it
/// hit, so their ratios are steadier than those of benchmarks measured one
/// after another.
pub fn best_of(rounds: usize, runs: &mut [&mut dyn FnMut()]) -> Vec<Duration> {
    let mut best = vec![Duration::MAX; runs.len()];
    for _ in 0..rounds {
        for (run, best) in runs.iter_mut().zip(&mut best) {
            let start = Instant::now();
            run();
            *best = (*best).min(start.elapsed());
        }
    }
    best
}

/// [`best_of`] timing each run by the CPU time of the calling thread
/// (`CLOCK_THREAD_CPUTIME_ID`) instead of the wall clock: time spent waiting
/// for a core while other processes run is not counted, so on a machine with
/// more runnable processes than cores the ratios stay meaningful (the cache
/// misses others cause still count, which the minimum over rounds filters).
pub fn best_of_cpu(rounds: usize, runs: &mut [&mut dyn FnMut()]) -> Vec<Duration> {
    let mut best = vec![Duration::MAX; runs.len()];
    for _ in 0..rounds {
        for (run, best) in runs.iter_mut().zip(&mut best) {
            let start = thread_cpu_time();
            run();
            *best = (*best).min(thread_cpu_time().saturating_sub(start));
        }
    }
    best
}

/// Whether `LZ4S_BENCH_CLOCK=cpu` asks the summaries for CPU time.
pub fn cpu_clock() -> bool {
    std::env::var("LZ4S_BENCH_CLOCK").is_ok_and(|c| c == "cpu")
}

/// The clock the summaries use, for their headers.
pub fn clock_name() -> &'static str {
    if cpu_clock() {
        "thread CPU time"
    } else {
        "wall clock"
    }
}

/// [`best_of`], or [`best_of_cpu`] with `LZ4S_BENCH_CLOCK=cpu` (for a machine
/// busier than it has cores).
pub fn best_of_chosen(rounds: usize, runs: &mut [&mut dyn FnMut()]) -> Vec<Duration> {
    if cpu_clock() {
        best_of_cpu(rounds, runs)
    } else {
        best_of(rounds, runs)
    }
}

/// The calling thread's CPU time (Linux `clock_gettime`; std has no call for
/// it, and a binding of one function is not worth a dependency).
fn thread_cpu_time() -> Duration {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    extern "C" {
        fn clock_gettime(clock: i32, time: *mut Timespec) -> i32;
    }
    /// `CLOCK_THREAD_CPUTIME_ID` in Linux's `<time.h>`.
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut time = Timespec { sec: 0, nsec: 0 };
    // SAFETY: clock_gettime writes one timespec (two 64-bit fields on
    // x86-64 and aarch64 Linux) into `time` and reads nothing else.
    let ok = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut time) };
    assert_eq!(ok, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    Duration::new(time.sec as u64, time.nsec as u32)
}

/// Megabytes (10^6 bytes) per second.
pub fn mb_s(len: usize, time: Duration) -> f64 {
    len as f64 / time.as_secs_f64() / 1e6
}

/// Rounds for a summary: `default`, or `LZ4S_BENCH_ROUNDS` if set (more
/// rounds filter more of a busy machine's noise).
pub fn rounds(default: usize) -> usize {
    std::env::var("LZ4S_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(default)
}

/// The machine's load averages (`/proc/loadavg`), to print beside timings:
/// wall-clock ratios mean little when the machine is busy.
pub fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| {
            let fields: Vec<&str> = l.split_whitespace().take(3).collect();
            (fields.len() == 3).then(|| fields.join(" "))
        })
        .unwrap_or_else(|| "unknown".to_string())
}
