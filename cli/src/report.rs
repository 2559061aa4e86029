//! What lz4s says on stderr besides errors: a progress line while a long run
//! goes on (only when stderr is a terminal) and the `-v` summary.

use std::io::{self, IsTerminal, Write};
use std::time::{Duration, Instant};

/// A run shorter than this shows no progress at all: only long (large or
/// slow) inputs are worth a moving line.
const FIRST_UPDATE: Duration = Duration::from_millis(500);
/// How often the progress line is redrawn.
const UPDATE_EVERY: Duration = Duration::from_millis(250);

/// Progress and summary reporting for one run.
pub struct Report {
    label: String,
    compressing: bool,
    verbose: bool,
    start: Instant,
    progress: Option<Progress>,
}

struct Progress {
    /// INPUT's size, when it is a regular file: gives a percentage.
    input_size: Option<u64>,
    next_update: Instant,
    shown: bool,
}

/// Counts at one point of a run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    /// Bytes read from INPUT.
    pub read: u64,
    /// Uncompressed bytes (read when compressing, written when decompressing).
    pub plain: u64,
    /// Compressed bytes (written when compressing, read when decompressing).
    pub packed: u64,
}

impl Report {
    /// `label` names the run ("INPUT -> OUTPUT"). Progress is shown only when
    /// stderr is a terminal and not `quiet`.
    pub fn new(
        label: String,
        compressing: bool,
        quiet: bool,
        verbose: bool,
        input_size: Option<u64>,
    ) -> Report {
        let start = Instant::now();
        let progress = (!quiet && io::stderr().is_terminal()).then(|| Progress {
            input_size,
            next_update: start + FIRST_UPDATE,
            shown: false,
        });
        Report {
            label,
            compressing,
            verbose,
            start,
            progress,
        }
    }

    /// Called as data flows; redraws the progress line now and then.
    pub fn tick(&mut self, counts: Counts) {
        let Some(progress) = &mut self.progress else {
            return;
        };
        // One clock read per chunk: cheap next to compressing the chunk.
        let now = Instant::now();
        if now < progress.next_update {
            return;
        }
        progress.next_update = now + UPDATE_EVERY;
        progress.shown = true;
        let line = progress_line(&self.label, counts, progress.input_size, now - self.start);
        // Progress is a courtesy: a failing stderr must not fail the run.
        let _ = write!(io::stderr().lock(), "\r{line}\x1b[K");
    }

    /// Removes the progress line, if one is shown (before an error message
    /// or the summary).
    pub fn clear(&mut self) {
        if let Some(progress) = &mut self.progress {
            if progress.shown {
                let _ = write!(io::stderr().lock(), "\r\x1b[K");
                progress.shown = false;
            }
        }
    }

    /// Ends the run: clears the progress line and, with `-v`, prints the
    /// summary.
    pub fn finish(&mut self, counts: Counts) {
        self.clear();
        if self.verbose {
            let line = summary_line(&self.label, self.compressing, counts, self.start.elapsed());
            let _ = writeln!(io::stderr().lock(), "{line}");
        }
    }
}

/// `-v`'s line: exact sizes, compressed size as a percentage of the
/// uncompressed one, time, and uncompressed MB/s (10^6 bytes per second).
pub fn summary_line(label: &str, compressing: bool, counts: Counts, elapsed: Duration) -> String {
    let (input, output) = if compressing {
        (counts.plain, counts.packed)
    } else {
        (counts.packed, counts.plain)
    };
    format!(
        "{label}: {input} -> {output} bytes, compressed size {}, {:.3} s, {:.1} MB/s",
        ratio(counts),
        elapsed.as_secs_f64(),
        mb_per_s(counts.plain, elapsed)
    )
}

fn progress_line(
    label: &str,
    counts: Counts,
    input_size: Option<u64>,
    elapsed: Duration,
) -> String {
    let done = match input_size {
        Some(size) if size > 0 => format!("{:.0}% ", 100.0 * counts.read as f64 / size as f64),
        _ => String::new(),
    };
    format!(
        "{label}: {done}{} uncompressed, {} compressed ({}), {:.1} MB/s",
        human(counts.plain),
        human(counts.packed),
        ratio(counts),
        mb_per_s(counts.plain, elapsed)
    )
}

fn ratio(counts: Counts) -> String {
    if counts.plain == 0 {
        "n/a".into()
    } else {
        format!("{:.2}%", 100.0 * counts.packed as f64 / counts.plain as f64)
    }
}

fn mb_per_s(bytes: u64, elapsed: Duration) -> f64 {
    // A run can finish within the clock's resolution.
    bytes as f64 / 1e6 / elapsed.as_secs_f64().max(1e-6)
}

fn human(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        let counts = Counts {
            read: 4_000_000,
            plain: 4_000_000,
            packed: 1_000_000,
        };
        assert_eq!(
            summary_line("a -> a.lz4s", true, counts, Duration::from_secs(2)),
            "a -> a.lz4s: 4000000 -> 1000000 bytes, compressed size 25.00%, 2.000 s, 2.0 MB/s"
        );
        let decompressing = Counts {
            read: 1_000_000,
            plain: 4_000_000,
            packed: 1_000_000,
        };
        assert_eq!(
            summary_line("a.lz4s -> a", false, decompressing, Duration::from_secs(4)),
            "a.lz4s -> a: 1000000 -> 4000000 bytes, compressed size 25.00%, 4.000 s, 1.0 MB/s"
        );
        assert_eq!(
            progress_line("x", counts, Some(8_000_000), Duration::from_secs(1)),
            "x: 50% 3.8 MiB uncompressed, 976.6 KiB compressed (25.00%), 4.0 MB/s"
        );
        assert!(summary_line("e", true, Counts::default(), Duration::ZERO)
            .contains("compressed size n/a"));
        assert_eq!(human(0), "0 B");
        assert_eq!(human(1023), "1023 B");
        assert_eq!(human(1 << 30), "1.0 GiB");
    }
}
