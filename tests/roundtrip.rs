//! Round trips over random data, configurations and write/read splits, and the
//! format rules the encoder must keep for python-lz4's and liblz4's decoders.

mod common;

use std::io::{BufRead, Read, Write};

use common::Rng;
use lz4_stream::block::{Compressor, Decompressor};
use lz4_stream::{Lz4StreamReader, Lz4StreamWriter, SizePrefix, StreamConfig};
use quickcheck::{QuickCheck, TestResult};

/// Splits `stream` into its blocks (prefix excluded).
fn blocks<'a>(config: &StreamConfig, stream: &'a [u8]) -> Vec<&'a [u8]> {
    let d = Decompressor::new(config.clone()).unwrap();
    let mut offset = 0;
    let mut out = Vec::new();
    while offset < stream.len() {
        let block = d.get_block(&stream[offset..]).unwrap();
        offset += config.get_size_prefix().width() + block.len();
        out.push(block);
    }
    out
}

fn writer_reader_property(seed: u64) -> TestResult {
    let mut rng = Rng::new(seed);
    let (config, data) = common::random_case(&mut rng);
    let page = config.get_buffer_size();
    let mut writer = Lz4StreamWriter::with_config(Vec::new(), config.clone()).unwrap();
    let mut offset = 0;
    let mut flushes = 0;
    while offset < data.len() {
        let n = (1 + rng.below(page.min(50_000) * 2)).min(data.len() - offset);
        writer.write_all(&data[offset..offset + n]).unwrap();
        offset += n;
        if rng.chance(5) {
            writer.flush().unwrap();
            flushes += 1;
        }
    }
    let stream = writer.finish().unwrap();

    // The writer never emits an empty block, and at most one block per page
    // plus one per flush.
    let stream_blocks = blocks(&config, &stream);
    if stream_blocks.len() > data.len().div_ceil(page) + flushes + 1 {
        return TestResult::error("more blocks than pages and flushes");
    }
    let mut d = Decompressor::new(config.clone()).unwrap();
    for block in &stream_blocks {
        if d.decompress(block).unwrap().is_empty() {
            return TestResult::error("the writer emitted an empty block");
        }
    }

    let mut reader = Lz4StreamReader::with_config(&stream[..], config).unwrap();
    let mut out = Vec::new();
    let mut buf = vec![0u8; 1 + rng.below(70_000)];
    loop {
        let want = 1 + rng.below(buf.len());
        let n = reader.read(&mut buf[..want]).unwrap();
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
    }
    TestResult::from_bool(out == data)
}

#[test]
fn writer_then_reader_round_trips() {
    QuickCheck::new()
        .tests(200)
        .quickcheck(writer_reader_property as fn(u64) -> TestResult);
}

/// Chunks for the block API: full pages, partial pages and empty chunks.
fn chunking(rng: &mut Rng, len: usize, page: usize) -> Vec<usize> {
    let mut chunks = Vec::new();
    let mut left = len;
    while left > 0 || (chunks.len() < 3 && rng.chance(50)) {
        let n = match rng.below(5) {
            0 => 0,
            1 => page,
            _ => 1 + rng.below(page),
        }
        .min(left);
        chunks.push(n);
        left -= n;
    }
    chunks
}

/// The block API round-trips, and every block decodes with nothing but what a
/// two-page decoder (python-lz4, liblz4's example) still has: the previous
/// chunk, or the dictionary for the first block, or nothing after an empty
/// chunk.
fn block_api_property(seed: u64, out_of_band: bool) -> TestResult {
    let mut rng = Rng::new(seed);
    let (mut config, data) = common::random_case(&mut rng);
    if out_of_band {
        config = config.size_prefix(SizePrefix::OutOfBand);
    }
    let width = config.get_size_prefix().width();
    let mut compressor = Compressor::new(config.clone()).unwrap();
    let mut decompressor = Decompressor::new(config.clone()).unwrap();
    let mut offset = 0;
    let mut previous: Option<Vec<u8>> = config.get_dictionary().map(<[u8]>::to_vec);
    for len in chunking(&mut rng, data.len(), config.get_buffer_size()) {
        let chunk = &data[offset..offset + len];
        offset += len;
        let block = compressor.compress(chunk).unwrap().to_vec();
        let body = if out_of_band {
            &block[..]
        } else {
            let body = decompressor.get_block(&block).unwrap();
            assert_eq!(body.len() + width, block.len());
            body
        };
        if decompressor.decompress(body).unwrap() != chunk {
            return TestResult::error("block API round trip differs");
        }
        // Decode again with only what a two-page decoder keeps.
        let mut two_page = config
            .clone()
            .dictionary(previous.clone().unwrap_or_default());
        if out_of_band {
            two_page = two_page.size_prefix(SizePrefix::OutOfBand);
        }
        let mut fresh = Decompressor::new(two_page).unwrap();
        match fresh.decompress(body) {
            Ok(out) if out == chunk => {}
            _ => return TestResult::error("a block refers further back than the previous chunk"),
        }
        previous = if chunk.is_empty() {
            None
        } else {
            Some(chunk.to_vec())
        };
    }
    TestResult::passed()
}

#[test]
fn block_api_round_trips_and_refers_only_to_the_previous_chunk() {
    QuickCheck::new()
        .tests(150)
        .quickcheck((|seed| block_api_property(seed, false)) as fn(u64) -> TestResult);
}

#[test]
fn block_api_out_of_band_sizes() {
    QuickCheck::new()
        .tests(80)
        .quickcheck((|seed| block_api_property(seed, true)) as fn(u64) -> TestResult);
}

#[test]
fn empty_chunk_gives_a_one_byte_block_and_resets_history() {
    let config = StreamConfig::default()
        .buffer_size(1024)
        .size_prefix(SizePrefix::U16);
    let mut c = Compressor::new(config.clone()).unwrap();
    let page = common::sample("text", 1024, 3);
    let first = c.compress(&page).unwrap().to_vec();
    // python-lz4 writes an empty chunk as a 1-byte LZ4 block.
    assert_eq!(c.compress(&[]).unwrap(), &[1, 0, 0][..]);
    // The same page again compresses as if the stream started afresh.
    assert_eq!(c.compress(&page).unwrap(), &first[..]);
}

#[test]
fn reader_stops_at_the_end_marker_and_reads_nothing_after_it() {
    let config = StreamConfig::default().buffer_size(4096).end_marker(true);
    let data = common::sample("text", 10_000, 11);
    let mut stream = common::compress(&config, &data);
    assert_eq!(&stream[stream.len() - 4..], &[0, 0, 0, 0]);
    let marker_end = stream.len();
    stream.extend_from_slice(b"trailing bytes that are not a stream");

    let mut source = &stream[..];
    let mut reader = Lz4StreamReader::with_config(&mut source, config).unwrap();
    let mut out = Vec::new();
    reader.read_to_end(&mut out).unwrap();
    assert_eq!(out, data);
    assert!(reader.is_finished());
    assert_eq!(reader.read(&mut [0u8; 10]).unwrap(), 0);
    drop(reader);
    assert_eq!(source, &stream[marker_end..]);
}

#[test]
fn end_marker_with_every_prefix_width() {
    for (prefix, page) in [
        (SizePrefix::U8, 200),
        (SizePrefix::U16, 8192),
        (SizePrefix::U32, 8192),
    ] {
        let config = StreamConfig::default()
            .buffer_size(page)
            .size_prefix(prefix)
            .end_marker(true);
        let stream = common::compress(&config, b"abcabcabcabc");
        assert!(stream.ends_with(&vec![0u8; prefix.width()]));
        assert_eq!(common::decompress(&config, &stream), b"abcabcabcabc");
    }
}

#[test]
fn empty_input_gives_an_empty_stream() {
    let stream = Lz4StreamWriter::new(Vec::new()).finish().unwrap();
    assert!(stream.is_empty());
    let mut reader = Lz4StreamReader::new(&stream[..]);
    assert!(reader.fill_buf().unwrap().is_empty());
    assert!(reader.is_finished());
}

#[test]
fn flush_emits_the_partial_page_and_drop_finishes() {
    let mut sink = Vec::new();
    {
        let mut writer = Lz4StreamWriter::new(&mut sink);
        writer.write_all(b"first").unwrap();
        writer.flush().unwrap();
        assert_eq!(writer.get_ref().len(), 4 + 6); // prefix + 1 token + 5 literals
        writer.flush().unwrap(); // nothing new: no empty block
        assert_eq!(writer.get_ref().len(), 10);
        writer.write_all(b"second").unwrap();
    } // dropped: writes the pending page
    let mut out = String::new();
    Lz4StreamReader::new(&sink[..])
        .read_to_string(&mut out)
        .unwrap();
    assert_eq!(out, "firstsecond");
}

#[test]
fn bufread_lines_over_the_reader() {
    let text: String = (0..5000).map(|i| format!("line {i}\n")).collect();
    let config = StreamConfig::default().buffer_size(1000);
    let stream = common::compress(&config, text.as_bytes());
    let reader = Lz4StreamReader::with_config(&stream[..], config).unwrap();
    let lines: Vec<String> = reader.lines().map(Result::unwrap).collect();
    assert_eq!(lines.len(), 5000);
    assert_eq!(lines[4321], "line 4321");
}

#[test]
fn read_to_string_appends_text_and_keeps_nothing_of_invalid_utf8() {
    let config = StreamConfig::default().buffer_size(4096);
    let compress = |data: &[u8]| common::compress(&config, data);
    // Long enough to pass the first 64 KiB, multi-byte characters across
    // page boundaries.
    let text: String = (0..20_000).map(|i| format!("zeile {i} – ü\n")).collect();
    let stream = compress(text.as_bytes());
    let mut out = String::from("before: ");
    let n = Lz4StreamReader::with_config(&stream[..], config.clone())
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    assert_eq!(n, text.len());
    assert_eq!(out, format!("before: {text}"));

    let mut bytes = text.into_bytes();
    bytes[100_000] = 0xFF;
    let stream = compress(&bytes);
    let mut out = String::from("before: ");
    let err = Lz4StreamReader::with_config(&stream[..], config)
        .unwrap()
        .read_to_string(&mut out)
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    assert_eq!(out, "before: ");
}

/// `read_to_end` decodes into the vector's spare room, but never makes an
/// exactly sized vector reallocate for it.
#[test]
fn read_to_end_keeps_an_exactly_sized_vector() {
    for (page, kind) in [(4096, "binary"), (65_536, "random"), (1 << 20, "text")] {
        let data = common::sample(kind, 1_000_000, 5);
        let config = StreamConfig::default().buffer_size(page);
        let stream = common::compress(&config, &data);
        let mut out = Vec::with_capacity(3 + data.len());
        out.extend_from_slice(b"abc");
        let capacity = out.capacity();
        Lz4StreamReader::with_config(&stream[..], config)
            .unwrap()
            .read_to_end(&mut out)
            .unwrap();
        assert!(out[3..] == data[..], "page {page}");
        assert_eq!(out.capacity(), capacity, "page {page}");
    }
}

#[test]
fn writer_and_reader_are_send() {
    fn assert_send<T: Send>() {}
    assert_send::<Lz4StreamWriter<std::fs::File>>();
    assert_send::<Lz4StreamReader<std::fs::File>>();
    assert_send::<Compressor>();
    assert_send::<Decompressor>();
}

#[test]
fn file_round_trip_through_tempfile() {
    let data = common::sample("binary", 300_000, 21);
    let mut file = tempfile::tempfile().unwrap();
    let mut writer = Lz4StreamWriter::new(std::io::BufWriter::new(&mut file));
    writer.write_all(&data).unwrap();
    writer.finish().unwrap().flush().unwrap();
    use std::io::Seek;
    file.rewind().unwrap();
    let mut out = Vec::new();
    Lz4StreamReader::new(std::io::BufReader::new(file))
        .read_to_end(&mut out)
        .unwrap();
    assert_eq!(out, data);
}
