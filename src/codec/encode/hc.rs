//! The hash-chain match finder of liblz4's HC levels (`lz4hc.c`): a 32 Ki-entry
//! head table of 4-byte hashes and a 64 Ki-entry chain of 16-bit distances to
//! the previous position with the same hash, kept across blocks. The chain
//! parser (levels 1-9, `LZ4HC_compress_hashChain`) lives here; the optimal
//! parser (levels 10-12) in `opt.rs` searches through the same tables.

use super::bytes::Bytes;
use super::sequence::SequenceWriter;
use super::{count_back, count_from, MAX_DISTANCE, MFLIMIT, MIN_LENGTH, MIN_MATCH};

const HASH_LOG: u32 = 15;
const CHAIN_SIZE: usize = 1 << 16;
const CHAIN_MASK: u32 = CHAIN_SIZE as u32 - 1;

/// Matches up to this length are shortened in favour of an overlapping next
/// match when that is cheaper (liblz4's `OPTIMAL_ML`: the longest match whose
/// length fits the token alone).
const OPTIMAL_ML: usize = 15 - 1 + MIN_MATCH;

#[inline(always)]
fn hash(sequence: u32) -> usize {
    (sequence.wrapping_mul(2_654_435_761) >> (32 - HASH_LOG)) as usize
}

/// A match found by [`HcTables::wider_match`]: `len` bytes starting `back`
/// bytes before the searched position, copying from `off` bytes back.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Match {
    pub(crate) len: usize,
    pub(crate) off: usize,
    pub(crate) back: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Repeat {
    Untested,
    Not,
    Confirmed,
}

/// Head and chain tables, in absolute positions (see `Encoder`).
#[derive(Debug)]
pub(crate) struct HcTables {
    // Fixed-size arrays: indices masked to their size need no bounds checks.
    head: Box<[u32; 1 << HASH_LOG]>,
    chain: Box<[u16; CHAIN_SIZE]>,
    /// The first position not inserted yet.
    next: u32,
}

impl HcTables {
    pub(crate) fn new(base: u32) -> Self {
        HcTables {
            head: super::table(0),
            // A distance of 0xFFFF leads out of the window at once.
            chain: super::table(0xFFFF),
            next: base,
        }
    }

    /// Back to the state of `HcTables::new(base)`, without allocating.
    pub(crate) fn clear(&mut self, base: u32) {
        self.head.fill(0);
        self.chain.fill(0xFFFF);
        self.next = base;
    }

    /// Moves every position `delta` (a multiple of 64 Ki, so the chain's
    /// slots stay put) down.
    pub(crate) fn rebase(&mut self, delta: u32) {
        debug_assert_eq!(delta & CHAIN_MASK, 0);
        for entry in self.head.iter_mut() {
            *entry = entry.saturating_sub(delta);
        }
        self.next = self.next.saturating_sub(delta);
    }

    /// Starts a block whose lowest referable position is `low_abs`: positions
    /// before it were never inserted or belong to history the block may not
    /// use, so insertion resumes no earlier than there.
    pub(crate) fn begin(&mut self, low_abs: u32) {
        self.next = self.next.max(low_abs);
    }

    /// Inserts every position before `target` (a window index) not inserted
    /// yet, reading each position's 4 bytes through `src` (a masked view
    /// reads them without bounds checks). The optimal parser once walked the
    /// bytes as a shrinking slice instead (fewer instructions on real files
    /// before the masked views); through the view it takes 0.7-1.1 % more
    /// instructions on real files (JSON at HC-10, prose at HC-11) and 15 %
    /// fewer on incompressible data, where levels 10-12 then ran 1.02x-1.04x
    /// a build from before the real-file corpus instead of 0.94x-0.97x.
    #[inline]
    pub(crate) fn insert<'a>(&mut self, src: impl Bytes<'a>, base: u32, target: usize) {
        let target = base + target as u32;
        let mut idx = self.next;
        while idx < target {
            // The head of the hash's chain becomes `idx`, linked to the
            // previous head by their distance. Distances past the window
            // saturate to 0xFFFF. Without a branch: whether a hash was seen
            // recently is unpredictable. (`delta` < 2^31: positions are
            // rebased before 2^31.) `delta.min(..)` is 3 instructions fewer,
            // but compiles to a branch: 0.88x-0.92x of liblz4 on executables
            // at HC-3 with 8 KiB pages, against 1.08x-1.10x.
            let h = hash(src.read32((idx - base) as usize));
            let delta = idx - self.head[h];
            let saturate = ((MAX_DISTANCE as u32).wrapping_sub(delta) as i32 >> 31) as u32;
            self.chain[(idx & CHAIN_MASK) as usize] = (delta | saturate) as u16;
            self.head[h] = idx;
            idx += 1;
        }
        self.next = target.max(self.next);
    }

    #[inline(always)]
    fn next_in_chain(&self, pos: u32) -> u32 {
        u32::from(self.chain[(pos & CHAIN_MASK) as usize])
    }

    /// liblz4's `LZ4HC_InsertAndGetWiderMatch`: the longest match for `ip`
    /// longer than `longest`, which may start up to `ip - i_low` bytes before
    /// `ip` and must end by `i_high`. Searches at most `attempts` candidates.
    ///
    /// `PATTERN` enables the shortcut through long runs of one byte value
    /// (levels 9 and up), `SWAP` the jump to the chain of whichever position
    /// of the best match reaches furthest back (the optimal parser's levels);
    /// as constants, code for a disabled one is not even compiled in.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    pub(crate) fn wider_match<'a, const PATTERN: bool, const SWAP: bool>(
        &mut self,
        src: impl Bytes<'a>,
        base: u32,
        low: usize,
        ip: usize,
        i_low: usize,
        i_high: usize,
        mut longest: usize,
        attempts: u32,
    ) -> Match {
        let ip_abs = base + ip as u32;
        let low_abs = base + low as u32;
        let lowest = low_abs.max(ip_abs.saturating_sub(MAX_DISTANCE as u32));
        let look_back = ip - i_low;
        let mut attempts = attempts;
        let mut chain_pos = 0u32;
        let pattern = src.read32(ip);
        let mut repeat = Repeat::Untested;
        let mut src_pattern_len = 0usize;
        let mut found = Match::default();

        self.insert(src, base, ip);
        let mut match_abs = self.head[hash(pattern)];
        // The byte pair that would make a match longer than `longest`, on
        // our side. With the long searches of levels 9 and up it is read
        // again only when `longest` changes, not once per candidate (HC-9
        // and HC-12 4-7 % fewer instructions); the short searches of levels
        // 3-8 read it per candidate, since one more live value there pushed
        // the insertion loop's table pointers to the stack (HC-3 3 % more).
        let mut wanted = if PATTERN {
            wanted_pair(src, i_low + longest - 1)
        } else {
            0
        };

        // The candidate's probe index less `match_abs` (see below), for the
        // current `longest`. Window indices and positions stay below 2^31,
        // so it is exact in an `i64` on every target.
        let probe_offset = |longest: usize| longest as i64 - 1 - look_back as i64 - i64::from(base);
        let mut probe_from = probe_offset(longest);
        // No match here can be longer than from `i_low` to `i_high`: when
        // the optimal parser already has one that long (near a block's end,
        // at a good share of the positions with the ring buffer's small
        // pages), no candidate can beat it, and liblz4 walks the chain all
        // the same. The same output without the walk: JSON in the ring's
        // 512-byte pages at HC-10 16 % fewer instructions, 0.99x -> 1.16x
        // of liblz4. Testing again whenever the best match grows saved
        // little more there and cost HC-12 2 % elsewhere; the chain parser
        // (levels 3-9) goes without either (prose at HC-5 with 64 KiB pages
        // 9 % more instructions with them).
        if SWAP && longest >= i_high - i_low {
            return found;
        }

        let in_reach = |match_abs: u32| {
            if SWAP {
                match_abs >= lowest
            } else {
                match_abs as i32 >= lowest as i32
            }
        };
        while in_reach(match_abs) && attempts > 0 {
            attempts -= 1;
            let mut match_len = 0;
            // Cheap filter first: the byte pair that would make the match
            // longer than the best so far must be equal. Its index is
            // `m + longest - 1 - look_back`; if that is negative it would lie
            // before the window, and the candidate is passed over. With
            // the long searches it is one addition to `match_abs`, the
            // offset kept with `longest` (HC-9 HTML 6 % fewer instructions,
            // HC-12 2 %); the short searches compute it (one more live value
            // there cost HC-3 4.5 %, as `wanted` does).
            let probe = if PATTERN {
                usize::try_from(i64::from(match_abs) + probe_from).ok()
            } else {
                ((match_abs - base) as usize + longest - 1).checked_sub(look_back)
            };
            if let Some(probe) = probe {
                let m = (match_abs - base) as usize;
                let ours = if PATTERN {
                    wanted
                } else {
                    u32::from(src.read16(i_low + longest - 1))
                };
                if ours == u32::from(src.read16(probe)) && src.read32(m) == pattern {
                    let back = if look_back > 0 {
                        count_back::<false>(src, ip, m, i_low, low)
                    } else {
                        0
                    };
                    match_len =
                        MIN_MATCH + count_from(src, ip + MIN_MATCH, m + MIN_MATCH, i_high) + back;
                    if match_len > longest {
                        longest = match_len;
                        probe_from = probe_offset(longest);
                        if PATTERN {
                            wanted = wanted_pair(src, i_low + longest - 1);
                        }
                        found = Match {
                            len: longest,
                            off: (ip_abs - match_abs) as usize,
                            back,
                        };
                    }
                }
            }

            if SWAP && match_len == longest && match_len > 0 {
                // A better match: follow whichever of its positions has the
                // chain that reaches furthest back.
                if match_abs + longest as u32 <= ip_abs {
                    const TRIGGER: u32 = 4;
                    let mut distance = 1u32;
                    let end = longest - MIN_MATCH + 1;
                    let mut accel = 1u32 << TRIGGER;
                    let mut pos = 0usize;
                    // The positions whose chain steps no further than the
                    // best so far are passed over in a loop of their own,
                    // which a better one leaves: as one loop, the compiler
                    // made the update conditional moves, which put the
                    // comparison on the path from one chain read to the
                    // next (`pos` waited on `accel`, `accel` on the read),
                    // and HC-12 ran at 0.92x-0.95x of liblz4 on JSON in
                    // 512-byte ring pages with 19 % fewer instructions.
                    'scan: loop {
                        let candidate = loop {
                            if pos >= end {
                                break 'scan;
                            }
                            let candidate = self.next_in_chain(match_abs + pos as u32);
                            if candidate > distance {
                                break candidate;
                            }
                            pos += (accel >> TRIGGER) as usize;
                            accel += 1;
                        };
                        let step = (accel >> TRIGGER) as usize;
                        distance = candidate;
                        chain_pos = pos as u32;
                        accel = 1 << TRIGGER;
                        pos += step;
                    }
                    if distance > 1 {
                        if distance > match_abs {
                            break;
                        }
                        match_abs -= distance;
                        continue;
                    }
                }
            }

            let next = self.next_in_chain(match_abs);
            if PATTERN && next == 1 && chain_pos == 0 {
                let candidate = match_abs - 1;
                if repeat == Repeat::Untested {
                    // Only single-byte runs: `(p & 0xFFFF) == p >> 16` and
                    // `p & 0xFF == p >> 24` leave no other pattern.
                    if (pattern & 0xFFFF) == (pattern >> 16) && (pattern & 0xFF) == (pattern >> 24)
                    {
                        repeat = Repeat::Confirmed;
                        src_pattern_len = count_pattern(src, ip + 4, i_high, pattern) + 4;
                    } else {
                        repeat = Repeat::Not;
                    }
                }
                if repeat == Repeat::Confirmed && candidate >= lowest {
                    let cm = (candidate - base) as usize;
                    if src.read32(cm) == pattern {
                        let forward = count_pattern(src, cm + 4, i_high, pattern) + 4;
                        let mut back_len = reverse_count_pattern(src, cm, low, pattern);
                        back_len = (candidate - (candidate - back_len as u32).max(lowest)) as usize;
                        let segment = back_len + forward;
                        if segment >= src_pattern_len && forward <= src_pattern_len {
                            // The run here holds the whole source run: try the
                            // position where it ends where ours does.
                            match_abs = candidate + forward as u32 - src_pattern_len as u32;
                        } else {
                            match_abs = candidate - back_len as u32;
                            if look_back == 0 {
                                let max_len = segment.min(src_pattern_len);
                                if longest < max_len {
                                    if ip_abs - match_abs > MAX_DISTANCE as u32 {
                                        break;
                                    }
                                    longest = max_len;
                                    probe_from = probe_offset(longest);
                                    wanted = wanted_pair(src, i_low + longest - 1);
                                    found = Match {
                                        len: longest,
                                        off: (ip_abs - match_abs) as usize,
                                        back: 0,
                                    };
                                }
                                let to_next = self.next_in_chain(match_abs);
                                if to_next > match_abs {
                                    break;
                                }
                                match_abs -= to_next;
                            }
                        }
                        continue;
                    }
                }
            }

            let step = self.next_in_chain(match_abs + chain_pos);
            if SWAP {
                if step > match_abs {
                    break;
                }
                match_abs -= step;
            } else {
                // A step past position 0 wraps `match_abs` to a negative
                // `i32` (positions stay below 2^31, steps below 2^16), which
                // the loop's test then ends: one comparison for both (levels
                // 3-9 0.4-2.2 % fewer instructions; the optimal parser's
                // search, whose loop has more exits, 1.6 % more).
                match_abs = match_abs.wrapping_sub(step);
            }
        }
        found
    }

    /// liblz4's `LZ4HC_compress_hashChain`: greedy with up to two matches of
    /// lookahead, each searched with `attempts` candidates.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn compress_chain<'a>(
        &mut self,
        src: impl Bytes<'a>,
        base: u32,
        start: usize,
        low: usize,
        attempts: u32,
        out: &mut [u8],
    ) -> Option<usize> {
        debug_assert!(
            src.len() - start >= MIN_LENGTH,
            "the encoder stores short chunks itself"
        );
        self.begin(base + low as u32);
        if attempts > 128 {
            self.chain_parse::<true>(src, base, start, low, attempts, out)
        } else {
            self.chain_parse::<false>(src, base, start, low, attempts, out)
        }
    }

    /// The parse itself, with the run shortcut (`PATTERN`) fixed at compile
    /// time.
    #[allow(clippy::too_many_arguments)]
    fn chain_parse<'a, const PATTERN: bool>(
        &mut self,
        src: impl Bytes<'a>,
        base: u32,
        start: usize,
        low: usize,
        attempts: u32,
        out: &mut [u8],
    ) -> Option<usize> {
        let end = src.len();
        let mut out = SequenceWriter::new(out, start, low, end);
        let mflimit = end - MFLIMIT;
        let match_limit = end - super::LAST_LITERALS;
        let none = Match::default();
        let find = |tables: &mut Self, ip: usize, i_low: usize, longest: usize| {
            tables.wider_match::<PATTERN, false>(
                src,
                base,
                low,
                ip,
                i_low,
                match_limit,
                longest,
                attempts,
            )
        };

        let mut ip = start;
        'main: while ip <= mflimit {
            let mut m1 = find(self, ip, ip, MIN_MATCH - 1);
            if m1.len < MIN_MATCH {
                ip += 1;
                continue;
            }
            // Kept in case the lookahead skips too far.
            let mut start0 = ip;
            let mut m0 = m1;
            let mut start2;
            let mut m2;
            'search2: loop {
                if ip + m1.len <= mflimit {
                    start2 = ip + m1.len - 2;
                    m2 = find(self, start2, ip, m1.len);
                    start2 -= m2.back;
                } else {
                    start2 = ip;
                    m2 = none;
                }
                if m2.len <= m1.len {
                    out.sequence(src.literals(), ip, m1.off, m1.len);
                    ip += m1.len;
                    continue 'main;
                }
                if start0 < ip && start2 < ip + m0.len {
                    ip = start0;
                    m1 = m0;
                }
                if start2 - ip < 3 {
                    // The first match is too short to keep.
                    ip = start2;
                    m1 = m2;
                    continue 'search2;
                }
                'search3: loop {
                    if start2 - ip < OPTIMAL_ML {
                        let mut new_len = m1.len.min(OPTIMAL_ML);
                        if ip + new_len > start2 + m2.len - MIN_MATCH {
                            new_len = start2 - ip + m2.len - MIN_MATCH;
                        }
                        if new_len > start2 - ip {
                            let correction = new_len - (start2 - ip);
                            start2 += correction;
                            m2.len -= correction;
                        }
                    }
                    let mut start3;
                    let m3;
                    if start2 + m2.len <= mflimit {
                        start3 = start2 + m2.len - 3;
                        m3 = find(self, start3, start2, m2.len);
                        start3 -= m3.back;
                    } else {
                        start3 = start2;
                        m3 = none;
                    }
                    if m3.len <= m2.len {
                        // No better third match: write the first two.
                        if start2 < ip + m1.len {
                            m1.len = start2 - ip;
                        }
                        out.sequence(src.literals(), ip, m1.off, m1.len);
                        ip = start2;
                        out.sequence(src.literals(), ip, m2.off, m2.len);
                        ip += m2.len;
                        continue 'main;
                    }
                    if start3 < ip + m1.len + 3 {
                        // No room for the second match between the others.
                        if start3 >= ip + m1.len {
                            if start2 < ip + m1.len {
                                let correction = ip + m1.len - start2;
                                start2 += correction;
                                m2.len -= correction;
                                if m2.len < MIN_MATCH {
                                    start2 = start3;
                                    m2 = m3;
                                }
                            }
                            out.sequence(src.literals(), ip, m1.off, m1.len);
                            ip = start3;
                            m1 = m3;
                            start0 = start2;
                            m0 = m2;
                            continue 'search2;
                        }
                        start2 = start3;
                        m2 = m3;
                        continue 'search3;
                    }
                    // Three ascending matches: write the first.
                    if start2 < ip + m1.len {
                        if start2 - ip < OPTIMAL_ML {
                            if m1.len > OPTIMAL_ML {
                                m1.len = OPTIMAL_ML;
                            }
                            if ip + m1.len > start2 + m2.len - MIN_MATCH {
                                m1.len = start2 - ip + m2.len - MIN_MATCH;
                            }
                            if m1.len > start2 - ip {
                                let correction = m1.len - (start2 - ip);
                                start2 += correction;
                                m2.len -= correction;
                            }
                        } else {
                            m1.len = start2 - ip;
                        }
                    }
                    out.sequence(src.literals(), ip, m1.off, m1.len);
                    ip = start2;
                    m1 = m2;
                    start2 = start3;
                    m2 = m3;
                    continue 'search3;
                }
            }
        }
        out.finish(src.literals())
    }
}

/// The two bytes at `i` as the chain search compares them, or a value no
/// pair equals when they lie past the end (no candidate can then be longer).
#[inline(always)]
fn wanted_pair<'a>(src: impl Bytes<'a>, i: usize) -> u32 {
    if i + 2 <= src.len() {
        u32::from(src.read16(i))
    } else {
        u32::MAX
    }
}

/// How many bytes from `i` (up to `end`) continue the single-byte run `pattern`.
fn count_pattern<'a>(src: impl Bytes<'a>, mut i: usize, end: usize, pattern: u32) -> usize {
    let start = i;
    let wide = u64::from(pattern) | (u64::from(pattern) << 32);
    while i + 8 <= end {
        let diff = src.read64(i) ^ wide;
        if diff != 0 {
            return i + (diff.trailing_zeros() / 8) as usize - start;
        }
        i += 8;
    }
    let byte = pattern as u8;
    while i < end && src.byte(i) == byte {
        i += 1;
    }
    i - start
}

/// How many bytes before `i` (down to `low`) continue the run `pattern`.
fn reverse_count_pattern<'a>(src: impl Bytes<'a>, mut i: usize, low: usize, pattern: u32) -> usize {
    let start = i;
    while i >= low + 4 && src.read32(i - 4) == pattern {
        i -= 4;
    }
    let bytes = pattern.to_le_bytes();
    let mut k = 4;
    while i > low && k > 0 && src.byte(i - 1) == bytes[k - 1] {
        i -= 1;
        k -= 1;
    }
    start - i
}
