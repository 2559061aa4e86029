//! Deliberately copied to cli/tests/support/sample.rs: the published lz4s tests build from their own files.
//!
//! Deterministic test data for the library's tests.

/// Deterministic test data of several kinds (a small xorshift generator, so
/// tests need no RNG crate and failures reproduce).
pub fn sample(kind: &str, len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    const WORDS: &[&str] = &[
        "the", "stream", "block", "of", "page", "buffer", "and", "lz4", "window", "data", "reader",
        "writer", "to", "history", "match", "literal", "a", "offset",
    ];
    let mut out = Vec::with_capacity(len + 16);
    match kind {
        "random" => {
            while out.len() < len {
                out.extend_from_slice(&next().to_le_bytes());
            }
        }
        "zeros" => out.resize(len, 0),
        "text" => {
            while out.len() < len {
                let r = next();
                // Skewed word choice, like natural text.
                let idx = ((r % 1000) * (r % 1000) * WORDS.len() as u64 / 1_000_000) as usize;
                out.extend_from_slice(WORDS[idx.min(WORDS.len() - 1)].as_bytes());
                out.push(if r % 17 == 0 { b'\n' } else { b' ' });
            }
        }
        "binary" => {
            // Little-endian records with slowly changing fields.
            let mut x = 0u32;
            while out.len() < len {
                x = x.wrapping_add((next() % 7) as u32);
                out.extend_from_slice(&x.to_le_bytes());
                out.extend_from_slice(&[(next() % 4) as u8, 0, 0, 1]);
            }
        }
        other => panic!("unknown sample kind {other}"),
    }
    out.truncate(len);
    out
}
