//! The futures-io adapters through a futures executor: chaotic I/O (property
//! tests), python-lz4's vectors, close semantics, `AsyncBufRead` lines.
#![cfg(feature = "futures-io")]

mod common;

use std::io::ErrorKind;

use common::chaos::{plan, sync_stream, ChaosSink, ChaosSource, Schedule};
use common::Rng;
use futures::executor::block_on;
use futures::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use lz4_stream::futures::{Lz4StreamReader, Lz4StreamWriter};
use lz4_stream::StreamConfig;
use quickcheck::{QuickCheck, TestResult};

fn chaos_property(seed: u64, workers: usize) -> TestResult {
    let mut rng = Rng::new(seed);
    let config = common::random_config(&mut rng).workers(workers);
    let kind = *rng.pick(&["text", "binary"]);
    let data = common::sample(kind, rng.below(300_000), seed);
    let steps = plan(&mut rng, data.len(), config.get_buffer_size());
    let expected = sync_stream(&config, &data, &steps);
    block_on(async {
        let sink = ChaosSink::new(Schedule::new(seed ^ 1, 25, 10, 60));
        let mut writer = Lz4StreamWriter::with_config(sink, config.clone()).unwrap();
        let mut at = 0;
        for &(len, flush) in &steps {
            let mut chunk = &data[at..at + len];
            while !chunk.is_empty() {
                let n = retry!(writer.write(chunk).await);
                chunk = &chunk[n..];
            }
            if flush {
                retry!(writer.flush().await);
            }
            at += len;
        }
        retry!(writer.close().await);
        writer.close().await.unwrap();
        writer.flush().await.unwrap();
        assert_eq!(
            writer.write(b"late").await.unwrap_err().kind(),
            ErrorKind::BrokenPipe
        );
        let sink = writer.into_inner();
        assert_eq!(sink.shutdowns, 1);
        assert!(sink.out == expected, "async and sync streams differ");

        let source = ChaosSource::new(sink.out, Schedule::new(seed ^ 2, 25, 10, 60));
        let mut reader = Lz4StreamReader::with_config(source, config).unwrap();
        let mut out = Vec::new();
        let mut buf = vec![0u8; 50_000];
        loop {
            let len = 1 + rng.below(buf.len());
            let n = retry!(reader.read(&mut buf[..len]).await);
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        assert!(out == data, "round trip differs");
    });
    TestResult::passed()
}

#[test]
fn chaotic_io_loses_and_duplicates_nothing() {
    QuickCheck::new()
        .tests(30)
        .quickcheck((|seed| chaos_property(seed, 1)) as fn(u64) -> TestResult);
}

/// With pages compressed on worker threads, the I/O on the polling task.
#[test]
fn chaotic_io_with_workers_loses_and_duplicates_nothing() {
    QuickCheck::new()
        .tests(20)
        .quickcheck((|seed| chaos_property(seed, 2 + seed as usize % 3)) as fn(u64) -> TestResult);
}

#[test]
fn python_lz4_vectors_through_the_futures_reader() {
    for vector in common::python_vectors()
        .iter()
        .filter(|v| v.store_comp_size != 0)
    {
        let source = ChaosSource::new(vector.stream.clone(), Schedule::new(5, 30, 10, 70));
        let mut reader = Lz4StreamReader::with_config(source, vector.config()).unwrap();
        let out = block_on(async {
            let mut out = Vec::new();
            let mut buf = [0u8; 4096];
            loop {
                let n = retry!(reader.read(&mut buf).await);
                if n == 0 {
                    break out;
                }
                out.extend_from_slice(&buf[..n]);
            }
        });
        assert!(out == vector.input, "{}", vector.name);
    }
}

#[test]
fn lines_copy_and_a_cut_stream() {
    let config = StreamConfig::default().buffer_size(100);
    let text = "first line\nsecond line, a little longer than the first\nthird\n".repeat(50);
    let stream = common::compress(&config, text.as_bytes());
    block_on(async {
        let mut reader = Lz4StreamReader::with_config(&stream[..], config.clone()).unwrap();
        let mut lines = Vec::new();
        let mut line = String::new();
        while reader.read_line(&mut line).await.unwrap() > 0 {
            lines.push(std::mem::take(&mut line));
        }
        assert_eq!(lines.len(), 150);
        assert_eq!(lines.concat(), text);

        let mut reader = Lz4StreamReader::with_config(&stream[..], config.clone()).unwrap();
        let mut out = futures::io::Cursor::new(Vec::new());
        futures::io::copy(&mut reader, &mut out).await.unwrap();
        assert_eq!(out.into_inner(), text.as_bytes());

        let cut = &stream[..stream.len() - 3];
        let mut reader = Lz4StreamReader::with_config(cut, config).unwrap();
        let err = reader.read_to_end(&mut Vec::new()).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
    });
}

#[test]
fn finish_without_close_then_into_inner() {
    block_on(async {
        let mut writer = Lz4StreamWriter::new(ChaosSink::new(Schedule::calm()));
        writer.write_all(b"stream").await.unwrap();
        writer.finish().await.unwrap();
        let sink = writer.into_inner();
        assert_eq!(sink.shutdowns, 0);
        assert_eq!(
            common::decompress(&StreamConfig::default(), &sink.out),
            b"stream"
        );
    });
}
