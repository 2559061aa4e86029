//! Chaotic async I/O for the async adapters' tests: a sink and a source that,
//! on a seeded schedule, return `Pending` (after waking the task, as a real
//! resource does once it is ready), do short operations, and fail with
//! transient errors. Both implement tokio's and futures-io's traits. This
//! file holds the schedule; the sink and source are `chaos_io.rs`'s, shared
//! with the fuzz crate.

use std::io;
use std::task::{Context, Poll};

use super::chaos_io::{Sink, Source, Trouble};
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
}

impl Trouble for Schedule {
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

    fn amount(&mut self, len: usize) -> usize {
        if len > 0 && self.rng.chance(self.short) {
            1 + self.rng.below(len)
        } else {
            len
        }
    }
}

/// A writer into a vector, with trouble on a seeded schedule.
pub type ChaosSink = Sink<Schedule>;

/// A reader of a byte string, with trouble on a seeded schedule.
pub type ChaosSource = Source<Schedule>;

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
