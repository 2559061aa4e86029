//! Chaotic async I/O for the async adapters' tests: a sink and a source that,
//! on a seeded schedule, return `Pending` (after waking the task, as a real
//! resource does once it is ready), do short operations, and fail with
//! transient errors. Both implement tokio's and futures-io's traits.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::Rng;

/// The message of every injected error.
pub const FAULT: &str = "injected fault";

/// Whether `err` is one the chaos injected (to retry) rather than a real one.
pub fn injected(err: &io::Error) -> bool {
    err.to_string() == FAULT || err.kind() == io::ErrorKind::Interrupted
}

/// Retries an async operation while it fails with an injected error.
#[macro_export]
macro_rules! retry {
    ($op:expr) => {
        loop {
            match $op {
                Ok(value) => break value,
                Err(err) if $crate::common::chaos::injected(&err) => continue,
                Err(err) => panic!("a real error: {err}"),
            }
        }
    };
}

/// How often each kind of trouble comes, in per cent of calls.
#[derive(Debug, Clone)]
pub struct Schedule {
    rng: Rng,
    pub pending: usize,
    pub error: usize,
    /// Short operations (1 byte to all of it) rather than whole ones.
    pub short: usize,
    pub pendings: usize,
    pub errors: usize,
}

impl Schedule {
    pub fn new(seed: u64, pending: usize, error: usize, short: usize) -> Schedule {
        Schedule {
            rng: Rng::new(seed),
            pending,
            error,
            short,
            pendings: 0,
            errors: 0,
        }
    }

    /// A schedule with no trouble at all.
    pub fn calm() -> Schedule {
        Schedule::new(1, 0, 0, 0)
    }

    /// `Some` for a `Pending` or an error this call, else `None`.
    fn trouble<T>(&mut self, cx: &mut Context<'_>) -> Option<Poll<io::Result<T>>> {
        if self.rng.chance(self.pending) {
            self.pendings += 1;
            cx.waker().wake_by_ref();
            return Some(Poll::Pending);
        }
        if self.rng.chance(self.error) {
            self.errors += 1;
            let kind = *self
                .rng
                .pick(&[io::ErrorKind::Interrupted, io::ErrorKind::Other]);
            return Some(Poll::Ready(Err(io::Error::new(kind, FAULT))));
        }
        None
    }

    /// How many of `len` bytes to move this call.
    fn amount(&mut self, len: usize) -> usize {
        if len > 0 && self.rng.chance(self.short) {
            1 + self.rng.below(len)
        } else {
            len
        }
    }
}

/// A writer into a vector, with trouble; it records flushes and shutdowns
/// and refuses writes after a shutdown.
#[derive(Debug)]
pub struct ChaosSink {
    pub out: Vec<u8>,
    pub schedule: Schedule,
    pub flushes: usize,
    pub shutdowns: usize,
}

impl ChaosSink {
    pub fn new(schedule: Schedule) -> ChaosSink {
        ChaosSink {
            out: Vec::new(),
            schedule,
            flushes: 0,
            shutdowns: 0,
        }
    }

    fn write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        assert_eq!(self.shutdowns, 0, "a write after shutdown");
        if let Some(trouble) = self.schedule.trouble(cx) {
            return trouble;
        }
        let n = self.schedule.amount(buf.len());
        self.out.extend_from_slice(&buf[..n]);
        Poll::Ready(Ok(n))
    }

    fn flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(trouble) = self.schedule.trouble(cx) {
            return trouble;
        }
        self.flushes += 1;
        Poll::Ready(Ok(()))
    }

    fn shutdown(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        assert_eq!(self.shutdowns, 0, "shut down twice");
        if let Some(trouble) = self.schedule.trouble(cx) {
            return trouble;
        }
        self.shutdowns += 1;
        Poll::Ready(Ok(()))
    }
}

/// A reader of a byte string, with trouble.
#[derive(Debug)]
pub struct ChaosSource {
    pub data: Vec<u8>,
    pub pos: usize,
    pub schedule: Schedule,
}

impl ChaosSource {
    pub fn new(data: Vec<u8>, schedule: Schedule) -> ChaosSource {
        ChaosSource {
            data,
            pos: 0,
            schedule,
        }
    }

    fn read(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        if let Some(trouble) = self.schedule.trouble(cx) {
            return trouble;
        }
        let n = self
            .schedule
            .amount(buf.len().min(self.data.len() - self.pos));
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Poll::Ready(Ok(n))
    }
}

/// `ChaosSink`'s `AsyncWrite` for one runtime, whose shutdown is `$shutdown`.
macro_rules! chaos_async_write {
    ($AsyncWrite:path, $shutdown:ident) => {
        impl $AsyncWrite for ChaosSink {
            fn poll_write(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &[u8],
            ) -> Poll<io::Result<usize>> {
                self.get_mut().write(cx, buf)
            }
            fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                self.get_mut().flush(cx)
            }
            fn $shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                self.get_mut().shutdown(cx)
            }
        }
    };
}

#[cfg(feature = "tokio")]
chaos_async_write!(tokio::io::AsyncWrite, poll_shutdown);
#[cfg(feature = "futures-io")]
chaos_async_write!(futures::io::AsyncWrite, poll_close);

#[cfg(feature = "tokio")]
impl tokio::io::AsyncRead for ChaosSource {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let n = match this.read(cx, buf.initialize_unfilled()) {
            Poll::Ready(Ok(n)) => n,
            Poll::Ready(Err(err)) => return Poll::Ready(Err(err)),
            Poll::Pending => return Poll::Pending,
        };
        buf.advance(n);
        Poll::Ready(Ok(()))
    }
}

#[cfg(feature = "futures-io")]
impl futures::io::AsyncRead for ChaosSource {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().read(cx, buf)
    }
}

/// A random write plan: (chunk length, flush after it) steps covering `len`.
pub fn plan(rng: &mut Rng, len: usize, page: usize) -> Vec<(usize, bool)> {
    let mut steps = Vec::new();
    let mut done = 0;
    while done < len {
        let n = (1 + rng.below(3 * page + 10)).min(len - done);
        steps.push((n, rng.chance(15)));
        done += n;
    }
    steps
}

/// The stream the blocking writer writes for `data` with the plan's chunks
/// and flush points.
pub fn sync_stream(
    config: &lz4_stream::StreamConfig,
    data: &[u8],
    steps: &[(usize, bool)],
) -> Vec<u8> {
    use std::io::Write;
    let mut writer = lz4_stream::Lz4StreamWriter::with_config(Vec::new(), config.clone()).unwrap();
    let mut at = 0;
    for &(len, flush) in steps {
        writer.write_all(&data[at..at + len]).unwrap();
        if flush {
            writer.flush().unwrap();
        }
        at += len;
    }
    writer.finish().unwrap()
}
