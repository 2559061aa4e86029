//! The hash-table match finder of liblz4's `LZ4_compress_fast_continue`
//! (`LZ4_compress_generic`): one 4096-entry table of 5-byte hashes, kept
//! across blocks, with the same skip-ahead, so a given acceleration finds the
//! same matches liblz4 finds on the same pages.

use super::bytes::{Bytes, LiteralSource};
use super::sequence::SequenceWriter;
use super::{count, le64, MAX_DISTANCE, MFLIMIT, MIN_LENGTH, MIN_MATCH};

/// log2 of the table size: liblz4's `LZ4_HASHLOG` with the default
/// `LZ4_MEMORY_USAGE` of 14 (16 KiB of `u32`).
const HASH_LOG: u32 = 12;

/// After `1 << SKIP_TRIGGER` failed probes the step grows by one
/// (liblz4's `LZ4_skipTrigger`): incompressible data is skipped quickly.
const SKIP_TRIGGER: u32 = 6;

#[inline(always)]
fn hash(sequence: u64) -> usize {
    // liblz4's LZ4_hash5 on a little-endian 64-bit read: the low 5 bytes.
    ((sequence << 24).wrapping_mul(889_523_592_379) >> (64 - HASH_LOG)) as usize
}

/// `table[h]`, read as at least `base` if `CLAMP` (see `FastTable::compress`).
#[inline(always)]
fn read_candidate<const CLAMP: bool>(table: &[u32; 1 << HASH_LOG], h: usize, base: u32) -> u32 {
    if CLAMP {
        table[h].max(base)
    } else {
        table[h]
    }
}

/// The window index of a table entry; an absolute position older than the
/// window reads as the window's first byte (below every block's lowest
/// position, so `miss` rejects it).
#[inline(always)]
fn candidate_index(candidate: u32, base: u32) -> usize {
    candidate.saturating_sub(base) as usize
}

/// Zero iff the table's `candidate` (at window index `m`) matches the 4 bytes
/// `seq` at position `current`: at or above the block's lowest position
/// `low32` (what lies before belongs to chunks the block may not refer to, or
/// to nothing at all), at most `MAX_DISTANCE` back, and equal.
///
/// All three tests feed one branch, so the processor has one outcome to
/// predict per probe instead of three: as separate branches, the lowest
/// position test alone (taken by roughly a third of the probes, in no
/// pattern) cost a misprediction every few probes.
///
/// `REACH` says which of the first two tests can fail for this block (see
/// `Reach`), so that the probe computes only what it needs.
#[inline(always)]
fn miss<'a, const REACH: u8>(
    src: impl Bytes<'a>,
    m: usize,
    seq: u64,
    candidate: u32,
    current: u32,
    low32: u32,
) -> u32 {
    let lowest = match REACH {
        Reach::NEAR => low32,
        Reach::BEHIND => current - MAX_DISTANCE as u32,
        _ => low32.max(current.saturating_sub(MAX_DISTANCE as u32)),
    };
    // `candidate < lowest` as the sign of their difference: every position
    // stays below 2^31 (the encoder rebases before), so the difference's top
    // bit is set exactly when the candidate is lower. A subtraction and a
    // mask, where a comparison's flag needs a zeroed register to land in.
    (src.read32(m) ^ seq as u32) | (candidate.wrapping_sub(lowest) & 1 << 31)
}

/// Which bound of a candidate a block needs: the block's lowest position,
/// 64 KiB back from the probed position, or the higher of the two.
struct Reach;

impl Reach {
    /// The whole block lies within 64 KiB of its lowest position: the double
    /// buffer with pages up to 32 KiB. Every candidate at or above the lowest
    /// position is within reach.
    const NEAR: u8 = 0;
    /// The lowest position is at least 64 KiB before the block: the ring
    /// buffer once it holds 64 KiB of history. 64 KiB back from any position
    /// of the block is at or above the lowest position.
    const BEHIND: u8 = 1;
    /// Either bound may be the higher (64 KiB pages, a first block after a
    /// dictionary, a ring buffer with less than 64 KiB of history).
    const BOTH: u8 = 2;

    fn of(end: usize, start: usize, low: usize) -> u8 {
        if end - low <= MAX_DISTANCE + 1 {
            Reach::NEAR
        } else if start - low >= MAX_DISTANCE {
            Reach::BEHIND
        } else {
            Reach::BOTH
        }
    }
}

/// The table: the last position seen for each hash, in one of two forms,
/// chosen per stream because each wins where the other loses:
///
/// - window indices (`absolute == false`): the probe loop uses them as they
///   are, but every time the window drops its front the whole table is walked
///   to move them down (clamping those that fell off to 0);
/// - absolute positions (the encoder's `base` plus a window index, as liblz4
///   keeps offsets from its `currentOffset`): dropping the front only moves
///   `base`, the table is walked only on the rare rebase, but every probe pays
///   an addition and a subtraction.
///
/// When little input passes between two walks and the acceleration is high,
/// a page costs few probes and the walk (4096 entries) dominates: there
/// absolute positions win (they were up to twice as fast at fast64 when the
/// double buffer's window was compacted every few 8 KiB pages; it now grows
/// to 64 KiB first). Elsewhere window indices are a few per cent faster. Both give the same output: an
/// entry older than the window reads as the window's first byte either way,
/// which lies below the block's lowest position (the encoder keeps one byte
/// before the history), so it is rejected, as liblz4 rejects such entries.
#[derive(Debug)]
pub(crate) struct FastTable {
    table: Box<[u32; 1 << HASH_LOG]>,
    absolute: bool,
}

impl FastTable {
    /// A table for a window that takes in `input_per_compaction` bytes
    /// between two compactions, compressed with `acceleration`.
    pub(crate) fn new(input_per_compaction: usize, acceleration: u32) -> Self {
        FastTable {
            table: super::table(0),
            // About 256 bytes or less per probe step of the acceleration.
            // First measured with a page between compactions (8 and 64 KiB
            // pages, accelerations 1 to 64); since the double buffer's window
            // grows to 64 KiB or 4 pages, the walk comes rarely enough that
            // window indices win at every acceleration up to 64 with 512 B
            // to 64 KiB pages.
            absolute: input_per_compaction <= 256 * acceleration as usize,
        }
    }

    /// Back to the state of `FastTable::new`, without allocating.
    pub(crate) fn clear(&mut self) {
        self.table.fill(0);
    }

    /// Switches to the given form, for tests of both: `base` is the window's
    /// position (entries of 0, in either form, read as the window's start).
    #[cfg(test)]
    pub(crate) fn set_absolute(&mut self, absolute: bool, base: u32) {
        if absolute != self.absolute {
            for entry in self.table.iter_mut() {
                *entry = if absolute {
                    *entry + base
                } else {
                    entry.saturating_sub(base)
                };
            }
        }
        self.absolute = absolute;
    }

    /// Indexes `src` (a preset dictionary starting at position `base`) at
    /// every position whose 8-byte hash read stays inside it.
    pub(crate) fn index(&mut self, src: &[u8], base: u32) {
        self.index_every::<1>(src, base, 0);
    }

    /// Indexes the history of a parallel job (see `Encoder::restart`):
    /// every fourth position, and every position of its last 4 KiB.
    ///
    /// Indexing is the price a job pays that the single-threaded encoder does
    /// not (its table already holds the previous chunk), and indexing every
    /// position costs about as much as compressing the chunk. Measured on
    /// 2 MiB of each kind of the benches' real-file corpus (Python source,
    /// executables, HTML, JSON, prose), of Rust source, of a shared library
    /// and of the tests' synthetic text and records, with 4, 16 and 64 KiB
    /// pages, at accelerations 1 and 8: every fourth position costs a
    /// quarter of that, and the dense tail, where the next chunk finds most
    /// of its matches, keeps the output within 0.5% of the single-threaded
    /// size even when every page is a job (worst: +0.46%, Python source in
    /// 16 KiB pages; often smaller); a job of several pages indexes only
    /// once, for its first page, so the difference is smaller still.
    /// Every fourth position alone lost up to 1.1% with 4 KiB pages; every
    /// sixth or eighth with the same tail lost up to 1.0% and 1.4%. liblz4's
    /// `LZ4_loadDict` takes every third position.
    pub(crate) fn index_sparse(&mut self, src: &[u8], base: u32) {
        const DENSE_TAIL: usize = 4096;
        let split = src.len().saturating_sub(DENSE_TAIL);
        // Every fourth position before `split` (reading the 8 bytes the
        // hash needs past it), every position from there on.
        self.index_every::<4>(&src[..(split + 7).min(src.len())], base, 0);
        self.index_every::<1>(src, base, split);
    }

    /// Indexes every `STEP`-th position of `src` from `from` whose 8-byte
    /// hash read stays inside `src`; `src[0]` is at position `base`.
    fn index_every<const STEP: usize>(&mut self, src: &[u8], base: u32, from: usize) {
        let base = (if self.absolute { base } else { 0 }).wrapping_add(from as u32);
        let table = &mut *self.table;
        let Some(tail) = src.get(from..) else {
            return;
        };
        // Fixed-size windows: no bounds check per read (this loop is all a
        // parallel job adds to the fast finder's work).
        for (i, window) in tail.windows(8).step_by(STEP).enumerate() {
            let bytes: [u8; 8] = window.try_into().unwrap_or_default();
            table[hash(u64::from_le_bytes(bytes))] = base + (i * STEP) as u32;
        }
    }

    /// The window dropped its first `delta` bytes.
    pub(crate) fn shift(&mut self, delta: usize) {
        if !self.absolute {
            // Window indices move down; those that fell off become 0, the
            // window's first byte.
            self.walk(delta as u32);
        }
    }

    /// Positions are moving down by `delta` (a rebase).
    pub(crate) fn rebase(&mut self, delta: u32) {
        if self.absolute {
            // Those that would fall below 0 become 0, still below the window.
            self.walk(delta);
        }
    }

    fn walk(&mut self, delta: u32) {
        for entry in self.table.iter_mut() {
            *entry = entry.saturating_sub(delta);
        }
    }

    /// Compresses `src[start..]`, which may refer back to `src[low..start]`;
    /// `src[0]` is at position `base`. A masked `src` is read through its
    /// view in the window-index form only (the form its window sizes take).
    pub(crate) fn compress<'a>(
        &mut self,
        src: impl Bytes<'a>,
        base: u32,
        start: usize,
        low: usize,
        acceleration: u32,
        out: &mut [u8],
    ) -> Option<usize> {
        let reach = Reach::of(src.len(), start, low);
        // Absolute positions are read over the window's slice: the encoder
        // gives this finder the ring of `ring.rs` (not one slice) only with
        // window indices (see `Encoder::starting_at`); over any other the
        // window-index loops below would still keep every rule, each
        // candidate's bytes being compared.
        debug_assert!(!self.absolute || src.contiguous().is_some());
        let Some(src) = src.contiguous().filter(|_| self.absolute) else {
            // Window indices: the loop with a constant 0 base is the plain
            // one. Entries older than the window are already 0.
            return self.compress_with::<false, false>(
                reach,
                src,
                0,
                start,
                low,
                acceleration,
                out,
            );
        };
        // A candidate older than the window reads as `base`, naming the
        // window's first byte, which is then checked byte by byte like any
        // candidate: that is what the window-index form holds for it, so both
        // forms give the same output. It only matters when the block may
        // refer to the whole window (`low == 0`: the first block, with no
        // history, where the table's zeros name the block's first byte just
        // as liblz4's zeroed table does); otherwise such candidates are below
        // `low` and rejected anyway. Two copies of the loop keep the clamp
        // out of the common case's probe.
        if low == 0 {
            self.compress_with::<true, true>(reach, src, base, start, low, acceleration, out)
        } else {
            self.compress_with::<true, false>(reach, src, base, start, low, acceleration, out)
        }
    }

    /// [`FastTable::compress_from`] for the block's `Reach`.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn compress_with<'a, const ABS: bool, const CLAMP: bool>(
        &mut self,
        reach: u8,
        src: impl Bytes<'a>,
        base: u32,
        start: usize,
        low: usize,
        acceleration: u32,
        out: &mut [u8],
    ) -> Option<usize> {
        match reach {
            Reach::NEAR => self.compress_from::<ABS, CLAMP, { Reach::NEAR }>(
                src,
                base,
                start,
                low,
                acceleration,
                out,
            ),
            Reach::BEHIND => self.compress_from::<ABS, CLAMP, { Reach::BEHIND }>(
                src,
                base,
                start,
                low,
                acceleration,
                out,
            ),
            _ => self.compress_from::<ABS, CLAMP, { Reach::BOTH }>(
                src,
                base,
                start,
                low,
                acceleration,
                out,
            ),
        }
    }

    /// [`FastTable::compress`], with `ABS` iff positions are absolute (else
    /// `base` is 0), `CLAMP` iff also `low == 0`, and `REACH` the block's
    /// `Reach` (see `miss`). Each copy is a function of its own, so that the
    /// copies do not share one register allocation.
    #[inline(never)]
    fn compress_from<'a, const ABS: bool, const CLAMP: bool, const REACH: u8>(
        &mut self,
        src: impl Bytes<'a>,
        base: u32,
        start: usize,
        low: usize,
        acceleration: u32,
        out: &mut [u8],
    ) -> Option<usize> {
        let end = src.len();
        // A local writer: its fields live in registers, not behind a pointer
        // that every output byte store might alias.
        debug_assert!(
            end - start >= MIN_LENGTH,
            "the encoder stores short chunks itself"
        );
        let mut out = SequenceWriter::new(out, start, low, end);
        let mflimit_plus_one = end - MFLIMIT + 1;
        // The last probe is at `mflimit_plus_one` and reads 8 bytes, up to
        // 3 before `end`.
        let probe_area = src.literals().until(mflimit_plus_one + 8);
        let match_limit = end - super::LAST_LITERALS;
        let base = if ABS { base } else { 0 };
        // Positions: the encoder keeps `base + src.len()` below 2^31.
        let low32 = base + low as u32;
        let table = &mut *self.table;

        let mut anchor = start;
        let mut ip = start;
        table[hash(src.read64(ip))] = base + ip as u32;
        ip += 1;
        // The 8 bytes at the next position to probe: hashed, and their low
        // half compared with the candidate, without reading them twice.
        let mut forward_seq = src.read64(ip);

        'blocks: loop {
            // Find a match, stepping further the longer nothing is found.
            let mut m;
            {
                let mut forward_ip = ip;
                let mut step = 1usize;
                let mut search = (acceleration as usize) << SKIP_TRIGGER;
                loop {
                    let seq = forward_seq;
                    let h = hash(seq);
                    let candidate = read_candidate::<CLAMP>(table, h, base);
                    ip = forward_ip;
                    forward_ip += step;
                    step = search >> SKIP_TRIGGER;
                    search += 1;
                    // The next probe's 8 bytes, read from `probe_area`,
                    // which ends where a probe past `mflimit_plus_one` would
                    // read: one test both ends the search and bounds the
                    // read (a separate end test measured 2 instructions
                    // more per probe, and kept one more value live).
                    let Some(next) = probe_area.at(forward_ip, 8) else {
                        break 'blocks;
                    };
                    forward_seq = le64(next);
                    let current = base + ip as u32;
                    table[h] = current;
                    m = candidate_index(candidate, base);
                    if miss::<REACH>(src, m, seq, candidate, current, low32) == 0 {
                        break;
                    }
                }
            }
            // Extend the match backwards over equal literals.
            let back = super::count_back::<true>(src, ip, m, anchor, low);
            ip -= back;
            m -= back;
            // Every rule holds for the sequences below (see `sequence.rs`):
            // a match starts at or after the anchor (the backward extension
            // stops there) and before `mflimit_plus_one` (each probe's
            // position is below it), `count` stops at `match_limit`, the
            // length is at least `MIN_MATCH`, and `miss` accepted the
            // candidate: at or above the lowest position, within
            // `MAX_DISTANCE`, and below `ip` (the table only ever holds
            // positions already passed). Literals come before the first
            // match only: each later one starts where the one before ended.
            let mut len = MIN_MATCH + count(src, ip + MIN_MATCH, m + MIN_MATCH, match_limit);
            out.sequence_unchecked(src.literals(), ip, ip - m, len);
            loop {
                ip += len;
                anchor = ip;
                // The bytes from `ip - 2`, for the two hashes below. The
                // view's one test is also the end test, as in the search:
                // `probe_area` ends 8 bytes after the last probe, so 11
                // bytes fit exactly when `ip < mflimit_plus_one` (the last
                // is not read).
                let Some(bytes) = probe_area.at(ip - 2, 11) else {
                    break 'blocks;
                };
                table[hash(le64(&bytes[..8]))] = base + (ip - 2) as u32;
                // A match right here continues without literals.
                let seq = le64(&bytes[2..10]);
                let h = hash(seq);
                let current = base + ip as u32;
                let candidate = read_candidate::<CLAMP>(table, h, base);
                table[h] = current;
                m = candidate_index(candidate, base);
                if miss::<REACH>(src, m, seq, candidate, current, low32) != 0 {
                    break;
                }
                len = MIN_MATCH + count(src, ip + MIN_MATCH, m + MIN_MATCH, match_limit);
                out.match_unchecked(src.literals(), ip, ip - m, len);
            }
            ip += 1;
            forward_seq = src.read64(ip);
        }
        out.finish(src.literals())
    }
}
