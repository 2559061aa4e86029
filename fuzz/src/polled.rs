//! A sink and a source for the async adapters that misbehave on a poll
//! schedule taken from the input — `Pending`, short operations, injected
//! errors — for tokio's and futures-io's traits alike, and a driver that
//! polls the adapters by hand (no runtime) and retries as a task would.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// The message of an injected error (one the caller retries).
const INJECTED: &str = "injected poll fault";

/// What one poll of the inner end does, from one schedule byte.
fn action<T>(
    schedule: &[u8],
    step: &mut usize,
    cx: &mut Context<'_>,
) -> Result<usize, Poll<io::Result<T>>> {
    let Some(&byte) = schedule.get(*step) else {
        return Ok(usize::MAX);
    };
    *step += 1;
    match byte % 8 {
        0 | 1 => {
            cx.waker().wake_by_ref();
            Err(Poll::Pending)
        }
        2 => Err(Poll::Ready(Err(io::ErrorKind::Interrupted.into()))),
        3 => Err(Poll::Ready(Err(io::Error::other(INJECTED)))),
        4 | 5 => Ok(1 + (byte >> 3) as usize),
        _ => Ok(usize::MAX),
    }
}

/// Whether the adapter passed on an injected error (retry) rather than
/// failing for real.
pub fn is_injected(err: &io::Error) -> bool {
    err.to_string() == INJECTED
}

/// Polls `op` until it is ready with something other than an injected
/// error, as a task woken after `Pending` would.
pub fn drive<T>(mut op: impl FnMut(&mut Context<'_>) -> Poll<io::Result<T>>) -> io::Result<T> {
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        match op(&mut cx) {
            Poll::Pending => {}
            Poll::Ready(Err(err)) if is_injected(&err) => {}
            Poll::Ready(result) => return result,
        }
    }
}

/// A sink that records what it is given, with trouble.
#[derive(Debug)]
pub struct PolledSink<'a> {
    pub out: Vec<u8>,
    schedule: &'a [u8],
    step: usize,
    pub flushes: usize,
    pub shutdowns: usize,
}

impl<'a> PolledSink<'a> {
    pub fn new(schedule: &'a [u8]) -> Self {
        PolledSink {
            out: Vec::new(),
            schedule,
            step: 0,
            flushes: 0,
            shutdowns: 0,
        }
    }

    fn write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        assert_eq!(self.shutdowns, 0, "write after shutdown");
        match action(self.schedule, &mut self.step, cx) {
            Ok(most) => {
                let n = buf.len().min(most);
                self.out.extend_from_slice(&buf[..n]);
                Poll::Ready(Ok(n))
            }
            Err(trouble) => trouble,
        }
    }

    fn flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match action(self.schedule, &mut self.step, cx) {
            Ok(_) => {
                self.flushes += 1;
                Poll::Ready(Ok(()))
            }
            Err(trouble) => trouble,
        }
    }

    fn shutdown(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        assert_eq!(self.shutdowns, 0, "shut down twice");
        match action(self.schedule, &mut self.step, cx) {
            Ok(_) => {
                self.shutdowns += 1;
                Poll::Ready(Ok(()))
            }
            Err(trouble) => trouble,
        }
    }
}

/// A source of `data`, with trouble.
#[derive(Debug)]
pub struct PolledSource<'a> {
    data: &'a [u8],
    pub pos: usize,
    schedule: &'a [u8],
    step: usize,
}

impl<'a> PolledSource<'a> {
    pub fn new(data: &'a [u8], schedule: &'a [u8]) -> Self {
        PolledSource {
            data,
            pos: 0,
            schedule,
            step: 0,
        }
    }

    fn read(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        match action(self.schedule, &mut self.step, cx) {
            Ok(most) => {
                let n = buf.len().min(most).min(self.data.len() - self.pos);
                buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
                self.pos += n;
                Poll::Ready(Ok(n))
            }
            Err(trouble) => trouble,
        }
    }
}

macro_rules! polled_write {
    ($AsyncWrite:path, $shutdown:ident) => {
        impl $AsyncWrite for PolledSink<'_> {
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

polled_write!(tokio::io::AsyncWrite, poll_shutdown);
polled_write!(futures_io::AsyncWrite, poll_close);

impl tokio::io::AsyncRead for PolledSource<'_> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut().read(cx, buf.initialize_unfilled()) {
            Poll::Ready(Ok(n)) => {
                buf.advance(n);
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(err)) => Poll::Ready(Err(err)),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl futures_io::AsyncRead for PolledSource<'_> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().read(cx, buf)
    }
}
