//! The raw LZ4 block encoder behind [`block::Compressor`](crate::block::Compressor):
//! one sequence writer (`sequence.rs`) shared by four match finders — a hash
//! table with acceleration (`fast.rs`, [`CompressionMode::Default`] and
//! [`CompressionMode::Fast`]), two hash tables without chains (`mid.rs`,
//! high levels 1-2, as in liblz4 1.10), hash chains searched deeper with each
//! level (`hc.rs`, levels 3-9) and an optimal parser (`opt.rs`, levels 10-12)
//! — modelled on liblz4's `LZ4_compress_fast_continue` and
//! `LZ4_compress_HC_continue`.
//!
//! The encoder keeps its own window: the bytes the next block may refer to,
//! followed by the chunk being compressed, in one buffer (`window.rs`), or
//! at levels 1-2 with pages of up to 64 KiB and in the fast modes with the
//! ring buffer and pages under 64 KiB in a ring that never moves its
//! history (`ring.rs`); the finders read either through `bytes.rs`'s
//! `Bytes`, by window index. Finder tables persist across blocks: the
//! previous chunk was indexed while it was compressed and is not hashed
//! again. The hash tables hold window indices (shifted when the window drops
//! its front) or, for the fast finder with small pages and a high
//! acceleration, absolute positions (see `FastTable`); the hash chains hold
//! absolute positions (stream offsets plus a start value, rebased long
//! before they could overflow), because their slots are keyed by position.
//! A per-block lowest position makes the finders reject everything older
//! than the history the [`Strategy`] allows: with the double buffer, the previous chunk (or the
//! dictionary, for the first block), which is all python-lz4's and liblz4's
//! two-page decoders can read; with the ring buffer, the last 64 KiB.
//!
//! The window's buffer (`window.rs`) is initialised past the window's end,
//! so the finders can read it through a fixed-size view whose indices are
//! masked rather than bounds-checked (`bytes.rs`) where the window always
//! fits one (`masked_view`): the hash-chain finders of levels 3-12 with
//! pages of up to 64 KiB, the fast and mid finders wherever their window
//! grows to a power of two before a compaction (most page sizes, both
//! strategies).

mod bytes;
mod fast;
mod hc;
mod mid;
mod opt;
mod ring;
mod sequence;
mod window;

use std::fmt;

use crate::config::{CompressionMode, Strategy};
use crate::limits::{MAX_ACCELERATION, WINDOW_SIZE};

use bytes::{Bytes, LiteralSource, SPAN_128K, SPAN_256K, SPAN_64K, VIEW_128K, VIEW_256K, VIEW_64K};
use fast::FastTable;
use hc::HcTables;
use mid::MidTables;
use opt::{Node, OptParams};
use ring::Ring;
use sequence::SequenceWriter;
use window::Window;

/// Shortest match the LZ4 block format can express.
const MIN_MATCH: usize = 4;
/// The last match must start at least this many bytes before the block end.
const MFLIMIT: usize = 12;
/// The last this many bytes of a block are always literals.
const LAST_LITERALS: usize = 5;
/// A block shorter than this is stored as literals (no match can fit the rules).
const MIN_LENGTH: usize = MFLIMIT + 1;
/// Farthest a match may refer back.
const MAX_DISTANCE: usize = 65_535;

/// Absolute position of the first byte a fresh encoder sees. Starting above
/// 64 KiB makes the zeroed tables point below every block's lowest position.
const START: u32 = 1 << 16;
/// Positions are rebased before the window's end passes this.
const REBASE_AT: u64 = 1 << 31;
/// The ring's window indices (`ring.rs`) are numbered down before they pass
/// this: they then stay far from what the tables' 32 bits hold, and the walk
/// of the mid finder's tables that renumbering takes comes once per 16 MiB
/// of input.
const RENUMBER_AT: usize = 1 << 24;
/// With the double buffer, the window is compacted (history moved to the
/// front) once it would grow past this many pages (of at most 64 KiB): rarely
/// enough that moving the history costs little, often enough that the window
/// stays small and in cache, as liblz4's two pages do.
const COMPACT_PAGES: usize = 4;

/// The match finder and parameters a mode stands for (liblz4's `k_clTable`).
#[derive(Debug, Clone, Copy)]
enum Finder {
    Fast { acceleration: u32 },
    Mid,
    Chain { attempts: u32 },
    Optimal(OptParams),
}

impl Finder {
    fn of(mode: CompressionMode) -> Finder {
        match mode {
            CompressionMode::Default => Finder::Fast { acceleration: 1 },
            CompressionMode::Fast { acceleration } => Finder::Fast {
                acceleration: acceleration.clamp(1, MAX_ACCELERATION),
            },
            CompressionMode::High { level } => match level {
                0..=2 => Finder::Mid,
                3..=9 => Finder::Chain {
                    attempts: 4 << (level - 3),
                },
                10 => Finder::Optimal(OptParams {
                    attempts: 96,
                    sufficient_len: 64,
                    full_update: false,
                }),
                11 => Finder::Optimal(OptParams {
                    attempts: 512,
                    sufficient_len: 128,
                    full_update: false,
                }),
                _ => Finder::Optimal(OptParams {
                    attempts: 16_384,
                    sufficient_len: opt::OPT_NUM,
                    full_update: true,
                }),
            },
        }
    }
}

/// The tables of the chosen match finder.
#[derive(Debug)]
enum Tables {
    Fast(FastTable),
    Mid(MidTables),
    Hc(HcTables, Vec<Node>),
}

/// Turns chunks into raw LZ4 blocks, each referring to the history its
/// [`Strategy`] allows.
pub(crate) struct Encoder {
    finder: Finder,
    tables: Tables,
    strategy: Strategy,
    /// History, then the chunk being compressed (empty when `ring` holds
    /// them).
    window: Window,
    /// The window instead, where `uses_ring` says so.
    ring: Option<Ring>,
    /// Absolute position of `window[0]`.
    base: u32,
    /// `window[h..]` is what the next block may refer to; `None`: nothing.
    history: Option<usize>,
    /// Window length beyond which the history is moved to the front.
    compact_at: usize,
}

impl fmt::Debug for Encoder {
    /// The finder, the strategy and sizes: not the window's bytes or the
    /// match tables (up to a few hundred KiB).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let window_len = self.window_len();
        let history_len = self
            .history
            .map_or(0, |h| (window_len - h).min(WINDOW_SIZE));
        f.debug_struct("Encoder")
            .field("finder", &self.finder)
            .field("strategy", &self.strategy)
            .field("history_len", &history_len)
            .field("window_len", &window_len)
            .finish()
    }
}

/// The window length beyond which the history is moved to the front.
///
/// The ring buffer's history is always 64 KiB, so the window holds 64 KiB of
/// history and one page of room, the room never less than 64 KiB: the history
/// then moves at most once per 64 KiB of input (one byte moved per byte
/// compressed, a few per cent of the time), where a room of one small page
/// would move all 64 KiB for every block. (Levels 1-2 with pages of up to
/// 64 KiB, both strategies, and the fast modes with the ring buffer and
/// pages under 64 KiB use the ring of `ring.rs` instead, never compacted:
/// `uses_ring`.)
///
/// The double buffer's history is one page; but the hash tables (the mid
/// finder's 32 Ki entries, the fast finder's 4 Ki) are walked at every
/// compaction, and the history moved, which every few small pages would cost
/// more than the compression itself with the mid finder (4x slower than liblz4
/// with 512-byte pages) and about a tenth of the time with the fast finder at
/// high accelerations (8 KiB pages), so with them the window grows to 64 KiB
/// first, and with the mid finder to 256 KiB (see below).
fn compact_at(strategy: Strategy, finder: Finder, page_size: usize) -> usize {
    match (strategy, finder) {
        (Strategy::DoubleBuffer, Finder::Fast { .. }) => {
            (COMPACT_PAGES * page_size.min(WINDOW_SIZE)).max(WINDOW_SIZE)
        }
        // The mid finder's two tables (32 Ki entries, 128 KiB) cost more to
        // walk than the fast finder's: at 8 KiB pages a walk every 48 KiB
        // was a tenth of level 2's instructions, so its window grows to
        // 256 KiB whatever the page (one walk per 248 KiB at 8 KiB pages),
        // no more than liblz4's HC state; the fast finder's rule gives
        // that too from 64 KiB pages up. (Pages of up to 64 KiB: the ring,
        // `uses_ring`.)
        (Strategy::DoubleBuffer, Finder::Mid) => SPAN_256K,
        // The hash-chain finders' window stays within the masked view it is
        // read through (see `bytes.rs`); with 64 KiB pages the history then
        // moves at every block, 64 KiB per 64 KiB page, under 1 % of these
        // finders' time.
        (Strategy::DoubleBuffer, Finder::Chain { .. } | Finder::Optimal(_)) => {
            (COMPACT_PAGES * page_size.min(WINDOW_SIZE)).min(SPAN_128K)
        }
        (Strategy::RingBuffer, _) => WINDOW_SIZE + page_size.max(WINDOW_SIZE),
    }
}

/// Whether the window is the ring of `ring.rs`, never compacted: at levels
/// 1-2 with pages of up to 64 KiB, both strategies, and in the fast modes
/// with the ring buffer and pages under 64 KiB (below). At levels 1-2 the
/// linear window's compactions walk the mid finder's two tables (16 Ki
/// entries each) and move the history. With the ring buffer, measured with
/// the ring bench (best of 9, thread CPU time, medians over the five kinds
/// of real files) against liblz4's ring loop: level 2 1.12x-1.16x with the linear window,
/// 1.17x-1.23x with the ring, from 512 B to 64 KiB pages. With the double
/// buffer the ring takes 128 KiB where the linear window grew to 256 KiB,
/// and runs 4-7 % fewer instructions, at the same speed within a few per
/// cent (`profile time`, two processes each: JSON at 8 KiB pages
/// 1.28x-1.31x of liblz4 before, 1.30x-1.32x with the ring; prose at 512 B
/// 1.17x-1.18x and 1.20x; Python at 64 KiB 1.12x-1.15x and 1.11x-1.13x;
/// level 1 on executables at 8 KiB 2.04x-2.06x and 2.00x-2.02x).
///
/// The fast finder (the default and fast modes) takes the ring with the ring
/// buffer and pages under 64 KiB, where its linear window moved 64 KiB of
/// history and walked its table (4 Ki entries) once per 64 KiB of input:
/// 5-8 % fewer instructions on JSON and prose in 512-byte pages (executables
/// 0.5 % more, the ring's reads cost a subtraction per probe) and 0-3 %
/// faster against liblz4's ring loop (three processes each, `profile time
/// compress-ring`: executables at 512 B 1.02x -> 1.04x, prose at 512 B
/// 1.01x -> 1.02x, Python at 1 KiB 1.00x -> 1.03x, HTML at 4 KiB 1.05x ->
/// 1.06x, JSON at 16 KiB 1.04x -> 1.05x, JSON at 512 B unchanged). With
/// 64 KiB pages the linear window moves its history at every block anyway
/// and read faster (prose 1.05x, 1.03x through the ring), and with the
/// double buffer it compacts once per four pages (or 64 KiB) of a window
/// of one page of history. An earlier measurement, before the finder's
/// later changes, found the ring slower (default mode medians 1.04x-1.10x
/// with the linear window, 0.99x-1.05x with the ring). The hash-chain
/// finders (levels 3-12) read the linear window: level 10 measured
/// 1.03x-1.10x there and 1.02x-1.06x through the ring, level 9 the same.
fn uses_ring(strategy: Strategy, finder: Finder, page_size: usize) -> bool {
    match finder {
        Finder::Mid => page_size <= WINDOW_SIZE,
        Finder::Fast { .. } => strategy == Strategy::RingBuffer && page_size < WINDOW_SIZE,
        Finder::Chain { .. } | Finder::Optimal(_) => false,
    }
}

/// The buffer length of the masked view (`bytes.rs`) the window is read
/// through, where the window never passes that view's span; `None`: the
/// window is read through the checked slice.
///
/// - The hash-chain finders with pages of up to 64 KiB: at most 64 KiB of
///   history and a page (`compact_at` caps the double buffer's window at
///   `SPAN_128K`, the ring buffer's is that already, and they keep no byte
///   before the history), so at most `SPAN_128K`.
/// - The fast and mid finders wherever the window grows to a power of two
///   before it is compacted (`compact_at`) and, compacted, holds one byte,
///   the history and a page within that: the view then adds only its 16
///   bytes of padding to what the window takes anyway. With the double
///   buffer: pages of up to 16 KiB (64 KiB), 32 KiB (128 KiB) and 64-192 KiB
///   (256 KiB), and every page up to 192 KiB with the mid finder (256 KiB);
///   with the ring buffer, pages up to 64 KiB (128 KiB). (At levels 1-2 the
///   window of pages up to 64 KiB is the ring, `uses_ring`.) A dictionary of
///   64 KiB before the first pages can take a window past its view for a
///   few blocks, which are then read through the slice: the same output, a
///   little slower.
fn masked_view(strategy: Strategy, finder: Finder, page_size: usize) -> Option<usize> {
    match finder {
        Finder::Chain { .. } | Finder::Optimal(_) if page_size <= WINDOW_SIZE => Some(VIEW_128K),
        Finder::Fast { .. } | Finder::Mid => {
            let span = compact_at(strategy, finder, page_size);
            let history = match strategy {
                Strategy::DoubleBuffer => page_size.min(WINDOW_SIZE),
                Strategy::RingBuffer => WINDOW_SIZE,
            };
            // After a compaction: the byte kept before the history (see
            // `Encoder::compress`; a full 64 KiB history's own first byte,
            // which no match reaches), the history and a page.
            let kept = usize::from(history < WINDOW_SIZE);
            let fits = kept + history + page_size <= span;
            match span {
                SPAN_64K if fits => Some(VIEW_64K),
                SPAN_128K if fits => Some(VIEW_128K),
                SPAN_256K if fits => Some(VIEW_256K),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Evaluates `$call` with `$src` bound to the window read through the first
/// of the masked views `$view` that it has, else through its checked slice:
/// one copy of the finder for each.
macro_rules! through_window {
    ($window:expr, [$($view:expr),+], |$src:ident| $call:expr) => {
        'read: {
            $(
                if let Some($src) = $window.masked::<{ $view }>() {
                    break 'read ($call);
                }
            )+
            let $src = $window.bytes();
            $call
        }
    };
}

impl Encoder {
    /// An encoder for `mode` and pages of `page_size` bytes whose blocks may
    /// refer to what `strategy` allows, starting with `dictionary` (at most its
    /// last 64 KiB are used).
    pub(crate) fn new(
        mode: CompressionMode,
        strategy: Strategy,
        page_size: usize,
        dictionary: &[u8],
    ) -> Self {
        Self::starting_at(mode, strategy, page_size, dictionary, START)
    }

    /// [`Encoder::new`], numbering positions from `start` (tests start near
    /// the rebasing threshold).
    fn starting_at(
        mode: CompressionMode,
        strategy: Strategy,
        page_size: usize,
        dictionary: &[u8],
        start: u32,
    ) -> Self {
        let finder = Finder::of(mode);
        let compact_at = compact_at(strategy, finder, page_size);
        // The fast table's form depends on how much input passes between two
        // compactions (see `FastTable::new`): the window less the one page of
        // history with the double buffer, the room above the 64 KiB of
        // history with the ring buffer; the ring (`uses_ring`) is never
        // compacted, and its window indices are renumbered once per 16 MiB.
        let ring = uses_ring(strategy, finder, page_size).then(Ring::new);
        let input_per_compaction = match (&ring, strategy) {
            (Some(_), _) => usize::MAX,
            (None, Strategy::DoubleBuffer) => compact_at.saturating_sub(page_size).max(page_size),
            (None, Strategy::RingBuffer) => compact_at - WINDOW_SIZE,
        };
        let tables = match finder {
            Finder::Fast { acceleration } => {
                Tables::Fast(FastTable::new(input_per_compaction, acceleration))
            }
            Finder::Mid => Tables::Mid(MidTables::new()),
            Finder::Chain { .. } => Tables::Hc(HcTables::new(start), Vec::new()),
            Finder::Optimal(_) => Tables::Hc(HcTables::new(start), opt::nodes()),
        };
        let mut window = Window::default();
        if let (None, Some(view)) = (&ring, masked_view(strategy, finder, page_size)) {
            // Allocated once, here: the window never outgrows it.
            window.reserve_total(view);
        }
        let mut encoder = Encoder {
            finder,
            tables,
            strategy,
            window,
            ring,
            base: start,
            history: None,
            compact_at,
        };
        encoder.load(dictionary, false);
        encoder
    }

    /// Starts a parallel job afresh: `history` (at most its last 64 KiB
    /// count) becomes all the next block may refer to, and the tables and
    /// window are reused, not allocated again. The job's chunks are then
    /// compressed one after the other as usual. Double buffer only: a
    /// ring-buffer block depends on more than one chunk.
    ///
    /// A job's blocks thus depend only on its own chunks and `history`, never
    /// on which worker compressed what before. For the hash-chain finders
    /// (high levels 3-12) that is exactly the state the single-threaded
    /// encoder is in after compressing `history` as a chunk (they index every
    /// position either way), so their blocks are identical to its; the fast
    /// finder indexes `history` sparsely (`FastTable::index_sparse`), the mid
    /// finder as it indexes a dictionary, so theirs differ slightly.
    pub(crate) fn restart(&mut self, history: &[u8]) {
        debug_assert_eq!(self.strategy, Strategy::DoubleBuffer);
        match &mut self.tables {
            Tables::Fast(table) => table.clear(),
            Tables::Mid(tables) => tables.clear(),
            Tables::Hc(hc, _) => hc.clear(START),
        }
        self.base = START;
        self.window.clear();
        if let Some(ring) = &mut self.ring {
            ring.clear();
        }
        self.load(history, true);
    }

    /// Makes (at most the last 64 KiB of) `dictionary` the history of a
    /// freshly cleared encoder, indexed for the first block; `sparse`: see
    /// `restart`.
    fn load(&mut self, dictionary: &[u8], sparse: bool) {
        let dictionary = &dictionary[dictionary.len().saturating_sub(WINDOW_SIZE)..];
        let window = match &mut self.ring {
            Some(ring) => {
                // A fresh encoder's ring then holds the dictionary alone.
                ring.extend(dictionary);
                dictionary
            }
            None => {
                self.window.extend(dictionary);
                self.window.bytes()
            }
        };
        match &mut self.tables {
            Tables::Fast(table) if sparse => table.index_sparse(window, self.base),
            Tables::Fast(table) => table.index(window, self.base),
            Tables::Mid(tables) => tables.index(window),
            Tables::Hc(hc, _) => {
                if window.len() >= MIN_MATCH {
                    hc.insert(window, self.base, window.len() - (MIN_MATCH - 1));
                }
            }
        }
        self.history = (!window.is_empty()).then_some(0);
    }

    /// Compresses `chunk` into one raw LZ4 block in `out`, which must hold
    /// `compress_bound(chunk.len())` bytes; returns the block length.
    ///
    /// An empty chunk gives the 1-byte empty block. With the double buffer it
    /// drops the history: the next block refers to nothing before it (see
    /// `Compressor::compress`); with the ring buffer the history stays.
    pub(crate) fn compress(&mut self, chunk: &[u8], out: &mut [u8]) -> usize {
        if chunk.is_empty() {
            out[0] = 0;
            if self.strategy == Strategy::DoubleBuffer {
                self.history = None;
            }
            return 1;
        }
        if let Some(mut ring) = self.ring.take() {
            let written = self.compress_in_ring(&mut ring, chunk, out);
            self.ring = Some(ring);
            return written;
        }
        let mut low = self.lowest(self.window.len());
        // With history, one byte before it stays in the window: table entries
        // older than the window, which the shift turns into index 0, then lie
        // below `low` and are rejected, as liblz4 rejects them, while a real
        // entry for the history's first byte is still found. The hash chains
        // hold absolute positions, which no shift moves: they need no such
        // byte, and without it their window fits the masked view (see
        // `masked_view`).
        let keep = match self.tables {
            Tables::Hc(..) => 0,
            _ => usize::from(self.history.is_some()),
        };
        if low > keep
            && (self.history.is_none() || self.window.len() + chunk.len() > self.compact_at)
        {
            // A full 64 KiB of history starts with a byte no match can reach
            // (the farthest is 65 535 bytes back from the block's first
            // byte): that byte can be the one kept before the history. The
            // window then holds 64 KiB exactly after a compaction, so two
            // 32 KiB pages (three of 64 KiB with the double buffer) fit
            // before the next one, where the kept byte made it one (two).
            let unreachable = usize::from(keep == 1 && low + WINDOW_SIZE == self.window.len());
            let drop = low - keep + unreachable;
            self.window.drop_front(drop);
            self.renumber(drop);
            low = keep;
        }
        self.rebase_before(self.window.len() + chunk.len());
        let start = self.window.len();
        let needed = start + chunk.len();
        if needed > self.window.capacity() {
            // Grow as a vector would, but not past the compaction threshold:
            // the window's memory stays what its history and room need.
            let target = (2 * self.window.capacity()).clamp(needed, self.compact_at.max(needed));
            self.window.reserve_total(target);
        }
        self.window.extend(chunk);
        self.keep_history(start);

        let src = self.window.bytes();
        if chunk.len() < MIN_LENGTH {
            // Too short for any match (the last match must end 12 bytes
            // before the block's end): literals only, whatever the finder.
            // The finders rely on this.
            return literal_block(out, src.literals(), start, low, src.len());
        }
        let written = match (&mut self.tables, self.finder) {
            (Tables::Fast(table), Finder::Fast { acceleration }) => {
                through_window!(self.window, [VIEW_256K, VIEW_128K, VIEW_64K], |src| {
                    table.compress(src, self.base, start, low, acceleration, out)
                })
            }
            (Tables::Mid(tables), Finder::Mid) => {
                through_window!(self.window, [VIEW_256K, VIEW_128K, VIEW_64K], |src| {
                    tables.compress(src, start, low, out)
                })
            }
            (Tables::Hc(hc, _), Finder::Chain { attempts }) => {
                through_window!(self.window, [VIEW_128K], |src| {
                    hc.compress_chain(src, self.base, start, low, attempts, out)
                })
            }
            (Tables::Hc(hc, nodes), Finder::Optimal(params)) => {
                through_window!(self.window, [VIEW_128K], |src| {
                    opt::compress_optimal(hc, nodes, src, self.base, start, low, params, out)
                })
            }
            // `new` pairs every finder with its tables.
            _ => None,
        };
        // `None`: a finder proposed an invalid sequence (a bug; the fast
        // finder's sequences are checked in debug builds only, see
        // `sequence.rs`). Store the chunk as literals rather than write a
        // block that would not decode.
        written.unwrap_or_else(|| literal_block(out, src.literals(), start, low, src.len()))
    }

    /// [`Encoder::compress`] of a non-empty chunk where the window is a ring
    /// (`uses_ring`): the chunk goes into `ring` (`ring.rs`, taken
    /// out of `self.ring` meanwhile) over bytes no block can refer to any
    /// more, and the finders read the window through it.
    fn compress_in_ring(&mut self, ring: &mut Ring, chunk: &[u8], out: &mut [u8]) -> usize {
        let mut start = ring.len();
        let mut low = self.lowest(start);
        if start + chunk.len() > RENUMBER_AT {
            // A multiple of the span keeps every byte's place in the ring;
            // below `low`, so that table entries older than the history,
            // which the shift turns into index 0, stay below the lowest
            // position, as in the linear window (see `compress`).
            let delta = (low - 1) & !(SPAN_128K - 1);
            ring.renumber(delta);
            self.renumber(delta);
            start -= delta;
            low -= delta;
        }
        self.rebase_before(start + chunk.len());
        ring.extend(chunk);
        self.keep_history(start);
        let src = ring.view(chunk);
        if chunk.len() < MIN_LENGTH {
            // As in `compress`: literals only.
            return literal_block(out, src.literals(), start, low, src.len());
        }
        let written = match (&mut self.tables, self.finder) {
            (Tables::Mid(tables), _) => tables.compress(src, start, low, out),
            (Tables::Fast(table), Finder::Fast { acceleration }) => {
                table.compress(src, 0, start, low, acceleration, out)
            }
            // `uses_ring` gives the ring to the mid and fast finders only (the
            // others would compile a copy of themselves for it, untested).
            _ => {
                debug_assert!(false, "a ring for the mid and fast finders only");
                None
            }
        };
        // As in `compress`: literals rather than a block that would not decode.
        written.unwrap_or_else(|| literal_block(out, src.literals(), start, low, src.len()))
    }

    /// The lowest window index the block of a chunk appended at `start`
    /// may refer to: the history's start, but only the last 64 KiB of
    /// history are reachable; `start` without history.
    fn lowest(&self, start: usize) -> usize {
        match self.history {
            Some(h) => h.max(start.saturating_sub(WINDOW_SIZE)),
            None => start,
        }
    }

    /// The history once the chunk appended at `start` is compressed.
    fn keep_history(&mut self, start: usize) {
        self.history = match self.strategy {
            // The next block may refer to this chunk only.
            Strategy::DoubleBuffer => Some(start),
            // Everything stays; the 64 KiB limit applies in `lowest`.
            Strategy::RingBuffer => Some(self.history.unwrap_or(start)),
        };
    }

    /// The window's indices moved `delta` down (its first `delta` bytes
    /// dropped, or the ring renumbered): so do the history's start (which
    /// may lie before them, as it is not moved when older than 64 KiB) and
    /// the hash tables' entries; the hash chains hold positions, which stay.
    fn renumber(&mut self, delta: usize) {
        self.base += delta as u32;
        if let Some(h) = &mut self.history {
            *h = h.saturating_sub(delta);
        }
        match &mut self.tables {
            Tables::Fast(table) => table.shift(delta),
            Tables::Mid(tables) => tables.shift(delta),
            Tables::Hc(..) => {}
        }
    }

    /// Moves positions down, far from u32 overflow, before the window's
    /// end passes `REBASE_AT` (a multiple of 64 Ki keeps the hash chain's
    /// slots in place); `end` is the window's length once the next chunk is
    /// in.
    fn rebase_before(&mut self, end: usize) {
        if u64::from(self.base) + end as u64 > REBASE_AT {
            let delta = (self.base - START) & !0xFFFF;
            match &mut self.tables {
                Tables::Fast(table) => table.rebase(delta),
                Tables::Hc(hc, _) => hc.rebase(delta),
                Tables::Mid(_) => {}
            }
            self.base -= delta;
        }
    }

    /// The window's length, wherever it is kept.
    fn window_len(&self) -> usize {
        self.ring.as_ref().map_or(self.window.len(), Ring::len)
    }

    /// Bytes allocated for the window, wherever it is kept.
    #[cfg(test)]
    fn window_capacity(&self) -> usize {
        self.window.capacity() + self.ring.as_ref().map_or(0, Ring::capacity)
    }
}

/// The chunk, window indices `start..end`, as one run of literals: the
/// block for a chunk too short to hold a match.
fn literal_block<'a>(
    out: &mut [u8],
    src: impl LiteralSource<'a>,
    start: usize,
    low: usize,
    end: usize,
) -> usize {
    SequenceWriter::new(out, start, low, end)
        .finish(src)
        .unwrap_or(0)
}

// The readers below index with `i as u32 as usize`: window indices always fit
// 32 bits (the window holds at most 64 KiB of history and one page of at most
// 0x7E000000 bytes), and saying so lets the compiler drop the overflow check
// of `i + N` from every bounds check, leaving one compare per read.

/// A zeroed (or `value`-filled) table on the heap. `Box::new([v; N])` would
/// build it on the stack first in unoptimised builds: up to 128 KiB, too much
/// for a small thread stack.
fn table<T: Copy, const N: usize>(value: T) -> Box<[T; N]> {
    match vec![value; N].into_boxed_slice().try_into() {
        Ok(table) => table,
        Err(_) => unreachable!("a vec of N elements converts to [T; N]"),
    }
}

#[inline(always)]
fn read16(src: &[u8], i: usize) -> u16 {
    let i = i as u32 as usize;
    // The slice has exactly 2 bytes: the fallback is never taken.
    u16::from_le_bytes(src[i..i + 2].try_into().unwrap_or_default())
}

#[inline(always)]
fn read32(src: &[u8], i: usize) -> u32 {
    let i = i as u32 as usize;
    u32::from_le_bytes(src[i..i + 4].try_into().unwrap_or_default())
}

#[inline(always)]
fn read64(src: &[u8], i: usize) -> u64 {
    let i = i as u32 as usize;
    u64::from_le_bytes(src[i..i + 8].try_into().unwrap_or_default())
}

/// How many bytes from `a` (up to `limit`) equal those from `b` (`b < a`).
///
/// Most matches end within 24 bytes: up to three 8-byte comparisons through
/// `src`'s reads (unchecked with a masked view) decide them, as liblz4's
/// `LZ4_count` does with its first, before the general loop and its set-up
/// (a dozen instructions of bounds checks). Three rather than one: the mid
/// finder's matches (whose long candidates already share 8 bytes) took 5-6 %
/// fewer instructions, the fast finder's 1-2.8 %; two gained about four
/// fifths of that. Written out: as a loop over the three, the compiler's
/// code took up to 1.8 % more.
#[inline(always)]
fn count<'a>(src: impl Bytes<'a>, a: usize, b: usize, limit: usize) -> usize {
    if a + 24 <= limit {
        let diff = src.read64(a) ^ src.read64(b);
        if diff != 0 {
            return (diff.trailing_zeros() / 8) as usize;
        }
        let diff = src.read64(a + 8) ^ src.read64(b + 8);
        if diff != 0 {
            return 8 + (diff.trailing_zeros() / 8) as usize;
        }
        let diff = src.read64(a + 16) ^ src.read64(b + 16);
        if diff != 0 {
            return 16 + (diff.trailing_zeros() / 8) as usize;
        }
        return 24 + count_from(src, a + 24, b + 24, limit);
    }
    count_from(src, a, b, limit)
}

/// [`count_long`] through `src`: over the slice where the window is one
/// (as the finders were tuned with: the same count through the view's own
/// method moved the optimal parser's register allocation, 4.6 % more
/// instructions at HC-11), else through the view.
#[inline(always)]
fn count_from<'a>(src: impl Bytes<'a>, a: usize, b: usize, limit: usize) -> usize {
    match src.contiguous() {
        Some(window) => count_long(window, a, b, limit),
        None => src.count_long(a, b, limit),
    }
}

/// [`count`] without its first test, for matches expected to be long: the
/// HC chain search's candidates have already matched at the best length so
/// far, and there the extra branch cost 1 % of the instructions.
#[inline(always)]
fn count_long(src: &[u8], a: usize, b: usize, limit: usize) -> usize {
    let n = limit.saturating_sub(a);
    // Two equal-length slices: the chunk iterators below need no bounds checks.
    let (x, y) = (&src[a..a + n], &src[b..b + n]);
    let mut done = 0;
    for (cx, cy) in x.chunks_exact(8).zip(y.chunks_exact(8)) {
        let diff = le64(cx) ^ le64(cy);
        if diff != 0 {
            return done + (diff.trailing_zeros() / 8) as usize;
        }
        done += 8;
    }
    // The last bytes by index, not a zipped iterator: the zip's set-up was
    // not always inlined (a call per count in the mid finder).
    while done < n && x[done] == y[done] {
        done += 1;
    }
    done
}

/// How many bytes before `a` equal those before `b` (`b < a`), going back
/// to `a_min` and `b_min` at most; `a_min <= a` (the anchor or the search's
/// low end, never past the position), while `b_min` (the lowest position a
/// match may use) may lie past `b`, which then allows nothing.
///
/// Most matches extend back by a few bytes or none: one 8-byte comparison
/// counts them without a branch per byte, whose outcome the processor could
/// not predict. With `BYTE_FIRST` (the fast finder) the first byte is still
/// tested on its own: where matches regularly extend by nothing (records of
/// a fixed layout) that branch is predicted, and the position does not wait
/// for the 8-byte comparison; past the window's first 8 bytes the limit is
/// worked out only when that byte is equal (a quarter of the fast finder's
/// matches on real files), since the limit's own test can only ever stop a
/// run that this one did not (without it, the default mode ran 5 % slower
/// on executables at 64 KiB pages and 1.7 % faster on prose). The chain
/// search goes without it: it counts back from every candidate that passes
/// its filter, whose preceding byte is as often equal as not: a fifth of those tests mispredicted on
/// synthetic text at HC-7, and without it levels 3-9 ran 2-6 % faster
/// against liblz4 on real files (with 0.2-1.9 % fewer instructions and 7 %
/// fewer mispredicted branches, prose at HC-5) and 7-12 % faster on
/// synthetic text (3 % more instructions). Longer runs (a fast mode's
/// late-found matches) go on 8 bytes at a time, and only the window's first
/// 8 bytes byte by byte.
#[inline(always)]
fn count_back<'a, const BYTE_FIRST: bool>(
    src: impl Bytes<'a>,
    a: usize,
    b: usize,
    a_min: usize,
    b_min: usize,
) -> usize {
    let limit = || (a - a_min).min(b.saturating_sub(b_min));
    let mut back = 0;
    if b >= 8 {
        if BYTE_FIRST && src.byte(a - 1) != src.byte(b - 1) {
            return 0;
        }
        let max = limit();
        if BYTE_FIRST && max == 0 {
            return 0;
        }
        let diff = src.read64(a - 8) ^ src.read64(b - 8);
        back = (diff.leading_zeros() / 8) as usize;
        if back < 8 || max <= 8 {
            return back.min(max);
        }
        return count_back_long(src, a, b, max);
    }
    let max = limit();
    while back < max && src.byte(a - back - 1) == src.byte(b - back - 1) {
        back += 1;
    }
    back
}

/// [`count_back`] past 8 equal bytes, 8 at a time, through the same view
/// (a masked one reads without bounds checks: HC-5 and HC-9 1 % fewer
/// instructions than through the slice): out of line, so that the common
/// case's code stays as small as it was.
#[inline(never)]
fn count_back_long<'a>(src: impl Bytes<'a>, a: usize, b: usize, max: usize) -> usize {
    let mut back = 8;
    while b >= back + 8 && back < max {
        let diff = src.read64(a - back - 8) ^ src.read64(b - back - 8);
        if diff != 0 {
            return (back + (diff.leading_zeros() / 8) as usize).min(max);
        }
        back += 8;
    }
    while back < max && src.byte(a - back - 1) == src.byte(b - back - 1) {
        back += 1;
    }
    back.min(max)
}

/// An 8-byte chunk as a little-endian integer.
#[inline(always)]
fn le64(c: &[u8]) -> u64 {
    u64::from_le_bytes(c.try_into().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::Decompressor;
    use crate::config::{SizePrefix, StreamConfig};
    use crate::limits::compress_bound;

    /// Text-like data with repeats near and far.
    fn data(len: usize) -> Vec<u8> {
        let words = [
            &b"stream "[..],
            b"block ",
            b"page ",
            b"history ",
            b"window ",
        ];
        let mut state = 0x9E37_79B9u32;
        let mut out = Vec::new();
        while out.len() < len {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            out.extend_from_slice(words[state as usize % words.len()]);
            if state % 7 == 0 {
                out.extend_from_slice(&state.to_le_bytes());
            }
        }
        out.truncate(len);
        out
    }

    /// `count` agrees with counting byte by byte, for matches ending at
    /// every offset around its three 8-byte comparisons and the general loop
    /// after them, and every limit around those too, read through a slice
    /// and through a masked view.
    #[test]
    fn count_counts_bytes() {
        // Equal runs of every length from 0 to 47 at distance 60, each
        // ended by a byte that differs, 1000 bytes apart.
        let mut src = Vec::new();
        for len in 0..48 {
            src.resize(1000 * (len + 1), 0);
            let start = src.len() - 1000;
            src[start..start + 60].copy_from_slice(&data(260)[200..]);
            src.copy_within(start..start + len, start + 60);
            src[start + 60 + len] = src[start + len] ^ 0x5A;
        }
        let mut buffer = src.clone();
        buffer.resize(bytes::VIEW_128K, 0);
        let masked = bytes::Masked::<{ bytes::VIEW_128K }>::new(&buffer, src.len()).unwrap();
        for len in 0..48 {
            let b = 1000 * len;
            let a = b + 60;
            for limit in a..a + 52 {
                let expected = len.min(limit - a);
                assert_eq!(count(&src[..], a, b, limit), expected, "{len} {limit}");
                assert_eq!(count(masked, a, b, limit), expected, "{len} {limit}");
            }
        }
    }

    /// `count_back` agrees with counting byte by byte, for every limit on
    /// either side or both (a lowest position past `b` too) and runs of
    /// equal bytes shorter and longer than its 8-byte comparison, near the
    /// window's start too.
    #[test]
    fn count_back_counts_bytes() {
        let mut src = data(300);
        src.copy_within(40..80, 100);
        src.copy_within(10..13, 200);
        // The same bytes through a masked view: runs past 8 bytes are
        // counted through the view they came with.
        let mut buffer = src.clone();
        buffer.resize(bytes::VIEW_64K, 0);
        let masked = bytes::Masked::<{ bytes::VIEW_64K }>::new(&buffer, src.len()).unwrap();
        // Both forms (the first byte tested apart or not), through both.
        let count_back = |a, b, a_min, b_min| {
            let through_slice = count_back::<true>(&src[..], a, b, a_min, b_min);
            for counted in [
                count_back::<true>(masked, a, b, a_min, b_min),
                count_back::<false>(&src[..], a, b, a_min, b_min),
                count_back::<false>(masked, a, b, a_min, b_min),
            ] {
                assert_eq!(through_slice, counted, "{a} {b} {a_min} {b_min}");
            }
            through_slice
        };
        for a in 1..src.len() {
            for b in 0..a {
                for max in [0, 1, 3, 7, 8, 9, 20, b] {
                    let max = max.min(b);
                    let mut expected = 0;
                    while expected < max && src[a - expected - 1] == src[b - expected - 1] {
                        expected += 1;
                    }
                    // The limit from either side.
                    assert_eq!(count_back(a, b, a - max, 0), expected, "{a} {b} {max}");
                    assert_eq!(count_back(a, b, 0, b - max), expected, "{a} {b} {max}");
                    // Both at once: the nearer one binds.
                    let other = (max + 5).min(b);
                    assert_eq!(
                        count_back(a, b, a - max, b - other),
                        expected,
                        "{a} {b} {max} {other}"
                    );
                    assert_eq!(
                        count_back(a, b, a - other, b - max),
                        expected,
                        "{a} {b} {other} {max}"
                    );
                }
                // A lowest position past `b` allows nothing.
                assert_eq!(count_back(a, b, 0, b + 1), 0, "{a} {b}");
            }
        }
    }

    /// Positions near the rebasing threshold: the tables move down and the
    /// stream still decodes, with every finder.
    #[test]
    fn positions_are_rebased_before_overflow() {
        let page = 8192;
        let input = data(12 * page);
        for mode in [
            CompressionMode::Default,
            // Absolute positions in the fast table (8 KiB pages, see `FastTable`).
            CompressionMode::Fast { acceleration: 64 },
            CompressionMode::High { level: 2 },
            CompressionMode::High { level: 4 },
            CompressionMode::High { level: 9 },
            CompressionMode::High { level: 10 },
        ] {
            let start = (REBASE_AT as u32) - 5 * page as u32 - 12_345;
            let mut encoder = Encoder::starting_at(mode, Strategy::DoubleBuffer, page, b"", start);
            let config = StreamConfig::default()
                .buffer_size(page)
                .size_prefix(SizePrefix::OutOfBand);
            let mut decoder = Decompressor::new(config).unwrap();
            let mut out = vec![0; compress_bound(page)];
            let mut decoded = Vec::new();
            let mut compressed = 0;
            for chunk in input.chunks(page) {
                let len = encoder.compress(chunk, &mut out);
                compressed += len;
                decoded.extend_from_slice(decoder.decompress(&out[..len]).unwrap());
            }
            assert!(decoded == input, "{mode:?}");
            assert!(encoder.base < start, "{mode:?}: never rebased");
            // Acceleration 64 probes few positions: it finds less, still
            // far more than a table pointing nowhere would.
            let limit = match mode {
                CompressionMode::Fast { .. } => input.len() * 7 / 8,
                _ => input.len() / 2,
            };
            assert!(compressed < limit, "{mode:?}: {compressed} bytes");
        }
    }

    /// Every mode with the ring buffer: a chunk repeating one from 40 KiB
    /// back (beyond the previous chunk, across an empty chunk) becomes a tiny
    /// block, nothing older than 64 KiB is referred to, and the window never
    /// takes more memory than 64 KiB of history and its room.
    #[test]
    fn ring_buffer_reaches_the_last_64k_only() {
        let page = 1024;
        let room = WINDOW_SIZE.max(page);
        let modes = [
            CompressionMode::Default,
            CompressionMode::Fast { acceleration: 300 },
            CompressionMode::High { level: 2 },
            CompressionMode::High { level: 9 },
            CompressionMode::High { level: 12 },
        ];
        for mode in modes {
            let config = StreamConfig::default()
                .buffer_size(page)
                .size_prefix(SizePrefix::OutOfBand);
            // Incompressible pages, so only a repeat can shrink a block.
            let mut state = 0x2545_F491u32;
            let mut pages: Vec<Vec<u8>> = (0..200)
                .map(|_| {
                    (0..page)
                        .map(|_| {
                            state ^= state << 13;
                            state ^= state >> 17;
                            state ^= state << 5;
                            state as u8
                        })
                        .collect()
                })
                .collect();
            pages[100] = pages[60].clone(); // 40 KiB back: reachable
            pages[190] = pages[110].clone(); // 80 KiB back: out of reach
            pages[101] = Vec::new();
            let mut encoder = Encoder::new(mode, Strategy::RingBuffer, page, b"");
            let mut decoder = Decompressor::new(config).unwrap();
            let mut out = vec![0; compress_bound(page)];
            for (i, chunk) in pages.iter().enumerate() {
                let len = encoder.compress(chunk, &mut out);
                assert!(
                    decoder.decompress(&out[..len]).unwrap() == &chunk[..],
                    "{mode:?}"
                );
                match i {
                    100 => assert!(len < 40, "{mode:?}: {len}-byte repeat"),
                    190 => assert!(len > page, "{mode:?}: a match beyond 64 KiB"),
                    _ => {}
                }
                // (Plus the ring's padding.)
                assert!(encoder.window_capacity() <= WINDOW_SIZE + room + bytes::MASKED_PAD);
            }
        }
    }

    /// The window's memory: 64 KiB of history and one page of room (at least
    /// 64 KiB) with the ring buffer, whatever the page size, mode, dictionary
    /// and chunk sizes; the double buffer's stays within its four pages (or
    /// 64 KiB and one page: the dictionary before the first compaction, the
    /// mid finder's room). Levels 3-12 take the masked view's buffer
    /// (128 KiB and 16 bytes) for pages up to 64 KiB; the fast finder takes
    /// a view where its window grows to a power of two anyway, which adds
    /// the view's 16 bytes of padding: 64 KiB with the double buffer and
    /// pages up to 16 KiB, 256 KiB with pages of 64 KiB to 191 KiB, 128 KiB
    /// with the ring buffer and pages under 64 KiB (the ring, which level 2
    /// takes with pages up to 64 KiB and both strategies: 128 KiB and 16
    /// bytes).
    #[test]
    fn window_memory_is_bounded() {
        let input = data(900_000);
        let dictionary = data(70_000);
        let modes = [
            CompressionMode::Default,
            CompressionMode::High { level: 2 },
            CompressionMode::High { level: 5 },
        ];
        for (page, mode) in [1, 700, 4096, 65_536, 100_000, 300_000]
            .into_iter()
            .flat_map(|page| modes.map(|mode| (page, mode)))
        {
            for strategy in [Strategy::RingBuffer, Strategy::DoubleBuffer] {
                for dict in [&b""[..], &dictionary[..]] {
                    let mut encoder = Encoder::new(mode, strategy, page, dict);
                    let mut out = vec![0; compress_bound(page)];
                    // (Plus the one byte kept before the history.)
                    // The fast and mid finders (default mode, level 2) take
                    // the same windows and views but for the mid finder's
                    // double buffer.
                    let hashed = matches!(
                        mode,
                        CompressionMode::Default | CompressionMode::High { level: 2 }
                    );
                    let limit = match (strategy, mode) {
                        (_, CompressionMode::High { level: 5 }) if page <= WINDOW_SIZE => VIEW_128K,
                        // Level 2's ring, both strategies.
                        (_, CompressionMode::High { level: 2 }) if page <= WINDOW_SIZE => VIEW_128K,
                        // The mid finder's window grows to 256 KiB first.
                        (Strategy::DoubleBuffer, CompressionMode::High { level: 2 })
                            if page <= SPAN_256K - WINDOW_SIZE =>
                        {
                            VIEW_256K
                        }
                        (Strategy::DoubleBuffer, _)
                            if hashed
                                && (WINDOW_SIZE..=SPAN_256K - WINDOW_SIZE).contains(&page) =>
                        {
                            VIEW_256K
                        }
                        // (With a dictionary the window passes the view
                        // for a few blocks, within its usual bound.)
                        (Strategy::DoubleBuffer, _) if hashed && page <= 16_384 => {
                            VIEW_64K.max(1 + WINDOW_SIZE + page)
                        }
                        // The ring, pages up to 64 KiB.
                        (Strategy::RingBuffer, _) if page <= WINDOW_SIZE => VIEW_128K,
                        (Strategy::RingBuffer, _) => 1 + WINDOW_SIZE + page,
                        // The hashed finders' tables are walked at every
                        // compaction: their window grows to 64 KiB (the
                        // mid finder's to 256 KiB) first.
                        (Strategy::DoubleBuffer, _) => {
                            1 + (COMPACT_PAGES * page.min(WINDOW_SIZE)).max(WINDOW_SIZE + page)
                        }
                    };
                    let mut rest = &input[..];
                    let mut i = 0;
                    while !rest.is_empty() {
                        // Full pages, odd pieces and tiny ones.
                        let n = [page, page / 3 + 1, 1][i % 3].min(rest.len());
                        encoder.compress(&rest[..n], &mut out);
                        rest = &rest[n..];
                        i += 1;
                        assert!(
                            encoder.window_capacity() <= limit,
                            "{strategy:?}, page {page}: {} bytes",
                            encoder.window_capacity()
                        );
                    }
                }
            }
        }
    }

    /// A compaction moves the history once per `compact_at - 64 KiB` of
    /// input: with a full 64 KiB of history the byte kept before it is the
    /// one no match can reach, so the window holds exactly 64 KiB after a
    /// compaction. In the ring (levels 1-2 with the ring buffer and pages up
    /// to 64 KiB) the history never moves.
    #[test]
    fn compactions_move_the_history_once_per_room() {
        let input = data(1 << 21);
        for (page, level) in [(32_768, 2), (16_384, 1), (512, 2), (65_536, 2)] {
            let mode = CompressionMode::High { level };
            let mut encoder = Encoder::new(mode, Strategy::RingBuffer, page, b"");
            let mut out = vec![0; compress_bound(page)];
            for chunk in input.chunks(page) {
                encoder.compress(chunk, &mut out);
                assert_eq!(encoder.base, START, "page {page}: the history moved");
            }
        }
        for (strategy, page, mode) in [
            (Strategy::RingBuffer, 32_768, CompressionMode::Default),
            (
                Strategy::RingBuffer,
                512,
                CompressionMode::High { level: 9 },
            ),
            (Strategy::RingBuffer, 100_000, CompressionMode::Default),
            (Strategy::DoubleBuffer, 65_536, CompressionMode::Default),
            (
                Strategy::DoubleBuffer,
                8192,
                CompressionMode::High { level: 2 },
            ),
        ] {
            let mut encoder = Encoder::new(mode, strategy, page, b"");
            let mut out = vec![0; compress_bound(page)];
            // Each compaction moves `base` up by what it drops.
            let mut compactions = 0;
            for chunk in input.chunks(page) {
                let base = encoder.base;
                encoder.compress(chunk, &mut out);
                compactions += usize::from(encoder.base != base);
            }
            let room = encoder.compact_at - WINDOW_SIZE;
            let most = (input.len() - encoder.compact_at).div_ceil(room);
            assert!(
                compactions <= most,
                "{strategy:?}, page {page}: {compactions} compactions, at most {most}"
            );
        }
    }

    /// The ring's window indices renumbered (past `RENUMBER_AT`) and its
    /// positions rebased (past `REBASE_AT`) change no block: levels 1 and 2
    /// and the fast modes (the ring's, with the ring buffer), pages of 8 KiB
    /// and 512 B, chunks of uneven sizes, an empty one.
    #[test]
    fn ring_renumbering_and_rebasing_change_nothing() {
        let input = data(700_000);
        let modes = [
            CompressionMode::High { level: 1 },
            CompressionMode::High { level: 2 },
            CompressionMode::Default,
            CompressionMode::Fast { acceleration: 8 },
        ];
        for (mode, page) in modes
            .into_iter()
            .flat_map(|mode| [8192, 512].map(|page| (mode, page)))
        {
            let mut plain = Encoder::new(mode, Strategy::RingBuffer, page, b"");
            let start = (REBASE_AT as u32) - 300_000;
            let mut moved = Encoder::starting_at(mode, Strategy::RingBuffer, page, b"", start);
            let ring = moved
                .ring
                .as_mut()
                .expect("a ring at these modes and pages");
            ring.start_at(RENUMBER_AT - 200_000);
            let mut out = [vec![0; compress_bound(page)], vec![0; compress_bound(page)]];
            let (mut renumbered, mut rebased) = (false, false);
            let mut rest = &input[..];
            for i in 0.. {
                let n = [page, page / 3 + 1, 0, 1, page / 2 + 7][i % 5].min(rest.len());
                let (before_base, before_len) = (moved.base, moved.window_len());
                let a = plain.compress(&rest[..n], &mut out[0]);
                let b = moved.compress(&rest[..n], &mut out[1]);
                assert!(out[0][..a] == out[1][..b], "{mode:?}, chunk {i}");
                renumbered |= moved.window_len() < before_len;
                rebased |= moved.base < before_base;
                rest = &rest[n..];
                if rest.is_empty() {
                    break;
                }
            }
            assert!(renumbered && rebased, "{mode:?}: {renumbered} {rebased}");
        }
    }

    /// The fast table's two forms (window indices, absolute positions) give
    /// the same blocks, across compactions, a rebase, a dictionary and an
    /// empty chunk that drops the history.
    #[test]
    fn fast_table_forms_agree() {
        let input = data(40 * 4096);
        let dictionary = data(70_000);
        for (page, acceleration) in [(4096, 1), (4096, 64), (1000, 8), (65_536, 2)] {
            for dict in [&b""[..], &dictionary[..]] {
                let start = (REBASE_AT as u32) - (input.len() / 2) as u32 - 777;
                let mode = CompressionMode::Fast { acceleration };
                let mut forms = [true, false].map(|absolute| {
                    let mut encoder =
                        Encoder::starting_at(mode, Strategy::DoubleBuffer, page, dict, start);
                    match &mut encoder.tables {
                        Tables::Fast(table) => table.set_absolute(absolute, start),
                        _ => unreachable!("a fast mode has a fast table"),
                    }
                    encoder
                });
                let mut out = [vec![0; compress_bound(page)], vec![0; compress_bound(page)]];
                for (i, chunk) in input.chunks(page).enumerate() {
                    let chunk = if i == 7 { &chunk[..0] } else { chunk };
                    let a = forms[0].compress(chunk, &mut out[0]);
                    let b = forms[1].compress(chunk, &mut out[1]);
                    assert!(
                        out[0][..a] == out[1][..b],
                        "page {page}, acceleration {acceleration}, block {i}"
                    );
                }
                assert!(forms[0].base < start, "never rebased");
            }
        }
    }
}
