//! Compatibility with liblz4's double-buffer block streaming, both ways, run
//! in-process through lz4-sys (`tests/common/liblz4.rs`):
//!
//! - what `Lz4StreamWriter` and `block::Compressor` write decodes exactly with
//!   liblz4's `LZ4_decompress_safe_continue` double-buffer loop, which keeps only
//!   two pages of history;
//! - what liblz4's `LZ4_compress_fast_continue` / `LZ4_compress_HC_continue`
//!   double-buffer loop writes decodes exactly with `Lz4StreamReader` and
//!   `block::Decompressor`.
//!
//! Sizes are kept small enough for unoptimised test builds.

mod common;

use std::io::{Read, Write};

use common::liblz4::{self, Layout, Mode, StreamOptions};
use common::sample;
use lz4_stream::block::{Compressor, Decompressor};
use lz4_stream::{Lz4StreamReader, Lz4StreamWriter, SizePrefix, StreamConfig};

const KINDS: [&str; 4] = ["random", "zeros", "text", "binary"];

/// Page sizes worth testing for each prefix width (every one python-lz4 accepts
/// for that width): 1 byte, odd sizes, the widths' limits, 64 KiB and > 1 MiB.
fn page_sizes(prefix: SizePrefix) -> &'static [usize] {
    match prefix {
        SizePrefix::U8 => &[1, 7, 239],
        SizePrefix::U16 => &[1, 7, 239, 4096, 8192, 65_264],
        SizePrefix::U32 | SizePrefix::OutOfBand => &[
            1,
            7,
            239,
            4096,
            8192,
            65_264,
            65_536,
            100_000,
            (1 << 20) + 3,
        ],
    }
}

/// Enough data for several pages, but little of it for tiny pages, where every
/// byte is a block (and a call into lz4_flex, slow in debug builds).
fn data_len(buffer_size: usize) -> usize {
    match buffer_size {
        0..=7 => 1_500,
        8..=239 => 6_000,
        _ => (buffer_size * 5 / 2).clamp(40_000, 2_700_000),
    }
}

/// A small deterministic generator for write and chunk sizes.
struct Sizes(u64);

impl Sizes {
    fn new(seed: u64) -> Self {
        Sizes(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Sizes from 1 byte to a little over three pages, favouring exact pages and
    /// tiny writes, which hit the page-boundary cases.
    fn write_size(&mut self, buffer_size: usize) -> usize {
        match self.next() % 6 {
            0 => buffer_size,
            1 => 1 + (self.next() % 16) as usize,
            2 => 1 + (self.next() as usize % (3 * buffer_size + 5)),
            _ => 1 + (self.next() as usize % buffer_size),
        }
    }

    /// A chunk-size list for liblz4's loop: full pages (so pages end up
    /// adjacent), odd sizes and single bytes.
    fn chunk_list(&mut self, buffer_size: usize, n: usize) -> Vec<usize> {
        (0..n)
            .map(|_| match self.next() % 4 {
                0 | 1 => buffer_size,
                2 => 1 + (self.next() % 3) as usize,
                _ => 1 + (self.next() as usize % buffer_size),
            })
            .collect()
    }
}

/// The dictionaries every direction is tested with.
fn dictionaries() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "short",
            b"the stream of the block and the page buffer".to_vec(),
        ),
        ("64KiB", sample("text", 64 * 1024, 71)),
        ("100000", sample("text", 100_000, 72)),
    ]
}

/// Test data that begins by repeating parts of the dictionary, including the
/// oldest bytes a match can still reach (65 535 back) and bytes just out of
/// reach, then continues with `kind` data.
fn data_with_dictionary(dict: &[u8], kind: &str, len: usize, seed: u64) -> Vec<u8> {
    let mut data = Vec::with_capacity(len);
    let reach = dict.len().saturating_sub(65_535);
    data.extend_from_slice(&dict[reach..dict.len().min(reach + 300)]);
    data.extend_from_slice(&dict[..dict.len().min(200)]);
    data.extend_from_slice(&dict[dict.len().saturating_sub(500)..]);
    data.extend_from_slice(&sample(kind, len.saturating_sub(data.len()), seed));
    data.truncate(len.max(1));
    data
}

fn config(buffer_size: usize, prefix: SizePrefix, dict: Option<&[u8]>) -> StreamConfig {
    let config = StreamConfig::default()
        .buffer_size(buffer_size)
        .size_prefix(prefix);
    match dict {
        Some(dict) => config.dictionary(dict),
        None => config,
    }
}

/// Writes `data` through `Lz4StreamWriter` in irregular pieces, flushing now
/// and then (a partial page becomes its own block).
fn write_with_writer(data: &[u8], config: StreamConfig, seed: u64) -> Vec<u8> {
    let buffer_size = config.get_buffer_size();
    let mut writer = Lz4StreamWriter::with_config(Vec::new(), config).unwrap();
    let mut sizes = Sizes::new(seed);
    let mut rest = data;
    // The first write is a sizeable piece, so the first block is long enough
    // to refer to the dictionary (LZ4 needs 13 bytes for a match).
    let mut n = buffer_size.min(1000);
    while !rest.is_empty() {
        n = n.min(rest.len());
        writer.write_all(&rest[..n]).unwrap();
        rest = &rest[n..];
        if sizes.next() % 5 == 0 {
            writer.flush().unwrap();
        }
        n = sizes.write_size(buffer_size);
    }
    writer.finish().unwrap()
}

fn prefix_width(prefix: SizePrefix) -> usize {
    prefix.width()
}

fn assert_same(decoded: &[u8], data: &[u8], what: &str) {
    assert_eq!(decoded.len(), data.len(), "{what}: decoded length differs");
    if let Some(at) = decoded.iter().zip(data).position(|(a, b)| a != b) {
        panic!("{what}: decoded bytes differ first at offset {at}");
    }
}

// ---------------------------------------------------------------------------
// Our streams, liblz4's decoder.
// ---------------------------------------------------------------------------

#[test]
fn writer_streams_decode_with_liblz4_all_prefixes_and_pages() {
    let mut cases = 0;
    for prefix in [SizePrefix::U8, SizePrefix::U16, SizePrefix::U32] {
        for &page in page_sizes(prefix) {
            for (k, kind) in KINDS.iter().enumerate() {
                let seed = (page as u64) * 31 + k as u64 + prefix.width() as u64 * 1000;
                let data = sample(kind, data_len(page), seed);
                let stream = write_with_writer(&data, config(page, prefix, None), seed);
                let what = format!("{kind}, page {page}, {prefix:?}");
                let decoded = liblz4::decompress_stream(&stream, page, prefix_width(prefix), None)
                    .unwrap_or_else(|e| panic!("{what}: liblz4 rejected our stream: {e}"));
                assert_same(&decoded, &data, &what);
                cases += 1;
            }
        }
    }
    assert_eq!(cases, (3 + 6 + 9) * KINDS.len());
}

#[test]
fn writer_streams_with_dictionaries_decode_with_liblz4() {
    for (name, dict) in dictionaries() {
        for prefix in [SizePrefix::U8, SizePrefix::U16, SizePrefix::U32] {
            for (i, &page) in page_sizes(prefix).iter().enumerate() {
                let kind = KINDS[(i + name.len()) % KINDS.len()];
                let seed = page as u64 ^ (name.len() as u64) << 20;
                let len = data_len(page).min(300_000);
                let data = data_with_dictionary(&dict, kind, len, seed);
                let stream = write_with_writer(&data, config(page, prefix, Some(&dict)), seed);
                let what = format!("{kind}, page {page}, {prefix:?}, dictionary {name}");
                let decoded =
                    liblz4::decompress_stream(&stream, page, prefix_width(prefix), Some(&dict))
                        .unwrap_or_else(|e| panic!("{what}: liblz4 rejected our stream: {e}"));
                assert_same(&decoded, &data, &what);
                // The dictionary must matter, or this test would not test it:
                // liblz4 without it fails or decodes something else.
                if page >= 239 {
                    let without =
                        liblz4::decompress_stream(&stream, page, prefix_width(prefix), None);
                    assert!(
                        without.as_deref() != Ok(&data[..]),
                        "{what}: decodes without the dictionary too"
                    );
                }
            }
        }
    }
}

#[test]
fn writer_end_marker_ends_liblz4_loop() {
    for prefix in [SizePrefix::U8, SizePrefix::U16, SizePrefix::U32] {
        let page = if prefix == SizePrefix::U8 { 200 } else { 8192 };
        let data = sample("text", 50_000, 5);
        let config = config(page, prefix, None).end_marker(true);
        let mut stream = write_with_writer(&data, config, 9);
        let width = prefix.width();
        assert_eq!(&stream[stream.len() - width..], &[0u8; 4][..width]);
        // liblz4's loop stops at the marker, whatever follows it.
        stream.extend_from_slice(b"\xff\xff\xff\xff trailing bytes");
        let decoded = liblz4::decompress_stream(&stream, page, width, None).unwrap();
        assert_same(&decoded, &data, &format!("{prefix:?} with end marker"));
    }
}

#[test]
fn compressor_blocks_decode_with_liblz4_all_prefixes() {
    let prefixes = [
        SizePrefix::OutOfBand,
        SizePrefix::U8,
        SizePrefix::U16,
        SizePrefix::U32,
    ];
    let dicts = dictionaries();
    for prefix in prefixes {
        for (i, &page) in page_sizes(prefix).iter().enumerate() {
            // Alternate between no dictionary and each dictionary in turn.
            let dict = (i % 2 == 1).then(|| &dicts[(i / 2) % dicts.len()].1[..]);
            let kind = KINDS[i % KINDS.len()];
            let seed = 77 + page as u64 + prefix.width() as u64;
            let len = data_len(page).min(1_200_000);
            let data = match dict {
                Some(dict) => data_with_dictionary(dict, kind, len, seed),
                None => sample(kind, len, seed),
            };
            let mut compressor = Compressor::new(config(page, prefix, dict)).unwrap();
            let mut sizes = Sizes::new(seed);
            let (mut stream, mut lengths) = (Vec::new(), Vec::new());
            let mut rest = &data[..];
            while !rest.is_empty() {
                let n = sizes.write_size(page).min(page).min(rest.len());
                let block = compressor.compress(&rest[..n]).unwrap();
                lengths.push(block.len() - prefix.width());
                stream.extend_from_slice(block);
                rest = &rest[n..];
            }
            let what = format!(
                "{kind}, page {page}, {prefix:?}, dictionary {}",
                dict.is_some()
            );
            let decoded = if prefix == SizePrefix::OutOfBand {
                liblz4::decompress_blocks(&stream, &lengths, page, dict)
            } else {
                liblz4::decompress_stream(&stream, page, prefix.width(), dict)
            }
            .unwrap_or_else(|e| panic!("{what}: liblz4 rejected our blocks: {e}"));
            assert_same(&decoded, &data, &what);
        }
    }
}

// ---------------------------------------------------------------------------
// liblz4's streams, our decoders.
// ---------------------------------------------------------------------------

const MODES: [Mode; 7] = [
    Mode::Fast(1),
    Mode::Fast(2),
    Mode::Fast(8),
    Mode::Fast(64),
    Mode::Hc(3),
    Mode::Hc(9),
    Mode::Hc(12),
];

/// Decodes a prefixed stream with `Lz4StreamReader`, reading in odd pieces, and
/// returns the output and the bytes the reader left in its source.
fn read_with_reader(stream: &[u8], config: StreamConfig) -> (Vec<u8>, Vec<u8>) {
    let mut reader = Lz4StreamReader::with_config(stream, config).unwrap();
    let mut out = Vec::new();
    let mut buf = [0u8; 3001];
    let mut sizes = Sizes::new(stream.len() as u64);
    loop {
        let want = 1 + (sizes.next() % buf.len() as u64) as usize;
        match reader.read(&mut buf[..want]) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) => panic!("our reader rejected liblz4's stream: {e}"),
        }
    }
    assert!(reader.is_finished());
    (out, reader.into_inner().to_vec())
}

/// Decodes a stream with the block API: `get_block` with a prefix, the given
/// lengths without one. Stops at a zero prefix.
fn read_with_decompressor(stream: &[u8], lengths: &[usize], config: StreamConfig) -> Vec<u8> {
    let width = config.get_size_prefix().width();
    let mut d = Decompressor::new(config).unwrap();
    let mut out = Vec::new();
    let mut offset = 0;
    if width == 0 {
        for &len in lengths {
            out.extend_from_slice(d.decompress(&stream[offset..offset + len]).unwrap());
            offset += len;
        }
        assert_eq!(offset, stream.len());
    } else {
        while offset < stream.len() {
            let block = d.get_block(&stream[offset..]).unwrap();
            offset += width + block.len();
            if block.is_empty() {
                break;
            }
            out.extend_from_slice(d.decompress(block).unwrap());
        }
    }
    out
}

#[test]
fn liblz4_streams_decode_with_reader_and_decompressor() {
    let mut cases = 0;
    for (m, &mode) in MODES.iter().enumerate() {
        for (p, &page) in [1usize, 239, 4096, 8192, 65_536, 100_000]
            .iter()
            .enumerate()
        {
            let kind = KINDS[(m + p) % KINDS.len()];
            let seed = 1000 + m as u64 * 10 + p as u64;
            // HC level 12 is slow even optimised; the fast modes see more data.
            let len = match (mode, page) {
                (_, 1) => 3_000,
                (_, 239) => 20_000,
                (Mode::Hc(12), _) => 150_000,
                _ => 260_000,
            };
            let data = sample(kind, len, seed);
            let chunks = Sizes::new(seed).chunk_list(page, 37);
            for prefix in [4usize, 2, 1, 0] {
                let size_prefix = SizePrefix::from_bytes(prefix).unwrap();
                if config(page, size_prefix, None).validate().is_err() {
                    continue;
                }
                let options = StreamOptions {
                    buffer_size: page,
                    mode,
                    prefix_width: prefix,
                    dictionary: None,
                    end_marker: false,
                    layout: Layout::DoubleBuffer,
                };
                let (stream, lengths) = liblz4::compress_stream(&data, &options, &chunks).unwrap();
                let what = format!("{kind}, page {page}, {mode:?}, {prefix}-byte prefix");
                let config = config(page, size_prefix, None);
                if prefix > 0 {
                    let (out, rest) = read_with_reader(&stream, config.clone());
                    assert_same(&out, &data, &format!("{what}, reader"));
                    assert!(rest.is_empty());
                }
                let out = read_with_decompressor(&stream, &lengths, config);
                assert_same(&out, &data, &format!("{what}, decompressor"));
                cases += 1;
            }
        }
    }
    assert!(cases >= MODES.len() * 6 * 2, "only {cases} cases ran");
}

#[test]
fn liblz4_streams_with_dictionaries_and_end_marker_decode() {
    for (d, (name, dict)) in dictionaries().into_iter().enumerate() {
        for (m, &mode) in MODES.iter().enumerate() {
            let page = [4096usize, 8192, 65_536][(m + d) % 3];
            let kind = KINDS[(m + 2 * d) % KINDS.len()];
            let len = if mode == Mode::Hc(12) {
                100_000
            } else {
                200_000
            };
            let data = data_with_dictionary(&dict, kind, len, 500 + m as u64);
            let chunks = Sizes::new(m as u64 + 9).chunk_list(page, 23);
            let what = format!("{kind}, page {page}, {mode:?}, dictionary {name}");
            let options = StreamOptions {
                buffer_size: page,
                mode,
                prefix_width: 4,
                dictionary: Some(&dict),
                end_marker: true,
                layout: Layout::DoubleBuffer,
            };
            let (mut stream, _) = liblz4::compress_stream(&data, &options, &chunks).unwrap();
            // The reader stops at the end marker and leaves what follows it.
            let trailer = b"\x05\x00\x00\x00 not part of the stream";
            stream.extend_from_slice(trailer);
            let config = config(page, SizePrefix::U32, Some(&dict));
            let (out, rest) = read_with_reader(&stream, config.clone());
            assert_same(&out, &data, &format!("{what}, reader"));
            assert_eq!(rest, trailer, "{what}: reader consumed past the end marker");
            let out = read_with_decompressor(&stream, &[], config);
            assert_same(&out, &data, &format!("{what}, decompressor"));

            // Out of band, with the dictionary, through the block API.
            let options = StreamOptions {
                prefix_width: 0,
                end_marker: false,
                ..options
            };
            let (stream, lengths) = liblz4::compress_stream(&data, &options, &chunks).unwrap();
            let config = StreamConfig::default()
                .buffer_size(page)
                .size_prefix(SizePrefix::OutOfBand)
                .dictionary(dict.clone());
            let out = read_with_decompressor(&stream, &lengths, config);
            assert_same(&out, &data, &format!("{what}, out of band"));
        }
    }
}

/// liblz4 may refer past the previous chunk: after two full chunks in the
/// example's adjacent pages (`char buf[2][N]`), a short chunk that overwrites
/// only the start of the first page can still match the rest of it. A decoder
/// keeping only the previous chunk fails there; ours must not.
#[test]
fn liblz4_references_beyond_the_previous_chunk_decode() {
    let page = 4096;
    // Triples of chunks: two random pages, then the second half of the first
    // one again, as a half-page chunk. Triples alternate the page they start
    // on, so every other one has its first two chunks in adjacent pages.
    let mut data = Vec::new();
    for t in 0..12 {
        let first = sample("random", page, 100 + t);
        data.extend_from_slice(&first);
        data.extend_from_slice(&sample("random", page, 200 + t));
        data.extend_from_slice(&first[page / 2..]);
    }
    let options = StreamOptions::example(page);
    let chunks = [page, page, page / 2];
    let (stream, lengths) = liblz4::compress_stream(&data, &options, &chunks).unwrap();
    assert_eq!(lengths.len(), 36);
    for t in 0..12 {
        let short = lengths[3 * t + 2];
        if t % 2 == 0 {
            // Pages adjacent: the half page is one match two chunks back.
            assert!(short < 64, "triple {t}: {short}-byte block");
        } else {
            assert!(short > page / 2, "triple {t}: {short}-byte block");
        }
    }
    let (out, rest) = read_with_reader(&stream, config(page, SizePrefix::U32, None));
    assert_same(&out, &data, "reader");
    assert!(rest.is_empty());
    let out = read_with_decompressor(&stream, &[], config(page, SizePrefix::U32, None));
    assert_same(&out, &data, "decompressor");
}

/// The other side of the coin: liblz4's two-page decoder really cannot follow
/// references further back than the previous chunk, so the tests above would
/// catch an encoder that made them. Blocks compressed against a full 64 KiB
/// window (with lz4_flex directly) fail there, yet our 64 KiB decoder reads them.
#[test]
fn liblz4_decoder_rejects_references_beyond_the_previous_chunk() {
    let page = 4096;
    let unit = sample("random", 3 * page, 11);
    let data: Vec<u8> = unit.iter().copied().cycle().take(12 * page).collect();
    let mut stream = Vec::new();
    for (i, chunk) in data.chunks(page).enumerate() {
        let history = &data[(i * page).saturating_sub(65_536)..i * page];
        let mut block = vec![0u8; lz4_flex::block::get_maximum_output_size(chunk.len())];
        let len = lz4_flex::block::compress_into_with_dict(chunk, &mut block, history).unwrap();
        stream.extend_from_slice(&(len as u32).to_le_bytes());
        stream.extend_from_slice(&block[..len]);
    }
    // Pages 3.. repeat the page three back: each is one long match.
    assert!(stream.len() < 4 * page, "stream {} bytes", stream.len());
    let theirs = liblz4::decompress_stream(&stream, page, 4, None);
    assert!(
        theirs.as_deref() != Ok(&data[..]),
        "liblz4's double-buffer decoder followed a reference three pages back"
    );
    let (ours, _) = read_with_reader(&stream, config(page, SizePrefix::U32, None));
    assert_same(&ours, &data, "our reader");
}

/// The reference itself: liblz4's encoder and decoder loops agree, and the
/// decoder reports truncation and corruption instead of returning bytes.
#[test]
fn liblz4_reference_round_trips_and_rejects_damage() {
    let data = sample("text", 100_000, 8);
    for prefix in [4usize, 2] {
        let options = StreamOptions {
            prefix_width: prefix,
            ..StreamOptions::example(8192)
        };
        let (stream, lengths) = liblz4::compress_stream(&data, &options, &[8192, 100]).unwrap();
        let decoded = liblz4::decompress_stream(&stream, 8192, prefix, None).unwrap();
        assert_same(&decoded, &data, "liblz4 round trip");
        assert_eq!(lengths.len(), 2 * data.len().div_ceil(8292) - 1);
        let cut = &stream[..stream.len() / 2];
        assert!(liblz4::decompress_stream(cut, 8192, prefix, None).is_err());
        let mut flipped = stream.clone();
        flipped[prefix + 3] ^= 0xFF;
        assert!(
            liblz4::decompress_stream(&flipped, 8192, prefix, None).map_or(true, |out| out != data)
        );
    }
}
