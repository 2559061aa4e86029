//! The finder of liblz4's HC levels 1 and 2 (`LZ4MID_compress`, liblz4 1.10):
//! no chains, two tables of the last position per hash — one of 8-byte
//! sequences for long matches, one of 4-byte sequences for the rest — and a
//! look one byte ahead for a longer match. Several times faster than the
//! shallowest hash-chain search, with a ratio between the fast mode's and
//! level 3's. Tables hold window indices, kept across blocks like
//! `fast.rs`'s.

use super::bytes::Bytes;
use super::sequence::SequenceWriter;
use super::{count, MAX_DISTANCE, MFLIMIT, MIN_LENGTH, MIN_MATCH};

const HASH_LOG: u32 = 14;

#[inline(always)]
fn hash4(v: u32) -> usize {
    (v.wrapping_mul(2_654_435_761) >> (32 - HASH_LOG)) as usize
}

/// Hashes the low 7 bytes of an 8-byte little-endian read (liblz4's
/// `LZ4MID_hash7`).
#[inline(always)]
fn hash8(v: u64) -> usize {
    ((v << 8).wrapping_mul(58_295_818_150_454_627) >> (64 - HASH_LOG)) as usize
}

#[derive(Debug)]
pub(crate) struct MidTables {
    short: Box<[u32; 1 << HASH_LOG]>,
    long: Box<[u32; 1 << HASH_LOG]>,
}

impl MidTables {
    pub(crate) fn new() -> Self {
        MidTables {
            short: super::table(0),
            long: super::table(0),
        }
    }

    /// Back to the state of `MidTables::new`, without allocating.
    pub(crate) fn clear(&mut self) {
        self.short.fill(0);
        self.long.fill(0);
    }

    #[inline(always)]
    fn put8<'a>(&mut self, src: impl Bytes<'a>, i: usize, index: usize) {
        self.long[hash8(src.read64(i))] = index as u32;
    }

    #[inline(always)]
    fn put4<'a>(&mut self, src: impl Bytes<'a>, i: usize, index: usize) {
        self.short[hash4(src.read32(i))] = index as u32;
    }

    /// Indexes a preset dictionary as liblz4's `LZ4MID_fillHTable` does:
    /// every third position, and every position of its last 32 KiB for long
    /// matches.
    pub(crate) fn index(&mut self, src: &[u8]) {
        if src.len() <= 8 {
            return;
        }
        let target = src.len() - 8;
        for idx in (0..target).step_by(3) {
            self.put4(src, idx, idx);
            self.put8(src, idx + 1, idx + 1);
        }
        let from = if src.len() > 32 * 1024 + 8 {
            target - 32 * 1024
        } else {
            0
        };
        for idx in from..target {
            self.put8(src, idx, idx);
        }
    }

    /// The window dropped its first `delta` bytes (see `FastTable::shift`).
    pub(crate) fn shift(&mut self, delta: usize) {
        let delta = delta as u32;
        // One loop per table: each vectorises, where one loop over both
        // tables chained did not (12 instructions per entry, 400K per
        // compaction, 18 % of level 2's instructions with the ring buffer).
        // Entries are window indices, far below 2^31, so the difference is
        // an `i32` and clearing it where negative saturates it: three SSE2
        // instructions per four entries where `saturating_sub` on `u32`
        // takes four (SSE2 has no unsigned 32-bit compare).
        for table in [&mut self.short, &mut self.long] {
            for entry in table.iter_mut() {
                let moved = entry.wrapping_sub(delta) as i32;
                *entry = (moved & !(moved >> 31)) as u32;
            }
        }
    }

    /// Compresses `src[start..]`, which may refer back to `src[low..start]`.
    /// `src` is the window as a slice or through a masked view (`bytes.rs`),
    /// whose reads need no bounds checks.
    pub(crate) fn compress<'a, S: Bytes<'a>>(
        &mut self,
        src: S,
        start: usize,
        low: usize,
        out: &mut [u8],
    ) -> Option<usize> {
        let end = src.len();
        debug_assert!(
            end - start >= MIN_LENGTH,
            "the encoder stores short chunks itself"
        );
        let mut out = SequenceWriter::new(out, start, low, end);
        let mflimit = end - MFLIMIT;
        let match_limit = end - super::LAST_LITERALS;
        let ilimit = end - 8;
        // Whether the candidate `pos` for `ip` (whose first 4 bytes are
        // `quad`) lies in [low, ip), within reach, and starts with those 4
        // bytes. One branch for all of it: whether a table slot was filled
        // lately enough is as unpredictable as a coin, where a candidate
        // whose bytes match is mostly a real match. A view that reads any
        // index reads the candidate's bytes whatever the slot holds, and
        // the tests are folded into the comparison's word, as the fast
        // finder's probe does (`miss` in `fast.rs`): one select fewer, and
        // levels 1-2 0-11 % faster on real files (ring buffer, JSON at
        // 512-byte pages 1.15x -> 1.18x of liblz4, executables at 8 KiB
        // 1.35x -> 1.49x). Without the select but with the tests kept
        // apart, the compiler made them branches (JSON at 8 KiB, double
        // buffer: mispredictions 0.80M -> 1.23M, 7 % slower). Through a
        // slice the bytes are read at `low` for a slot out of reach.
        let matches = |pos: usize, ip: usize, quad: u32| {
            let usable = (pos >= low) & (ip.wrapping_sub(pos).wrapping_sub(1) < MAX_DISTANCE);
            if S::READS_ANY_INDEX {
                ((src.read32(pos) ^ quad) | u32::from(!usable)) == 0
            } else {
                let read_at = if usable { pos } else { low };
                usable & (src.read32(read_at) == quad)
            }
        };

        let mut ip = start;
        let mut anchor = start;
        while ip <= mflimit {
            let ip_index = ip;
            let mut found = None;
            // A long match first.
            let seq = src.read64(ip);
            let h8 = hash8(seq);
            let pos8 = self.long[h8] as usize;
            self.long[h8] = ip as u32;
            // A candidate whose 4 bytes match is a match: `count` then finds
            // those 4 at least, as `ip <= mflimit` leaves 7 bytes before
            // `match_limit`.
            if matches(pos8, ip, seq as u32) {
                let len = count(src, ip, pos8, match_limit);
                debug_assert!(len >= MIN_MATCH);
                found = Some((len, ip - pos8));
            }
            if found.is_none() {
                let h4 = hash4(seq as u32);
                let pos4 = self.short[h4] as usize;
                self.short[h4] = ip as u32;
                if matches(pos4, ip, seq as u32) {
                    let len = count(src, ip, pos4, match_limit);
                    debug_assert!(len >= MIN_MATCH);
                    found = Some((len, ip - pos4));
                    // A short match: is there a longer one a byte on?
                    let next = src.read64(ip + 1);
                    let h8 = hash8(next);
                    let pos8 = self.long[h8] as usize;
                    if matches(pos8, ip + 1, next as u32) && ip < mflimit {
                        let len2 = count(src, ip + 1, pos8, match_limit);
                        if len2 > len {
                            self.long[h8] = (ip + 1) as u32;
                            ip += 1;
                            found = Some((len2, ip - pos8));
                        }
                    }
                }
            }
            let Some((mut len, distance)) = found else {
                // Skip faster over incompressible data.
                ip += 1 + ((ip - anchor) >> 9);
                continue;
            };
            // Extend backwards over equal literals.
            while ip > anchor
                && ip - low > distance
                && src.byte(ip - 1) == src.byte(ip - distance - 1)
            {
                ip -= 1;
                len += 1;
            }
            // As liblz4 does: hashes of the bytes after the (possibly moved)
            // match start, filed under the positions after the searched one.
            self.put8(src, ip + 1, ip_index + 1);
            self.put8(src, ip + 2, ip_index + 2);
            self.put4(src, ip + 1, ip_index + 1);

            // Every rule holds by construction: `ip <= mflimit` (the look
            // ahead only moves to `ip + 1` while `ip < mflimit`), `count`
            // stops at `match_limit`, `matches` keeps the candidate in
            // `[low, ip)` and within reach, and the backward extension
            // stops at the anchor and at `low`, keeping `ip + len`.
            out.sequence_unchecked(src.literals(), ip, distance, len);
            ip += len;
            anchor = ip;

            if ip - 2 < ilimit {
                if ip > 5 {
                    self.put8(src, ip - 5, ip - 5);
                }
                self.put8(src, ip - 3, ip - 3);
                self.put8(src, ip - 2, ip - 2);
                self.put4(src, ip - 2, ip - 2);
                self.put4(src, ip - 1, ip - 1);
            }
        }
        out.finish(src.literals())
    }
}
