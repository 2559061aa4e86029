//! The loops the benches time: our writer and reader end to end, and
//! liblz4's double-buffer loop (`blockStreaming_doubleBuffer.c`) or
//! ring-buffer loop (`blockStreaming_ringBuffer.c`) in the same mode, all
//! from memory to a `Vec`. The including bench declares the `liblz4` module
//! (`tests/common/liblz4.rs`).

use std::io::{BufRead, Read, Write};
use std::ops::Range;

use lz4_stream::{CompressionMode, Lz4StreamReader, Lz4StreamWriter, Strategy, StreamConfig};

use super::liblz4;

fn config(page: usize, mode: CompressionMode) -> StreamConfig {
    StreamConfig::default().buffer_size(page).mode(mode)
}

/// Our writer, end to end: `write_all` of the whole input, then `finish`.
pub fn ours_compress(input: &[u8], page: usize, mode: CompressionMode, out: &mut Vec<u8>) {
    ours_compress_with(input, Strategy::DoubleBuffer, page, mode, out);
}

/// [`ours_compress`] with `workers` compression threads
/// (`StreamConfig::workers`).
// Used by the profile bench only.
#[allow(dead_code)]
pub fn ours_compress_workers(
    input: &[u8],
    page: usize,
    mode: CompressionMode,
    workers: usize,
    out: &mut Vec<u8>,
) {
    write_stream(input, config(page, mode).workers(workers), out);
}

/// [`ours_compress`] with the given strategy.
pub fn ours_compress_with(
    input: &[u8],
    strategy: Strategy,
    page: usize,
    mode: CompressionMode,
    out: &mut Vec<u8>,
) {
    write_stream(input, config(page, mode).strategy(strategy), out);
}

/// `input` through our writer with `config` into `out`.
fn write_stream(input: &[u8], config: StreamConfig, out: &mut Vec<u8>) {
    out.clear();
    let mut writer = Lz4StreamWriter::with_config(&mut *out, config).unwrap();
    writer.write_all(input).unwrap();
    writer.finish().unwrap();
}

/// liblz4's loop: each page copied into the double buffer, compressed with
/// `LZ4_compress_fast_continue` (or `LZ4_compress_HC_continue`), appended
/// with a 4-byte prefix.
pub fn liblz4_compress(input: &[u8], page: usize, mode: CompressionMode, out: &mut Vec<u8>) {
    liblz4_compress_with(input, liblz4::Layout::DoubleBuffer, page, mode, out);
}

/// [`liblz4_compress`] with the given layout (the ring: each page copied
/// after the previous one into a 256 KiB ring).
pub fn liblz4_compress_with(
    input: &[u8],
    layout: liblz4::Layout,
    page: usize,
    mode: CompressionMode,
    out: &mut Vec<u8>,
) {
    out.clear();
    let mut encoder = liblz4::Encoder::with_layout(layout, page, mode.into(), None);
    for chunk in input.chunks(page) {
        let block = encoder.compress(chunk).unwrap();
        out.extend_from_slice(&(block.len() as u32).to_le_bytes());
        out.extend_from_slice(block);
    }
}

/// Our reader, end to end: `read_to_end` of the whole stream (past the first
/// 64 KiB, blocks decode straight onto `out`).
pub fn ours_decompress(stream: &[u8], page: usize, out: &mut Vec<u8>) {
    out.clear();
    let mut reader =
        Lz4StreamReader::with_config(stream, config(page, CompressionMode::Default)).unwrap();
    reader.read_to_end(out).unwrap();
}

/// Our reader as a streaming source: `fill_buf`/`consume`, each decoded chunk
/// copied from the reader's window onto `out`, as `io::copy` into a writer
/// would do it.
pub fn ours_decompress_bufread(stream: &[u8], page: usize, out: &mut Vec<u8>) {
    out.clear();
    ours_bufread_chunks(stream, page, |chunk| out.extend_from_slice(chunk));
}

/// Our reader through `fill_buf`/`consume`: each decoded chunk, where it lies
/// in the reader's window, handed to `each` before it is consumed.
pub fn ours_bufread_chunks(stream: &[u8], page: usize, mut each: impl FnMut(&[u8])) {
    let mut reader =
        Lz4StreamReader::with_config(stream, config(page, CompressionMode::Default)).unwrap();
    loop {
        let chunk = reader.fill_buf().unwrap();
        if chunk.is_empty() {
            break;
        }
        let n = chunk.len();
        each(chunk);
        reader.consume(n);
    }
}

/// liblz4's loop as the example has it: each block read (copied) into a
/// block buffer (`liblz4::compress_bound(page)` bytes at least), as its
/// `fread` does and as our reader does from its source, decoded with
/// `LZ4_decompress_safe_continue` into alternating pages, and each page
/// appended to the output.
pub fn liblz4_decompress(stream: &[u8], page: usize, out: &mut Vec<u8>, block: &mut [u8]) {
    liblz4_decompress_with(liblz4::Decoder::new(page, None), stream, out, block);
}

/// [`liblz4_decompress`] with the given decoder (for instance
/// `liblz4::Decoder::ring`, which decodes into a ring of
/// `LZ4_decoderRingBufferSize(page)` bytes).
pub fn liblz4_decompress_with(
    decoder: liblz4::Decoder,
    stream: &[u8],
    out: &mut Vec<u8>,
    block: &mut [u8],
) {
    out.clear();
    liblz4_decode_pages(decoder, stream, block, |page| out.extend_from_slice(page));
}

/// liblz4's loop with `decoder`: each block copied into `block` and decoded,
/// and each decoded page, where it lies in the decoder's buffer, handed to
/// `each`.
pub fn liblz4_decode_pages(
    mut decoder: liblz4::Decoder,
    stream: &[u8],
    block: &mut [u8],
    mut each: impl FnMut(&[u8]),
) {
    for range in block_ranges(stream) {
        let block = &mut block[..range.len()];
        block.copy_from_slice(&stream[range]);
        each(decoder.decompress(block).unwrap());
    }
}

/// Where each block of a stream with 4-byte prefixes lies in it.
pub fn block_ranges(stream: &[u8]) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut offset = 0;
    std::iter::from_fn(move || {
        let prefix = stream.get(offset..offset + 4)?;
        let len = u32::from_le_bytes(prefix.try_into().unwrap()) as usize;
        offset += 4 + len;
        Some(offset - len..offset)
    })
}
