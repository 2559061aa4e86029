//! The adapters over sources and sinks that misbehave: short reads and writes,
//! `Interrupted`, `WouldBlock` and other errors at any byte. After the caller
//! retries, the bytes that arrive are exactly right: nothing lost, nothing
//! duplicated.

mod common;

use std::io::{self, BufRead, ErrorKind, Read, Write};

use common::Rng;
use lz4_stream::{Lz4StreamReader, Lz4StreamWriter, StreamConfig};
use quickcheck::{QuickCheck, TestResult};

/// A sink that takes short writes and fails now and then, on a schedule.
struct FlakySink {
    out: Vec<u8>,
    rng: Rng,
    fault_percent: usize,
    faults: usize,
}

impl FlakySink {
    fn fault(&mut self) -> Option<io::Error> {
        if !self.rng.chance(self.fault_percent) {
            return None;
        }
        self.faults += 1;
        let kind = *self.rng.pick(&[
            ErrorKind::Interrupted,
            ErrorKind::WouldBlock,
            ErrorKind::TimedOut,
            ErrorKind::Other,
        ]);
        Some(io::Error::new(kind, "injected fault"))
    }
}

impl Write for FlakySink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(err) = self.fault() {
            return Err(err);
        }
        let n = if buf.is_empty() {
            0
        } else {
            1 + self.rng.below(buf.len())
        };
        self.out.extend_from_slice(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.fault() {
            Some(err) => Err(err),
            None => Ok(()),
        }
    }
}

/// A source that gives short reads and fails now and then, on a schedule.
struct FlakySource {
    data: Vec<u8>,
    pos: usize,
    rng: Rng,
    fault_percent: usize,
}

impl Read for FlakySource {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.rng.chance(self.fault_percent) {
            let kind = *self.rng.pick(&[
                ErrorKind::Interrupted,
                ErrorKind::WouldBlock,
                ErrorKind::TimedOut,
            ]);
            return Err(io::Error::new(kind, "injected fault"));
        }
        let left = self.data.len() - self.pos;
        if buf.is_empty() || left == 0 {
            return Ok(0);
        }
        let n = 1 + self.rng.below(buf.len().min(left));
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Retries an operation until it stops failing with an injected error.
fn retry<T>(mut op: impl FnMut() -> io::Result<T>) -> T {
    for _ in 0..100_000 {
        match op() {
            Ok(value) => return value,
            Err(err) => assert_eq!(err.to_string(), "injected fault", "a real error: {err}"),
        }
    }
    panic!("an operation kept failing")
}

/// The sequence of `write`/`flush` calls a test makes: (bytes, flush after).
fn plan(rng: &mut Rng, len: usize, buffer_size: usize) -> Vec<(usize, bool)> {
    let mut steps = Vec::new();
    let mut left = len;
    while left > 0 {
        let n = match rng.below(4) {
            0 => 1 + rng.below(16),
            1 => 1 + rng.below(buffer_size.min(left)),
            2 => buffer_size,
            _ => 1 + rng.below(left),
        }
        .min(left);
        steps.push((n, rng.chance(10)));
        left -= n;
    }
    steps
}

/// Writes `data` following `steps`, retrying every failure, and returns what
/// the sink received.
fn write_with(
    sink: FlakySink,
    config: &StreamConfig,
    data: &[u8],
    steps: &[(usize, bool)],
) -> (Vec<u8>, usize) {
    let mut writer = Lz4StreamWriter::with_config(sink, config.clone()).unwrap();
    let mut offset = 0;
    for &(len, flush) in steps {
        let mut chunk = &data[offset..offset + len];
        while !chunk.is_empty() {
            let n = retry(|| writer.write(chunk));
            assert!(n > 0 && n <= chunk.len());
            chunk = &chunk[n..];
        }
        offset += len;
        if flush {
            retry(|| writer.flush());
        }
    }
    retry(|| writer.try_finish());
    let sink = writer.finish().unwrap();
    (sink.out, sink.faults)
}

fn writer_property(seed: u64, workers: usize) -> TestResult {
    let mut rng = Rng::new(seed);
    let (config, data) = common::random_case(&mut rng);
    let config = config.workers(workers);
    let steps = plan(&mut rng, data.len(), config.get_buffer_size());
    let reliable = FlakySink {
        out: Vec::new(),
        rng: Rng::new(seed ^ 7),
        fault_percent: 0,
        faults: 0,
    };
    let flaky = FlakySink {
        out: Vec::new(),
        rng: Rng::new(seed ^ 9),
        fault_percent: 1 + rng.below(40),
        faults: 0,
    };
    let (expected, _) = write_with(reliable, &config, &data, &steps);
    let (got, _faults) = write_with(flaky, &config, &data, &steps);
    // The same blocks in the same order: faults change nothing in the stream.
    if got != expected {
        return TestResult::error(format!("stream differs under faults, {config:?}"));
    }
    TestResult::from_bool(common::decompress(&config, &got) == data)
}

#[test]
fn writer_survives_short_writes_and_errors() {
    QuickCheck::new()
        .tests(150)
        .quickcheck((|seed| writer_property(seed, 1)) as fn(u64) -> TestResult);
}

/// The same with pages compressed on worker threads: errors from the sink
/// arrive while later pages are being compressed, and the retried stream is
/// still exactly the undisturbed one.
#[test]
fn parallel_writer_survives_short_writes_and_errors() {
    QuickCheck::new()
        .tests(100)
        .quickcheck((|seed| writer_property(seed, 2 + seed as usize % 4)) as fn(u64) -> TestResult);
}

/// How a test reads the decoded stream.
#[derive(Clone, Copy)]
enum ReadWith {
    /// `read` with buffers of random sizes.
    Read,
    /// `fill_buf` / `consume`, taking random amounts.
    BufRead,
    /// `read_to_end` into a vector that already holds other bytes, retried
    /// after each error, sometimes with a few `read` calls in between.
    ReadToEnd,
}

fn reader_property(seed: u64, how: ReadWith) -> TestResult {
    let mut rng = Rng::new(seed);
    let (config, mut data) = common::random_case(&mut rng);
    // `read_to_end` decodes straight onto the caller's vector only past its
    // first 64 KiB, so give half of its cases longer data and few faults,
    // for errors to land there.
    let long = matches!(how, ReadWith::ReadToEnd) && rng.chance(50);
    if long {
        let kind = *rng.pick(&["random", "text", "binary"]);
        data = common::sample(kind, 128 * 1024 + rng.below(300_000), seed ^ 7);
    }
    let mut writer = Lz4StreamWriter::with_config(Vec::new(), config.clone()).unwrap();
    let mut offset = 0;
    for (len, flush) in plan(&mut rng, data.len(), config.get_buffer_size()) {
        writer.write_all(&data[offset..offset + len]).unwrap();
        offset += len;
        if flush {
            writer.flush().unwrap();
        }
    }
    let stream = writer.finish().unwrap();
    let source = FlakySource {
        data: stream,
        pos: 0,
        rng: Rng::new(seed ^ 3),
        fault_percent: if long {
            1 + rng.below(3)
        } else {
            rng.below(50)
        },
    };
    let mut reader = Lz4StreamReader::with_config(source, config).unwrap();
    let mut buf = vec![0u8; 1 + rng.below(100_000)];
    // Bytes the caller's vector held before: never history, never changed.
    let before = common::sample("random", rng.below(70_000), seed ^ 5);
    let mut out = before.clone();
    loop {
        let n = match how {
            ReadWith::BufRead => {
                let available = retry(|| reader.fill_buf().map(|b| b.len()));
                if available == 0 {
                    break;
                }
                let take = 1 + rng.below(available);
                out.extend_from_slice(&reader.fill_buf().unwrap()[..take]);
                reader.consume(take);
                take
            }
            ReadWith::Read => {
                let want = 1 + rng.below(buf.len());
                let n = retry(|| reader.read(&mut buf[..want]));
                out.extend_from_slice(&buf[..n]);
                n
            }
            ReadWith::ReadToEnd => match reader.read_to_end(&mut out) {
                Ok(_) => break,
                Err(err) => {
                    assert_eq!(err.to_string(), "injected fault", "a real error: {err}");
                    if rng.chance(30) {
                        let want = 1 + rng.below(buf.len());
                        let n = retry(|| reader.read(&mut buf[..want]));
                        out.extend_from_slice(&buf[..n]);
                    }
                    1
                }
            },
        };
        if n == 0 {
            break;
        }
    }
    assert!(reader.is_finished());
    TestResult::from_bool(out[..before.len()] == before[..] && out[before.len()..] == data[..])
}

#[test]
fn reader_survives_short_reads_and_errors() {
    QuickCheck::new()
        .tests(150)
        .quickcheck((|seed| reader_property(seed, ReadWith::Read)) as fn(u64) -> TestResult);
}

#[test]
fn bufread_survives_short_reads_and_errors() {
    QuickCheck::new()
        .tests(100)
        .quickcheck((|seed| reader_property(seed, ReadWith::BufRead)) as fn(u64) -> TestResult);
}

/// `read_to_end` decodes straight onto the caller's vector once it holds
/// 64 KiB of output; an error from the source must leave both the vector and
/// the reader's own history right, for a retry or a plain `read`.
#[test]
fn read_to_end_survives_short_reads_and_errors() {
    QuickCheck::new()
        .tests(150)
        .quickcheck((|seed| reader_property(seed, ReadWith::ReadToEnd)) as fn(u64) -> TestResult);
}

/// A source that hands out at most `step` bytes per call and fails with
/// `WouldBlock` on every `fail_every`-th call, like a slow non-blocking socket.
struct Trickle {
    data: Vec<u8>,
    pos: usize,
    step: usize,
    fail_every: usize,
    calls: usize,
}

impl Trickle {
    /// `data` in reads of at most `step` bytes, every `fail_every`-th read
    /// failing with `WouldBlock`.
    fn new(data: Vec<u8>, step: usize, fail_every: usize) -> Self {
        Trickle {
            data,
            pos: 0,
            step,
            fail_every,
            calls: 0,
        }
    }
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.calls += 1;
        if self.calls % self.fail_every == 0 {
            return Err(io::Error::new(ErrorKind::WouldBlock, "injected fault"));
        }
        let n = buf.len().min(self.step).min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Errors from the source land all over a long `read_to_end`, also after a
/// call has appended 64 KiB (from there on it decodes straight onto the
/// vector), with a dictionary the data uses and bytes already in the vector:
/// every retry resumes exactly.
#[test]
fn read_to_end_resumes_after_errors_anywhere() {
    let data = common::sample("text", 1_500_000, 21);
    let config = StreamConfig::default()
        .buffer_size(8192)
        .dictionary(&data[300_000..380_000]);
    let source = Trickle::new(common::compress(&config, &data), 8000, 50);
    let before = common::sample("random", 70_000, 22);
    let mut out = before.clone();
    let mut reader = Lz4StreamReader::with_config(source, config).unwrap();
    let mut errors_after_64k_in_a_call = 0;
    loop {
        let len_before_call = out.len();
        match reader.read_to_end(&mut out) {
            Ok(_) => break,
            Err(err) => {
                assert_eq!(err.kind(), ErrorKind::WouldBlock);
                if out.len() - len_before_call > 64 * 1024 {
                    errors_after_64k_in_a_call += 1;
                }
            }
        }
    }
    assert!(
        errors_after_64k_in_a_call >= 5,
        "{errors_after_64k_in_a_call}"
    );
    assert!(out[..before.len()] == before[..] && out[before.len()..] == data[..]);
}

/// `read_to_string` keeps the text before a character the source's error
/// cut in two, and the character's first bytes stay unread for the retry.
#[test]
fn read_to_string_resumes_after_errors_inside_characters() {
    let text: String = (0..30_000).map(|i| format!("{i}: ü€😀 ")).collect();
    let config = StreamConfig::default().buffer_size(4096);
    let stream = common::compress(&config, text.as_bytes());
    // Small steps cut characters while the output goes through the window;
    // large ones, past 64 KiB of a call, while it is decoded onto the string.
    for (step, fail_every) in [(1, 2), (7, 2), (1000, 3), (3001, 40)] {
        let source = Trickle::new(stream.clone(), step, fail_every);
        let mut reader = Lz4StreamReader::with_config(source, config.clone()).unwrap();
        let mut out = String::from("before ");
        let mut errors = 0;
        while let Err(err) = reader.read_to_string(&mut out) {
            assert_eq!(err.kind(), ErrorKind::WouldBlock);
            errors += 1;
        }
        assert!(errors > 0);
        assert!(
            out == format!("before {text}"),
            "step {step}, fail_every {fail_every}"
        );
    }
}

/// Bytes that are not UTF-8 make `read_to_string` fail with `InvalidData`
/// even when the source failed in the same call: its `WouldBlock` would
/// invite a retry that goes on after the bytes the call dropped.
#[test]
fn read_to_string_reports_invalid_utf8_even_when_the_source_failed_too() {
    let mut bytes: Vec<u8> = (0..30_000)
        .flat_map(|i| format!("{i}: ü ").into_bytes())
        .collect();
    bytes[100_000] = 0xFF;
    let config = StreamConfig::default().buffer_size(4096);
    let stream = common::compress(&config, &bytes);
    for (step, fail_every) in [(1000, 3), (3001, 40), (50_000, 2)] {
        let source = Trickle::new(stream.clone(), step, fail_every);
        let mut reader = Lz4StreamReader::with_config(source, config.clone()).unwrap();
        let mut out = String::new();
        let err = loop {
            match reader.read_to_string(&mut out) {
                Ok(n) => panic!("step {step}: Ok({n}) after dropping invalid UTF-8"),
                Err(err) if err.kind() == ErrorKind::WouldBlock => continue,
                Err(err) => break err,
            }
        };
        assert_eq!(err.kind(), ErrorKind::InvalidData, "step {step}");
        // Only whole calls' text before the bad byte was kept.
        assert!(out.len() <= 100_000 && bytes.starts_with(out.as_bytes()));
    }
}

/// A sink that refuses everything until told otherwise, like a full socket.
struct Gate {
    open: bool,
    out: Vec<u8>,
}

impl Write for Gate {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.open {
            return Err(ErrorKind::WouldBlock.into());
        }
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        if self.open {
            Ok(())
        } else {
            Err(ErrorKind::WouldBlock.into())
        }
    }
}

#[test]
fn blocked_sink_holds_one_block_and_accepts_nothing_more() {
    let config = StreamConfig::default().buffer_size(1024);
    let mut writer = Lz4StreamWriter::with_config(
        Gate {
            open: false,
            out: vec![],
        },
        config.clone(),
    )
    .unwrap();
    let data = common::sample("text", 5000, 1);
    // The first page is accepted and compressed; its block cannot go out.
    assert_eq!(writer.write(&data).unwrap(), 1024);
    // Nothing more is accepted while that block is pending: memory stays bounded.
    for _ in 0..3 {
        assert_eq!(
            writer.write(&data[1024..]).unwrap_err().kind(),
            ErrorKind::WouldBlock
        );
    }
    assert_eq!(writer.flush().unwrap_err().kind(), ErrorKind::WouldBlock);
    writer.get_mut().open = true;
    writer.write_all(&data[1024..]).unwrap();
    let out = writer.finish().unwrap().out;
    assert_eq!(common::decompress(&config, &out), data);
}

/// With workers, a blocked sink stops the intake too: at most the pages the
/// workers may hold in flight (two jobs each, a job being 16 pages of 1 KiB:
/// see `StreamConfig::workers`) and the partial page are accepted, then
/// nothing more until the sink drains.
#[test]
fn blocked_sink_stops_the_parallel_writer_after_a_bounded_intake() {
    let page = 1024;
    let workers = 3;
    let pages_per_job = 16;
    let config = StreamConfig::default().buffer_size(page).workers(workers);
    let mut writer = Lz4StreamWriter::with_config(
        Gate {
            open: false,
            out: vec![],
        },
        config.clone(),
    )
    .unwrap();
    let data = common::sample("text", 200 * page, 1);
    let mut accepted = 0;
    let mut refusals = 0;
    while refusals < 20 {
        match writer.write(&data[accepted..]) {
            Ok(n) => {
                assert!(n > 0);
                accepted += n;
            }
            Err(err) => {
                assert_eq!(err.kind(), ErrorKind::WouldBlock);
                refusals += 1;
            }
        }
        assert!(
            accepted <= (2 * workers * pages_per_job + 1) * page,
            "{accepted} bytes taken while the sink is blocked"
        );
    }
    assert_eq!(writer.flush().unwrap_err().kind(), ErrorKind::WouldBlock);
    writer.get_mut().open = true;
    writer.write_all(&data[accepted..]).unwrap();
    let out = writer.finish().unwrap().out;
    assert_eq!(common::decompress(&config, &out), data);
}

#[test]
fn reader_resumes_after_would_block_inside_prefix_and_body() {
    // A source that delivers one byte per call and says WouldBlock between them.
    struct Trickle {
        data: Vec<u8>,
        pos: usize,
        ready: bool,
    }
    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.ready = !self.ready;
            if !self.ready {
                return Err(ErrorKind::WouldBlock.into());
            }
            if self.pos == self.data.len() || buf.is_empty() {
                return Ok(0);
            }
            buf[0] = self.data[self.pos];
            self.pos += 1;
            Ok(1)
        }
    }
    let data = common::sample("binary", 20_000, 5);
    let config = StreamConfig::default().buffer_size(4096);
    let source = Trickle {
        data: common::compress(&config, &data),
        pos: 0,
        ready: false,
    };
    let mut reader = Lz4StreamReader::with_config(source, config).unwrap();
    let mut out = Vec::new();
    let mut would_block = 0;
    let mut buf = [0u8; 777];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(err) if err.kind() == ErrorKind::WouldBlock => would_block += 1,
            Err(err) => panic!("{err}"),
        }
    }
    assert!(would_block > 1000);
    assert_eq!(out, data);
}

#[test]
fn writer_reports_a_real_error_and_loses_nothing_when_retried() {
    // A sink that fails with a hard error once, in the middle of a block.
    struct FailOnce {
        out: Vec<u8>,
        failed: bool,
    }
    impl Write for FailOnce {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if !self.failed && self.out.len() > 100 {
                self.failed = true;
                return Err(io::Error::other("disk hiccup"));
            }
            let n = buf.len().min(50);
            self.out.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let data = common::sample("text", 100_000, 9);
    let config = StreamConfig::default().buffer_size(8192);
    let mut writer = Lz4StreamWriter::with_config(
        FailOnce {
            out: vec![],
            failed: false,
        },
        config.clone(),
    )
    .unwrap();
    let mut offset = 0;
    let mut errors = 0;
    while offset < data.len() {
        match writer.write(&data[offset..]) {
            Ok(n) => offset += n,
            Err(err) => {
                assert_eq!(err.to_string(), "disk hiccup");
                errors += 1;
            }
        }
    }
    let out = writer.finish().unwrap().out;
    assert_eq!(errors, 1);
    assert_eq!(common::decompress(&config, &out), data);
}
