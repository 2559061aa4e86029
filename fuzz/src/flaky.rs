//! A source and a sink that misbehave on a schedule taken from the input:
//! short reads and writes, `WouldBlock`, `Interrupted` and time-outs, the way
//! sockets and pipes do. Once the schedule is used up they behave.

use std::io::{self, Read, Write};

/// What one call does, from one schedule byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    WouldBlock,
    Interrupted,
    TimedOut,
    /// Move at most this many bytes (at least one).
    Short(usize),
    Full,
}

fn action(schedule: &[u8], step: &mut usize) -> Action {
    let Some(&byte) = schedule.get(*step) else {
        return Action::Full;
    };
    *step += 1;
    match byte % 8 {
        0 => Action::WouldBlock,
        1 => Action::Interrupted,
        2 => Action::TimedOut,
        3 | 4 => Action::Short(1 + (byte >> 3) as usize),
        _ => Action::Full,
    }
}

fn error(action: Action) -> Option<io::Error> {
    match action {
        Action::WouldBlock => Some(io::ErrorKind::WouldBlock.into()),
        Action::Interrupted => Some(io::ErrorKind::Interrupted.into()),
        Action::TimedOut => Some(io::ErrorKind::TimedOut.into()),
        _ => None,
    }
}

/// Whether an error from a flaky end is one to retry (the caller's loop does
/// what a non-blocking event loop would: call again).
pub fn is_transient(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted | io::ErrorKind::TimedOut
    )
}

/// Reads `data`, misbehaving as `schedule` says.
#[derive(Debug)]
pub struct FlakyReader<'a> {
    data: &'a [u8],
    /// Bytes handed out so far: where a reader that stops early left us.
    pub pos: usize,
    schedule: &'a [u8],
    step: usize,
}

impl<'a> FlakyReader<'a> {
    pub fn new(data: &'a [u8], schedule: &'a [u8]) -> Self {
        FlakyReader {
            data,
            pos: 0,
            schedule,
            step: 0,
        }
    }
}

impl Read for FlakyReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let action = action(self.schedule, &mut self.step);
        if let Some(err) = error(action) {
            return Err(err);
        }
        let available = &self.data[self.pos..];
        let mut n = available.len().min(buf.len());
        if let Action::Short(max) = action {
            n = n.min(max);
        }
        buf[..n].copy_from_slice(&available[..n]);
        self.pos += n;
        Ok(n)
    }
}

/// Collects what is written, misbehaving as `schedule` says.
#[derive(Debug, Default)]
pub struct FlakyWriter<'a> {
    pub out: Vec<u8>,
    schedule: &'a [u8],
    step: usize,
    /// `flush` calls that succeeded.
    pub flushes: usize,
}

impl<'a> FlakyWriter<'a> {
    pub fn new(schedule: &'a [u8]) -> Self {
        FlakyWriter {
            out: Vec::new(),
            schedule,
            step: 0,
            flushes: 0,
        }
    }
}

impl Write for FlakyWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let action = action(self.schedule, &mut self.step);
        if let Some(err) = error(action) {
            return Err(err);
        }
        let mut n = buf.len();
        if let Action::Short(max) = action {
            n = n.min(max);
        }
        self.out.extend_from_slice(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        let action = action(self.schedule, &mut self.step);
        if let Some(err) = error(action) {
            return Err(err);
        }
        self.flushes += 1;
        Ok(())
    }
}
