//! How the match finders read the window: through a plain slice, whose
//! every read is bounds-checked, or through [`Masked`], a view of a fixed
//! size whose indices are masked to that size, so the compiler proves each
//! read in bounds and compiles no check.
//!
//! The chain search reads at positions taken from its tables, several times
//! per candidate and once per position it inserts; the compiler cannot tell
//! that those positions lie in the window, so each read carries a compare and
//! a branch. Measured with callgrind on 8 MiB of real files, those checks
//! made levels 3-9 run 1.12x-1.19x liblz4's instructions, and without them
//! (an unchecked build, for measurement only) 0.93x-1.00x. A mask (one
//! `and`, no branch) keeps the reads safe and brings them to 1.01x-1.11x.
//! The fast and mid finders' reads (their hashes, the candidates' bytes, the
//! match count) take the same view where their window allows (see
//! `masked_view` in `mod.rs`). The ring buffer's window for pages of up to
//! 64 KiB (`ring.rs`) is read through a mask as well, across the ring's
//! end.

use super::{count_long, read16, read32, read64};

/// Bytes after a masked view's span, so a read of up to 8 bytes at any
/// masked index stays inside the view.
pub(crate) const MASKED_PAD: usize = 16;
/// The masked views' spans, one for each size of window that takes one (see
/// `masked_view` in `mod.rs`). 64 KiB: the fast finder's window with the
/// double buffer and pages of up to 16 KiB.
pub(crate) const SPAN_64K: usize = 1 << 16;
/// The buffer length of a view of [`SPAN_64K`] bytes.
pub(crate) const VIEW_64K: usize = SPAN_64K + MASKED_PAD;
/// 64 KiB of history and a page of at most 64 KiB: the hash-chain finders'
/// span, and the ring buffer's with the fast finder.
pub(crate) const SPAN_128K: usize = 1 << 17;
/// The buffer length of a view of [`SPAN_128K`] bytes.
pub(crate) const VIEW_128K: usize = SPAN_128K + MASKED_PAD;
/// Four 64 KiB pages: the fast finder's window with the double buffer and
/// 64 KiB pages grows to that before it is compacted.
pub(crate) const SPAN_256K: usize = 1 << 18;
/// The buffer length of a view of [`SPAN_256K`] bytes.
pub(crate) const VIEW_256K: usize = SPAN_256K + MASKED_PAD;

/// The chunk being compressed, as the sequence writer copies literals and
/// the fast finder reads its probes: the window's byte `i`, for every `i` in
/// the chunk, is `bytes[i - origin]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Literals<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) origin: usize,
}

/// What the sequence writer copies literals from and the fast finder reads
/// its probes from, by window index: the window itself where it is one
/// slice, so its finders index it as they did before the ring (through a
/// `(slice, origin)` pair with a constant 0 origin the fast finder took
/// 1.3 % more instructions), or the chunk and its window index, which
/// costs a subtraction per read.
pub(crate) trait LiteralSource<'a>: Copy {
    /// `len` bytes from the window's byte `i`, if the source holds them.
    fn at(self, i: usize, len: usize) -> Option<&'a [u8]>;
    /// The source's bytes from the window's byte `i` on, if it holds it.
    fn tail(self, i: usize) -> Option<&'a [u8]>;
    /// The window's bytes `from..to`, which the source must hold.
    fn range(self, from: usize, to: usize) -> &'a [u8];
    /// The source cut to end before the window's byte `end`.
    fn until(self, end: usize) -> Self;
}

impl<'a> LiteralSource<'a> for &'a [u8] {
    // The indices are cast as `i as u32 as usize` (window indices fit 32
    // bits; see `read32` in `mod.rs`), which lets the compiler drop the
    // overflow check of `i + len` from the bounds check.
    #[inline(always)]
    fn at(self, i: usize, len: usize) -> Option<&'a [u8]> {
        let i = i as u32 as usize;
        self.get(i..i + len)
    }
    #[inline(always)]
    fn tail(self, i: usize) -> Option<&'a [u8]> {
        self.get(i as u32 as usize..)
    }
    #[inline(always)]
    fn range(self, from: usize, to: usize) -> &'a [u8] {
        &self[from..to]
    }
    #[inline(always)]
    fn until(self, end: usize) -> Self {
        &self[..end]
    }
}

impl<'a> LiteralSource<'a> for Literals<'a> {
    // An index before the chunk wraps around and finds nothing (the
    // finders never ask for one).
    #[inline(always)]
    fn at(self, i: usize, len: usize) -> Option<&'a [u8]> {
        self.bytes.at(i.wrapping_sub(self.origin), len)
    }
    #[inline(always)]
    fn tail(self, i: usize) -> Option<&'a [u8]> {
        self.bytes.tail(i.wrapping_sub(self.origin))
    }
    #[inline(always)]
    fn range(self, from: usize, to: usize) -> &'a [u8] {
        &self.bytes[from - self.origin..to - self.origin]
    }
    #[inline(always)]
    fn until(self, end: usize) -> Self {
        Literals {
            bytes: &self.bytes[..end - self.origin],
            origin: self.origin,
        }
    }
}

/// The window's bytes as the match finders read them. Every index read
/// lies inside the window (the finder's logic ensures it), except where a
/// view says it reads any index ([`Bytes::READS_ANY_INDEX`]) and a finder
/// reads a candidate before testing it: a slice panics outside the window,
/// a [`Masked`] view (and the ring's) reads some other byte of its buffer.
pub(crate) trait Bytes<'a>: Copy {
    /// The window as one slice (history, then the chunk being compressed),
    /// where it is one.
    fn contiguous(self) -> Option<&'a [u8]>;
    /// Whether any index reads some byte of the buffer (masked to it)
    /// rather than panicking outside the window: a finder may then read a
    /// candidate's bytes before it knows the candidate is in the window.
    const READS_ANY_INDEX: bool = false;
    /// Where literals are copied from.
    type Literals: LiteralSource<'a>;
    /// The chunk (at least), for copying literals.
    fn literals(self) -> Self::Literals;
    /// How many bytes from `a` (up to `limit`) equal those from `b`
    /// (`b < a`); see `count_long` in `mod.rs`.
    fn count_long(self, a: usize, b: usize, limit: usize) -> usize;
    /// The window's length.
    fn len(self) -> usize;
    /// The byte at `i`.
    fn byte(self, i: usize) -> u8;
    /// Two bytes at `i`, little-endian.
    fn read16(self, i: usize) -> u16;
    /// Four bytes at `i`, little-endian.
    fn read32(self, i: usize) -> u32;
    /// Eight bytes at `i`, little-endian.
    fn read64(self, i: usize) -> u64;
}

impl<'a> Bytes<'a> for &'a [u8] {
    #[inline(always)]
    fn contiguous(self) -> Option<&'a [u8]> {
        Some(self)
    }
    type Literals = &'a [u8];
    #[inline(always)]
    fn literals(self) -> &'a [u8] {
        self
    }
    #[inline(always)]
    fn count_long(self, a: usize, b: usize, limit: usize) -> usize {
        count_long(self, a, b, limit)
    }
    #[inline(always)]
    fn len(self) -> usize {
        <[u8]>::len(self)
    }
    #[inline(always)]
    fn byte(self, i: usize) -> u8 {
        self[i]
    }
    #[inline(always)]
    fn read16(self, i: usize) -> u16 {
        read16(self, i)
    }
    #[inline(always)]
    fn read32(self, i: usize) -> u32 {
        read32(self, i)
    }
    #[inline(always)]
    fn read64(self, i: usize) -> u64 {
        read64(self, i)
    }
}

/// A window of at most `VIEW - MASKED_PAD` bytes (the span, a power of
/// two), read through a buffer of `VIEW` bytes: an index is masked to the
/// span before it is read, which changes no index inside the window and lets
/// every read go unchecked.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Masked<'a, const VIEW: usize> {
    buffer: &'a [u8; VIEW],
    len: usize,
}

impl<'a, const VIEW: usize> Masked<'a, VIEW> {
    /// The span: indices are taken modulo this.
    const SPAN: usize = {
        let span = VIEW - MASKED_PAD;
        assert!(span.is_power_of_two());
        span
    };

    /// The first `len` bytes of `buffer` as the window, or `None` if the
    /// buffer is shorter than `VIEW` or `len` longer than the span.
    pub(crate) fn new(buffer: &'a [u8], len: usize) -> Option<Self> {
        if len > Self::SPAN {
            return None;
        }
        let buffer = buffer.get(..VIEW)?.try_into().ok()?;
        Some(Masked { buffer, len })
    }

    /// Masks an index to the view.
    #[inline(always)]
    fn mask(i: usize) -> usize {
        i & (Self::SPAN - 1)
    }

    /// The window.
    #[inline(always)]
    fn data(self) -> &'a [u8] {
        &self.buffer[..self.len]
    }
}

impl<'a, const VIEW: usize> Bytes<'a> for Masked<'a, VIEW> {
    const READS_ANY_INDEX: bool = true;
    #[inline(always)]
    fn contiguous(self) -> Option<&'a [u8]> {
        Some(self.data())
    }
    type Literals = &'a [u8];
    #[inline(always)]
    fn literals(self) -> &'a [u8] {
        self.data()
    }
    #[inline(always)]
    fn count_long(self, a: usize, b: usize, limit: usize) -> usize {
        count_long(self.data(), a, b, limit)
    }
    #[inline(always)]
    fn len(self) -> usize {
        self.len
    }
    #[inline(always)]
    fn byte(self, i: usize) -> u8 {
        self.buffer[Self::mask(i)]
    }
    #[inline(always)]
    fn read16(self, i: usize) -> u16 {
        read16(self.buffer, Self::mask(i))
    }
    #[inline(always)]
    fn read32(self, i: usize) -> u32 {
        read32(self.buffer, Self::mask(i))
    }
    #[inline(always)]
    fn read64(self, i: usize) -> u64 {
        read64(self.buffer, Self::mask(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Inside the window, the masked view reads what the slice reads.
    #[test]
    fn masked_reads_equal_slice_reads() {
        reads_agree::<VIEW_64K>();
        reads_agree::<VIEW_128K>();
        reads_agree::<VIEW_256K>();
    }

    fn reads_agree<const VIEW: usize>() {
        let buffer: Vec<u8> = (0..VIEW).map(|i| (i * 7 + i / 251) as u8).collect();
        let len = VIEW - MASKED_PAD;
        let masked = Masked::<VIEW>::new(&buffer, len).expect("long enough");
        let slice = &buffer[..len];
        assert_eq!(masked.contiguous(), Some(slice));
        assert_eq!(Bytes::len(masked), len);
        for i in (0..len - 8).step_by(997).chain(len - 8..len - 8 + 1) {
            assert_eq!(masked.byte(i), slice.byte(i), "{i}");
            assert_eq!(masked.read16(i), slice.read16(i), "{i}");
            assert_eq!(masked.read32(i), slice.read32(i), "{i}");
            assert_eq!(masked.read64(i), slice.read64(i), "{i}");
        }
    }

    #[test]
    fn masked_view_needs_the_whole_buffer_and_a_short_window() {
        let buffer = vec![0u8; VIEW_128K];
        assert!(Masked::<VIEW_128K>::new(&buffer, SPAN_128K).is_some());
        assert!(Masked::<VIEW_128K>::new(&buffer, SPAN_128K + 1).is_none());
        assert!(Masked::<VIEW_128K>::new(&buffer[..VIEW_128K - 1], 10).is_none());
        assert!(Masked::<VIEW_256K>::new(&buffer, 10).is_none());
    }
}
