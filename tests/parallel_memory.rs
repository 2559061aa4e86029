//! The multi-threaded writer's memory is bounded by workers x job size,
//! never by the stream's length, even when the inner writer is slow (a
//! slow sink stops the intake instead of letting blocks pile up): measured
//! with a counting global allocator.
//!
//! This binary holds a single test, so nothing else allocates while a case is
//! measured. Run with `--nocapture` to see the peaks.

mod common;

use std::io::{self, Write};

use lz4_stream::{compress_bound, CompressionMode, Lz4StreamWriter, StreamConfig};

#[path = "common/alloc.rs"]
mod alloc;

use alloc::peak_of;

#[global_allocator]
static ALLOCATOR: alloc::Counting = alloc::Counting;

/// A sink that takes at most 1000 bytes per call and keeps nothing: as slow
/// to drain as a congested socket, per byte written.
struct Slow {
    written: u64,
}

impl Write for Slow {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = buf.len().min(1000);
        self.written += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// What a writer with `workers` threads and pages of `page` bytes may hold,
/// jobs being runs of `pages_per_job` pages of about 256 KiB (at most 16
/// pages, at least one; see `StreamConfig::workers`): per worker, an encoder
/// (its window of 64 KiB of history and a page, twice for a growing
/// vector's doubling, and up to 640 KiB of match-finder tables); two jobs in
/// flight per worker, the job before the oldest (its last page is that one's
/// history), the job being filled and the one being handed out, each a
/// buffer of its pages and one of their blocks; the page being filled; and
/// 256 KiB for everything else (threads, channels).
fn budget(workers: usize, page: usize) -> usize {
    let pages_per_job = (256 * 1024 / page).clamp(1, 16);
    let encoder = 2 * (64 * 1024 + page) + 640 * 1024;
    let job = pages_per_job * (page + 4 + compress_bound(page));
    workers * encoder + (2 * workers + 3) * job + page + 256 * 1024
}

#[test]
fn parallel_writer_memory_is_bounded_by_workers_and_page_size() {
    let data = common::sample("text", 4 << 20, 3);
    for (workers, page, mode) in [
        (2, 65_536, CompressionMode::Default),
        (4, 16_384, CompressionMode::High { level: 4 }),
        (3, 8192, CompressionMode::High { level: 10 }),
        (2, 1 << 20, CompressionMode::Fast { acceleration: 4 }),
    ] {
        let config = StreamConfig::default()
            .buffer_size(page)
            .mode(mode)
            .workers(workers);
        let mut peaks = Vec::new();
        // The shorter stream fills every job buffer there can be (`2 *
        // workers + 3`, see `budget`), so that the longer one, twice as
        // long, shows whether memory grows with the stream.
        let job = (256 * 1024 / page).clamp(1, 16) * page;
        let short = (data.len() / 2).max((2 * workers + 3) * job);
        for len in [short, 2 * short] {
            let input: Vec<u8> = data.iter().copied().cycle().take(len).collect();
            let ((), peak) = peak_of(|| {
                let mut writer =
                    Lz4StreamWriter::with_config(Slow { written: 0 }, config.clone()).unwrap();
                // In pieces of every size, so the page buffer is used too.
                for piece in input.chunks(100_003) {
                    writer.write_all(piece).unwrap();
                }
                let sink = writer.finish().unwrap();
                assert!(sink.written > 0);
            });
            println!(
                "{workers} workers, page {page:>7}, {mode:?}, {len:>8} bytes: peak {peak:>9} bytes (budget {})",
                budget(workers, page)
            );
            assert!(
                peak <= budget(workers, page),
                "{workers} workers, page {page}: peak {peak}, budget {}",
                budget(workers, page)
            );
            peaks.push(peak);
        }
        // Twice the stream, not more memory (beyond noise).
        assert!(
            peaks[1] <= peaks[0] + peaks[0] / 10,
            "{workers} workers, page {page}: memory grew with the stream: {peaks:?}"
        );
    }
}
