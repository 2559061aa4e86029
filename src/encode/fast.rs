//! The hash-table match finder of liblz4's `LZ4_compress_fast_continue`
//! (`LZ4_compress_generic`): one 4096-entry table of 5-byte hashes, kept
//! across blocks, with the same skip-ahead, so a given acceleration finds the
//! same matches liblz4 finds on the same pages.

use super::sequence::SequenceWriter;
use super::{count, read32, read64, MAX_DISTANCE, MFLIMIT, MIN_LENGTH, MIN_MATCH};

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

/// The table: the last position (absolute, see `Encoder`) seen for each hash.
#[derive(Debug)]
pub(crate) struct FastTable {
    table: Box<[u32; 1 << HASH_LOG]>,
}

impl FastTable {
    pub(crate) fn new() -> Self {
        FastTable {
            table: Box::new([0; 1 << HASH_LOG]),
        }
    }

    /// Indexes `src[from..]` (a preset dictionary) at every position whose
    /// 8-byte hash read stays inside it.
    pub(crate) fn index(&mut self, src: &[u8], base: u32, from: usize) {
        let mut p = from;
        while p + 8 <= src.len() {
            self.table[hash(read64(src, p))] = base + p as u32;
            p += 1;
        }
    }

    /// Moves every stored position `delta` down (positions below `delta`
    /// become 0, which is below any block's lowest allowed position).
    pub(crate) fn rebase(&mut self, delta: u32) {
        for entry in self.table.iter_mut() {
            *entry = entry.saturating_sub(delta);
        }
    }

    /// Compresses `src[start..]`, which may refer back to `src[low..start]`;
    /// `base` is the absolute position of `src[0]`.
    pub(crate) fn compress(
        &mut self,
        src: &[u8],
        base: u32,
        start: usize,
        low: usize,
        acceleration: u32,
        out: &mut SequenceWriter<'_>,
    ) {
        let end = src.len();
        if end - start < MIN_LENGTH {
            return;
        }
        let mflimit_plus_one = end - MFLIMIT + 1;
        let match_limit = end - super::LAST_LITERALS;
        let low_abs = base + low as u32;
        let table = &mut *self.table;
        let abs = |i: usize| base + i as u32;

        let mut anchor = start;
        let mut ip = start;
        table[hash(read64(src, ip))] = abs(ip);
        ip += 1;
        let mut forward_h = hash(read64(src, ip));

        'blocks: loop {
            // Find a match, stepping further the longer nothing is found.
            let mut m;
            {
                let mut forward_ip = ip;
                let mut step = 1usize;
                let mut search = (acceleration as usize) << SKIP_TRIGGER;
                loop {
                    let h = forward_h;
                    let current = abs(forward_ip);
                    let candidate = table[h];
                    ip = forward_ip;
                    forward_ip += step;
                    step = search >> SKIP_TRIGGER;
                    search += 1;
                    if forward_ip > mflimit_plus_one {
                        break 'blocks;
                    }
                    forward_h = hash(read64(src, forward_ip));
                    table[h] = current;
                    // Positions before `low` belong to chunks this block may
                    // not refer to (or to nothing at all).
                    if candidate < low_abs || candidate + (MAX_DISTANCE as u32) < current {
                        continue;
                    }
                    m = (candidate - base) as usize;
                    if read32(src, m) == read32(src, ip) {
                        break;
                    }
                }
            }
            // Extend the match backwards over equal literals.
            while ip > anchor && m > low && src[ip - 1] == src[m - 1] {
                ip -= 1;
                m -= 1;
            }
            loop {
                let len = MIN_MATCH + count(src, ip + MIN_MATCH, m + MIN_MATCH, match_limit);
                out.sequence(src, ip, ip - m, len);
                ip += len;
                anchor = ip;
                if ip >= mflimit_plus_one {
                    break 'blocks;
                }
                table[hash(read64(src, ip - 2))] = abs(ip - 2);
                // A match right here continues without literals.
                let h = hash(read64(src, ip));
                let current = abs(ip);
                let candidate = table[h];
                table[h] = current;
                if candidate >= low_abs && candidate + (MAX_DISTANCE as u32) >= current {
                    m = (candidate - base) as usize;
                    if read32(src, m) == read32(src, ip) {
                        continue;
                    }
                }
                break;
            }
            ip += 1;
            forward_h = hash(read64(src, ip));
        }
    }
}
