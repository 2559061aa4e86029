//! The window of levels 1-2 for pages of up to 64 KiB, and of the fast
//! modes with the ring buffer and pages under 64 KiB (`uses_ring` in
//! `mod.rs`): the last 128 KiB of input in a ring read through a mask, so
//! the history is never moved. The linear window (`window.rs`) moves its
//! history to the front now and then, and the finder's hash tables are
//! walked each time; here each byte is written once.
//!
//! Window indices keep growing as chunks arrive (the encoder renumbers them
//! now and then, by a multiple of the ring's span, which leaves every byte
//! where it is); index `i` is the ring's byte `i % SPAN_128K`. The ring
//! holds 64 KiB of history and a page of at most 64 KiB, so every byte a
//! block may refer to, and the chunk itself, is in it.

use super::bytes::{Bytes, Literals, MASKED_PAD, SPAN_128K, VIEW_128K};
use super::{read16, read32, read64};

/// The window: the last `SPAN_128K` bytes of it, in a ring.
pub(crate) struct Ring {
    /// `SPAN_128K` bytes of ring, then its first `MASKED_PAD` bytes again, so
    /// a read of up to 8 bytes at any masked index reads the bytes that
    /// follow it in the ring.
    buffer: Box<[u8; VIEW_128K]>,
    /// The window's length: one past the last index appended.
    len: usize,
}

impl Ring {
    /// An empty window (its buffer, zeroed, is all it ever allocates).
    pub(crate) fn new() -> Ring {
        Ring {
            buffer: super::table(0),
            len: 0,
        }
    }

    /// The window's length.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Bytes allocated (for the memory tests).
    #[cfg(test)]
    pub(crate) fn capacity(&self) -> usize {
        self.buffer.len()
    }

    /// Appends `bytes` (at most 64 KiB, a chunk or a dictionary), over the
    /// ring's oldest bytes.
    pub(crate) fn extend(&mut self, bytes: &[u8]) {
        debug_assert!(bytes.len() <= SPAN_128K / 2);
        let at = self.len % SPAN_128K;
        let first = bytes.len().min(SPAN_128K - at);
        self.buffer[at..at + first].copy_from_slice(&bytes[..first]);
        let wrapped = &bytes[first..];
        self.buffer[..wrapped.len()].copy_from_slice(wrapped);
        if at < MASKED_PAD || !wrapped.is_empty() {
            // The ring's first bytes changed: so does their copy after it.
            let (ring, pad) = self.buffer.split_at_mut(SPAN_128K);
            pad.copy_from_slice(&ring[..MASKED_PAD]);
        }
        self.len += bytes.len();
    }

    /// Numbers the window's indices `delta` lower, a multiple of the span:
    /// every byte keeps its place in the ring.
    pub(crate) fn renumber(&mut self, delta: usize) {
        debug_assert!(delta % SPAN_128K == 0 && delta <= self.len);
        self.len -= delta;
    }

    /// Empties the window (its bytes stay, out of every block's reach).
    pub(crate) fn clear(&mut self) {
        self.len = 0;
    }

    /// Numbers an empty window from `len` (tests of renumbering).
    #[cfg(test)]
    pub(crate) fn start_at(&mut self, len: usize) {
        debug_assert_eq!(self.len, 0);
        self.len = len;
    }

    /// The window, whose last `chunk.len()` bytes were appended from `chunk`.
    pub(crate) fn view<'a>(&'a self, chunk: &'a [u8]) -> RingView<'a> {
        debug_assert!(chunk.len() <= self.len);
        RingView {
            buffer: &self.buffer,
            len: self.len,
            chunk,
        }
    }
}

/// The window as the match finders read it: every index masked to the ring
/// (so no read needs a bounds check), literals copied from the chunk as the
/// caller passed it (it may wrap around the ring's end).
#[derive(Clone, Copy)]
pub(crate) struct RingView<'a> {
    buffer: &'a [u8; VIEW_128K],
    len: usize,
    chunk: &'a [u8],
}

#[inline(always)]
fn mask(i: usize) -> usize {
    i & (SPAN_128K - 1)
}

impl<'a> Bytes<'a> for RingView<'a> {
    const READS_ANY_INDEX: bool = true;
    #[inline(always)]
    fn contiguous(self) -> Option<&'a [u8]> {
        None
    }
    type Literals = Literals<'a>;
    #[inline(always)]
    fn literals(self) -> Literals<'a> {
        Literals {
            bytes: self.chunk,
            origin: self.len - self.chunk.len(),
        }
    }
    /// 8 bytes at a time through the mask, then byte by byte.
    #[inline(always)]
    fn count_long(self, a: usize, b: usize, limit: usize) -> usize {
        let n = limit.saturating_sub(a);
        let mut done = 0;
        while done + 8 <= n {
            let diff = self.read64(a + done) ^ self.read64(b + done);
            if diff != 0 {
                return done + (diff.trailing_zeros() / 8) as usize;
            }
            done += 8;
        }
        while done < n && self.byte(a + done) == self.byte(b + done) {
            done += 1;
        }
        done
    }
    #[inline(always)]
    fn len(self) -> usize {
        self.len
    }
    #[inline(always)]
    fn byte(self, i: usize) -> u8 {
        self.buffer[mask(i)]
    }
    #[inline(always)]
    fn read16(self, i: usize) -> u16 {
        read16(self.buffer, mask(i))
    }
    #[inline(always)]
    fn read32(self, i: usize) -> u32 {
        read32(self.buffer, mask(i))
    }
    #[inline(always)]
    fn read64(self, i: usize) -> u64 {
        read64(self.buffer, mask(i))
    }
}

#[cfg(test)]
mod tests {
    use super::super::bytes::LiteralSource;
    use super::*;

    /// Appends chunks of uneven sizes past several wraps and renumberings
    /// and checks every read of the last 128 KiB (at its edges, and across
    /// the ring's end) against the same bytes in one slice.
    #[test]
    fn reads_what_was_appended_across_wraps() {
        let stream: Vec<u8> = (0..700_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let mut ring = Ring::new();
        let mut taken = 0;
        // Window index 0 is stream byte `first`.
        let mut first = 0;
        let mut step = 0;
        while taken < stream.len() {
            let n = [65_536, 1, 777, 40_000, 13, 65_535, 8][step % 7].min(stream.len() - taken);
            step += 1;
            let chunk = &stream[taken..taken + n];
            ring.extend(chunk);
            taken += n;
            if ring.len() > 3 * SPAN_128K {
                ring.renumber(2 * SPAN_128K);
                first += 2 * SPAN_128K;
            }
            let view = ring.view(chunk);
            let len = view.len();
            assert_eq!(first + len, taken);
            let kept = len.min(SPAN_128K);
            let expect = |i: usize| stream[first + i];
            for i in (len - kept..len - 8)
                .step_by(4099)
                .chain(len - kept..(len - kept + 16).min(len - 8))
                .chain(len.saturating_sub(24)..len - 8)
            {
                assert_eq!(view.byte(i), expect(i), "byte {i}");
                let bytes: Vec<u8> = (i..i + 8).map(expect).collect();
                assert_eq!(
                    view.read64(i),
                    u64::from_le_bytes(bytes[..8].try_into().unwrap())
                );
                assert_eq!(
                    view.read32(i),
                    u32::from_le_bytes(bytes[..4].try_into().unwrap())
                );
                assert_eq!(
                    view.read16(i),
                    u16::from_le_bytes(bytes[..2].try_into().unwrap())
                );
            }
            // The literals are the chunk, by window index.
            let literals = view.literals();
            let start = len - n;
            assert_eq!(literals.range(start, len), chunk);
            assert_eq!(literals.at(start, n), Some(chunk));
            assert_eq!(literals.at(start, n + 1), None);
        }
    }

    #[test]
    fn counts_match_lengths_across_the_ring_end() {
        let mut ring = Ring::new();
        // Fill close to the end of the span, then append a chunk repeating
        // the bytes 1000 back, so both sides of the count cross the end.
        let filler: Vec<u8> = (0..SPAN_128K - 500).map(|i| (i * 7 % 251) as u8).collect();
        for part in filler.chunks(60_000) {
            ring.extend(part);
        }
        let mut chunk: Vec<u8> = filler[filler.len() - 1000..].to_vec();
        chunk[900] ^= 0xFF;
        ring.extend(&chunk);
        let view = ring.view(&chunk);
        let start = view.len() - chunk.len();
        assert_eq!(view.count_long(start, start - 1000, view.len()), 900);
        assert_eq!(view.count_long(start + 3, start - 997, start + 500), 497);
        assert_eq!(ring.capacity(), VIEW_128K);
    }
}
