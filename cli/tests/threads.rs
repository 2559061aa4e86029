//! `lz4s compress -T N` / `--threads N`: the library's multi-threaded writer,
//! the same bytes for every N from 2 up (and 0, one per core, on a machine
//! with more than one), readable by a plain `lz4s decompress`.

mod support;

use std::io::Write;

use lz4_stream::{CompressionMode, Lz4StreamWriter, StreamConfig};
use support::{sample, Dir};

fn compress_with(data: &[u8], config: StreamConfig) -> Vec<u8> {
    let mut writer = Lz4StreamWriter::with_config(Vec::new(), config).unwrap();
    writer.write_all(data).unwrap();
    writer.finish().unwrap()
}

#[test]
fn threads_select_the_parallel_writer() {
    let dir = Dir::new();
    let data = sample("text", 600_000, 4);
    dir.write("data", &data);
    // Level 2: from level 3 up the parallel blocks are the single-threaded
    // ones, which would not tell whether -T was heeded.
    let config = StreamConfig::default()
        .buffer_size(16_384)
        .mode(CompressionMode::High { level: 2 });
    let parallel = compress_with(&data, config.clone().workers(2));
    assert_ne!(parallel, compress_with(&data, config.clone()));
    for threads in ["2", "3", "8"] {
        for flag in ["-T", "--threads"] {
            dir.run(
                &[
                    "compress",
                    "-f",
                    "-B",
                    "16K",
                    "-2",
                    flag,
                    threads,
                    "data",
                    "data.lz4s",
                ],
                b"",
            )
            .ok();
            assert_eq!(dir.read("data.lz4s"), parallel, "{flag} {threads}");
        }
    }
    let out = dir
        .run(&["decompress", "-B", "16K", "data.lz4s", "-"], b"")
        .ok()
        .stdout;
    assert_eq!(out, data);
    // From stdin to stdout, on every core.
    let run = dir
        .run(&["compress", "-B", "16K", "-2", "-T", "0", "-", "-"], &data)
        .ok();
    let one_per_core = compress_with(&data, config.workers(0));
    assert_eq!(run.stdout, one_per_core);
}

#[test]
fn absurd_thread_counts_are_usage_errors() {
    let dir = Dir::new();
    dir.write("data", b"some data");
    dir.run(&["compress", "-T", "100000", "data"], b"")
        .fails(2, &["workers 100000", "0 for one per available core"]);
    dir.run(&["compress", "-T", "2", "--strategy", "ring", "data"], b"")
        .fails(2, &["workers(2)", "Strategy::RingBuffer"]);
    let run = dir.run(&["compress", "-T", "many", "data"], b"");
    assert_eq!(run.code, Some(2));
    assert!(!dir.exists("data.lz4s"));
}
