//! The seam between the stream encoder and whatever turns a full page into a
//! block.
//!
//! The encoder owns the page cutting, the order of the output and the end
//! marker; a block producer only compresses. With one worker (the default)
//! each page is compressed inline, on the caller's thread, when it is
//! submitted; with more, on the worker threads of a `ParallelCompressor`
//! (`block/parallel.rs`), in jobs of several consecutive pages. Both fit the
//! same operations: `can_accept` says `false` under backpressure (the
//! encoder's `push` then takes nothing), `flush` marks a flush point (the
//! pages submitted so far must come out without more input), `ready` hands
//! out finished blocks in stream order while later pages are still in
//! flight, `is_idle` is `false` until every submitted page's block has been
//! handed out, and `wait` blocks until the next blocks are ready — for
//! computation only (at most one job's compression), never for I/O, which
//! stays with the encoder's caller.

use std::ops::Range;

use crate::block::parallel::ParallelCompressor;
use crate::block::Compressor;
use crate::config::StreamConfig;
use crate::error::Error;

/// Turns pages into prefixed blocks for a [`StreamEncoder`](super::StreamEncoder).
pub(crate) enum BlockProducer {
    /// Compresses each page on the caller's thread as it is submitted.
    Inline(Inline),
    /// Compresses pages on worker threads (`StreamConfig::workers` >= 2).
    Parallel(ParallelCompressor),
}

/// The single-threaded producer: one block at a time, kept in the
/// compressor's own output buffer until it is handed out, so compressed bytes
/// are never copied.
pub(crate) struct Inline {
    compressor: Compressor,
    /// The part of `compressor.last_block()` not handed out yet.
    unread: Range<usize>,
}

impl BlockProducer {
    /// The producer the configuration asks for.
    pub(crate) fn for_config(config: StreamConfig) -> BlockProducer {
        if config.resolved_workers() >= 2 {
            return BlockProducer::Parallel(ParallelCompressor::new(config));
        }
        BlockProducer::Inline(Inline {
            compressor: Compressor::with_valid_config(config),
            unread: 0..0,
        })
    }

    pub(crate) fn config(&self) -> &StreamConfig {
        match self {
            BlockProducer::Inline(inline) => inline.compressor.config(),
            BlockProducer::Parallel(parallel) => parallel.config(),
        }
    }

    /// Whether a page can be submitted now. The inline producer holds one
    /// block: it takes the next page once that block has been handed out,
    /// which bounds the memory a stalled writer holds.
    pub(crate) fn can_accept(&self) -> bool {
        match self {
            BlockProducer::Inline(inline) => inline.unread.is_empty(),
            BlockProducer::Parallel(parallel) => parallel.can_accept(),
        }
    }

    /// Compresses (or starts compressing) one page of at most `buffer_size`
    /// bytes. Only called when [`can_accept`](Self::can_accept) says so.
    pub(crate) fn submit(&mut self, page: &[u8]) -> Result<(), Error> {
        match self {
            BlockProducer::Inline(inline) => {
                debug_assert!(inline.unread.is_empty());
                let len = inline.compressor.compress(page)?.len();
                inline.unread = 0..len;
                Ok(())
            }
            BlockProducer::Parallel(parallel) => parallel.submit(page),
        }
    }

    /// A flush point: everything submitted so far is to come out without
    /// waiting for more input. The parallel producer sends the job it is
    /// filling to its workers (a job is a run of pages, ended early here);
    /// the inline one has compressed every page already.
    pub(crate) fn flush(&mut self) -> Result<(), Error> {
        match self {
            BlockProducer::Inline(_) => Ok(()),
            BlockProducer::Parallel(parallel) => parallel.flush(),
        }
    }

    /// Whether [`ready`](Self::ready) shows output.
    #[inline]
    pub(crate) fn has_ready(&self) -> bool {
        match self {
            BlockProducer::Inline(inline) => !inline.unread.is_empty(),
            BlockProducer::Parallel(parallel) => !parallel.ready().is_empty(),
        }
    }

    /// Finished output in stream order, not handed out yet.
    #[inline]
    pub(crate) fn ready(&self) -> &[u8] {
        match self {
            BlockProducer::Inline(inline) => &inline.compressor.last_block()[inline.unread.clone()],
            BlockProducer::Parallel(parallel) => parallel.ready(),
        }
    }

    /// Marks the first `n` bytes of [`ready`](Self::ready) as handed out.
    #[inline]
    pub(crate) fn consume(&mut self, n: usize) {
        match self {
            BlockProducer::Inline(inline) => {
                inline.unread.start += n.min(inline.unread.len());
            }
            BlockProducer::Parallel(parallel) => parallel.consume(n),
        }
    }

    /// Whether every submitted page's block has been handed out.
    #[inline]
    pub(crate) fn is_idle(&self) -> bool {
        match self {
            BlockProducer::Inline(inline) => inline.unread.is_empty(),
            BlockProducer::Parallel(parallel) => parallel.is_idle(),
        }
    }

    /// Blocks until [`ready`](Self::ready) shows output or nothing is in
    /// flight (after a [`flush`](Self::flush): the producer is idle). The
    /// inline producer never has to: its block is ready as soon as the page
    /// is submitted.
    pub(crate) fn wait(&mut self) -> Result<(), Error> {
        match self {
            BlockProducer::Inline(_) => Ok(()),
            BlockProducer::Parallel(parallel) => parallel.wait(),
        }
    }
}
