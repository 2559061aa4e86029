//! The chaotic async sink and source, written once for the async adapters'
//! tests (`tests/common/chaos.rs`, a seeded schedule) and the fuzz crate
//! (`fuzz/src/polled.rs`, a schedule read from the fuzzer's input, which
//! includes this file by `#[path]`). What goes wrong and when is the
//! [`Trouble`] schedule's business; moving the bytes and the tokio and
//! futures-io traits are this file's.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

/// When an end misbehaves: `Pending` (after waking the task, as a real
/// resource does once it is ready), an error, or a short operation.
pub trait Trouble {
    /// `Some` for a `Pending` or an error this call, else `None`.
    fn trouble<T>(&mut self, cx: &mut Context<'_>) -> Option<Poll<io::Result<T>>>;

    /// How many of `len` bytes to move in a call that had no trouble.
    fn amount(&mut self, len: usize) -> usize;
}

/// A writer into a vector, with trouble; it records flushes and shutdowns
/// and refuses writes after a shutdown.
#[derive(Debug)]
pub struct Sink<S> {
    pub out: Vec<u8>,
    pub schedule: S,
    pub flushes: usize,
    pub shutdowns: usize,
}

impl<S: Trouble> Sink<S> {
    pub fn new(schedule: S) -> Self {
        Sink {
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
pub struct Source<S> {
    pub data: Vec<u8>,
    pub pos: usize,
    pub schedule: S,
}

impl<S: Trouble> Source<S> {
    pub fn new(data: Vec<u8>, schedule: S) -> Self {
        Source {
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

/// `Sink`'s `AsyncWrite` for one runtime, whose shutdown is `$shutdown`.
macro_rules! sink_async_write {
    ($AsyncWrite:path, $shutdown:ident) => {
        impl<S: Trouble + Unpin> $AsyncWrite for Sink<S> {
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
sink_async_write!(tokio::io::AsyncWrite, poll_shutdown);
#[cfg(feature = "futures-io")]
sink_async_write!(futures_io::AsyncWrite, poll_close);

#[cfg(feature = "tokio")]
impl<S: Trouble + Unpin> tokio::io::AsyncRead for Source<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let n = match self.get_mut().read(cx, buf.initialize_unfilled()) {
            Poll::Ready(Ok(n)) => n,
            Poll::Ready(Err(err)) => return Poll::Ready(Err(err)),
            Poll::Pending => return Poll::Pending,
        };
        buf.advance(n);
        Poll::Ready(Ok(()))
    }
}

#[cfg(feature = "futures-io")]
impl<S: Trouble + Unpin> futures_io::AsyncRead for Source<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().read(cx, buf)
    }
}
