//! The async adapters (tokio's or futures-io's, as the input chooses) polled
//! by hand with `Pending`, short operations and injected errors on a poll
//! schedule from the input, retried as a task would:
//!
//! - the async writer, given the same write sizes and flush points as the
//!   blocking writer, writes exactly the same bytes; it finishes either by
//!   shutdown (shutting the sink down once; a second shutdown and a flush
//!   after it succeed) or by `finish` (not shutting down); a later write is
//!   `BrokenPipe`;
//! - the async reader, mixing `poll_read` and `poll_fill_buf`/`consume`,
//!   gives the data back and reads nothing past the stream;
//! - the data itself, read as a (usually corrupt) stream, gives the async
//!   reader exactly the blocking reader's output and error.
//!
//! Input: header, flags (bit 0: futures-io, bit 1: finish instead of
//! shutdown), write plan, write schedule, read schedule (each a length byte
//! and bytes), then the data.
#![no_main]

use std::io::{self, Read};
use std::pin::Pin;
use std::task::{Context, Poll};

use libfuzzer_sys::fuzz_target;
use lz4_stream::{Lz4StreamReader, StreamConfig};
use lz4_stream_fuzz::polled::{drive, PollSchedule, PolledSink, PolledSource};
use lz4_stream_fuzz::setup::{self, next_op, Op, MAX_WRITE_PAGE};
use lz4_stream_fuzz::stream;

type TokioWriter<'a> = lz4_stream::tokio::Lz4StreamWriter<PolledSink<'a>>;
type FuturesWriter<'a> = lz4_stream::futures::Lz4StreamWriter<PolledSink<'a>>;
type TokioReader<'a> = lz4_stream::tokio::Lz4StreamReader<PolledSource<'a>>;
type FuturesReader<'a> = lz4_stream::futures::Lz4StreamReader<PolledSource<'a>>;

/// Either runtime's writer, behind one set of calls.
enum Writer<'a> {
    Tokio(TokioWriter<'a>),
    Futures(FuturesWriter<'a>),
}

impl<'a> Writer<'a> {
    fn new(futures: bool, sink: PolledSink<'a>, config: &StreamConfig) -> Self {
        if futures {
            Writer::Futures(FuturesWriter::with_config(sink, config.clone()).unwrap())
        } else {
            Writer::Tokio(TokioWriter::with_config(sink, config.clone()).unwrap())
        }
    }

    fn write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        match self {
            Writer::Tokio(w) => tokio::io::AsyncWrite::poll_write(Pin::new(w), cx, buf),
            Writer::Futures(w) => futures_io::AsyncWrite::poll_write(Pin::new(w), cx, buf),
        }
    }

    fn flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self {
            Writer::Tokio(w) => tokio::io::AsyncWrite::poll_flush(Pin::new(w), cx),
            Writer::Futures(w) => futures_io::AsyncWrite::poll_flush(Pin::new(w), cx),
        }
    }

    fn shutdown(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self {
            Writer::Tokio(w) => tokio::io::AsyncWrite::poll_shutdown(Pin::new(w), cx),
            Writer::Futures(w) => futures_io::AsyncWrite::poll_close(Pin::new(w), cx),
        }
    }

    fn finish(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self {
            Writer::Tokio(w) => Pin::new(w).poll_finish(cx),
            Writer::Futures(w) => Pin::new(w).poll_finish(cx),
        }
    }

    fn into_sink(self) -> PolledSink<'a> {
        match self {
            Writer::Tokio(w) => w.into_inner(),
            Writer::Futures(w) => w.into_inner(),
        }
    }
}

/// Either runtime's reader, behind one set of calls.
enum Reader<'a> {
    Tokio(TokioReader<'a>),
    Futures(FuturesReader<'a>),
}

impl<'a> Reader<'a> {
    fn new(futures: bool, source: PolledSource<'a>, config: &StreamConfig) -> Self {
        if futures {
            Reader::Futures(FuturesReader::with_config(source, config.clone()).unwrap())
        } else {
            Reader::Tokio(TokioReader::with_config(source, config.clone()).unwrap())
        }
    }

    fn read(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        match self {
            Reader::Tokio(r) => {
                let mut buf = tokio::io::ReadBuf::new(buf);
                tokio::io::AsyncRead::poll_read(Pin::new(r), cx, &mut buf)
                    .map_ok(|()| buf.filled().len())
            }
            Reader::Futures(r) => futures_io::AsyncRead::poll_read(Pin::new(r), cx, buf),
        }
    }

    /// `poll_fill_buf`, then consumes up to `most` bytes into `out`.
    fn fill_consume(
        &mut self,
        cx: &mut Context<'_>,
        most: usize,
        out: &mut Vec<u8>,
    ) -> Poll<io::Result<usize>> {
        let chunk = match self {
            Reader::Tokio(r) => tokio::io::AsyncBufRead::poll_fill_buf(Pin::new(r), cx),
            Reader::Futures(r) => futures_io::AsyncBufRead::poll_fill_buf(Pin::new(r), cx),
        };
        let n = match chunk {
            Poll::Ready(Ok(chunk)) => {
                let n = chunk.len().min(most);
                out.extend_from_slice(&chunk[..n]);
                n
            }
            Poll::Ready(Err(err)) => return Poll::Ready(Err(err)),
            Poll::Pending => return Poll::Pending,
        };
        match self {
            Reader::Tokio(r) => tokio::io::AsyncBufRead::consume(Pin::new(r), n),
            Reader::Futures(r) => futures_io::AsyncBufRead::consume(Pin::new(r), n),
        }
        Poll::Ready(Ok(n))
    }

    fn source_pos(&self) -> usize {
        match self {
            Reader::Tokio(r) => r.get_ref().pos,
            Reader::Futures(r) => r.get_ref().pos,
        }
    }
}

/// Reads everything, mixing `poll_read` and `poll_fill_buf`/`consume` with
/// sizes from `sizes`: the output and the error that ended it, if any.
fn read_all(reader: &mut Reader<'_>, sizes: &[u8]) -> (Vec<u8>, Option<io::Error>) {
    let mut out = Vec::new();
    let mut buf = vec![0u8; 70_000];
    let mut step = 0;
    loop {
        let size = sizes.get(step).copied().unwrap_or(0);
        step += 1;
        let most = if size == 0 {
            buf.len()
        } else {
            size as usize * 37
        };
        let result = if size % 2 == 0 {
            drive(|cx| reader.read(cx, &mut buf[..most])).map(|n| {
                out.extend_from_slice(&buf[..n]);
                n
            })
        } else {
            drive(|cx| reader.fill_consume(cx, most, &mut out))
        };
        match result {
            Ok(0) => return (out, None),
            Ok(_) => {}
            Err(err) => return (out, Some(err)),
        }
    }
}

fuzz_target!(|input: &[u8]| {
    let Some((setup, mut rest)) = setup::parse(input, false, MAX_WRITE_PAGE) else {
        return;
    };
    let config = &setup.config;
    let flags = setup::take(&mut rest, 1).first().copied().unwrap_or(0);
    let (futures, by_finish) = (flags & 1 != 0, flags & 2 != 0);
    let plan = setup::section(&mut rest);
    let write_schedule = setup::section(&mut rest);
    let read_schedule = setup::section(&mut rest);
    let data = setup.data(rest);

    // The blocking writer's stream for the same write sizes and flushes.
    let expected = stream::write_stream(config, &data, plan, &[]).stream;

    let mut writer = Writer::new(
        futures,
        PolledSink::new(PollSchedule::new(write_schedule)),
        config,
    );
    let mut plan = arbitrary::Unstructured::new(plan);
    let mut pos = 0;
    while pos < data.len() {
        match next_op(&mut plan) {
            Op::Flush => drive(|cx| writer.flush(cx)).expect("flush"),
            Op::Write(len) => {
                let end = data.len().min(pos.saturating_add(len));
                let n = drive(|cx| writer.write(cx, &data[pos..end])).expect("write");
                assert!(n > 0, "write took nothing");
                pos += n;
            }
        }
    }
    if by_finish {
        drive(|cx| writer.finish(cx)).expect("finish");
        drive(|cx| writer.finish(cx)).expect("a second finish");
    } else {
        drive(|cx| writer.shutdown(cx)).expect("shutdown");
        drive(|cx| writer.shutdown(cx)).expect("a second shutdown");
    }
    drive(|cx| writer.flush(cx)).expect("a flush after the end");
    let late = drive(|cx| writer.write(cx, b"late")).expect_err("a write after the end");
    assert_eq!(late.kind(), io::ErrorKind::BrokenPipe);
    let sink = writer.into_sink();
    assert_eq!(sink.shutdowns, usize::from(!by_finish));
    assert!(
        sink.out == expected,
        "the async writer's bytes differ from the blocking writer's"
    );

    // The stream back through the async reader, with the stream followed by
    // other bytes when it has an end marker: they must stay unread.
    let mut source = expected.clone();
    if config.get_end_marker() {
        source.extend_from_slice(b"after the stream");
    }
    let mut reader = Reader::new(
        futures,
        PolledSource::new(source.to_vec(), PollSchedule::new(read_schedule)),
        config,
    );
    let (out, err) = read_all(&mut reader, read_schedule);
    assert!(err.is_none(), "{err:?}");
    assert!(out == data, "the data did not come back");
    assert_eq!(reader.source_pos(), expected.len());

    // The data read as a stream: the same output and error as the blocking
    // reader's.
    let mut reader = Reader::new(
        futures,
        PolledSource::new(data.to_vec(), PollSchedule::new(read_schedule)),
        config,
    );
    let (out, err) = read_all(&mut reader, read_schedule);
    let mut blocking = Lz4StreamReader::with_config(&data[..], config.clone()).unwrap();
    let mut blocking_out = Vec::new();
    let blocking_err = blocking.read_to_end(&mut blocking_out).err();
    assert!(out == blocking_out, "async and blocking readers differ");
    assert_eq!(
        err.map(|e| (e.kind(), e.to_string())),
        blocking_err.map(|e| (e.kind(), e.to_string()))
    );
});
