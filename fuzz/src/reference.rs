//! A deliberately naive LZ4 block decoder (byte by byte, straight from the
//! block format's description), the oracle the crate's decoder is checked
//! against, and a builder of well-formed blocks with arbitrary sequences.

use arbitrary::Unstructured;
use lz4_stream::{compress_bound, Corruption, WINDOW_SIZE};

/// Why the reference rejects a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reject {
    /// Not LZ4: a length or offset past the end of the block, offset 0, or a
    /// match reaching before the start of the history.
    Invalid,
    /// The block decodes to more than the page.
    Overflow,
}

/// What the reference makes of a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub result: Result<Vec<u8>, Reject>,
    /// The block breaks the format's end-of-block rules (the last sequence
    /// must be literals only; the last 5 bytes are literals; the last match
    /// starts at least 12 bytes before the end), or liblz4's versions of them
    /// against the page end (no match ends within the page's last 5 bytes; no
    /// literals but the last end within its last 12). No valid block breaks
    /// them, but decoders differ in which they enforce and when, so either
    /// outcome is acceptable (and a rejection may be of any kind); a decoder
    /// that accepts the block must still produce `result`'s bytes.
    pub lenient: bool,
}

/// Decodes `block` after the history `older ++ newer` (everything decoded
/// before, dictionary included; only the last 64 KiB can be referred to) into
/// at most `page` bytes. An empty block decodes to nothing. The history comes
/// in two parts so callers need not copy the dictionary and the output into one
/// buffer.
pub fn decode(block: &[u8], older: &[u8], newer: &[u8], page: usize) -> Decoded {
    let history = History { older, newer };
    let mut out = Vec::new();
    let mut lenient = false;
    let result = decode_into(block, &history, page, &mut out, &mut lenient).map(|()| out);
    Decoded { result, lenient }
}

struct History<'a> {
    older: &'a [u8],
    newer: &'a [u8],
}

impl History<'_> {
    fn len(&self) -> usize {
        (self.older.len() + self.newer.len()).min(WINDOW_SIZE)
    }

    /// The byte `distance` (1..=len) bytes before the end.
    fn back(&self, distance: usize) -> u8 {
        if distance <= self.newer.len() {
            self.newer[self.newer.len() - distance]
        } else {
            self.older[self.older.len() - (distance - self.newer.len())]
        }
    }
}

/// Checks a decoder's result for `block` against the reference's: a decoder
/// that succeeds must produce the reference's bytes (so no stale bytes of
/// earlier output can leak into a result), and one that fails must be facing a
/// block the reference rejects too (or one that breaks only the end-of-block
/// rules). Returns the reference's verdict.
pub fn check(
    block: &[u8],
    older: &[u8],
    newer: &[u8],
    page: usize,
    actual: Result<&[u8], &Corruption>,
) -> Decoded {
    let expected = decode(block, older, newer, page);
    // Longer than any page compresses to: refused before decoding.
    if block.len() > compress_bound(page) {
        match actual {
            Err(Corruption::BlockTooLarge { size, .. }) => assert_eq!(*size, block.len() as u64),
            other => panic!(
                "a {}-byte block for {page}-byte pages gave {other:?}",
                block.len()
            ),
        }
        return expected;
    }
    match (&expected.result, actual) {
        (Ok(want), Ok(got)) => assert!(
            want == got,
            "decoded {} bytes, the reference {} (first difference at {:?})",
            got.len(),
            want.len(),
            want.iter().zip(got).position(|(a, b)| a != b)
        ),
        (Err(reject), Ok(got)) => {
            assert!(
                expected.lenient,
                "decoder accepted a block the reference rejects ({reject:?}), giving {} bytes",
                got.len()
            )
        }
        (Ok(_), Err(kind)) => {
            assert!(expected.lenient, "decoder rejected a valid block: {kind}")
        }
        (Err(_), Err(_)) => {}
    }
    expected
}

fn read_length(block: &[u8], pos: &mut usize, mut len: usize) -> Result<usize, Reject> {
    if len == 15 {
        loop {
            let byte = *block.get(*pos).ok_or(Reject::Invalid)?;
            *pos += 1;
            len += byte as usize;
            if byte != 255 {
                break;
            }
        }
    }
    Ok(len)
}

fn decode_into(
    block: &[u8],
    history: &History,
    page: usize,
    out: &mut Vec<u8>,
    lenient: &mut bool,
) -> Result<(), Reject> {
    if block.is_empty() {
        return Ok(());
    }
    let mut pos = 0;
    // Where the last match's output starts, for the end-of-block rules.
    let mut last_match: Option<usize> = None;
    loop {
        let token = *block.get(pos).ok_or(Reject::Invalid)?;
        pos += 1;
        let literals = read_length(block, &mut pos, (token >> 4) as usize)?;
        if block.len() - pos < literals {
            return Err(Reject::Invalid);
        }
        if out.len() + literals > page {
            return Err(Reject::Overflow);
        }
        let last = pos + literals == block.len();
        if !last && out.len() + literals + 12 > page {
            // liblz4's page rule: only the last literals may end within the
            // page's last 12 bytes.
            *lenient = true;
        }
        out.extend_from_slice(&block[pos..pos + literals]);
        pos += literals;
        if last {
            // The last sequence: literals only, as the format wants, and it
            // wants at least 5 of them and the last match 12 bytes or more
            // before the end.
            if let Some(start) = last_match {
                if literals < 5 || out.len() - start < 12 {
                    *lenient = true;
                }
            }
            return Ok(());
        }
        let offset_bytes = block.get(pos..pos + 2).ok_or(Reject::Invalid)?;
        let offset = u16::from_le_bytes([offset_bytes[0], offset_bytes[1]]) as usize;
        pos += 2;
        let match_len = read_length(block, &mut pos, (token & 15) as usize)? + 4;
        if offset == 0 || offset > history.len() + out.len() {
            return Err(Reject::Invalid);
        }
        if out.len() + match_len > page {
            return Err(Reject::Overflow);
        }
        if out.len() + match_len + 5 > page {
            // liblz4's page rule: no match ends within the page's last 5 bytes.
            *lenient = true;
        }
        last_match = Some(out.len());
        for _ in 0..match_len {
            let byte = if offset <= out.len() {
                out[out.len() - offset]
            } else {
                history.back(offset - out.len())
            };
            out.push(byte);
        }
        if pos == block.len() {
            // Ends with a match: not allowed by the format, tolerated by some
            // decoders.
            *lenient = true;
            return Ok(());
        }
    }
}

fn push_length(out: &mut Vec<u8>, mut len: usize) {
    // The part above the token's 15.
    len -= 15;
    while len >= 255 {
        out.push(255);
        len -= 255;
    }
    out.push(len as u8);
}

/// A block made of arbitrary sequences that are well-formed as far as the
/// encoding goes, with offsets and lengths chosen to hit the edges: offsets
/// near the start of the history, long matches, long literal runs. It ends with
/// a literal-only sequence.
pub fn build_block(u: &mut Unstructured, history_len: usize) -> Vec<u8> {
    let mut block = Vec::new();
    let mut produced = 0usize;
    let sequences: usize = u.int_in_range(0..=12).unwrap_or(0);
    for _ in 0..sequences {
        // Long runs (past 64 KiB, and past the larger edge pages) are rarer:
        // they cost the most time per execution.
        let literals: usize = match u.int_in_range(0u8..=7).unwrap_or(0) {
            0 | 1 => 0,
            2 | 3 => u.int_in_range(1..=14).unwrap_or(1),
            4..=6 => u.int_in_range(15..=300).unwrap_or(15),
            _ => u.int_in_range(0..=70_000).unwrap_or(0),
        };
        let reach = (history_len + produced + literals).min(WINDOW_SIZE);
        let offset: usize = match u.int_in_range(0u8..=4).unwrap_or(0) {
            0 => u.int_in_range(1..=16).unwrap_or(1),
            // Exactly the start of the history, and one byte before it.
            1 => reach.max(1),
            2 => reach + 1,
            3 => 0,
            _ => u.int_in_range(1..=65_535).unwrap_or(1),
        }
        .min(65_535);
        let match_len: usize = match u.int_in_range(0u8..=7).unwrap_or(0) {
            0..=3 => u.int_in_range(4..=18).unwrap_or(4),
            4..=6 => u.int_in_range(19..=300).unwrap_or(19),
            _ => u.int_in_range(4..=140_000).unwrap_or(4),
        };
        let token = ((literals.min(15) as u8) << 4) | (match_len - 4).min(15) as u8;
        block.push(token);
        if literals >= 15 {
            push_length(&mut block, literals);
        }
        for i in 0..literals {
            block.push(u.arbitrary().unwrap_or(i as u8));
        }
        block.extend_from_slice(&(offset as u16).to_le_bytes());
        if match_len - 4 >= 15 {
            push_length(&mut block, match_len - 4);
        }
        produced += literals + match_len;
    }
    let last: usize = u.int_in_range(0..=300).unwrap_or(0);
    block.push((last.min(15) as u8) << 4);
    if last >= 15 {
        push_length(&mut block, last);
    }
    for i in 0..last {
        block.push(u.arbitrary().unwrap_or(i as u8));
    }
    block
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_a_hand_made_block() {
        // "abcd", then 8 bytes from 4 back, then "xyz12".
        let block = [
            0x44, b'a', b'b', b'c', b'd', 4, 0, 0x50, b'x', b'y', b'z', b'1', b'2',
        ];
        let decoded = decode(&block, b"", b"", 17);
        assert_eq!(decoded.result.as_deref(), Ok(&b"abcdabcdabcdxyz12"[..]));
        assert!(!decoded.lenient);
        assert_eq!(decode(&block, b"", b"", 16).result, Err(Reject::Overflow));
        // Offset 6 reaches 2 bytes into the history.
        let far = [
            0x44, b'a', b'b', b'c', b'd', 6, 0, 0x50, b'x', b'y', b'z', b'1', b'2',
        ];
        assert_eq!(decode(&far, b"", b"", 17).result, Err(Reject::Invalid));
        assert_eq!(
            decode(&far, b"H", b"I", 17).result.as_deref(),
            Ok(&b"abcdHIabcdHIxyz12"[..])
        );
        // Ending on a match is tolerated but flagged.
        assert!(decode(&block[..7], b"", b"", 17).lenient);
    }
}
