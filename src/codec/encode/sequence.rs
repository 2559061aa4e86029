//! The one LZ4 sequence writer every match finder emits through.
//!
//! It owns the block-format end rules: the last match starts at least
//! [`MFLIMIT`] bytes before the end of the block, the last [`LAST_LITERALS`]
//! bytes are literals, every match is at least [`MIN_MATCH`] bytes long and
//! refers at most [`MAX_DISTANCE`] bytes back, and never before the lowest
//! byte the block may use (the stream's compatibility rule). A sequence that
//! breaks a rule is not written; the block is then marked broken and the
//! encoder stores the chunk as literals instead, which is always valid.
//!
//! The fast and mid finders' loops keep every rule by construction (each is
//! shown where they write), and there the checks were about 8 % of the
//! default mode's instructions: they write with
//! [`SequenceWriter::sequence_unchecked`] (and the fast finder a match right
//! after the last one with [`SequenceWriter::match_unchecked`]), whose
//! checks run in debug builds (every test, every fuzz target). The
//! hash-chain finders, whose searches are far more complex and whose
//! sequences are a small part of their cost, keep them.

use super::bytes::LiteralSource;
use super::{LAST_LITERALS, MAX_DISTANCE, MFLIMIT, MIN_MATCH};

/// Largest value of a 4-bit length field; longer lengths continue in extra bytes.
const RUN_MASK: usize = 15;

/// Writes one LZ4 block's sequences into `out`.
pub(crate) struct SequenceWriter<'a> {
    out: &'a mut [u8],
    pos: usize,
    /// Start (index into the window) of the literals not yet written.
    anchor: usize,
    /// The lowest window index a match may refer to.
    low: usize,
    /// Window index one past the block's last byte.
    end: usize,
    broken: bool,
}

impl<'a> SequenceWriter<'a> {
    /// A writer for the block `window[start..end]`, whose matches may refer
    /// back to `window[low..]`. `out` must hold `compress_bound(end - start)`
    /// bytes.
    pub(crate) fn new(out: &'a mut [u8], start: usize, low: usize, end: usize) -> Self {
        SequenceWriter {
            out,
            pos: 0,
            anchor: start,
            low,
            end,
            broken: false,
        }
    }

    /// Writes the literals from the anchor up to `start`, then a match of
    /// `len` bytes at `start` copying from `offset` bytes back.
    #[inline(always)]
    pub(crate) fn sequence<'b>(
        &mut self,
        src: impl LiteralSource<'b>,
        start: usize,
        offset: usize,
        len: usize,
    ) {
        if self.breaks_a_rule(start, offset, len) {
            self.reject(start, offset, len);
            return;
        }
        self.write(src, start, offset, len);
    }

    /// [`SequenceWriter::sequence`] for a finder that keeps every rule by
    /// construction: the rules are checked in debug builds only (see the
    /// module's documentation).
    #[inline(always)]
    pub(crate) fn sequence_unchecked<'b>(
        &mut self,
        src: impl LiteralSource<'b>,
        start: usize,
        offset: usize,
        len: usize,
    ) {
        self.check_in_debug(start, offset, len);
        self.write(src, start, offset, len);
    }

    /// The rules, checked in debug builds only; `reject` panics there.
    #[inline(always)]
    fn check_in_debug(&mut self, start: usize, offset: usize, len: usize) {
        if cfg!(debug_assertions) && self.breaks_a_rule(start, offset, len) {
            self.reject(start, offset, len);
        }
    }

    /// [`SequenceWriter::sequence_unchecked`] for a match that starts right
    /// where the last one ended (`start` is the anchor): no literals, so the
    /// common case writes the token and the offset only.
    #[inline(always)]
    pub(crate) fn match_unchecked<'b>(
        &mut self,
        src: impl LiteralSource<'b>,
        start: usize,
        offset: usize,
        len: usize,
    ) {
        debug_assert_eq!(start, self.anchor, "a match right after the last one");
        self.check_in_debug(start, offset, len);
        let match_code = len - MIN_MATCH;
        let pos = self.pos as u32 as usize;
        if let (true, Some(dst)) = (
            match_code < RUN_MASK,
            self.out
                .get_mut(pos..pos + 3)
                .and_then(|dst| <&mut [u8; 3]>::try_from(dst).ok()),
        ) {
            *dst = [match_code as u8, offset as u8, (offset >> 8) as u8];
            self.pos = pos + 3;
            self.anchor = start + len;
            return;
        }
        self.write(src, start, offset, len);
    }

    /// Whether a match of `len` bytes at `start`, `offset` bytes back, breaks
    /// one of the block's rules.
    #[inline(always)]
    fn breaks_a_rule(&self, start: usize, offset: usize, len: usize) -> bool {
        start < self.anchor
            || start + MFLIMIT > self.end
            || start + len + LAST_LITERALS > self.end
            || len < MIN_MATCH
            || offset == 0
            || offset > MAX_DISTANCE
            || offset > start - self.low
    }

    /// Writes a sequence that keeps the rules.
    #[inline(always)]
    fn write<'b>(&mut self, src: impl LiteralSource<'b>, start: usize, offset: usize, len: usize) {
        let literals = start - self.anchor;
        let match_code = len - MIN_MATCH;
        if literals < RUN_MASK && match_code < RUN_MASK {
            // The common sequence: a one-byte token, at most 14 literals
            // (copied as 16 bytes) and the offset, written through fixed
            // views with no length bytes. Each view is taken as a range of
            // its exact length: one comparison, where `first_chunk` after an
            // open range compares twice (1-2 % of the fast finder's
            // instructions with these two views and `match_unchecked`'s).
            // The range's end cannot overflow: output positions and window
            // indices stay below 2^31 (see below, and the encoder's
            // rebasing).
            let pos = self.pos as u32 as usize;
            let anchor = self.anchor;
            let dst = self
                .out
                .get_mut(pos..pos + 32)
                .and_then(|dst| <&mut [u8; 32]>::try_from(dst).ok());
            let view = src
                .at(anchor, 16)
                .and_then(|view| <&[u8; 16]>::try_from(view).ok());
            if let (Some(dst), Some(view)) = (dst, view) {
                dst[0] = ((literals << 4) | match_code) as u8;
                dst[1..17].copy_from_slice(view);
                dst[1 + literals..3 + literals].copy_from_slice(&(offset as u16).to_le_bytes());
                self.pos = pos + 3 + literals;
                self.anchor = start + len;
                return;
            }
        }
        // Output positions fit 32 bits (a block is at most compress_bound of
        // 0x7E000000 bytes); see `read32` for why that is spelled out.
        let token = self.pos as u32 as usize;
        self.pos = token + 1;
        let lit_code = if literals >= RUN_MASK {
            self.length_bytes(literals - RUN_MASK);
            RUN_MASK
        } else {
            literals
        };
        self.copy_literals(src, self.anchor, literals);
        let pos = self.pos as u32 as usize;
        self.out[pos..pos + 2].copy_from_slice(&(offset as u16).to_le_bytes());
        self.pos = pos + 2;
        let match_code = if match_code >= RUN_MASK {
            self.length_bytes(match_code - RUN_MASK);
            RUN_MASK
        } else {
            match_code
        };
        self.out[token] = ((lit_code << 4) | match_code) as u8;
        self.anchor = start + len;
    }

    #[cold]
    #[inline(never)]
    fn reject(&mut self, start: usize, offset: usize, len: usize) {
        debug_assert!(
            false,
            "match finder proposed an invalid sequence: anchor {} start {start} offset {offset} len {len} low {} end {}",
            self.anchor, self.low, self.end
        );
        self.broken = true;
    }

    /// Copies the `len` literals from the window's byte `from` on. Runs of up to 64 bytes are
    /// copied 16 bytes at a time, possibly past their end (the next
    /// sequence overwrites the excess), as liblz4's wild copy does:
    /// fixed-size copies cost a move or two each, where a `memcpy` call for a
    /// few bytes costs far more.
    #[inline(always)]
    fn copy_literals<'b>(&mut self, src: impl LiteralSource<'b>, from: usize, len: usize) {
        let pos = self.pos as u32 as usize;
        let dst = self
            .out
            .get_mut(pos..)
            .and_then(<[u8]>::first_chunk_mut::<80>);
        let view = src.tail(from).and_then(<[u8]>::first_chunk::<80>);
        if let (Some(dst), Some(view), true) = (dst, view, len <= 64) {
            // Fixed 80-byte views: the chunks (at most four) lie inside them
            // by construction, so they need no checks of their own, where a
            // view of `len + 16` bytes left two per chunk in the loop.
            for k in 0..4 {
                dst[16 * k..16 * k + 16].copy_from_slice(&view[16 * k..16 * k + 16]);
                if 16 * (k + 1) >= len {
                    break;
                }
            }
        } else {
            self.out[pos..pos + len].copy_from_slice(src.range(from, from + len));
        }
        self.pos = pos + len;
    }

    /// The extra bytes of a length above 15: 255s, then the remainder.
    #[inline]
    fn length_bytes(&mut self, mut rest: usize) {
        while rest >= 255 {
            self.out[self.pos] = 255;
            self.pos += 1;
            rest -= 255;
        }
        self.out[self.pos] = rest as u8;
        self.pos += 1;
    }

    /// Writes everything from the anchor to the end of the block as the last
    /// literals and returns the block length, or `None` when a finder proposed
    /// an invalid sequence (nothing usable was written).
    pub(crate) fn finish<'b>(mut self, src: impl LiteralSource<'b>) -> Option<usize> {
        if self.broken {
            return None;
        }
        let literals = self.end - self.anchor;
        let token = self.pos;
        self.pos += 1;
        if literals >= RUN_MASK {
            self.length_bytes(literals - RUN_MASK);
            self.out[token] = (RUN_MASK << 4) as u8;
        } else {
            self.out[token] = (literals << 4) as u8;
        }
        self.out[self.pos..self.pos + literals].copy_from_slice(src.range(self.anchor, self.end));
        Some(self.pos + literals)
    }
}
