//! A sink and a source for the async adapters that misbehave on a poll
//! schedule taken from the input — `Pending`, short operations, injected
//! errors — for tokio's and futures-io's traits alike, and a driver that
//! polls the adapters by hand (no runtime) and retries as a task would.
//!
//! The sink and source are the tests' own (`tests/common/chaos_io.rs`,
//! included by path); this file holds the schedule that reads the input.

use std::io;
use std::task::{Context, Poll, Waker};

#[path = "../../tests/common/chaos_io.rs"]
mod chaos_io;

use chaos_io::{Sink, Source, Trouble};

/// The message of an injected error (one the caller retries).
const INJECTED: &str = "injected poll fault";

/// What each poll of the inner end does, one schedule byte a poll; once the
/// schedule is used up every poll succeeds in full.
#[derive(Debug)]
pub struct PollSchedule<'a> {
    schedule: &'a [u8],
    step: usize,
    /// At most how many bytes the current poll moves.
    most: usize,
}

impl<'a> PollSchedule<'a> {
    pub fn new(schedule: &'a [u8]) -> Self {
        PollSchedule {
            schedule,
            step: 0,
            most: usize::MAX,
        }
    }
}

impl Trouble for PollSchedule<'_> {
    fn trouble<T>(&mut self, cx: &mut Context<'_>) -> Option<Poll<io::Result<T>>> {
        self.most = usize::MAX;
        let &byte = self.schedule.get(self.step)?;
        self.step += 1;
        match byte % 8 {
            0 | 1 => {
                cx.waker().wake_by_ref();
                Some(Poll::Pending)
            }
            2 => Some(Poll::Ready(Err(io::ErrorKind::Interrupted.into()))),
            3 => Some(Poll::Ready(Err(io::Error::other(INJECTED)))),
            4 | 5 => {
                self.most = 1 + (byte >> 3) as usize;
                None
            }
            _ => None,
        }
    }

    fn amount(&mut self, len: usize) -> usize {
        len.min(self.most)
    }
}

/// A sink that records what it is given, with trouble.
pub type PolledSink<'a> = Sink<PollSchedule<'a>>;

/// A source of some data, with trouble.
pub type PolledSource<'a> = Source<PollSchedule<'a>>;

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
