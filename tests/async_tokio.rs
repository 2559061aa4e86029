//! The tokio adapters on a real runtime: chaotic I/O (property tests), TCP
//! over loopback, duplex pipes with tiny buffers, files, python-lz4's
//! vectors, the shutdown and finish semantics, and cancel safety.
#![cfg(feature = "tokio")]

mod common;

use std::io::ErrorKind;
use std::time::Duration;

use common::chaos::{plan, sync_stream, ChaosSink, ChaosSource, Schedule};
use common::Rng;
use futures::FutureExt;
use lz4_stream::tokio::{Lz4StreamReader, Lz4StreamWriter};
use lz4_stream::{Error, StreamConfig};
use quickcheck::{QuickCheck, TestResult};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Writes `data` by the plan through the async writer into a chaotic sink,
/// retrying every injected failure, then shuts down.
async fn write_chaotically(
    config: &StreamConfig,
    data: &[u8],
    steps: &[(usize, bool)],
    schedule: Schedule,
) -> ChaosSink {
    let mut writer =
        Lz4StreamWriter::with_config(ChaosSink::new(schedule), config.clone()).unwrap();
    let mut at = 0;
    for &(len, flush) in steps {
        let mut chunk = &data[at..at + len];
        while !chunk.is_empty() {
            let n = retry!(writer.write(chunk).await);
            assert!(n > 0 && n <= chunk.len());
            chunk = &chunk[n..];
        }
        if flush {
            retry!(writer.flush().await);
        }
        at += len;
    }
    retry!(writer.shutdown().await);
    // A second shutdown and a flush after it are no-ops that succeed.
    writer.shutdown().await.unwrap();
    writer.flush().await.unwrap();
    let err = writer.write(b"late").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BrokenPipe);
    assert_eq!(writer.total_in(), data.len() as u64);
    let sink = writer.into_inner();
    assert_eq!(sink.shutdowns, 1);
    sink
}

/// Reads the whole stream through the async reader from a chaotic source,
/// mixing `read` with random buffer sizes and `fill_buf`/`consume`.
async fn read_chaotically(
    config: &StreamConfig,
    stream: Vec<u8>,
    schedule: Schedule,
    rng: &mut Rng,
) -> Vec<u8> {
    let mut reader =
        Lz4StreamReader::with_config(ChaosSource::new(stream, schedule), config.clone()).unwrap();
    let mut out = Vec::new();
    let mut buf = vec![0u8; 70_000];
    loop {
        if rng.chance(50) {
            let len = 1 + rng.below(buf.len());
            let n = retry!(reader.read(&mut buf[..len]).await);
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        } else {
            let chunk = retry!(reader.fill_buf().await);
            if chunk.is_empty() {
                break;
            }
            let n = 1 + rng.below(chunk.len());
            out.extend_from_slice(&chunk[..n]);
            reader.consume(n);
        }
    }
    assert!(reader.is_finished());
    assert_eq!(reader.total_out(), out.len() as u64);
    out
}

fn chaos_property(seed: u64, workers: usize) -> TestResult {
    let mut rng = Rng::new(seed);
    let config = common::random_config(&mut rng).workers(workers);
    let kind = *rng.pick(&["text", "binary", "zeros"]);
    let data = common::sample(kind, rng.below(400_000), seed);
    let steps = plan(&mut rng, data.len(), config.get_buffer_size());
    let expected = sync_stream(&config, &data, &steps);
    let write_schedule = Schedule::new(seed ^ 1, 25, 10, 60);
    let read_schedule = Schedule::new(seed ^ 2, 25, 10, 60);
    runtime().block_on(async {
        let sink = write_chaotically(&config, &data, &steps, write_schedule).await;
        // The same bytes as the blocking writer's for the same flush points.
        assert!(sink.out == expected, "async and sync streams differ");
        let out = read_chaotically(&config, sink.out, read_schedule, &mut rng).await;
        assert!(out == data, "round trip differs");
    });
    TestResult::passed()
}

#[test]
fn chaotic_io_loses_and_duplicates_nothing() {
    QuickCheck::new()
        .tests(40)
        .quickcheck((|seed| chaos_property(seed, 1)) as fn(u64) -> TestResult);
}

/// With pages compressed on worker threads: the I/O stays on the task, with
/// `Pending` and errors while workers are busy, and the bytes are the
/// blocking writer's with the same workers.
#[test]
fn chaotic_io_with_workers_loses_and_duplicates_nothing() {
    QuickCheck::new()
        .tests(20)
        .quickcheck((|seed| chaos_property(seed, 2 + seed as usize % 3)) as fn(u64) -> TestResult);
}

#[tokio::test]
async fn python_lz4_vectors_through_the_async_reader() {
    let mut rng = Rng::new(11);
    // Out-of-band sizes need the block API; every in-band vector here.
    let vectors: Vec<_> = common::python_vectors()
        .into_iter()
        .filter(|v| v.store_comp_size != 0)
        .collect();
    assert!(vectors.len() > 20);
    for (i, vector) in vectors.iter().enumerate() {
        let calm = Lz4StreamReader::with_config(&vector.stream[..], vector.config()).unwrap();
        let mut out = Vec::new();
        let mut calm = calm;
        calm.read_to_end(&mut out).await.unwrap();
        assert!(out == vector.input, "{}", vector.name);
        let schedule = Schedule::new(i as u64, 30, 10, 70);
        let out =
            read_chaotically(&vector.config(), vector.stream.clone(), schedule, &mut rng).await;
        assert!(out == vector.input, "{} (chaotic)", vector.name);
    }
}

#[tokio::test]
async fn tcp_a_flushed_line_reaches_the_peer_while_the_writer_waits() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (ack_tx, ack_rx) = tokio::sync::oneshot::channel();
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let mut reader = Lz4StreamReader::new(socket);
        let mut line = String::new();
        reader.read_line(&mut line).await.unwrap();
        assert_eq!(line, "hello\n");
        ack_tx.send(()).unwrap();
        let mut rest = String::new();
        reader.read_to_string(&mut rest).await.unwrap();
        rest
    });
    let mut writer = Lz4StreamWriter::new(TcpStream::connect(addr).await.unwrap());
    writer.write_all(b"hello\n").await.unwrap();
    writer.flush().await.unwrap();
    // The writer waits for the peer to have decoded the line: without the
    // flush cutting the partial page this would never come.
    tokio::time::timeout(Duration::from_secs(20), ack_rx)
        .await
        .expect("the flushed line did not reach the peer")
        .unwrap();
    writer.write_all(b"bye\n").await.unwrap();
    writer.shutdown().await.unwrap();
    assert_eq!(server.await.unwrap(), "bye\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tcp_a_whole_file_streamed_between_tokio_files() {
    let dir = tempfile::tempdir().unwrap();
    let data = common::sample("text", 3 << 20, 21);
    let source_path = dir.path().join("in.txt");
    let target_path = dir.path().join("out.txt");
    std::fs::write(&source_path, &data).unwrap();
    let config = StreamConfig::default().buffer_size(8192).end_marker(true);

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server_config = config.clone();
    let server_target = target_path.clone();
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let mut reader = Lz4StreamReader::with_config(socket, server_config).unwrap();
        let mut file = tokio::fs::File::create(&server_target).await.unwrap();
        let n = tokio::io::copy(&mut reader, &mut file).await.unwrap();
        file.sync_all().await.unwrap();
        // The end marker ended the stream; the socket is left right after it.
        let mut socket = reader.into_inner();
        let mut trailer = Vec::new();
        socket.read_to_end(&mut trailer).await.unwrap();
        (n, trailer)
    });
    let mut file = tokio::fs::File::open(&source_path).await.unwrap();
    let mut writer =
        Lz4StreamWriter::with_config(TcpStream::connect(addr).await.unwrap(), config.clone())
            .unwrap();
    tokio::io::copy(&mut file, &mut writer).await.unwrap();
    // Finish without shutting the socket down, and go on with the protocol.
    writer.finish().await.unwrap();
    let compressed_len = writer.total_out();
    let mut socket = writer.into_inner();
    socket.write_all(b"after the stream").await.unwrap();
    socket.shutdown().await.unwrap();
    let (n, trailer) = server.await.unwrap();
    assert_eq!(n, data.len() as u64);
    assert_eq!(trailer, b"after the stream");
    assert!(std::fs::read(&target_path).unwrap() == data);
    assert!(compressed_len < data.len() as u64 / 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplex_with_tiny_buffers() {
    for (capacity, page, seed) in [
        (1, 64, 1u64),
        (7, 1000, 2),
        (100, 65_536, 3),
        (4096, 239, 4),
    ] {
        let config = if page == 239 {
            StreamConfig::default()
                .buffer_size(page)
                .size_prefix(lz4_stream::SizePrefix::U8)
        } else {
            StreamConfig::default().buffer_size(page)
        };
        let data = common::sample("binary", 200_000, seed);
        let (a, b) = tokio::io::duplex(capacity);
        let writer_config = config.clone();
        let writer_data = data.clone();
        let writer = tokio::spawn(async move {
            let mut rng = Rng::new(seed);
            let mut writer = Lz4StreamWriter::with_config(a, writer_config).unwrap();
            let mut at = 0;
            while at < writer_data.len() {
                let n = (1 + rng.below(5000)).min(writer_data.len() - at);
                writer.write_all(&writer_data[at..at + n]).await.unwrap();
                if rng.chance(10) {
                    writer.flush().await.unwrap();
                }
                at += n;
            }
            writer.shutdown().await.unwrap();
        });
        let mut reader = Lz4StreamReader::with_config(b, config).unwrap();
        let mut out = Vec::new();
        reader.read_to_end(&mut out).await.unwrap();
        writer.await.unwrap();
        assert!(out == data, "capacity {capacity}");
    }
}

#[tokio::test]
async fn a_cut_stream_is_unexpected_eof_and_sticky() {
    let config = StreamConfig::default().buffer_size(4096);
    let data = common::sample("text", 50_000, 5);
    let stream = common::compress(&config, &data);
    for cut in [2, 10, stream.len() - 1] {
        let mut reader = Lz4StreamReader::with_config(&stream[..cut], config.clone()).unwrap();
        let mut out = Vec::new();
        let err = reader.read_to_end(&mut out).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnexpectedEof, "cut at {cut}");
        let typed = err.into_inner().unwrap().downcast::<Error>().unwrap();
        assert!(matches!(*typed, Error::Truncated { .. }), "{typed}");
        let again = reader.read(&mut [0u8; 10]).await.unwrap_err();
        assert_eq!(again.to_string(), typed.to_string());
    }
    let mut corrupt = stream.clone();
    corrupt[4] = 0xFF;
    let mut reader = Lz4StreamReader::with_config(&corrupt[..], config).unwrap();
    let err = reader.read(&mut [0u8; 10]).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidData);
    let again = reader.fill_buf().await.unwrap_err();
    assert_eq!(again.to_string(), err.to_string());
}

#[tokio::test]
async fn finish_without_shutdown_then_into_inner() {
    let config = StreamConfig::default().end_marker(true);
    let mut writer =
        Lz4StreamWriter::with_config(ChaosSink::new(Schedule::calm()), config.clone()).unwrap();
    writer.write_all(b"first part").await.unwrap();
    writer.finish().await.unwrap();
    writer.finish().await.unwrap();
    // Flushing a finished writer is fine; writing is not.
    writer.flush().await.unwrap();
    assert_eq!(
        writer.write(b"x").await.unwrap_err().kind(),
        ErrorKind::BrokenPipe
    );
    let sink = writer.into_inner();
    assert_eq!(
        sink.shutdowns, 0,
        "finish must not shut the inner writer down"
    );
    assert!(sink.flushes >= 1);
    assert_eq!(sink.out, common::compress(&config, b"first part"));
}

#[tokio::test]
async fn dropping_a_read_future_loses_nothing() {
    let config = StreamConfig::default().buffer_size(1000);
    let data = common::sample("text", 100_000, 8);
    let stream = common::compress(&config, &data);
    // Every other poll of the source is Pending; each read future is polled
    // once and dropped if it is not ready.
    let source = ChaosSource::new(stream, Schedule::new(3, 50, 0, 80));
    let mut reader = Lz4StreamReader::with_config(source, config).unwrap();
    let mut out = Vec::new();
    let mut buf = [0u8; 333];
    let mut dropped = 0;
    loop {
        match reader.read(&mut buf).now_or_never() {
            None => dropped += 1,
            Some(Ok(0)) => break,
            Some(Ok(n)) => out.extend_from_slice(&buf[..n]),
            Some(Err(err)) => panic!("{err}"),
        }
    }
    assert!(dropped > 100);
    assert!(out == data);
}

#[tokio::test]
async fn dropping_a_write_future_loses_nothing() {
    let config = StreamConfig::default().buffer_size(1000);
    let data = common::sample("text", 100_000, 9);
    let sink = ChaosSink::new(Schedule::new(4, 50, 0, 80));
    let mut writer = Lz4StreamWriter::with_config(sink, config.clone()).unwrap();
    let mut at = 0;
    let mut dropped = 0;
    while at < data.len() {
        match writer.write(&data[at..]).now_or_never() {
            None => dropped += 1,
            Some(n) => at += n.unwrap(),
        }
    }
    while writer.shutdown().now_or_never().is_none() {
        dropped += 1;
    }
    assert!(dropped > 50);
    let out = writer.into_inner().out;
    assert!(common::decompress(&config, &out) == data);
}

#[tokio::test]
async fn counters_debug_and_accessors() {
    let data = common::sample("binary", 300_000, 2);
    let mut writer = Lz4StreamWriter::new(Vec::new());
    writer.write_all(&data).await.unwrap();
    let debug = format!("{writer:?}");
    assert!(debug.len() < 500, "{debug}");
    writer.shutdown().await.unwrap();
    assert_eq!(writer.total_in(), data.len() as u64);
    assert_eq!(writer.total_out(), writer.get_ref().len() as u64);
    assert_eq!(writer.config(), &StreamConfig::default());
    let stream = writer.into_inner();

    let mut reader = Lz4StreamReader::new(&stream[..]);
    let mut first = vec![0u8; 1000];
    reader.read_exact(&mut first).await.unwrap();
    assert_eq!(reader.total_out(), 1000);
    let debug = format!("{reader:?}");
    assert!(debug.len() < 500, "{debug}");
    let mut rest = Vec::new();
    reader.read_to_end(&mut rest).await.unwrap();
    assert_eq!(reader.total_in(), stream.len() as u64);
    assert_eq!(reader.total_out(), data.len() as u64);
    assert!(reader.is_finished());
    assert!(reader.get_ref().is_empty());

    let err = Lz4StreamWriter::with_config(
        Vec::<u8>::new(),
        StreamConfig::default().size_prefix(lz4_stream::SizePrefix::OutOfBand),
    )
    .unwrap_err();
    assert!(matches!(err, Error::OutOfBandSizes(_)));
}
