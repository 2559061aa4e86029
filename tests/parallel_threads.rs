//! The multi-threaded writer leaves no thread behind: `finish`, `Drop`, an
//! inner writer's error and a panic in the inner writer all join every
//! worker. Threads are counted in `/proc/self/task`, so this binary holds a
//! single test (no other test's threads come and go meanwhile).
#![cfg(target_os = "linux")]

mod common;

use std::io::{self, Write};
use std::panic::{self, AssertUnwindSafe};

use lz4_stream::{CompressionMode, Lz4StreamWriter, StreamConfig};

fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").unwrap().count()
}

/// The thread count once it has come back to `before`, or after two
/// seconds. A joined thread has finished, but the kernel removes its task
/// entry a moment later, so an exact count right after a join can be one
/// too high.
fn settled(before: usize) -> usize {
    for _ in 0..200 {
        let now = threads();
        if now == before {
            return now;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    threads()
}

/// Fails every write after the first `budget` bytes, or panics instead.
struct Breaking {
    budget: usize,
    panic: bool,
}

impl Write for Breaking {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.budget == 0 {
            if self.panic {
                panic!("the inner writer panics");
            }
            return Err(io::Error::other("the disk is full"));
        }
        let n = buf.len().min(self.budget);
        self.budget -= n;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn every_worker_thread_is_joined() {
    let before = threads();
    let data = common::sample("text", 3 << 20, 5);
    let config = StreamConfig::default()
        .buffer_size(65_536)
        .mode(CompressionMode::High { level: 3 })
        .workers(4);

    // Workers really run: more threads while writing.
    let mut writer = Lz4StreamWriter::with_config(Vec::new(), config.clone()).unwrap();
    writer.write_all(&data[..1 << 20]).unwrap();
    let during = threads();
    assert!(
        during > before,
        "no worker thread started ({before} -> {during})"
    );
    // finish joins them.
    let stream = writer.finish().unwrap();
    assert_eq!(settled(before), before, "finish left threads behind");
    assert!(common::decompress(&config, &stream) == data[..1 << 20]);

    // Dropped with pages in flight, without finish.
    let mut writer = Lz4StreamWriter::with_config(Vec::new(), config.clone()).unwrap();
    writer.write_all(&data).unwrap();
    drop(writer);
    assert_eq!(settled(before), before, "drop left threads behind");

    // An inner writer that fails: the error comes back, the writer is
    // dropped after it, nothing is left running.
    let mut writer = Lz4StreamWriter::with_config(
        Breaking {
            budget: 100_000,
            panic: false,
        },
        config.clone(),
    )
    .unwrap();
    let err = writer.write_all(&data).unwrap_err();
    assert_eq!(err.to_string(), "the disk is full");
    assert!(writer.try_finish().is_err());
    drop(writer);
    assert_eq!(
        settled(before),
        before,
        "an inner error left threads behind"
    );

    // An inner writer that panics: unwinding drops the writer, which joins.
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        let mut writer = Lz4StreamWriter::with_config(
            Breaking {
                budget: 200_000,
                panic: true,
            },
            config.clone(),
        )
        .unwrap();
        writer.write_all(&data).unwrap();
    }));
    assert!(result.is_err());
    assert_eq!(settled(before), before, "a panic left threads behind");

    // Many writers one after another: the count does not creep up.
    for _ in 0..20 {
        let mut writer = Lz4StreamWriter::with_config(Vec::new(), config.clone()).unwrap();
        writer.write_all(&data[..300_000]).unwrap();
        writer.finish().unwrap();
    }
    assert_eq!(
        settled(before),
        before,
        "repeated writers left threads behind"
    );
}
