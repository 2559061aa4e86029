//! lz4_flex's block decoder run as a stream decoder, the third opinion in the
//! differential target: each block decoded on its own with the last 64 KiB of
//! output (the dictionary before the first block) passed as a separate
//! dictionary slice — the path this crate's own decoder replaced.

use lz4_stream::WINDOW_SIZE;

use crate::stream;

/// Decodes every block of the well-formed `stream` (size prefixes of `width` bytes, pages of
/// `page` bytes, stopping at an end marker) after `dictionary`. `None` if
/// lz4_flex rejects a block.
pub fn decode_stream(
    stream: &[u8],
    width: usize,
    page: usize,
    dictionary: &[u8],
) -> Option<Vec<u8>> {
    let dictionary = &dictionary[dictionary.len().saturating_sub(WINDOW_SIZE)..];
    let mut output = dictionary.to_vec();
    let mut chunk = vec![0u8; page];
    for (_, block) in stream::blocks(stream, width) {
        if block.is_empty() {
            break; // the end marker
        }
        let history = &output[output.len().saturating_sub(WINDOW_SIZE)..];
        let len = lz4_flex::block::decompress_into_with_dict(block, &mut chunk, history).ok()?;
        output.extend_from_slice(&chunk[..len]);
    }
    Some(output.split_off(dictionary.len()))
}
