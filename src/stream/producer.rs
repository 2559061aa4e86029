//! The seam between the stream encoder and whatever turns a full page into a
//! block.
//!
//! The encoder owns the page cutting, the order of the output and the end
//! marker; a block producer only compresses. Today's producer compresses each
//! page inline, on the caller's thread, when it is submitted. A producer that
//! compresses on other threads fits the same four operations: `can_accept`
//! says `false` under backpressure (the encoder's `push` then takes nothing),
//! `ready` hands out finished blocks in stream order while later pages are
//! still in flight, and `is_idle` is `false` until every submitted page's
//! block has been handed out.

use std::ops::Range;

use crate::block::Compressor;
use crate::config::StreamConfig;
use crate::error::Error;

/// Turns pages into prefixed blocks for a [`StreamEncoder`](super::StreamEncoder).
pub(crate) enum BlockProducer {
    /// Compresses each page on the caller's thread as it is submitted.
    Inline(Inline),
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
        BlockProducer::Inline(Inline {
            compressor: Compressor::with_valid_config(config),
            unread: 0..0,
        })
    }

    pub(crate) fn config(&self) -> &StreamConfig {
        match self {
            BlockProducer::Inline(inline) => inline.compressor.config(),
        }
    }

    /// Whether a page can be submitted now. The inline producer holds one
    /// block: it takes the next page once that block has been handed out,
    /// which bounds the memory a stalled writer holds.
    pub(crate) fn can_accept(&self) -> bool {
        match self {
            BlockProducer::Inline(inline) => inline.unread.is_empty(),
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
        }
    }

    /// Finished output in stream order, not handed out yet.
    pub(crate) fn ready(&self) -> &[u8] {
        match self {
            BlockProducer::Inline(inline) => &inline.compressor.last_block()[inline.unread.clone()],
        }
    }

    /// Marks the first `n` bytes of [`ready`](Self::ready) as handed out.
    pub(crate) fn consume(&mut self, n: usize) {
        match self {
            BlockProducer::Inline(inline) => {
                inline.unread.start += n.min(inline.unread.len());
            }
        }
    }

    /// Whether every submitted page's block has been handed out.
    pub(crate) fn is_idle(&self) -> bool {
        match self {
            BlockProducer::Inline(inline) => inline.unread.is_empty(),
        }
    }
}
