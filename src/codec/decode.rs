//! The LZ4 block decoder: one raw block decoded in place, right after the
//! history it refers to, in one buffer (liblz4's "prefix mode").
//!
//! Because the history and the new output share one buffer, every match is a
//! copy inside that buffer, whether it reaches into the previous block, the
//! dictionary or the block itself. Each sequence is validated once, before any
//! byte of it is copied; the copies themselves then use fixed-size chunks
//! (16 to 64 bytes) that may write a little past the sequence's end into free
//! space, which later sequences overwrite — the "wild copy" of liblz4, done
//! with bounds-checked slices.
//!
//! Validation: everything liblz4's `LZ4_decompress_safe` always rejects, with
//! the page as the output capacity, is rejected here too, and no block a
//! conforming encoder writes is. The rules are:
//!
//! - every length, offset and literal run must lie inside the block;
//! - an offset of 0, or one reaching before the start of the history, is
//!   invalid;
//! - the output may never pass the end of the page;
//! - the block ends exactly after a run of literals (the last sequence has no
//!   match), and only a last sequence's literals may end within the last
//!   [`MF_LIMIT`] bytes of the page; a match may not end within the last
//!   [`LAST_LITERALS`] bytes of the page.
//!
//! liblz4 enforces the last two rules against the capacity of the output
//! buffer, which for the stream decoders is one page; they are checked the
//! same way here (`lz4_flex` does not check them). Two differences remain:
//! liblz4 accepts an offset of 0 (the format says it is invalid; `lz4_flex`
//! rejects it too), and in some of its code paths only, liblz4 rejects a
//! literal run that is not the block's last but leaves fewer than 8 bytes of
//! input; since whether it does depends on which of its internal loops is
//! running, that check is not made here (nor by `lz4_flex`).

use std::fmt;

/// The shortest match LZ4 encodes; the token's match length counts from here.
const MIN_MATCH: usize = 4;
/// The last literals of a page: no match may end in them.
pub(crate) const LAST_LITERALS: usize = 5;
/// A run of literals that ends within this many bytes of the page end must be
/// the block's last.
pub(crate) const MF_LIMIT: usize = 12;
/// Free bytes the fast copies may write beyond the end of the page. A buffer
/// with this much room after `limit` never takes the exact (slower) copy
/// paths; with less, the decoder is still correct, only slower near the end.
pub(crate) const WILD_MARGIN: usize = 64;
/// The widest fixed-size chunk a copy writes.
const CHUNK: usize = 32;
/// Literal runs longer than this are copied with one exact `copy_from_slice`
/// (`memcpy`), shorter ones in [`CHUNK`]-byte steps.
const LONG_LITERALS: usize = 256;
/// Input bytes the fast loop needs ahead of a sequence: a token, up to 14
/// literals (read as 16) and an offset fit in 17. Few, so that the loop runs
/// close to the end of a block: with 512-byte pages the block's last
/// sequences are a good part of it, and 32 here took 5.5 % more instructions
/// to decode such a stream (JSON, ring buffer), 1.4 % more with 1 KiB pages.
/// 20 rather than 17, the least: with a 17-byte view the loop took 1.9-3.4 %
/// more instructions than with 32 at pages of 1 to 64 KiB.
const FAST_IN: usize = 20;
/// Output room the fast loop needs ahead of a sequence: up to 14 literals
/// (copied as 16 bytes) and an 18-byte match (copied in chunks of up to 24
/// bytes, or one 32-byte pattern store), still [`MF_LIMIT`] before the page
/// end, so the end-of-block rules hold by construction.
const FAST_OUT: usize = 64;

/// Why a block is not valid LZ4 (or does not fit its page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BlockError {
    /// The block ends where a token was expected (it ended after a match).
    MissingToken { at: usize },
    /// A literal or match length's extra bytes run past the end of the block.
    LengthPastInput { at: usize },
    /// A run of literals is longer than what is left of the block.
    LiteralsPastInput { at: usize, len: usize, left: usize },
    /// The block ends inside a match offset.
    OffsetPastInput { at: usize },
    /// A match offset of 0.
    OffsetZero { at: usize },
    /// A match offset reaching before the start of the history.
    OffsetBeforeHistory {
        at: usize,
        offset: usize,
        available: usize,
    },
    /// The output would pass the end of the page.
    PageOverflow,
    /// A run of literals that is not the last ends within the page's last
    /// [`MF_LIMIT`] bytes.
    LiteralsNotLast { at: usize },
    /// A match ends within the page's last [`LAST_LITERALS`] bytes.
    MatchInLastLiterals { at: usize },
}

impl fmt::Display for BlockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            BlockError::MissingToken { at } => {
                write!(f, "block ends after a match, at byte {at}, where a token was expected")
            }
            BlockError::LengthPastInput { at } => {
                write!(f, "length at byte {at} runs past the end of the block")
            }
            BlockError::LiteralsPastInput { at, len, left } => write!(
                f,
                "{len} literals at byte {at}, but only {left} bytes are left in the block"
            ),
            BlockError::OffsetPastInput { at } => {
                write!(f, "block ends inside the match offset at byte {at}")
            }
            BlockError::OffsetZero { at } => write!(f, "match offset 0 at byte {at}"),
            BlockError::OffsetBeforeHistory {
                at,
                offset,
                available,
            } => write!(
                f,
                "match offset {offset} at byte {at} reaches before the start of the history ({available} bytes available)"
            ),
            // The caller reports this one as `Corruption::PageOverflow`.
            BlockError::PageOverflow => write!(f, "block decodes to more than one page"),
            BlockError::LiteralsNotLast { at } => write!(
                f,
                "sequence at byte {at} continues after literals that end within the last {MF_LIMIT} bytes of the page"
            ),
            BlockError::MatchInLastLiterals { at } => write!(
                f,
                "match at byte {at} ends within the last {LAST_LITERALS} bytes of the page, which must be literals"
            ),
        }
    }
}

/// [`decode_padded_block`] of a block with nothing after it (the tests'
/// entry point).
#[cfg(test)]
pub(crate) fn decode_block(
    input: &[u8],
    buf: &mut [u8],
    pos: usize,
    limit: usize,
) -> Result<usize, BlockError> {
    decode_padded_block(input, input.len(), buf, pos, limit)
}

/// Decodes the LZ4 block `padded[..len]` into `buf[pos..]` and returns the
/// end of the output (`pos` plus the decoded length).
///
/// `buf[..pos]` is the history matches may refer to (offsets reach at most
/// 65 535 bytes back, so at most its last 64 KiB matter). The output may not
/// pass `limit`, the end of the page; bytes of `buf` from the end of the output
/// up to `buf.len()` may be overwritten. `buf[..pos]` is never written, so on
/// error the history is intact.
///
/// The bytes after the block, `padded[len..]` (the rest of a reader's block
/// buffer, or of a fed slice; none at all is fine), may be read but are never
/// taken as part of it: near the block's end, the fixed-size reads of the
/// short literal copies and of the fast loop's common sequence then still
/// have their bytes (see `short_sequence_near_page_end`). The result, output
/// or error, is the same whatever follows the block.
///
/// Requires `len <= padded.len()` and `pos <= limit <= buf.len()`.
pub(crate) fn decode_padded_block(
    padded: &[u8],
    len: usize,
    buf: &mut [u8],
    pos: usize,
    limit: usize,
) -> Result<usize, BlockError> {
    let input = &padded[..len];
    debug_assert!(pos <= limit && limit <= buf.len());
    let limit = limit.min(buf.len());
    // Literal runs that end past this must be the last one; matches must end
    // at or before `match_limit`.
    let literal_limit = limit.saturating_sub(MF_LIMIT);
    let match_limit = limit.saturating_sub(LAST_LITERALS);
    // Matches ending at or before this can use the wild copies.
    let wild_limit = buf.len().saturating_sub(CHUNK);
    let mut ip = 0;
    let mut op = pos;
    loop {
        // Most sequences take the fast loop; it returns at the first one it
        // cannot decode, which the general code below then handles.
        if ip + FAST_IN <= input.len() && op + FAST_OUT <= limit {
            (ip, op) = fast_loop(input, buf, ip, op, limit);
        }
        // Near the page's or the block's end (a good part of a small page),
        // the fast loop's common sequence, the end-of-block rules and the
        // block's end checked one by one.
        if let Some(next) =
            short_sequence_near_page_end(padded, len, buf, ip, op, literal_limit, match_limit)
        {
            (ip, op) = next;
            continue;
        }

        let Some(&token) = input.get(ip) else {
            return Err(BlockError::MissingToken { at: ip });
        };
        let seq_start = ip;
        ip += 1;

        // Literals.
        let mut lit = usize::from(token >> 4);
        if lit == 15 {
            lit = lit.saturating_add(read_length(input, &mut ip)?);
        }
        let left = input.len() - ip;
        if lit >= left {
            if lit > left {
                return Err(BlockError::LiteralsPastInput {
                    at: seq_start,
                    len: lit,
                    left,
                });
            }
            // The last sequence: literals only, up to the end of the block.
            if lit > limit - op {
                return Err(BlockError::PageOverflow);
            }
            copy_literals(padded, ip, buf, op, lit);
            return Ok(op + lit);
        }
        // Not the last sequence (at least one byte follows the literals).
        if op + lit > literal_limit {
            return Err(if lit > limit - op {
                BlockError::PageOverflow
            } else {
                BlockError::LiteralsNotLast { at: seq_start }
            });
        }
        copy_literals(padded, ip, buf, op, lit);
        ip += lit;
        op += lit;

        // The match.
        let Some(offset) = input.get(ip..ip + 2) else {
            return Err(BlockError::OffsetPastInput { at: ip });
        };
        let offset = usize::from(u16::from_le_bytes([offset[0], offset[1]]));
        if offset.wrapping_sub(1) >= op {
            return Err(offset_error(ip, offset, op));
        }
        ip += 2;
        let mut len = usize::from(token & 15);
        if len == 15 {
            len = len.saturating_add(read_length(input, &mut ip)?);
        }
        len += MIN_MATCH;
        if len > match_limit.saturating_sub(op) {
            return Err(if len > limit - op {
                BlockError::PageOverflow
            } else {
                BlockError::MatchInLastLiterals { at: seq_start }
            });
        }
        let src = op - offset;
        if op + len <= wild_limit {
            copy_match_wild(buf, src, op, len);
        } else {
            copy_match_exact(buf, src, op, len);
        }
        op += len;
    }
}

/// The fast loop, for every sequence far from the end of the block and of the
/// page: its literals (up to what is left of that distance) and a match of up
/// to 18 bytes, or a longer match that still ends [`CHUNK`] bytes before the
/// page end. Far from the ends every length and end-of-block check holds by
/// construction (the input has [`FAST_IN`] bytes from the token on, and
/// [`CHUNK`] after a long run of literals; the output [`FAST_OUT`] bytes, at
/// least [`MF_LIMIT`] more than any short match writes), so only the lengths
/// of long runs and the offset need checking. Returns where it stopped: at
/// the start of the first sequence it cannot decode, which the general code
/// then decodes (again, if its literals were already copied: they are copied
/// to the same place). That includes a sequence with an invalid offset, which
/// the general code then reports, so this loop has no error path of its own.
///
/// Extra length bytes are read only from a fixed view of the input (19 for
/// literals, 15 for a match), so their sums stay small and the checks on them
/// are plain comparisons: a longer run (over 4 800 literals, or a match of
/// over 3 500 bytes) is left to the general code, whose copy dwarfs the cost
/// of leaving the loop.
///
/// The common sequence (under 15 literals, then a match of at most 18 bytes
/// that does not overlap itself) takes a shortcut: the next [`FAST_IN`] bytes
/// of input and [`FAST_OUT`] bytes of output are arrays, so the literals and
/// the offset are read without bounds checks of their own, and the match is
/// one 24-byte copy. The input is walked as a shrinking slice, whose one
/// length check per sequence is the loop's condition. A short match after a
/// long run of literals takes the same 24-byte copy, tested the same way.
///
/// A separate function with few live values, so the loop keeps everything in
/// registers.
#[inline(never)]
fn fast_loop(
    input: &[u8],
    buf: &mut [u8],
    ip: usize,
    mut op: usize,
    limit: usize,
) -> (usize, usize) {
    // Nothing at or past `limit` is written here: `buf` is cut there, and
    // the fixed-size copies check that they fit it.
    let buf_len = limit.min(buf.len());
    let buf = &mut buf[..buf_len];
    let mut rest = &input[ip..];
    // Where the last output view may start.
    let Some(last_view) = buf.len().checked_sub(FAST_OUT) else {
        return (ip, op);
    };
    // Where the last 24-byte match source may start.
    let last_src = buf.len() - 24;
    while let Some(seq) = rest.first_chunk::<FAST_IN>() {
        if op > last_view {
            break;
        }
        let Some(out) = buf
            .get_mut(op..)
            .and_then(<[u8]>::first_chunk_mut::<FAST_OUT>)
        else {
            break;
        };
        let token = seq[0];
        let mut lit = usize::from(token >> 4);
        let match_token = usize::from(token & 15);
        let (seq_rest, seq_op) = (rest, op);
        let offset = if lit < 15 {
            // Up to 14 literals, copied as 16 bytes.
            let mut literals = [0u8; 16];
            literals.copy_from_slice(&seq[1..17]);
            out[..16].copy_from_slice(&literals);
            // One 16-bit load: reading the two bytes one by one measured
            // 5-10 % slower overall.
            let offset = usize::from(u16::from_le_bytes([seq[1 + lit], seq[2 + lit]]));
            let len = match_token + MIN_MATCH;
            op += lit;
            // An offset reaching before the history wraps `src` past
            // `last_src`, so one comparison both rejects it (the code below
            // reports it) and proves the 24-byte load in bounds: 2 % fewer
            // instructions in this loop than checking the offset and the
            // load apart.
            let src = op.wrapping_sub(offset);
            if match_token < 15 && offset >= len && src <= last_src {
                // The match does not overlap itself, so one 24-byte load
                // (after the literals are in place) then one store copies
                // it; what lands past its end is overwritten later. 24
                // bytes, not 32: the load's second part is 8 bytes, which
                // straddles the stores just made (the literals, the last
                // match) less often, and a straddling load waits for them
                // to reach the cache instead of being forwarded from them.
                let mut chunk = [0u8; 24];
                chunk.copy_from_slice(&buf[src..src + 24]);
                // The store goes through the output view again: the same
                // check as above, which the compiler folds into it.
                let Some(out) = buf
                    .get_mut(seq_op..)
                    .and_then(<[u8]>::first_chunk_mut::<FAST_OUT>)
                else {
                    op = seq_op;
                    break;
                };
                out[lit..lit + 24].copy_from_slice(&chunk);
                op += len;
                rest = &rest[3 + lit..];
                continue;
            }
            rest = &rest[3 + lit..];
            offset
        } else {
            // A long run. Its extra length bytes are read from `seq` only:
            // a run whose length needs more (over 4 800 literals) is left to
            // the general code, which copies it with one `memcpy` anyway.
            // The sum stays small, so the checks below cannot overflow.
            let Some((long, p)) = view_length(lit, seq, 1) else {
                break;
            };
            lit = long;
            // After the literals, the input must still hold `CHUNK` bytes
            // (the chunked copy reads that far) and the output `FAST_OUT`,
            // as at the start of a sequence.
            if p + lit + CHUNK > rest.len() || op + lit + FAST_OUT > buf.len() {
                break;
            }
            copy_long_literals(rest, p, buf, op, lit);
            let Some((offset, after)) = rest[p + lit..].split_first_chunk::<2>() else {
                (rest, op) = (seq_rest, seq_op);
                break;
            };
            rest = after;
            op += lit;
            let offset = usize::from(u16::from_le_bytes(*offset));
            // A short match that does not overlap itself: the shortcut's
            // copy (one comparison proves the load in bounds and the offset
            // valid; the check above leaves `FAST_OUT` bytes for the store).
            let len = match_token + MIN_MATCH;
            let src = op.wrapping_sub(offset);
            if match_token < 15 && offset >= len && src <= last_src {
                copy_24(buf, src, op);
                op += len;
                continue;
            }
            offset
        };
        // The match of a sequence the shortcut above did not take; `rest`
        // starts after its offset and holds at least 15 more bytes, the
        // output `FAST_OUT - 14` more.
        if offset.wrapping_sub(1) >= op {
            // Invalid: the general code decodes the sequence again and
            // reports it (one fewer value for this loop to keep live).
            (rest, op) = (seq_rest, seq_op);
            break;
        }
        let src = op - offset;
        if match_token < 15 {
            copy_match_short(buf, src, op, match_token + MIN_MATCH, offset);
            op += match_token + MIN_MATCH;
            continue;
        }
        // A long match: it must end at least `CHUNK` bytes before `limit`,
        // or the general code decodes the whole sequence again.
        // Its extra length bytes are read from the next 15 bytes of input
        // only (which `rest` holds): a longer length (a match of over 3 500
        // bytes) is left to the general code too. The sum stays small, so
        // the check below cannot overflow.
        let Some(lengths) = rest.first_chunk::<15>() else {
            (rest, op) = (seq_rest, seq_op);
            break;
        };
        let Some((len, p)) = view_length(15 + MIN_MATCH, lengths, 0) else {
            (rest, op) = (seq_rest, seq_op);
            break;
        };
        if op + len + CHUNK > buf.len() {
            (rest, op) = (seq_rest, seq_op);
            break;
        }
        copy_match_wild(buf, src, op, len);
        op += len;
        rest = &rest[p..];
    }
    (input.len() - rest.len(), op)
}

/// Decodes the sequence at `padded[ip..]` into `buf[op..]` if it is the fast
/// loop's common one (under 15 literals, then a match of at most 18 bytes that
/// does not overlap itself) and ends where the end-of-block rules allow: its
/// literals at or before `literal_limit`, its match at or before
/// `match_limit`. Returns where the next sequence starts, in the input and
/// the output; `None` leaves the sequence (valid or not) to the general code.
///
/// For the sequences the fast loop leaves because the page's end is near
/// (within [`FAST_OUT`] bytes): the same fixed-size copies, which land in the
/// free space after the page (the buffers give the decoder [`WILD_MARGIN`]
/// bytes there), but the rules checked one by one; and for those it leaves
/// because the block's end is near, reading [`FAST_IN`] bytes from the token
/// in the padded input (see [`decode_padded_block`]), the sequence checked to
/// lie in the block, `padded[..block_len]`. It needs 48 bytes of output
/// room. Long and overlapping matches are left to the general code: taking
/// them here too measured no fewer instructions in all.
#[inline(always)]
fn short_sequence_near_page_end(
    padded: &[u8],
    block_len: usize,
    buf: &mut [u8],
    ip: usize,
    op: usize,
    literal_limit: usize,
    match_limit: usize,
) -> Option<(usize, usize)> {
    let seq = padded.get(ip..)?.first_chunk::<FAST_IN>()?;
    let token = seq[0];
    let (lit, match_token) = (usize::from(token >> 4), usize::from(token & 15));
    // The literals and the offset must lie in the block.
    if lit >= 15 || match_token >= 15 || ip + 3 + lit > block_len {
        return None;
    }
    let len = match_token + MIN_MATCH;
    let match_op = op + lit;
    let offset = usize::from(u16::from_le_bytes([seq[1 + lit], seq[2 + lit]]));
    // At most 14 literals and 18 bytes of match: the sums cannot overflow.
    if match_op > literal_limit || match_op + len > match_limit || offset < len || offset > match_op
    {
        return None;
    }
    let out = buf.get_mut(op..)?.first_chunk_mut::<48>()?;
    out[..16].copy_from_slice(&seq[1..17]);
    // `offset >= len`: the match reads only bytes before `match_op`.
    copy_24(buf, match_op - offset, match_op);
    Some((ip + 3 + lit, match_op + len))
}

/// Copies the 24 bytes at `buf[src..]` to `buf[op..]` with one load, then
/// one store: how a match of at most 18 bytes that does not overlap itself
/// (`offset >= len`, so its own bytes are read before any is written) is
/// copied; what lands past its end is overwritten later. 24 bytes, not 32:
/// see the fast loop's shortcut, which copies the same way.
#[inline(always)]
fn copy_24(buf: &mut [u8], src: usize, op: usize) {
    let mut chunk = [0u8; 24];
    chunk.copy_from_slice(&buf[src..src + 24]);
    buf[op..op + 24].copy_from_slice(&chunk);
}

/// Copies a match of at most 18 bytes from `buf[src..]` to `buf[op..]`
/// (`src = op - offset`), writing up to 32 bytes from `op`; `buf` must hold
/// 48 bytes from `op` (as it does in the fast loop).
#[inline(always)]
fn copy_match_short(buf: &mut [u8], src: usize, op: usize, len: usize, offset: usize) {
    if offset >= len {
        copy_24(buf, src, op);
        return;
    }
    // The match overlaps itself (`offset < len <= 18`): everything it
    // touches lies in the 48 bytes from `src`, whose constant size lets the
    // copies below go without bounds checks of their own.
    let window = &mut buf[src..src + 48];
    if offset >= 8 {
        // 8-byte copies, each reading only bytes already final.
        let offset = offset.min(17);
        for k in [0, 8, 16] {
            let mut chunk = [0u8; 8];
            chunk.copy_from_slice(&window[k..k + 8]);
            window[offset + k..offset + k + 8].copy_from_slice(&chunk);
        }
    } else {
        repeat_short(window, offset);
    }
}

/// A match of at most 18 bytes with an offset from 1 to 7, in `window`, which
/// starts at the match's source: the output repeats the first `offset` bytes.
/// The pattern is built in one 64-bit word (those bytes, multiplied so they
/// repeat) and stored four times, each store advanced by the largest multiple
/// of the offset that fits in 8 bytes, so each starts in phase: 8 + 3 * 5 >= 18
/// bytes, written up to `offset + 32` into the window.
#[inline(always)]
fn repeat_short(window: &mut [u8], offset: usize) {
    debug_assert!((1..8).contains(&offset));
    let offset = offset & 7;
    // For each offset: the multiplier that repeats its pattern through a
    // word, and the step between stores.
    const REPEAT: [(u64, usize); 8] = [
        (0, 8),
        (0x0101_0101_0101_0101, 8),
        (0x0001_0001_0001_0001, 8),
        (0x0001_0000_0100_0001, 6),
        (0x0000_0001_0000_0001, 8),
        (0x0000_0100_0000_0001, 5),
        (0x0001_0000_0000_0001, 6),
        (0x0100_0000_0000_0001, 7),
    ];
    let (multiplier, step) = REPEAT[offset];
    let step = step.min(8);
    let mut word = [0u8; 8];
    word.copy_from_slice(&window[..8]);
    // Only the first `offset` bytes are the pattern (the rest are not yet
    // written); the multiplier's terms never overlap, so nothing carries.
    let unit = u64::from_le_bytes(word) & (u64::MAX >> ((64 - 8 * offset) & 63));
    let pattern = unit.wrapping_mul(multiplier).to_le_bytes();
    for k in 0..4 {
        let at = offset + k * step;
        window[at..at + 8].copy_from_slice(&pattern);
    }
}

/// The error for an offset of 0 or one reaching before the start of the
/// history (`offset > available`), read at byte `at` of the block.
#[cold]
fn offset_error(at: usize, offset: usize, available: usize) -> BlockError {
    if offset == 0 {
        BlockError::OffsetZero { at }
    } else {
        BlockError::OffsetBeforeHistory {
            at,
            offset,
            available,
        }
    }
}

/// A long literal or match length in the fast loop: `short` (what the token
/// says) plus the extra bytes (a run of 255s ended by a smaller byte) read
/// from `view`, a fixed view of the input, from `start` on. Returns the length
/// and where its bytes end in `view`, or `None` when the view ends first (the
/// general code then reads the length from the whole block). The sum is at
/// most 255 times the view's length, so the fast loop's checks on it cannot
/// overflow.
#[inline(always)]
fn view_length(short: usize, view: &[u8], start: usize) -> Option<(usize, usize)> {
    let mut sum = short;
    let mut at = start;
    loop {
        let byte = *view.get(at)?;
        at += 1;
        sum += usize::from(byte);
        if byte != 255 {
            return Some((sum, at));
        }
    }
}

/// Reads the extra bytes of a literal or match length (a run of 255s ended by
/// a smaller byte) and returns their sum.
#[inline]
fn read_length(input: &[u8], ip: &mut usize) -> Result<usize, BlockError> {
    let mut sum: usize = 0;
    loop {
        let Some(&byte) = input.get(*ip) else {
            return Err(BlockError::LengthPastInput { at: *ip });
        };
        *ip += 1;
        // Saturating: on 32-bit targets a long run of 255s could wrap, and a
        // saturated length fails the page check anyway.
        sum = sum.saturating_add(usize::from(byte));
        if byte != 255 {
            return Ok(sum);
        }
    }
}

/// Copies `len` literals from `input[ip..]` to `buf[op..]`; `len` is known to
/// fit both. Short runs (the common case) copy one fixed chunk that may reach
/// past the run, when both buffers have room for it.
#[inline(always)]
fn copy_literals(input: &[u8], ip: usize, buf: &mut [u8], op: usize, len: usize) {
    if len <= 16 {
        if copy_fixed::<16>(input, ip, buf, op) {
            return;
        }
    } else if len <= 256 && input.len() - ip >= len + CHUNK && buf.len() - op >= len + CHUNK {
        copy_long_literals(input, ip, buf, op, len);
        return;
    }
    buf[op..op + len].copy_from_slice(&input[ip..ip + len]);
}

/// Copies `N` bytes from `input[ip..]` to `buf[op..]` if both hold them (a
/// literal run of at most `N` bytes, and whatever follows it, into free
/// space); returns whether it did.
#[inline(always)]
fn copy_fixed<const N: usize>(input: &[u8], ip: usize, buf: &mut [u8], op: usize) -> bool {
    match (input.get(ip..ip + N), buf.get_mut(op..op + N)) {
        (Some(src), Some(dst)) => {
            dst.copy_from_slice(src);
            true
        }
        _ => false,
    }
}

/// Copies `len` literals from `input[ip..]` to `buf[op..]`, where both have at
/// least [`CHUNK`] bytes to spare after the run: one 64-byte copy for runs of
/// up to 64 bytes where both hold that much (any of `buf` after the output is
/// free), else 32-byte chunks, or one exact copy for long runs, where `memcpy`
/// is faster.
#[inline(always)]
fn copy_long_literals(input: &[u8], ip: usize, buf: &mut [u8], op: usize, len: usize) {
    if len > LONG_LITERALS {
        buf[op..op + len].copy_from_slice(&input[ip..ip + len]);
        return;
    }
    // Runs of up to 64 bytes as one fixed copy, when both sides have room
    // for it, rather than a loop whose exit the processor mispredicts for
    // every run of a length unlike the last: 11 % fewer mispredicted
    // branches in the decoder on executables at 64 KiB pages (callgrind's
    // model), and `fill_buf` there 1.006x -> 1.034x of liblz4's loop (means
    // of four processes in alternation).
    if len <= 2 * CHUNK && copy_fixed::<{ 2 * CHUNK }>(input, ip, buf, op) {
        return;
    }
    // Bounded once: each chunk then lies inside both (`done < len`).
    let src = &input[ip..ip + len + CHUNK];
    let dst = &mut buf[op..op + len + CHUNK];
    let mut done = 0;
    while done < len {
        dst[done..done + CHUNK].copy_from_slice(&src[done..done + CHUNK]);
        done += CHUNK;
    }
}

/// Copies a match of `len` bytes from `buf[src..]` to `buf[op..]` (`src < op`;
/// the two overlap when `op - src < len`), writing up to [`CHUNK`] - 1 bytes
/// past `op + len`, or up to `op + 2 * CHUNK` where `buf` holds that (any of
/// `buf` after the output is free); `op + len + CHUNK <= buf.len()`.
#[inline(always)]
fn copy_match_wild(buf: &mut [u8], src: usize, op: usize, len: usize) {
    let offset = op - src;
    let end = op + len + CHUNK;
    if offset >= 32 {
        // Matches of up to 64 bytes as two fixed chunks, where the room
        // allows, rather than the loop, whose exit the processor mispredicts
        // for a match of another length than the last: 14-22 % fewer
        // mispredicted branches in the decoder on HTML, JSON, prose and
        // Python source at 64 KiB pages (callgrind's model), for 1-1.5 % more
        // instructions; see the README ("Where the instructions go").
        if len <= 2 * CHUNK {
            if let Some(span) = buf.get_mut(src..op + 2 * CHUNK) {
                let mut chunk = [0u8; CHUNK];
                chunk.copy_from_slice(&span[..CHUNK]);
                span[offset..offset + CHUNK].copy_from_slice(&chunk);
                chunk.copy_from_slice(&span[CHUNK..2 * CHUNK]);
                span[offset + CHUNK..offset + 2 * CHUNK].copy_from_slice(&chunk);
                return;
            }
        }
        copy_forward::<32>(buf, src, offset, end);
    } else if offset >= 16 {
        copy_forward::<16>(buf, src, offset, end);
    } else {
        copy_repeating(buf, src, op, len, offset);
    }
}

/// The wild match copy in `C`-byte chunks (`C <= offset`, so each chunk
/// reads bytes that are already final: the source of chunk k ends at
/// `src + C (k + 1) <= op + C k`), for a match that ends [`CHUNK`] bytes
/// before `end`.
///
/// The rest of the span `buf[src..end]` shrinks by a chunk per step, and one
/// view of it, `offset + CHUNK + 1` bytes long, holds both the chunk and its
/// destination: taking the view is the loop's one check (it exists exactly
/// while bytes of the match are left), and the copies inside it need none of
/// their own, where indexing `buf` by position kept two per chunk.
#[inline(always)]
fn copy_forward<const C: usize>(buf: &mut [u8], src: usize, offset: usize, end: usize) {
    let mut rest = &mut buf[src..end];
    while let Some(view) = rest.get_mut(..offset + CHUNK + 1) {
        let mut chunk = [0u8; C];
        chunk.copy_from_slice(&view[..C]);
        view[offset..offset + C].copy_from_slice(&chunk);
        rest = &mut std::mem::take(&mut rest)[C..];
    }
}

/// An overlapping match with an offset below 16: the output repeats the last
/// `offset` bytes. Dispatches to a copy specialised for each offset, so the
/// pattern is built with constant indices. Not inlined: its fifteen variants
/// would crowd the fast loop's registers, and small offsets are rare.
#[inline(never)]
fn copy_repeating(buf: &mut [u8], src: usize, op: usize, len: usize, offset: usize) {
    match offset {
        1 => {
            // A run of one byte: a fill, which the compiler turns into memset.
            let byte = buf[src];
            buf[op..op + len].fill(byte);
        }
        2 => repeat::<2>(buf, src, op, len),
        3 => repeat::<3>(buf, src, op, len),
        4 => repeat::<4>(buf, src, op, len),
        5 => repeat::<5>(buf, src, op, len),
        6 => repeat::<6>(buf, src, op, len),
        7 => repeat::<7>(buf, src, op, len),
        8 => repeat::<8>(buf, src, op, len),
        9 => repeat::<9>(buf, src, op, len),
        10 => repeat::<10>(buf, src, op, len),
        11 => repeat::<11>(buf, src, op, len),
        12 => repeat::<12>(buf, src, op, len),
        13 => repeat::<13>(buf, src, op, len),
        14 => repeat::<14>(buf, src, op, len),
        _ => repeat::<15>(buf, src, op, len),
    }
}

/// Writes the `O`-byte pattern at `buf[src..src + O]` repeatedly from `op`
/// (`op == src + O`) for `len` bytes, in 32-byte stores that advance by the
/// largest multiple of `O` that fits, so every store starts in phase.
#[inline(always)]
fn repeat<const O: usize>(buf: &mut [u8], src: usize, op: usize, len: usize) {
    let mut unit = [0u8; O];
    unit.copy_from_slice(&buf[src..src + O]);
    let mut pattern = [0u8; CHUNK];
    for (i, byte) in pattern.iter_mut().enumerate() {
        *byte = unit[i % O];
    }
    let step = CHUNK / O * O;
    let mut done = 0;
    while done < len {
        buf[op + done..op + done + CHUNK].copy_from_slice(&pattern);
        done += step;
    }
}

/// The exact match copy, for matches too close to the end of `buf` for the
/// wild copies.
#[cold]
fn copy_match_exact(buf: &mut [u8], src: usize, op: usize, len: usize) {
    if op - src >= len {
        buf.copy_within(src..src + len, op);
    } else {
        // Overlapping: copy in steps of the offset; each step's source is
        // already final.
        let offset = op - src;
        let mut done = 0;
        while done < len {
            let n = offset.min(len - done);
            buf.copy_within(src + done..src + done + n, op + done);
            done += n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A block builder for hand-made sequences.
    #[derive(Default)]
    struct Block(Vec<u8>);

    impl Block {
        fn push_len(&mut self, mut extra: usize) {
            while extra >= 255 {
                self.0.push(255);
                extra -= 255;
            }
            self.0.push(extra as u8);
        }

        /// A sequence of `literals` then a match of `len` bytes at `offset`.
        fn seq(mut self, literals: &[u8], offset: u16, len: usize) -> Self {
            assert!(len >= MIN_MATCH);
            let lit_nib = literals.len().min(15);
            let ml_nib = (len - MIN_MATCH).min(15);
            self.0.push((lit_nib << 4 | ml_nib) as u8);
            if lit_nib == 15 {
                self.push_len(literals.len() - 15);
            }
            self.0.extend_from_slice(literals);
            self.0.extend_from_slice(&offset.to_le_bytes());
            if ml_nib == 15 {
                self.push_len(len - MIN_MATCH - 15);
            }
            self
        }

        /// The last sequence: literals only.
        fn last(mut self, literals: &[u8]) -> Vec<u8> {
            let lit_nib = literals.len().min(15);
            self.0.push((lit_nib << 4) as u8);
            if lit_nib == 15 {
                self.push_len(literals.len() - 15);
            }
            self.0.extend_from_slice(literals);
            self.0
        }
    }

    /// Decodes `block` after `history` into a buffer with `margin` free bytes
    /// after a page of `page` bytes; returns the output. Checks on the way
    /// that the block followed by padding (bytes that read as long runs, as
    /// zero offsets, as short sequences) decodes to the same result, error or
    /// output.
    fn decode(
        block: &[u8],
        history: &[u8],
        page: usize,
        margin: usize,
    ) -> Result<Vec<u8>, BlockError> {
        let plain = decode_padded(block, block.len(), history, page, margin);
        for padding in [&[0xFF; 40][..], &[0; 40], &[0x1F; 17], &[0x40; 3]] {
            let mut padded = block.to_vec();
            padded.extend_from_slice(padding);
            let result = decode_padded(&padded, block.len(), history, page, margin);
            assert_eq!(result, plain, "padded with {padding:?}");
        }
        plain
    }

    /// `decode_padded_block` of `padded[..len]` after `history`, as `decode`.
    fn decode_padded(
        padded: &[u8],
        len: usize,
        history: &[u8],
        page: usize,
        margin: usize,
    ) -> Result<Vec<u8>, BlockError> {
        let mut buf = history.to_vec();
        // Garbage in the free space: the decoder must not read it.
        buf.resize(history.len() + page + margin, 0xA5);
        let end = decode_padded_block(padded, len, &mut buf, history.len(), history.len() + page)?;
        Ok(buf[history.len()..end].to_vec())
    }

    /// The obvious byte-at-a-time decoder, as an oracle.
    fn reference(history: &[u8], literals: &[u8], offset: usize, len: usize) -> Vec<u8> {
        let mut all = history.to_vec();
        all.extend_from_slice(literals);
        for _ in 0..len {
            all.push(all[all.len() - offset]);
        }
        all.split_off(history.len())
    }

    fn tail() -> &'static [u8] {
        b"end of the block"
    }

    #[test]
    fn overlapping_matches_for_every_small_offset() {
        let history: Vec<u8> = (0..100u8).map(|i| i.wrapping_mul(37) ^ 0x5A).collect();
        for offset in 1..=40usize {
            for len in [
                4, 5, 15, 16, 17, 18, 19, 31, 32, 33, 63, 64, 65, 200, 1000, 5000,
            ] {
                for margin in [0, WILD_MARGIN] {
                    let literals = &b"abcdefghijklmnopqrstuvwxyz0123456789"[..offset.min(36) / 2];
                    let block = Block::default()
                        .seq(literals, offset as u16, len)
                        .last(tail());
                    let page = literals.len() + len + tail().len();
                    let out = decode(&block, &history, page, margin).unwrap();
                    let mut expected = reference(&history, literals, offset, len);
                    expected.extend_from_slice(tail());
                    assert_eq!(out, expected, "offset {offset} len {len} margin {margin}");
                }
            }
        }
    }

    /// The fixed 64-byte copies: literal runs and matches (offsets of 32 and
    /// more, overlapping ones included) around 64 bytes, with no room to
    /// spare and with some, each followed by a sequence that overwrites what
    /// they wrote past their end.
    #[test]
    fn fixed_copies_around_64_bytes() {
        let history: Vec<u8> = (0..200u32).map(|i| (i * 89 % 251) as u8).collect();
        let text: Vec<u8> = (0..70u8).map(|i| b'A' + i % 58).collect();
        for offset in [32usize, 33, 40, 47, 63, 64, 65, 90] {
            for len in [4usize, 18, 19, 31, 32, 33, 47, 63, 64, 65, 66] {
                for run in [0usize, 1, 15, 16, 17, 20, 33, 63, 64, 65] {
                    let literals = &text[..run];
                    let block = Block::default()
                        .seq(literals, offset as u16, len)
                        .seq(b"q", 7, 5)
                        .last(tail());
                    let mut expected = reference(&history, literals, offset, len);
                    expected.push(b'q');
                    let mut all = history.clone();
                    all.extend_from_slice(&expected);
                    for _ in 0..5 {
                        all.push(all[all.len() - 7]);
                    }
                    expected = all[history.len()..].to_vec();
                    expected.extend_from_slice(tail());
                    for (extra, margin) in [(0, 0), (0, 10), (30, 40), (0, 64), (30, 100)] {
                        let page = expected.len() + extra;
                        let out = decode(&block, &history, page, margin).unwrap();
                        assert_eq!(
                            out, expected,
                            "offset {offset} len {len} literals {run} page +{extra} margin {margin}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn matches_into_the_history_and_across_its_end() {
        let history: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
        for offset in [1usize, 7, 16, 100, 65_535] {
            for len in [4usize, 20, 300, 70_000] {
                for margin in [0, WILD_MARGIN] {
                    let block = Block::default().seq(b"xy", offset as u16, len).last(tail());
                    let page = 2 + len + tail().len();
                    let out = decode(&block, &history, page, margin).unwrap();
                    let mut expected = reference(&history, b"xy", offset, len);
                    expected.extend_from_slice(tail());
                    assert_eq!(out, expected, "offset {offset} len {len}");
                }
            }
        }
    }

    #[test]
    fn long_literals_and_lengths_with_many_extra_bytes() {
        let literals: Vec<u8> = (0..1000u32).map(|i| (i * 7) as u8).collect();
        for lit in [14usize, 15, 16, 17, 32, 33, 269, 270, 271, 1000] {
            let block = Block::default()
                .seq(&literals[..lit], 3, 15 + MIN_MATCH + 255 * 2)
                .last(&literals[..lit]);
            let out = decode(&block, b"", 4096, WILD_MARGIN).unwrap();
            let mut expected = reference(b"", &literals[..lit], 3, 15 + MIN_MATCH + 510);
            expected.extend_from_slice(&literals[..lit]);
            assert_eq!(out, expected, "lit {lit}");
        }
    }

    #[test]
    fn the_last_sequence_may_have_no_literals_or_fill_the_page() {
        assert_eq!(decode(&[0x00], b"", 10, 0), Ok(Vec::new()));
        assert_eq!(decode(&[0x30, 1, 2, 3], b"", 3, 0), Ok(vec![1, 2, 3]));
        // A match followed by an empty last sequence (liblz4 accepts it when far
        // from the page end).
        let block = Block::default().seq(b"abcd", 4, 8).last(b"");
        assert_eq!(decode(&block, b"", 100, 0), Ok(b"abcdabcdabcd".to_vec()));
    }

    #[test]
    fn every_validation_error() {
        let history = b"0123456789";
        let ok = Block::default().seq(b"ab", 4, 6).last(b"hello");
        assert!(decode(&ok, history, 100, 0).is_ok());

        // Empty input and input ending after a match.
        assert_eq!(
            decode(&[], history, 100, 0),
            Err(BlockError::MissingToken { at: 0 })
        );
        let mut ends_after_match = Block::default().seq(b"ab", 4, 6).0;
        let at = ends_after_match.len();
        assert_eq!(
            decode(&ends_after_match, history, 100, 0),
            Err(BlockError::MissingToken { at })
        );
        // Truncated inside the offset.
        ends_after_match.truncate(at - 1);
        assert_eq!(
            decode(&ends_after_match, history, 100, 0),
            Err(BlockError::OffsetPastInput { at: 3 })
        );
        // Truncated literal and match lengths.
        assert_eq!(
            decode(&[0xF0, 255, 255], history, 10_000, 0),
            Err(BlockError::LengthPastInput { at: 3 })
        );
        assert_eq!(
            decode(&[0x0F, 4, 0, 255], history, 10_000, 0),
            Err(BlockError::LengthPastInput { at: 4 })
        );
        // Literals past the input.
        assert_eq!(
            decode(&[0x50, 1, 2, 3], history, 100, 0),
            Err(BlockError::LiteralsPastInput {
                at: 0,
                len: 5,
                left: 3
            })
        );
        // Offset 0 and offsets before the history.
        let zero = Block::default().seq(b"ab", 0, 4).last(b"hello");
        assert_eq!(
            decode(&zero, history, 100, 0),
            Err(BlockError::OffsetZero { at: 3 })
        );
        let too_far = Block::default().seq(b"ab", 13, 4).last(b"hello");
        assert_eq!(
            decode(&too_far, history, 100, 0),
            Err(BlockError::OffsetBeforeHistory {
                at: 3,
                offset: 13,
                available: 12
            })
        );
        let just_in = Block::default().seq(b"ab", 12, 4).last(b"hello");
        assert_eq!(
            decode(&just_in, history, 100, 0),
            Ok(b"ab0123hello".to_vec())
        );
        // Output past the page: last literals, literals, match.
        assert_eq!(
            decode(&[0x30, 1, 2, 3], b"", 2, 0),
            Err(BlockError::PageOverflow)
        );
        let long_literals = Block::default().seq(&[7; 40], 4, 4).last(b"");
        assert_eq!(
            decode(&long_literals, b"", 39, 0),
            Err(BlockError::PageOverflow)
        );
        let long_match = Block::default().seq(b"ab", 2, 100).last(b"");
        assert_eq!(
            decode(&long_match, b"", 101, 0),
            Err(BlockError::PageOverflow)
        );
        // End-of-block rules, relative to the page end.
        let block = Block::default().seq(b"ab", 2, 20).last(b"hello");
        // 2 + 20 + 5 = 27 bytes: fits a 27-byte page exactly.
        assert!(decode(&block, b"", 27, 0).is_ok());
        let block = Block::default().seq(b"ab", 2, 20).last(b"hell");
        assert_eq!(
            decode(&block, b"", 26, 0),
            Err(BlockError::MatchInLastLiterals { at: 0 })
        );
        assert!(decode(&block, b"", 27, 0).is_ok());
        let literals_late = Block::default().seq(&[9; 20], 2, 4).last(b"hello");
        assert_eq!(
            decode(&literals_late, b"", 31, 0),
            Err(BlockError::LiteralsNotLast { at: 0 })
        );
        assert!(decode(&literals_late, b"", 32, 0).is_ok());
    }

    /// A random valid block after `history`: sequences of mixed shapes (short
    /// and long literals, matches with offsets from 1 to the whole history,
    /// short and long), ending with at least 8 literals. Returns the block
    /// and the expected output.
    fn random_block(seed: u64, history: &[u8], out_len: usize) -> (Vec<u8>, Vec<u8>) {
        let mut state = seed | 1;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut block = Block::default();
        let mut all = history.to_vec();
        while all.len() - history.len() + 64 < out_len {
            let lit = match next(10) {
                0 => next(300),
                1..=3 => 0,
                _ => next(15),
            };
            // (A match needs something before it.)
            let lit = if all.is_empty() { lit.max(1) } else { lit };
            let lit = lit.min(out_len - (all.len() - history.len()) - 48);
            let literals: Vec<u8> = (0..lit).map(|_| b"abcdefgh"[next(8)]).collect();
            all.extend_from_slice(&literals);
            let offset = match next(4) {
                0 => 1 + next(16),
                1 => 1 + next(64),
                _ => 1 + next(65_535),
            }
            .min(all.len());
            let len = match next(8) {
                0 => MIN_MATCH + next(500),
                1 => MIN_MATCH + 15 + next(20),
                _ => MIN_MATCH + next(15),
            };
            let room = out_len.saturating_sub(all.len() - history.len());
            let len = len.min(room.saturating_sub(32)).max(MIN_MATCH);
            for _ in 0..len {
                all.push(all[all.len() - offset]);
            }
            block = block.seq(&literals, offset as u16, len);
        }
        // At least 8: with the 4-byte match before it, every literal run but
        // the last then ends 12 bytes or more before the end, as LZ4 requires.
        let tail: Vec<u8> = (0..8 + next(10)).map(|i| i as u8).collect();
        all.extend_from_slice(&tail);
        (block.last(&tail), all.split_off(history.len()))
    }

    #[test]
    fn random_blocks_decode_like_the_byte_at_a_time_reference() {
        let history: Vec<u8> = (0..70_000u32).map(|i| (i * 31 % 253) as u8).collect();
        for seed in 1..300u64 {
            let hist = &history[..(seed as usize * 997) % history.len()];
            let out_len = 100 + (seed as usize * 7919) % 20_000;
            let (block, expected) = random_block(seed, hist, out_len);
            for (page, margin) in [
                (expected.len(), 0),
                (expected.len(), WILD_MARGIN),
                (out_len + 1000, 0),
            ] {
                let out = decode(&block, hist, page, margin)
                    .unwrap_or_else(|e| panic!("seed {seed} page {page}: {e}"));
                assert!(out == expected, "seed {seed} page {page} margin {margin}");
            }
            // One byte less of page: an overflow, or (when the last
            // literals are few) a match in the page's last 5 bytes.
            let err = decode(&block, hist, expected.len() - 1, WILD_MARGIN).unwrap_err();
            assert!(
                matches!(
                    err,
                    BlockError::PageOverflow | BlockError::MatchInLastLiterals { .. }
                ),
                "seed {seed}: {err}"
            );
        }
    }

    #[test]
    fn errors_inside_the_fast_loop() {
        // Enough short sequences first that the bad one is reached by the
        // fast loop, then a bad offset, a long match running past the page.
        let mut good = Block::default();
        for _ in 0..20 {
            good = good.seq(b"abcdefgh", 8, 12);
        }
        let at = good.0.len() + 1 + 3;
        let zero = Block(good.0.clone()).seq(b"xyz", 0, 4).last(&[0; 40]);
        assert_eq!(
            decode(&zero, b"", 10_000, WILD_MARGIN),
            Err(BlockError::OffsetZero { at })
        );
        let far = Block(good.0.clone()).seq(b"xyz", 9999, 4).last(&[0; 40]);
        assert_eq!(
            decode(&far, b"", 10_000, WILD_MARGIN),
            Err(BlockError::OffsetBeforeHistory {
                at,
                offset: 9999,
                available: 20 * 20 + 3
            })
        );
        // A long match that ends exactly at the page end minus 5 decodes
        // (through the general code), one byte longer is an error.
        let long = Block(good.0.clone()).seq(b"xyz", 3, 1000).last(b"12345");
        let size = 20 * 20 + 3 + 1000 + 5;
        assert_eq!(
            decode(&long, b"", size, WILD_MARGIN).map(|o| o.len()),
            Ok(size)
        );
        assert_eq!(
            decode(&long, b"", size - 1, WILD_MARGIN),
            Err(BlockError::MatchInLastLiterals { at: good.0.len() })
        );
        // Literal-only lengths ending the block inside the fast loop's reach.
        let truncated = {
            let mut b = Block(good.0.clone()).seq(b"xyz", 3, 1000).0;
            b.truncate(b.len() - 2);
            b.extend_from_slice(&[0; 40]);
            b
        };
        assert!(decode(&truncated, b"", 100_000, WILD_MARGIN).is_err());
    }

    #[test]
    fn long_literal_runs_in_the_fast_loop() {
        // Runs of every length class (chunked, one memcpy) between short
        // sequences, so the fast loop meets them with room on both sides;
        // then the same runs ending ever closer to the end of the block and
        // of the page, where the fast loop must hand over to the general code.
        let literals: Vec<u8> = (0..2000u32).map(|i| (i * 13 % 251) as u8).collect();
        for lit in [15usize, 16, 31, 32, 33, 64, 255, 256, 257, 270, 1000, 2000] {
            let mut block = Block::default();
            let mut expected = Vec::new();
            for _ in 0..8 {
                block = block.seq(b"abcdefgh", 8, 12).seq(&literals[..lit], 20, 9);
                expected.extend_from_slice(b"abcdefgh");
                for _ in 0..12 {
                    expected.push(expected[expected.len() - 8]);
                }
                expected.extend_from_slice(&literals[..lit]);
                for _ in 0..9 {
                    expected.push(expected[expected.len() - 20]);
                }
            }
            // (At least 5: a valid block ends with 5 literals after its last match.)
            for tail_len in [5usize, 6, 12, 31, 40] {
                let tail = &literals[..tail_len];
                let block = Block(block.0.clone()).last(tail);
                let mut all = expected.clone();
                all.extend_from_slice(tail);
                for (page, margin) in [
                    (all.len(), 0),
                    (all.len(), WILD_MARGIN),
                    (all.len() + 100, 0),
                ] {
                    let out = decode(&block, b"", page, margin);
                    assert_eq!(
                        out.as_deref(),
                        Ok(&all[..]),
                        "lit {lit} tail {tail_len} page {page}"
                    );
                }
                // A page one byte short fails the same way wherever the
                // fast loop stopped.
                assert!(decode(&block, b"", all.len() - 1, WILD_MARGIN).is_err());
            }
            // An offset reaching before the history right after a long run,
            // far from both ends: reported where it is.
            let bad = Block(block.0.clone())
                .seq(&literals[..lit], 60_000, 4)
                .last(&[0; 100]);
            let at = block.0.len() + 1 + (lit - 15) / 255 + 1 + lit;
            assert_eq!(
                decode(&bad, b"", 100_000, WILD_MARGIN),
                Err(BlockError::OffsetBeforeHistory {
                    at,
                    offset: 60_000,
                    available: expected.len() + lit
                }),
                "lit {lit}"
            );
            // And an offset of 0 there.
            let zero = Block(block.0.clone())
                .seq(&literals[..lit], 0, 4)
                .last(&[0; 100]);
            assert_eq!(
                decode(&zero, b"", 100_000, WILD_MARGIN),
                Err(BlockError::OffsetZero { at }),
                "lit {lit}"
            );
        }
    }

    #[test]
    fn literals_not_last_with_no_literals_near_the_page_end() {
        // liblz4 rejects a sequence whose (empty) literals end within the last
        // 12 bytes of the page unless it is the last.
        let block = Block::default()
            .seq(b"abcdefghijkl", 4, 4)
            .seq(b"", 4, 4)
            .last(b"12345");
        assert!(decode(&block, b"", 12 + 4 + 4 + 5 + 4, 0).is_ok());
        assert_eq!(
            decode(&block, b"", 12 + 4 + 4 + 5, 0),
            Err(BlockError::LiteralsNotLast { at: 15 })
        );
    }

    #[test]
    fn rules_at_the_page_end_and_the_block_end_with_room_to_spare() {
        // Short sequences near the page's and the block's end, with free
        // space after the page (so the fixed-size copies could run past the
        // rules if they were not checked): each rule at its boundary.
        let history: Vec<u8> = (0..100u8).collect();
        // `literals`, a match and the last literals `tail` in a page of
        // exactly their length decode; with the tail (and so the page) one
        // byte shorter, the rule fails with `err`.
        let at_the_boundary = |literals: &[u8], offset: u16, len: usize, tail: &[u8], err| {
            let page = literals.len() + len + tail.len();
            let block = Block::default().seq(literals, offset, len).last(tail);
            let mut expected = reference(&history, literals, usize::from(offset), len);
            expected.extend_from_slice(tail);
            assert_eq!(decode(&block, &history, page, WILD_MARGIN), Ok(expected));
            let shorter = &tail[..tail.len() - 1];
            let block = Block::default().seq(literals, offset, len).last(shorter);
            assert_eq!(decode(&block, &history, page - 1, WILD_MARGIN), Err(err));
        };
        // A match may end 5 bytes before the page's end, not 4.
        at_the_boundary(
            b"ab",
            50,
            8,
            b"12345",
            BlockError::MatchInLastLiterals { at: 0 },
        );
        // Literals that are not the last may end 12 bytes before the page's
        // end, not 11.
        at_the_boundary(
            b"0123456789",
            20,
            4,
            b"abcdefgh",
            BlockError::LiteralsNotLast { at: 0 },
        );
        // A block cut inside an offset, or after a match, with bytes after
        // it that would complete them (`decode` pads it).
        let cut = [0x20, b'a', b'b', 5];
        assert_eq!(
            decode(&cut, &history, 64, WILD_MARGIN),
            Err(BlockError::OffsetPastInput { at: 3 })
        );
        let after_match = Block::default().seq(b"ab", 50, 8).0;
        assert_eq!(
            decode(&after_match, &history, 64, WILD_MARGIN),
            Err(BlockError::MissingToken { at: 5 })
        );
    }

    #[test]
    fn never_writes_the_history_or_past_the_buffer() {
        // A block that fails half-way leaves the history alone.
        let history = vec![3u8; 1000];
        let block = Block::default()
            .seq(&[1; 50], 1, 500)
            .seq(b"x", 0, 4)
            .last(b"");
        let mut buf = history.clone();
        buf.resize(3000, 0);
        assert_eq!(
            decode_block(&block, &mut buf, 1000, 3000),
            Err(BlockError::OffsetZero { at: 58 })
        );
        assert_eq!(&buf[..1000], &history[..]);
    }
}
