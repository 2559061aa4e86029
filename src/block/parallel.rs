//! Compression on worker threads: pages in, prefixed blocks out, in stream
//! order — pigz's scheme, which this format allows exactly.
//!
//! Block k may refer only to chunk k-1 (or, for the first block, to the
//! preset dictionary), so a page can be compressed as soon as it is full, by
//! any worker, given that one chunk. A job is (sequence number, chunk,
//! previous chunk); the worker restarts its encoder with the previous chunk
//! as history ([`Encoder::restart`]), so the block depends on nothing the
//! worker compressed before, and sends it back; blocks are handed out by
//! sequence number. The output is therefore the same for any number of
//! workers and any scheduling.
//!
//! Memory is bounded by the worker count, never by the stream: at most
//! `2 * workers` jobs are in flight (`can_accept` says no beyond that, which
//! is how a slow consumer stops the intake); page buffers come from a pool
//! and are reused once no job needs them, as chunk or as history; block
//! buffers go back to a pool once handed out.
//!
//! Threads are spawned as jobs need them, up to the worker count, and named
//! `lz4-stream-worker`. A panic while compressing is caught in the worker and
//! reported for that block as [`Error::WorkerPanicked`], in stream order,
//! after every block before it. Dropping the engine skips the jobs still
//! queued, closes the queue and joins every thread.

use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::mem;
use std::ops::Range;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};

use super::compressor::frame;
use crate::codec::encode::Encoder;
use crate::config::{CompressionMode, SizePrefix, Strategy, StreamConfig};
use crate::error::Error;

/// What a worker does with one job: compress `chunk` into `out` as a
/// prefixed block that refers only to `history`; returns the block's length.
/// A parameter only so that tests can make a worker panic.
type Kernel = fn(&mut Encoder, SizePrefix, &[u8], &[u8], &mut Vec<u8>) -> usize;

/// The job every worker runs outside tests.
fn compress_job(
    encoder: &mut Encoder,
    prefix: SizePrefix,
    history: &[u8],
    chunk: &[u8],
    out: &mut Vec<u8>,
) -> usize {
    encoder.restart(history);
    frame(encoder, prefix, chunk, out)
}

/// One page to compress.
struct Job {
    seq: u64,
    chunk: Arc<Vec<u8>>,
    /// The chunk before it, or the dictionary; `None` at the start without
    /// a dictionary and after an empty chunk (which resets the history).
    history: Option<Arc<Vec<u8>>>,
    /// Where the block goes (a buffer from the pool).
    out: Vec<u8>,
}

/// One job's result.
struct Done {
    seq: u64,
    out: Vec<u8>,
    /// The block's length in `out`, or the message of the panic that stopped
    /// the worker.
    outcome: Result<usize, String>,
}

/// What the engine and its workers share.
struct Shared {
    /// The job queue; whichever worker is idle takes the next job.
    jobs: Mutex<Receiver<Job>>,
    /// Set when the engine is dropped: workers skip the jobs still queued.
    cancelled: AtomicBool,
    mode: CompressionMode,
    page_size: usize,
    prefix: SizePrefix,
    kernel: Kernel,
}

/// Compresses pages on worker threads and hands out their blocks in order.
///
/// The stream encoder's parallel block producer: `submit` a page when
/// `can_accept` says so; `ready` shows the next block in stream order (or
/// nothing while it is still being compressed), `consume` marks it handed
/// out; `wait` blocks until the next block is ready (or everything is
/// handed out); `is_idle` says whether anything submitted is still to come.
pub(crate) struct ParallelCompressor {
    config: StreamConfig,
    shared: Arc<Shared>,
    /// The sending end of the job queue; `None` once the engine is dropping.
    jobs: Option<Sender<Job>>,
    /// Finished jobs, in whatever order the workers finish them. In a
    /// mutex only to keep the engine `Sync` (a receiver is not); `&mut self`
    /// reaches it without locking.
    results: Mutex<Receiver<Done>>,
    /// A sender for the next worker spawned; dropped once all are running,
    /// so that a queue no worker serves any more reads as disconnected
    /// instead of hanging.
    result_sender: Option<Sender<Done>>,
    threads: Vec<JoinHandle<()>>,
    /// Threads to run at most.
    workers: usize,
    /// Jobs in flight at most (submitted, not yet handed out).
    capacity: usize,
    /// Sequence number of the next job submitted.
    submitted: u64,
    /// Sequence number of the next block to become `current`.
    handed: u64,
    /// Finished blocks waiting for those before them: slot `i` holds block
    /// `handed + i`, once it has come back.
    reorder: VecDeque<Option<Done>>,
    /// The block being handed out, `current[unread]` still to go.
    current: Vec<u8>,
    unread: Range<usize>,
    /// Block buffers to reuse.
    spare: Vec<Vec<u8>>,
    /// Page buffers; one is free when nothing but this pool refers to it.
    pages: Vec<Arc<Vec<u8>>>,
    /// What the next job's block may refer to.
    history: Option<Arc<Vec<u8>>>,
    /// A worker panicked on this block, with this message: the stream
    /// cannot go on.
    failed: Option<(u64, String)>,
}

impl ParallelCompressor {
    /// An engine for a validated `config`, running up to
    /// `config.resolved_workers()` threads (spawned as jobs arrive).
    pub(crate) fn new(config: StreamConfig) -> Self {
        Self::with_kernel(config, compress_job)
    }

    fn with_kernel(config: StreamConfig, kernel: Kernel) -> Self {
        let workers = config.resolved_workers().max(1);
        let (job_sender, job_receiver) = mpsc::channel();
        let (result_sender, results) = mpsc::channel();
        let dictionary = config.dictionary_window();
        let history = (!dictionary.is_empty()).then(|| Arc::new(dictionary.to_vec()));
        ParallelCompressor {
            shared: Arc::new(Shared {
                jobs: Mutex::new(job_receiver),
                cancelled: AtomicBool::new(false),
                mode: config.get_mode(),
                page_size: config.get_buffer_size(),
                prefix: config.get_size_prefix(),
                kernel,
            }),
            config,
            jobs: Some(job_sender),
            results: Mutex::new(results),
            result_sender: Some(result_sender),
            threads: Vec::with_capacity(workers),
            workers,
            // Two jobs per worker: one being compressed, one queued behind
            // it, so no worker idles while the oldest block is handed out.
            capacity: 2 * workers,
            submitted: 0,
            handed: 0,
            reorder: VecDeque::new(),
            current: Vec::new(),
            unread: 0..0,
            spare: Vec::new(),
            pages: Vec::new(),
            history,
            failed: None,
        }
    }

    pub(crate) fn config(&self) -> &StreamConfig {
        &self.config
    }

    /// Whether a page can be submitted now: fewer than `2 * workers` jobs
    /// are in flight (and no worker has failed).
    pub(crate) fn can_accept(&self) -> bool {
        self.failed.is_none() && self.in_flight() < self.capacity
    }

    /// Jobs submitted whose blocks have not become `current` yet.
    fn in_flight(&self) -> usize {
        (self.submitted - self.handed) as usize
    }

    /// Queues one chunk of at most one page (copied into a pooled buffer).
    /// Only called when [`can_accept`](Self::can_accept) says so.
    ///
    /// # Errors
    ///
    /// A worker's panic (on an earlier block), or no thread could be
    /// started at all.
    pub(crate) fn submit(&mut self, chunk: &[u8]) -> Result<(), Error> {
        self.check()?;
        debug_assert!(self.can_accept(), "submit without can_accept");
        debug_assert!(chunk.len() <= self.config.get_buffer_size());
        self.ensure_worker()?;
        let page = self.page_holding(chunk);
        // An empty chunk resets the history (see `Compressor::compress`).
        let next_history = (!chunk.is_empty()).then(|| Arc::clone(&page));
        let job = Job {
            seq: self.submitted,
            chunk: page,
            history: mem::replace(&mut self.history, next_history),
            out: self.spare.pop().unwrap_or_default(),
        };
        let sent = self.jobs.as_ref().map(|jobs| jobs.send(job));
        if !matches!(sent, Some(Ok(()))) {
            // The engine holds the queue's receiving end (in `shared`), so a
            // send cannot fail while it exists.
            return Err(stopped());
        }
        self.submitted += 1;
        self.collect();
        Ok(())
    }

    /// The next output in stream order not handed out yet: (the rest of) one
    /// block. Empty while that block is still being compressed.
    pub(crate) fn ready(&self) -> &[u8] {
        &self.current[self.unread.clone()]
    }

    /// Marks the first `n` bytes of [`ready`](Self::ready) as handed out.
    pub(crate) fn consume(&mut self, n: usize) {
        self.unread.start += n.min(self.unread.len());
        if self.unread.is_empty() {
            self.collect();
        }
    }

    /// Whether every submitted page's block has been handed out.
    pub(crate) fn is_idle(&self) -> bool {
        self.unread.is_empty() && self.handed == self.submitted
    }

    /// Blocks until [`ready`](Self::ready) shows the next block, or until
    /// nothing is in flight. Waiting is for computation, never for I/O: the
    /// wait is at most one block's compression.
    ///
    /// # Errors
    ///
    /// [`Error::WorkerPanicked`] when the next block's worker panicked.
    pub(crate) fn wait(&mut self) -> Result<(), Error> {
        loop {
            self.promote();
            self.check()?;
            if !self.unread.is_empty() || self.handed == self.submitted {
                return Ok(());
            }
            let results = self
                .results
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner);
            match results.recv() {
                Ok(done) => self.store(done),
                Err(_) => return Err(stopped()),
            }
        }
    }

    /// The worker failure, if any, as an error.
    fn check(&self) -> Result<(), Error> {
        match &self.failed {
            Some((block, message)) => Err(Error::WorkerPanicked {
                block: *block,
                message: message.clone(),
            }),
            None => Ok(()),
        }
    }

    /// Takes in every finished job without waiting.
    fn collect(&mut self) {
        let results = self
            .results
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        let finished: Vec<Done> = results.try_iter().collect();
        for done in finished {
            self.store(done);
        }
        self.promote();
    }

    /// Files a finished job by its sequence number.
    fn store(&mut self, done: Done) {
        let slot = (done.seq - self.handed) as usize;
        if self.reorder.len() <= slot {
            self.reorder.resize_with(slot + 1, || None);
        }
        self.reorder[slot] = Some(done);
    }

    /// Makes the next block in order `current`, if it has come back and the
    /// current one is all handed out.
    fn promote(&mut self) {
        if !self.unread.is_empty() || self.failed.is_some() {
            return;
        }
        let Some(Some(_)) = self.reorder.front() else {
            return;
        };
        let Some(Some(done)) = self.reorder.pop_front() else {
            return;
        };
        self.handed += 1;
        match done.outcome {
            Ok(len) => {
                let old = mem::replace(&mut self.current, done.out);
                if old.capacity() > 0 {
                    self.spare.push(old);
                }
                self.unread = 0..len;
            }
            Err(message) => self.failed = Some((done.seq, message)),
        }
    }

    /// A pooled page buffer holding a copy of `chunk`.
    fn page_holding(&mut self, chunk: &[u8]) -> Arc<Vec<u8>> {
        for page in &mut self.pages {
            if let Some(buffer) = Arc::get_mut(page) {
                buffer.clear();
                buffer.extend_from_slice(chunk);
                return Arc::clone(page);
            }
        }
        // At most `capacity + 2` pages are ever referred to: one per job in
        // flight, the history of the oldest, and the next job's history.
        debug_assert!(self.pages.len() < self.capacity + 2);
        let page = Arc::new(chunk.to_vec());
        self.pages.push(Arc::clone(&page));
        page
    }

    /// Starts another worker if every running one has a job already.
    fn ensure_worker(&mut self) -> Result<(), Error> {
        if self.threads.len() >= self.workers || self.threads.len() > self.in_flight() {
            return Ok(());
        }
        let Some(results) = self.result_sender.clone() else {
            return Ok(());
        };
        let shared = Arc::clone(&self.shared);
        let spawned = thread::Builder::new()
            .name("lz4-stream-worker".into())
            .spawn(move || work(&shared, &results));
        match spawned {
            Ok(handle) => self.threads.push(handle),
            // Carry on with the threads there are; only none at all is fatal.
            Err(_) if !self.threads.is_empty() => self.workers = self.threads.len(),
            Err(err) => return Err(Error::Io(err)),
        }
        if self.threads.len() == self.workers {
            self.result_sender = None;
        }
        Ok(())
    }
}

/// No worker is left to finish the jobs in flight.
fn stopped() -> Error {
    Error::Io(io::Error::other("the compression workers have stopped"))
}

/// A worker's life: take a job, compress it, send the block back, until
/// the queue closes.
fn work(shared: &Shared, results: &Sender<Done>) {
    let new_encoder = || Encoder::new(shared.mode, Strategy::DoubleBuffer, shared.page_size, b"");
    let mut encoder = new_encoder();
    loop {
        let job = {
            let jobs = shared.jobs.lock().unwrap_or_else(PoisonError::into_inner);
            match jobs.recv() {
                Ok(job) => job,
                Err(_) => return,
            }
        };
        if shared.cancelled.load(Ordering::Relaxed) {
            continue;
        }
        let Job {
            seq,
            chunk,
            history,
            mut out,
        } = job;
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            let history = history.as_deref().map_or(&[][..], |h| &h[..]);
            (shared.kernel)(&mut encoder, shared.prefix, history, &chunk, &mut out)
        }))
        .map_err(|payload| {
            // The encoder may be half-way through anything: start anew.
            encoder = new_encoder();
            panic_message(payload.as_ref())
        });
        // Release the pages before reporting, so the engine can reuse them
        // as soon as it hears of this job.
        drop((chunk, history));
        if results.send(Done { seq, out, outcome }).is_err() {
            return;
        }
    }
}

/// A panic payload's message, when it is a string.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        (*message).to_string()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        "(no message)".to_string()
    }
}

impl Drop for ParallelCompressor {
    fn drop(&mut self) {
        self.shared.cancelled.store(true, Ordering::Relaxed);
        // Closing the queue ends every worker's loop once it is idle.
        self.jobs = None;
        for thread in self.threads.drain(..) {
            // A worker catches the panics of its jobs; there is nothing
            // left to report from one that ended otherwise.
            let _ = thread.join();
        }
    }
}

impl fmt::Debug for ParallelCompressor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParallelCompressor")
            .field("workers", &self.workers)
            .field("threads", &self.threads.len())
            .field("in_flight", &self.in_flight())
            .field("ready", &self.unread.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::{Compressor, Decompressor};
    use std::sync::Weak;
    use std::time::{Duration, Instant};

    /// Words with repeats near and far, so blocks refer to the chunk before.
    fn data(len: usize, seed: u32) -> Vec<u8> {
        let words = [&b"worker "[..], b"page ", b"block ", b"order ", b"queue "];
        let mut state = seed | 1;
        let mut out = Vec::new();
        while out.len() < len {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            out.extend_from_slice(words[state as usize % words.len()]);
            if state % 5 == 0 {
                out.extend_from_slice(&state.to_le_bytes());
            }
        }
        out.truncate(len);
        out
    }

    /// Chunk lengths from `seed`: full pages, partial ones and empty ones.
    fn cuts(total: usize, page: usize, seed: u32) -> Vec<usize> {
        let mut state = seed | 1;
        let mut left = total;
        let mut cuts = Vec::new();
        while left > 0 {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let len = match state % 6 {
                0 => 0,
                1 => 1 + state as usize % page,
                _ => page,
            }
            .min(left);
            cuts.push(len);
            left -= len;
        }
        cuts
    }

    /// Every chunk through the engine, output drained as it comes, with
    /// `can_accept` / `wait` as the stream encoder uses them.
    fn run(
        engine: &mut ParallelCompressor,
        input: &[u8],
        cuts: &[usize],
    ) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        let mut at = 0;
        for &len in cuts {
            while !engine.can_accept() {
                engine.wait()?;
                out.extend_from_slice(engine.ready());
                engine.consume(engine.ready().len());
            }
            engine.submit(&input[at..at + len])?;
            at += len;
            out.extend_from_slice(engine.ready());
            engine.consume(engine.ready().len());
        }
        while !engine.is_idle() {
            engine.wait()?;
            out.extend_from_slice(engine.ready());
            engine.consume(engine.ready().len());
        }
        Ok(out)
    }

    /// The same jobs one after the other on one encoder: what any number of
    /// workers must produce.
    fn sequential(config: &StreamConfig, input: &[u8], cuts: &[usize]) -> Vec<u8> {
        let mut encoder = Encoder::new(
            config.get_mode(),
            Strategy::DoubleBuffer,
            config.get_buffer_size(),
            b"",
        );
        let mut history = config.dictionary_window().to_vec();
        let mut block = Vec::new();
        let mut out = Vec::new();
        let mut at = 0;
        for &len in cuts {
            let chunk = &input[at..at + len];
            let n = compress_job(
                &mut encoder,
                config.get_size_prefix(),
                &history,
                chunk,
                &mut block,
            );
            out.extend_from_slice(&block[..n]);
            history = chunk.to_vec();
            at += len;
        }
        out
    }

    fn modes() -> [CompressionMode; 5] {
        [
            CompressionMode::Default,
            CompressionMode::Fast { acceleration: 9 },
            CompressionMode::High { level: 2 },
            CompressionMode::High { level: 9 },
            CompressionMode::High { level: 11 },
        ]
    }

    #[test]
    fn any_worker_count_gives_the_same_blocks_in_order() {
        let input = data(150_000, 7);
        for mode in modes() {
            for (page, seed) in [(4096, 1), (20_000, 2), (65_536, 3)] {
                let dictionary = data(5_000, seed);
                let config = StreamConfig::default()
                    .buffer_size(page)
                    .mode(mode)
                    .dictionary(dictionary);
                let cuts = cuts(input.len(), page, seed);
                let expected = sequential(&config, &input, &cuts);
                for workers in [1, 2, 5] {
                    let mut engine = ParallelCompressor::new(config.clone().workers(workers));
                    let got = run(&mut engine, &input, &cuts).unwrap();
                    assert!(got == expected, "{mode:?}, page {page}, {workers} workers");
                }
                // And it decodes, chunk by chunk.
                let mut decoder = Decompressor::new(config.clone()).unwrap();
                let mut decoded = Vec::new();
                let mut at = 0;
                while at < expected.len() {
                    let block = decoder.get_block(&expected[at..]).unwrap().to_vec();
                    at += 4 + block.len();
                    decoded.extend_from_slice(decoder.decompress(&block).unwrap());
                }
                assert!(decoded == input, "{mode:?}, page {page}");
            }
        }
    }

    /// The hash-chain finders index every position of the previous chunk
    /// either way, so their parallel blocks are the single-threaded ones.
    #[test]
    fn chain_levels_match_the_single_threaded_compressor() {
        let input = data(100_000, 11);
        for level in [3, 9, 12] {
            let config = StreamConfig::default()
                .buffer_size(16_384)
                .mode(CompressionMode::High { level });
            let cuts = cuts(input.len(), 16_384, 5);
            let mut compressor = Compressor::new(config.clone()).unwrap();
            let mut expected = Vec::new();
            let mut at = 0;
            for &len in &cuts {
                expected.extend_from_slice(compressor.compress(&input[at..at + len]).unwrap());
                at += len;
            }
            let mut engine = ParallelCompressor::new(config.workers(3));
            assert!(
                run(&mut engine, &input, &cuts).unwrap() == expected,
                "level {level}"
            );
        }
    }

    /// Panics on a chunk that starts with "PANIC", compresses the others.
    fn panicky(
        encoder: &mut Encoder,
        prefix: SizePrefix,
        history: &[u8],
        chunk: &[u8],
        out: &mut Vec<u8>,
    ) -> usize {
        if chunk.starts_with(b"PANIC") {
            panic!("injected panic");
        }
        compress_job(encoder, prefix, history, chunk, out)
    }

    /// A worker's `Shared`, to tell when every thread has let go of it.
    fn shared_of(engine: &ParallelCompressor) -> Weak<Shared> {
        Arc::downgrade(&engine.shared)
    }

    #[test]
    fn a_worker_panic_is_an_error_in_order_and_threads_are_joined() {
        let page = 1000;
        let mut input = data(40 * page, 3);
        input[17 * page..17 * page + 5].copy_from_slice(b"PANIC");
        let config = StreamConfig::default().buffer_size(page);
        let cuts = vec![page; 40];
        let expected = sequential(&config, &input, &cuts[..17]);
        for workers in [2, 4] {
            let mut engine =
                ParallelCompressor::with_kernel(config.clone().workers(workers), panicky);
            let shared = shared_of(&engine);
            // Everything before block 17 comes out, then the panic.
            let mut out = Vec::new();
            let mut at = 0;
            let mut failure = None;
            'feed: for &len in &cuts {
                while !engine.can_accept() {
                    match engine.wait() {
                        Ok(()) => {}
                        Err(err) => {
                            failure = Some(err);
                            break 'feed;
                        }
                    }
                    out.extend_from_slice(engine.ready());
                    engine.consume(engine.ready().len());
                }
                if let Err(err) = engine.submit(&input[at..at + len]) {
                    failure = Some(err);
                    break;
                }
                at += len;
                out.extend_from_slice(engine.ready());
                engine.consume(engine.ready().len());
            }
            let failure = match failure {
                Some(err) => err,
                None => loop {
                    if let Err(err) = engine.wait() {
                        break err;
                    }
                    assert!(!engine.is_idle(), "finished without reporting the panic");
                    out.extend_from_slice(engine.ready());
                    engine.consume(engine.ready().len());
                },
            };
            match &failure {
                Error::WorkerPanicked { block, message } => {
                    assert_eq!(*block, 17);
                    assert_eq!(message, "injected panic");
                }
                other => panic!("unexpected error {other:?}"),
            }
            assert!(out == expected, "the blocks before the panic");
            // Sticky, and no more input is taken.
            assert!(!engine.can_accept());
            assert!(matches!(
                engine.wait(),
                Err(Error::WorkerPanicked { block: 17, .. })
            ));
            assert!(io::Error::from(failure)
                .to_string()
                .contains("panicked on block 17"));
            drop(engine);
            assert!(shared.upgrade().is_none(), "a worker outlived the engine");
        }
    }

    #[test]
    fn dropping_with_jobs_queued_skips_them_and_joins_every_thread() {
        let page = 65_536;
        let input = data(8 * page, 9);
        let config = StreamConfig::default()
            .buffer_size(page)
            .mode(CompressionMode::High { level: 12 })
            .workers(4);
        let mut engine = ParallelCompressor::new(config);
        for chunk in input.chunks(page).take(8) {
            assert!(engine.can_accept());
            engine.submit(chunk).unwrap();
        }
        assert_eq!(engine.threads.len(), 4);
        assert!(!engine.can_accept(), "8 jobs fill 4 workers' queue");
        let shared = shared_of(&engine);
        let started = Instant::now();
        drop(engine);
        assert!(shared.upgrade().is_none(), "a worker outlived the engine");
        // Eight HC-12 pages take far longer than the four in progress.
        println!("dropped in {:?}", started.elapsed());
        assert!(started.elapsed() < Duration::from_secs(30));
    }

    #[test]
    fn memory_is_bounded_by_the_worker_count() {
        let page = 8192;
        let input = data(200 * page, 4);
        for workers in [2, 5] {
            let config = StreamConfig::default().buffer_size(page).workers(workers);
            let mut engine = ParallelCompressor::new(config);
            let mut out = Vec::new();
            for chunk in input.chunks(page) {
                // A consumer that takes only what is ready, a byte at a time
                // now and then: the intake stops, nothing piles up.
                while !engine.can_accept() {
                    engine.wait().unwrap();
                    let n = engine.ready().len().min(1 + out.len() % 3);
                    out.extend_from_slice(&engine.ready()[..n]);
                    engine.consume(n);
                }
                engine.submit(chunk).unwrap();
                assert!(engine.in_flight() <= 2 * workers);
                assert!(engine.reorder.len() <= 2 * workers);
                assert!(engine.pages.len() <= 2 * workers + 2);
                assert!(engine.spare.len() <= 2 * workers + 1);
                assert!(engine.threads.len() <= workers);
            }
            while !engine.is_idle() {
                engine.wait().unwrap();
                out.extend_from_slice(engine.ready());
                engine.consume(engine.ready().len());
            }
            let cuts = vec![page; 200];
            assert!(out == sequential(engine.config(), &input, &cuts));
        }
    }

    /// A short stream starts only the threads it needs.
    #[test]
    fn threads_start_as_jobs_need_them() {
        let config = StreamConfig::default().workers(8);
        let mut engine = ParallelCompressor::new(config);
        assert_eq!(engine.threads.len(), 0);
        engine.submit(b"one small chunk").unwrap();
        assert_eq!(engine.threads.len(), 1);
        engine.wait().unwrap();
        assert!(!engine.ready().is_empty());
    }

    #[test]
    fn the_engine_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<ParallelCompressor>();
    }
}
