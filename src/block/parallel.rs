//! Compression on worker threads: pages in, prefixed blocks out, in stream
//! order — pigz's scheme, which this format allows exactly.
//!
//! Block k may refer only to chunk k-1 (or, for the first block, to the
//! preset dictionary), so any run of consecutive chunks can be compressed on
//! its own, by any worker, given the chunk before it. A job is such a run:
//! up to [`pages_per_job`] chunks (about 256 KiB), which one worker
//! compresses one after the other with one encoder, exactly as the
//! single-threaded writer does, after restarting the encoder with the chunk
//! before the job as history ([`Encoder::restart`]). Only a job's first block
//! pays for that restart (its history indexed afresh); the longer the job,
//! the less the restarts cost, and the closer the output comes to the
//! single-threaded writer's. A job's blocks therefore depend on nothing the
//! worker compressed before, and jobs are handed out by sequence number.
//!
//! Where jobs begin depends only on the input: a job ends after
//! `pages_per_job` chunks, or earlier at a flush point (the stream encoder's
//! `flush` and `finish` call [`ParallelCompressor::flush`]). The output is
//! therefore the same for any number of workers and any scheduling.
//!
//! Memory is bounded by the worker count, never by the stream: at most
//! `2 * workers` jobs are in flight (`can_accept` says no beyond that, which
//! is how a slow consumer stops the intake), plus the one being filled; job
//! buffers come from a pool and are reused once no job needs them, as its
//! pages or as history; output buffers go back to a pool once handed out.
//!
//! Threads are spawned as jobs need them, up to the worker count, and named
//! `lz4-stream-worker`. When one cannot be started (the process is out of
//! threads or memory), the engine carries on with the threads it has, and
//! with none it compresses each job itself, on the caller's thread, as a
//! worker would: the same blocks, nothing accepted lost, no error for what
//! is only a lack of parallelism. A panic while compressing is caught in the
//! worker and reported for that block as [`Error::WorkerPanicked`], in stream
//! order, after every block before it. Dropping the engine skips the jobs
//! still queued, closes the queue and joins every thread.

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

use super::compressor::{frame, framed_bound};
use crate::codec::encode::Encoder;
use crate::config::{CompressionMode, SizePrefix, Strategy, StreamConfig};
use crate::error::Error;

/// About this many bytes of input per job: enough that restarting the
/// encoder for a job's first block (copying and indexing the history) costs
/// little next to compressing the job (a quarter of what it costs per page
/// of 64 KiB), small enough that two jobs per worker stay within a few MiB.
const JOB_BYTES: usize = 256 * 1024;

/// The most chunks in one job, whatever the page size: small pages still
/// make small jobs, so that the first blocks come out soon.
const MAX_PAGES_PER_JOB: usize = 16;

/// How many chunks of a stream with pages of `page_size` bytes make one job:
/// about [`JOB_BYTES`] of input, 1 to [`MAX_PAGES_PER_JOB`] chunks. A
/// function of the page size alone, so job boundaries (and the output) do
/// not depend on the worker count.
pub(crate) fn pages_per_job(page_size: usize) -> usize {
    (JOB_BYTES / page_size.max(1)).clamp(1, MAX_PAGES_PER_JOB)
}

/// What a worker does with one chunk of a job: compress `chunk` with
/// `encoder` (which holds the job's blocks so far) into `out` as a prefixed
/// block; returns the block's length. A parameter only so that tests can make
/// a worker panic.
type Kernel = fn(&mut Encoder, SizePrefix, &[u8], &mut [u8]) -> usize;

/// Consecutive chunks, one after the other in one buffer: a job's input.
#[derive(Default)]
struct Chunks {
    data: Vec<u8>,
    /// Where each chunk ends in `data`.
    ends: Vec<usize>,
}

impl Chunks {
    fn clear(&mut self) {
        self.data.clear();
        self.ends.clear();
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Appends `chunk`; the first append to a buffer reserves room for
    /// `count` chunks of its size, so a job of full pages allocates once.
    fn push(&mut self, chunk: &[u8], count: usize) {
        if self.data.capacity() - self.data.len() < chunk.len() {
            self.data.reserve_exact(count.max(1) * chunk.len());
        }
        self.data.extend_from_slice(chunk);
        self.ends.push(self.data.len());
    }

    fn iter(&self) -> impl Iterator<Item = &[u8]> + '_ {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .map(|(start, &end)| &self.data[start..end])
    }

    /// The last chunk (empty if there is none).
    fn last(&self) -> &[u8] {
        let start = match self.ends.len() {
            0 | 1 => 0,
            n => self.ends[n - 2],
        };
        &self.data[start..self.ends.last().copied().unwrap_or(0)]
    }
}

/// A run of consecutive chunks to compress.
struct Job {
    seq: u64,
    /// The stream's block number of the job's first chunk.
    first_block: u64,
    chunks: Arc<Chunks>,
    /// Whose last chunk is the history: the chunk before the job, or the
    /// dictionary; `None` at the start without a dictionary and after an
    /// empty chunk (which resets the history).
    history: Option<Arc<Chunks>>,
    /// Where the blocks go (a buffer from the pool).
    out: Vec<u8>,
}

/// One job's result.
struct Done {
    seq: u64,
    /// The job's blocks, one after the other, in `out[..len]`.
    out: Vec<u8>,
    len: usize,
    /// The block (stream number) whose compression panicked, with the
    /// panic's message; `out[..len]` then holds the job's blocks before it.
    panicked: Option<(u64, String)>,
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
/// `can_accept` says so, `flush` at a flush point; `ready` shows the next
/// blocks in stream order (or nothing while they are still being
/// compressed), `consume` marks them handed out; `wait` blocks until the
/// next blocks are ready (or everything sent to the workers is handed out);
/// `is_idle` says whether anything submitted is still to come.
pub(crate) struct ParallelCompressor {
    config: StreamConfig,
    shared: Arc<Shared>,
    /// The sending end of the job queue; `None` once the engine is dropping.
    jobs: Option<Sender<Job>>,
    /// Finished jobs, in whatever order the workers finish them. In a
    /// mutex only to keep the engine `Sync` (a receiver is not); `&mut self`
    /// reaches it without locking.
    results: Mutex<Receiver<Done>>,
    /// A sender for the next worker spawned; dropped once all are running
    /// (or when not one could be started), so that a queue no worker serves
    /// any more reads as disconnected instead of hanging, and no more
    /// threads are tried.
    result_sender: Option<Sender<Done>>,
    threads: Vec<JoinHandle<()>>,
    /// Threads to run at most.
    workers: usize,
    /// Starts a worker thread (a parameter for the tests, which make it
    /// fail).
    spawn: Spawn,
    /// The encoder that compresses the jobs on the caller's thread once not
    /// one worker thread could be started; `None` while threads do the work.
    /// Boxed: an unused `None` then takes a word, not an encoder's size.
    inline: Option<Box<Encoder>>,
    /// The job being filled: sent once it holds `pages_per_job` chunks, or
    /// at a flush.
    open: Chunks,
    /// Sequence number of the next job sent.
    submitted: u64,
    /// Sequence number of the next job to become `current`.
    handed: u64,
    /// Block number of the next chunk submitted.
    blocks: u64,
    /// Finished jobs waiting for those before them: slot `i` holds job
    /// `handed + i`, once it has come back.
    reorder: VecDeque<Option<Done>>,
    /// The blocks being handed out, `current[unread]` still to go.
    current: Vec<u8>,
    unread: Range<usize>,
    /// A worker panicked on a block of the current job: the failure to
    /// report once the blocks before it are handed out.
    failing: Option<(u64, String)>,
    /// Output buffers to reuse.
    spare: Vec<Vec<u8>>,
    /// Job buffers sent to the workers; one is free again when nothing but
    /// this pool refers to it.
    sent: Vec<Arc<Chunks>>,
    /// What the next job's blocks may refer to (its last chunk).
    history: Option<Arc<Chunks>>,
    /// A worker panicked on this block, with this message, and every block
    /// before it has been handed out: the stream cannot go on.
    failed: Option<(u64, String)>,
}

impl ParallelCompressor {
    /// An engine for a validated `config`, running up to
    /// `config.resolved_workers()` threads (spawned as jobs arrive).
    pub(crate) fn new(config: StreamConfig) -> Self {
        Self::with_parts(config, frame, spawn_worker)
    }

    fn with_parts(config: StreamConfig, kernel: Kernel, spawn: Spawn) -> Self {
        let workers = config.resolved_workers().max(1);
        let (job_sender, job_receiver) = mpsc::channel();
        let (result_sender, results) = mpsc::channel();
        let dictionary = config.dictionary_window();
        let history = (!dictionary.is_empty()).then(|| {
            let mut chunks = Chunks::default();
            chunks.push(dictionary, 1);
            Arc::new(chunks)
        });
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
            spawn,
            inline: None,
            open: Chunks::default(),
            submitted: 0,
            handed: 0,
            blocks: 0,
            reorder: VecDeque::new(),
            current: Vec::new(),
            unread: 0..0,
            failing: None,
            spare: Vec::new(),
            sent: Vec::new(),
            history,
            failed: None,
        }
    }

    pub(crate) fn config(&self) -> &StreamConfig {
        &self.config
    }

    /// Whether a page can be submitted now: fewer than `2 * workers` jobs
    /// are in flight (and no worker has failed). While a job is being
    /// filled this always holds: it was true when its first chunk came, and
    /// jobs in flight only finish since.
    pub(crate) fn can_accept(&self) -> bool {
        self.failed.is_none() && self.failing.is_none() && self.in_flight() < self.capacity()
    }

    /// Jobs in flight at most (sent to the workers, not yet handed out):
    /// two per worker, one being compressed and one queued behind it, so no
    /// worker idles while the oldest job is handed out.
    fn capacity(&self) -> usize {
        2 * self.workers
    }

    /// Chunks per job.
    fn job_pages(&self) -> usize {
        pages_per_job(self.config.get_buffer_size())
    }

    /// Jobs sent whose blocks have not become `current` yet.
    fn in_flight(&self) -> usize {
        (self.submitted - self.handed) as usize
    }

    /// Adds one chunk of at most one page (copied into the job being
    /// filled) to the stream, and sends the job to the workers once it is
    /// full. Only called when [`can_accept`](Self::can_accept) says so.
    ///
    /// # Errors
    ///
    /// A worker's panic (on an earlier block).
    pub(crate) fn submit(&mut self, chunk: &[u8]) -> Result<(), Error> {
        self.check()?;
        debug_assert!(self.can_accept(), "submit without can_accept");
        debug_assert!(chunk.len() <= self.config.get_buffer_size());
        if self.open.is_empty() {
            self.open = self.free_chunks();
        }
        let room = self.job_pages() - self.open.len();
        self.open.push(chunk, room);
        if self.open.len() == self.job_pages() {
            self.send_open()?;
        }
        self.collect();
        Ok(())
    }

    /// Sends the job being filled to the workers now, so that every chunk
    /// submitted so far comes out without waiting for more: the stream
    /// encoder's flush points. Nothing happens with no chunk waiting.
    ///
    /// # Errors
    ///
    /// A worker's panic (on an earlier block).
    pub(crate) fn flush(&mut self) -> Result<(), Error> {
        self.check()?;
        if !self.open.is_empty() {
            self.send_open()?;
        }
        Ok(())
    }

    /// Sends the job being filled to the workers, or compresses it now
    /// when there are none.
    fn send_open(&mut self) -> Result<(), Error> {
        debug_assert!(self.in_flight() < self.capacity(), "a job beyond capacity");
        self.ensure_worker();
        let chunks = Arc::new(mem::take(&mut self.open));
        // An empty chunk resets the history (see `Compressor::compress`).
        let next_history = (!chunks.last().is_empty()).then(|| Arc::clone(&chunks));
        let job = Job {
            seq: self.submitted,
            first_block: self.blocks,
            chunks: Arc::clone(&chunks),
            history: mem::replace(&mut self.history, next_history),
            out: self.spare.pop().unwrap_or_default(),
        };
        self.blocks += chunks.len() as u64;
        self.sent.push(chunks);
        if let Some(encoder) = &mut self.inline {
            let done = run_job(&self.shared, encoder, job);
            self.submitted += 1;
            self.store(done);
            return Ok(());
        }
        let sent = self.jobs.as_ref().map(|jobs| jobs.send(job));
        if !matches!(sent, Some(Ok(()))) {
            // The engine holds the queue's receiving end (in `shared`), so a
            // send cannot fail while it exists.
            return Err(stopped());
        }
        self.submitted += 1;
        Ok(())
    }

    /// An empty job buffer: one no job refers to any more (keeping its
    /// memory), or a new one.
    fn free_chunks(&mut self) -> Chunks {
        // At most `capacity + 2` buffers are ever referred to: one per job in
        // flight, the history of the oldest, and the next job's history.
        debug_assert!(self.sent.len() <= self.capacity() + 2);
        while let Some(i) = self.sent.iter().position(|c| Arc::strong_count(c) == 1) {
            // Only this engine clones these handles, so a count of one
            // stays one until it does.
            if let Ok(mut chunks) = Arc::try_unwrap(self.sent.swap_remove(i)) {
                chunks.clear();
                return chunks;
            }
        }
        Chunks::default()
    }

    /// The next output in stream order not handed out yet: (the rest of)
    /// one job's blocks. Empty while that job is still being compressed.
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
        self.unread.is_empty() && self.handed == self.submitted && self.open.is_empty()
    }

    /// Blocks until [`ready`](Self::ready) shows the next blocks, or until
    /// nothing sent to the workers is in flight (a job still being filled
    /// waits for [`flush`](Self::flush)). Waiting is for computation, never
    /// for I/O: the wait is at most one job's compression.
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

    /// Once the current blocks are all handed out: reports the failure that
    /// follows them, if any, or makes the next job's blocks `current`, if
    /// they have come back.
    fn promote(&mut self) {
        if !self.unread.is_empty() || self.failed.is_some() {
            return;
        }
        if let Some(failure) = self.failing.take() {
            self.failed = Some(failure);
            return;
        }
        let Some(Some(_)) = self.reorder.front() else {
            return;
        };
        let Some(Some(done)) = self.reorder.pop_front() else {
            return;
        };
        self.handed += 1;
        let old = mem::replace(&mut self.current, done.out);
        if old.capacity() > 0 {
            self.spare.push(old);
        }
        self.unread = 0..done.len;
        self.failing = done.panicked;
        if self.unread.is_empty() {
            // Nothing before the failure to hand out.
            self.promote();
        }
    }

    /// Starts another worker if every running one has a job already.
    fn ensure_worker(&mut self) {
        if self.threads.len() >= self.workers || self.threads.len() > self.in_flight() {
            return;
        }
        let Some(results) = self.result_sender.clone() else {
            return;
        };
        match (self.spawn)(Arc::clone(&self.shared), results) {
            Ok(handle) => self.threads.push(handle),
            // Carry on with the threads there are.
            Err(_) if !self.threads.is_empty() => self.workers = self.threads.len(),
            // Not one: the jobs are compressed here, one at a time, and no
            // thread is tried again (no sender for one).
            Err(_) => {
                self.inline = Some(Box::new(new_encoder(&self.shared)));
                self.workers = 1;
                self.result_sender = None;
            }
        }
        if self.threads.len() == self.workers {
            self.result_sender = None;
        }
    }
}

/// Starts a worker thread: the engine's `spawn` outside the tests.
type Spawn = fn(Arc<Shared>, Sender<Done>) -> io::Result<JoinHandle<()>>;

/// Starts a worker thread serving `shared`'s queue.
fn spawn_worker(shared: Arc<Shared>, results: Sender<Done>) -> io::Result<JoinHandle<()>> {
    thread::Builder::new()
        .name("lz4-stream-worker".into())
        .spawn(move || work(&shared, &results))
}

/// No worker is left to finish the jobs in flight.
fn stopped() -> Error {
    Error::Io(io::Error::other("the compression workers have stopped"))
}

/// Compresses a job's chunks one after the other with `encoder`, restarted
/// with `history`, into `out` (grown to hold them) with `kernel`; returns
/// the bytes written and, if a chunk's compression panicked, its index in
/// the job and the panic's message (`out` then holds the blocks before it).
fn compress_job(
    encoder: &mut Encoder,
    prefix: SizePrefix,
    kernel: Kernel,
    history: &[u8],
    chunks: &Chunks,
    out: &mut Vec<u8>,
) -> (usize, Option<(usize, String)>) {
    let bound: usize = chunks.iter().map(|c| framed_bound(prefix, c.len())).sum();
    if out.len() < bound {
        // Exactly what the job needs: the buffer is reused for jobs alike.
        out.reserve_exact(bound - out.len());
        out.resize(bound, 0);
    }
    let mut written = 0;
    let mut blocks = 0;
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        encoder.restart(history);
        for chunk in chunks.iter() {
            written += kernel(encoder, prefix, chunk, &mut out[written..]);
            blocks += 1;
        }
    }));
    let panicked = outcome
        .err()
        .map(|payload| (blocks, panic_message(payload.as_ref())));
    (written, panicked)
}

/// A fresh encoder for `shared`'s jobs.
fn new_encoder(shared: &Shared) -> Encoder {
    Encoder::new(shared.mode, Strategy::DoubleBuffer, shared.page_size, b"")
}

/// A worker's life: take a job, compress it, send the blocks back, until
/// the queue closes.
fn work(shared: &Shared, results: &Sender<Done>) {
    let mut encoder = new_encoder(shared);
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
        if results.send(run_job(shared, &mut encoder, job)).is_err() {
            return;
        }
    }
}

/// Compresses `job` with `encoder` (anew after a panic, which may have left
/// it half-way through anything) and releases its input buffers, so the
/// engine can reuse them as soon as it hears of the job.
fn run_job(shared: &Shared, encoder: &mut Encoder, job: Job) -> Done {
    let Job {
        seq,
        first_block,
        chunks,
        history,
        mut out,
    } = job;
    let history_bytes = history.as_deref().map_or(&[][..], Chunks::last);
    let (len, panicked) = compress_job(
        encoder,
        shared.prefix,
        shared.kernel,
        history_bytes,
        &chunks,
        &mut out,
    );
    let panicked = panicked.map(|(index, message)| {
        *encoder = new_encoder(shared);
        (first_block + index as u64, message)
    });
    drop((chunks, history));
    Done {
        seq,
        out,
        len,
        panicked,
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
            .field("on_the_callers_thread", &self.inline.is_some())
            .field("pages_per_job", &self.job_pages())
            .field("in_flight", &self.in_flight())
            .field("filling", &self.open.len())
            .field("ready", &self.unread.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::{Compressor, Decompressor};
    use std::sync::Weak;
    use std::time::Instant;

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
    /// `can_accept` / `wait` as the stream encoder uses them, and a flush
    /// after every partial chunk (where the stream encoder cuts one) and at
    /// the end.
    fn run(
        engine: &mut ParallelCompressor,
        input: &[u8],
        cuts: &[usize],
    ) -> Result<Vec<u8>, Error> {
        let page = engine.config().get_buffer_size();
        let mut out = Vec::new();
        let mut at = 0;
        for &len in cuts {
            while !engine.can_accept() {
                engine.wait()?;
                out.extend_from_slice(engine.ready());
                engine.consume(engine.ready().len());
            }
            engine.submit(&input[at..at + len])?;
            if len < page {
                engine.flush()?;
            }
            at += len;
            out.extend_from_slice(engine.ready());
            engine.consume(engine.ready().len());
        }
        engine.flush()?;
        while !engine.is_idle() {
            engine.wait()?;
            out.extend_from_slice(engine.ready());
            engine.consume(engine.ready().len());
        }
        Ok(out)
    }

    /// The chunks of `cuts`, grouped into jobs as `run` makes them: a job
    /// ends after `pages_per_job` chunks or after a partial one.
    fn jobs(cuts: &[usize], page: usize) -> Vec<Vec<Range<usize>>> {
        let mut jobs = vec![Vec::new()];
        let mut at = 0;
        for &len in cuts {
            let job = jobs.last_mut().unwrap();
            job.push(at..at + len);
            at += len;
            if job.len() == pages_per_job(page) || len < page {
                jobs.push(Vec::new());
            }
        }
        jobs.retain(|job| !job.is_empty());
        jobs
    }

    /// The same jobs one after the other on one encoder: what any number of
    /// workers must produce.
    fn sequential(config: &StreamConfig, input: &[u8], cuts: &[usize]) -> Vec<u8> {
        let page = config.get_buffer_size();
        let mut encoder = Encoder::new(config.get_mode(), Strategy::DoubleBuffer, page, b"");
        let mut history = config.dictionary_window().to_vec();
        let mut block = Vec::new();
        let mut out = Vec::new();
        for job in jobs(cuts, page) {
            let mut chunks = Chunks::default();
            for range in &job {
                chunks.push(&input[range.clone()], 1);
            }
            let (n, panicked) = compress_job(
                &mut encoder,
                config.get_size_prefix(),
                frame,
                &history,
                &chunks,
                &mut block,
            );
            assert!(panicked.is_none());
            out.extend_from_slice(&block[..n]);
            history = chunks.last().to_vec();
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
    fn panicky(encoder: &mut Encoder, prefix: SizePrefix, chunk: &[u8], out: &mut [u8]) -> usize {
        if chunk.starts_with(b"PANIC") {
            panic!("injected panic");
        }
        frame(encoder, prefix, chunk, out)
    }

    /// A spawn that always fails, as in a process out of threads.
    fn no_thread(_: Arc<Shared>, _: Sender<Done>) -> io::Result<JoinHandle<()>> {
        Err(io::ErrorKind::WouldBlock.into())
    }

    /// Starts one thread, then fails.
    fn one_thread(shared: Arc<Shared>, results: Sender<Done>) -> io::Result<JoinHandle<()>> {
        static STARTED: AtomicBool = AtomicBool::new(false);
        if STARTED.swap(true, Ordering::Relaxed) {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        spawn_worker(shared, results)
    }

    /// When threads cannot be started, the engine carries on with those it
    /// has, or with none compresses on the caller's thread: the same blocks
    /// either way, and no error.
    #[test]
    fn without_threads_to_start_the_blocks_are_the_same() {
        let input = data(150_000, 9);
        for mode in modes() {
            let config = StreamConfig::default()
                .buffer_size(4096)
                .mode(mode)
                .workers(3);
            let cuts = cuts(input.len(), 4096, 4);
            let expected = sequential(&config, &input, &cuts);
            let mut engine = ParallelCompressor::with_parts(config.clone(), frame, no_thread);
            assert!(
                run(&mut engine, &input, &cuts).unwrap() == expected,
                "{mode:?}"
            );
            assert!(engine.threads.is_empty() && engine.inline.is_some());
        }
        let config = StreamConfig::default().buffer_size(4096).workers(3);
        let cuts = cuts(input.len(), 4096, 5);
        let mut engine = ParallelCompressor::with_parts(config.clone(), frame, one_thread);
        assert!(run(&mut engine, &input, &cuts).unwrap() == sequential(&config, &input, &cuts));
        assert!(engine.threads.len() == 1 && engine.inline.is_none());
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
        // Two and four threads, and none (the caller compresses).
        for (workers, spawn) in [
            (2, spawn_worker as Spawn),
            (4, spawn_worker),
            (2, no_thread),
        ] {
            let mut engine =
                ParallelCompressor::with_parts(config.clone().workers(workers), panicky, spawn);
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
                    if let Err(err) = engine.flush().and_then(|()| engine.wait()) {
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

    /// Chunks `counting` compressed, for the test below (its only user).
    static COMPRESSED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

    fn counting(encoder: &mut Encoder, prefix: SizePrefix, chunk: &[u8], out: &mut [u8]) -> usize {
        COMPRESSED.fetch_add(1, Ordering::Relaxed);
        frame(encoder, prefix, chunk, out)
    }

    #[test]
    fn dropping_with_jobs_queued_skips_them_and_joins_every_thread() {
        let page = 65_536;
        let jobs = 8;
        let input = data(jobs * pages_per_job(page) * page, 9);
        let config = StreamConfig::default()
            .buffer_size(page)
            .mode(CompressionMode::High { level: 12 })
            .workers(4);
        let mut engine = ParallelCompressor::with_parts(config, counting, spawn_worker);
        for chunk in input.chunks(page) {
            assert!(engine.can_accept());
            engine.submit(chunk).unwrap();
        }
        assert_eq!(engine.threads.len(), 4);
        assert!(!engine.can_accept(), "8 jobs fill 4 workers' queue");
        let shared = shared_of(&engine);
        let started = Instant::now();
        drop(engine);
        assert!(shared.upgrade().is_none(), "a worker outlived the engine");
        println!("dropped in {:?}", started.elapsed());
        // A job begun is compressed whole; the four queued behind the four
        // in progress (one HC-12 job takes far longer than filling the
        // queue) are skipped.
        let compressed = COMPRESSED.load(Ordering::Relaxed);
        assert!(
            compressed <= 4 * pages_per_job(page),
            "{compressed} chunks compressed: the queued jobs ran"
        );
    }

    #[test]
    fn memory_is_bounded_by_the_worker_count() {
        let page = 8192;
        let input = data(200 * page, 4);
        for workers in [2, 5] {
            let config = StreamConfig::default().buffer_size(page).workers(workers);
            let mut engine = ParallelCompressor::new(config);
            let job_bytes = pages_per_job(page) * page;
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
                assert!(engine.sent.len() <= 2 * workers + 2);
                assert!(engine.spare.len() <= 2 * workers + 1);
                assert!(engine.threads.len() <= workers);
                assert!(engine.open.data.capacity() <= job_bytes);
                for chunks in &engine.sent {
                    assert!(chunks.data.capacity() <= job_bytes);
                }
            }
            engine.flush().unwrap();
            while !engine.is_idle() {
                engine.wait().unwrap();
                out.extend_from_slice(engine.ready());
                engine.consume(engine.ready().len());
            }
            let cuts = vec![page; 200];
            assert!(out == sequential(engine.config(), &input, &cuts));
        }
    }

    /// Jobs are runs of pages of about 256 KiB, up to 16 pages, whatever
    /// the worker count; a flush ends one early, and the blocks come out at
    /// once.
    #[test]
    fn jobs_are_runs_of_pages_ended_early_by_a_flush() {
        assert_eq!(pages_per_job(65_536), 4);
        assert_eq!(pages_per_job(4096), 16);
        assert_eq!(pages_per_job(100_000), 2);
        assert_eq!(pages_per_job(256 * 1024), 1);
        assert_eq!(pages_per_job(4 << 20), 1);
        let page = 65_536;
        let input = data(6 * page, 2);
        let mut engine = ParallelCompressor::new(StreamConfig::default().workers(2));
        for chunk in input.chunks(page).take(3) {
            engine.submit(chunk).unwrap();
        }
        assert_eq!(engine.submitted, 0, "three pages do not fill a job");
        engine.wait().unwrap();
        assert!(engine.ready().is_empty() && !engine.is_idle());
        engine.flush().unwrap();
        assert_eq!(engine.submitted, 1);
        engine.wait().unwrap();
        // The three blocks, in one piece.
        let mut decoder = Decompressor::new(StreamConfig::default()).unwrap();
        let mut blocks = engine.ready();
        let mut decoded = Vec::new();
        while !blocks.is_empty() {
            let block = decoder.get_block(blocks).unwrap().to_vec();
            blocks = &blocks[4 + block.len()..];
            decoded.extend_from_slice(decoder.decompress(&block).unwrap());
        }
        assert!(decoded == input[..3 * page]);
        // A flush with nothing waiting sends nothing.
        engine.consume(engine.ready().len());
        engine.flush().unwrap();
        assert_eq!(engine.submitted, 1);
        assert!(engine.is_idle());
    }

    /// A short stream starts only the threads it needs.
    #[test]
    fn threads_start_as_jobs_need_them() {
        let config = StreamConfig::default().workers(8);
        let mut engine = ParallelCompressor::new(config);
        assert_eq!(engine.threads.len(), 0);
        engine.submit(b"one small chunk").unwrap();
        engine.flush().unwrap();
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
