//! lz4_flex's block decoder run as a stream decoder, the third opinion in the
//! differential target: each block decoded on its own with the last 64 KiB of
//! output (the dictionary before the first block) passed as a separate
//! dictionary slice — the path this crate's own decoder replaced.

use lz4_stream::WINDOW_SIZE;

/// Decodes every block of `stream` (size prefixes of `width` bytes, pages of
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
    let mut offset = 0;
    while offset + width <= stream.len() {
        let mut size = [0u8; 8];
        size[..width].copy_from_slice(&stream[offset..offset + width]);
        let size = u64::from_le_bytes(size) as usize;
        offset += width;
        if size == 0 {
            break; // the end marker
        }
        let block = stream.get(offset..offset + size)?;
        let history = &output[output.len().saturating_sub(WINDOW_SIZE)..];
        let len = lz4_flex::block::decompress_into_with_dict(block, &mut chunk, history).ok()?;
        output.extend_from_slice(&chunk[..len]);
        offset += size;
    }
    Some(output.split_off(dictionary.len()))
}
