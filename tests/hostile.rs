//! Truncated, corrupt and hostile input: always a clear error of the right
//! kind, never a panic, never a short successful read.

mod common;

use std::io::{ErrorKind, Read, Write};

use common::Rng;
use lz4_stream::block::{Compressor, Decompressor};
use lz4_stream::{
    BlockPart, Corruption, Error, Lz4StreamReader, Lz4StreamWriter, SizePrefix, StreamConfig,
};
use quickcheck::{QuickCheck, TestResult};

use common::compress;

fn read_all(config: &StreamConfig, stream: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    Lz4StreamReader::with_config(stream, config.clone())?.read_to_end(&mut out)?;
    Ok(out)
}

/// The library's own error behind an `io::Error` from the adapters.
fn inner_error(err: &std::io::Error) -> &Error {
    err.get_ref()
        .and_then(|e| e.downcast_ref::<Error>())
        .unwrap_or_else(|| panic!("not a lz4_stream::Error: {err:?}"))
}

#[test]
fn truncation_inside_a_block_is_an_error_and_between_blocks_a_clean_end() {
    for prefix in [SizePrefix::U8, SizePrefix::U16, SizePrefix::U32] {
        let config = StreamConfig::default().buffer_size(100).size_prefix(prefix);
        let data = common::sample("text", 1000, 2);
        let stream = compress(&config, &data);
        // Block boundaries and the data each complete block prefix decodes to.
        let mut boundaries = vec![(0usize, 0usize)];
        let d = Decompressor::new(config.clone()).unwrap();
        let mut offset = 0;
        while offset < stream.len() {
            offset += prefix.width() + d.get_block(&stream[offset..]).unwrap().len();
            boundaries.push((offset, (boundaries.len() * 100).min(data.len())));
        }
        for cut in 0..=stream.len() {
            let result = read_all(&config, &stream[..cut]);
            match boundaries.iter().find(|(at, _)| *at == cut) {
                Some(&(_, decoded)) => assert_eq!(result.unwrap(), data[..decoded]),
                None => {
                    let err = result.unwrap_err();
                    assert_eq!(err.kind(), ErrorKind::UnexpectedEof, "cut at {cut}");
                    assert!(matches!(inner_error(&err), Error::Truncated { .. }));
                }
            }
        }
    }
}

#[test]
fn truncation_names_the_part_block_and_offset() {
    let config = StreamConfig::default().buffer_size(1000);
    let stream = compress(&config, &common::sample("random", 2500, 4));
    let first = Decompressor::new(config.clone())
        .unwrap()
        .get_block(&stream)
        .unwrap()
        .len();
    let second_start = 4 + first;
    let err = read_all(&config, &stream[..second_start + 2]).unwrap_err();
    match inner_error(&err) {
        Error::Truncated {
            block,
            offset,
            part,
            needed,
            got,
        } => {
            assert_eq!(
                (*block, *offset, *part),
                (1, Some(second_start as u64), BlockPart::SizePrefix)
            );
            assert_eq!((*needed, *got), (4, 2));
        }
        other => panic!("{other:?}"),
    }
    let err = read_all(&config, &stream[..second_start + 10]).unwrap_err();
    assert!(matches!(
        inner_error(&err),
        Error::Truncated {
            block: 1,
            part: BlockPart::Body,
            got: 6,
            ..
        }
    ));
    assert!(err.to_string().contains("block 1"), "{err}");
    assert!(
        err.to_string().contains(&format!("offset {second_start}")),
        "{err}"
    );
}

#[test]
fn oversized_prefix_is_rejected_before_reading_the_block() {
    for (prefix, page) in [
        (SizePrefix::U8, 200),
        (SizePrefix::U16, 4096),
        (SizePrefix::U32, 4096),
    ] {
        let config = StreamConfig::default()
            .buffer_size(page)
            .size_prefix(prefix);
        let max = lz4_stream::compress_bound(page) as u64;
        for claimed in [
            max + 1,
            prefix.max_value(),
            (1u64 << (8 * prefix.width())) - 1,
        ] {
            if claimed <= max {
                continue;
            }
            let mut stream = claimed.to_le_bytes()[..prefix.width()].to_vec();
            // No body at all: the error must come from the prefix alone.
            let err = read_all(&config, &stream).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidData);
            assert!(matches!(
                inner_error(&err),
                Error::Corrupt {
                    block: 0,
                    offset: Some(0),
                    kind: Corruption::BlockTooLarge { .. }
                }
            ));
            stream.extend_from_slice(&[0u8; 300]);
            let d = Decompressor::new(config.clone()).unwrap();
            assert!(matches!(d.get_block(&stream), Err(Error::Corrupt { .. })));
        }
    }
}

#[test]
fn a_block_that_decodes_past_one_page_is_corrupt() {
    // Written with 4 KiB pages, read as if pages were 1 KiB.
    let data = common::sample("text", 4096, 8);
    let stream = compress(&StreamConfig::default().buffer_size(4096), &data);
    let small = StreamConfig::default().buffer_size(1024);
    let err = read_all(&small, &stream).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidData);
    assert!(matches!(
        inner_error(&err),
        Error::Corrupt {
            kind: Corruption::PageOverflow { buffer_size: 1024 },
            ..
        } | Error::Corrupt {
            kind: Corruption::BlockTooLarge { .. },
            ..
        }
    ));
    // Zeros compress so well that the block itself is small: the page check
    // has to catch it while decoding.
    let zeros = vec![0u8; 4096];
    let stream = compress(&StreamConfig::default().buffer_size(4096), &zeros);
    let err = read_all(&small, &stream).unwrap_err();
    assert!(matches!(
        inner_error(&err),
        Error::Corrupt {
            kind: Corruption::PageOverflow { .. },
            ..
        }
    ));
}

#[test]
fn a_match_before_the_start_of_history_is_corrupt() {
    // One literal 'a', then a match 5 bytes back: there is only 1 byte of history.
    let block = [0x10u8, b'a', 0x05, 0x00, 0x00];
    let mut d = Decompressor::new(StreamConfig::default()).unwrap();
    let err = d.decompress(&block).unwrap_err();
    assert!(matches!(
        err,
        Error::Corrupt {
            block: 0,
            offset: None,
            kind: Corruption::OffsetBeforeHistory {
                offset: 5,
                available: 1,
                ..
            }
        }
    ));
    // The message names the likeliest cause.
    assert!(
        err.to_string().ends_with(
            "; if the data is intact, the dictionary differs from the writer's (or the writer used one and the reader has none)"
        ),
        "{err}"
    );
    // With a 4-byte dictionary the match is valid: it copies "dict".
    let config = StreamConfig::default().dictionary(b"dict");
    let mut d = Decompressor::new(config).unwrap();
    let block = [0x10u8, b'a', 0x05, 0x00, 0x50, b'x', b'y', b'z', b'w', b'v'];
    assert_eq!(d.decompress(&block).unwrap(), b"adictxyzwv");
}

/// A late error (past the first 64 KiB, where `read_to_end` decodes straight
/// onto the caller's vector) leaves exactly the output of the good blocks
/// before it, after the bytes the vector already held.
#[test]
fn read_to_end_keeps_exactly_the_good_output_before_a_late_error() {
    let page = 8192;
    let config = StreamConfig::default().buffer_size(page);
    let data = common::sample("text", 40 * page, 11);
    let stream = compress(&config, &data);
    let d = Decompressor::new(config.clone()).unwrap();
    let mut starts = vec![0usize];
    while *starts.last().unwrap() < stream.len() {
        let at = *starts.last().unwrap();
        starts.push(at + 4 + d.get_block(&stream[at..]).unwrap().len());
    }
    // Every block before this one is a full page.
    let bad = 20;
    // Block 20 replaced by one with a match offset of 0 after one literal.
    let mut corrupt = stream[..starts[bad]].to_vec();
    corrupt.extend_from_slice(&5u32.to_le_bytes());
    corrupt.extend_from_slice(&[0x10, b'a', 0x00, 0x00, 0x00]);
    corrupt.extend_from_slice(&stream[starts[bad + 1]..]);
    let cut = &stream[..starts[bad] + 100];
    for (input, kind) in [
        (&corrupt[..], ErrorKind::InvalidData),
        (cut, ErrorKind::UnexpectedEof),
    ] {
        let mut out = b"held before".to_vec();
        let mut reader = Lz4StreamReader::with_config(input, config.clone()).unwrap();
        let err = reader.read_to_end(&mut out).unwrap_err();
        assert_eq!(err.kind(), kind);
        assert!(err.to_string().contains("block 20"), "{err}");
        assert_eq!(&out[..11], b"held before");
        assert_eq!(out[11..], data[..bad * page]);
        // Sticky, and nothing more is appended.
        let again = reader.read_to_end(&mut out).unwrap_err();
        assert_eq!(again.to_string(), err.to_string());
        assert_eq!(out.len(), 11 + bad * page);
    }
}

#[test]
fn errors_are_sticky_after_corruption() {
    let config = StreamConfig::default().buffer_size(1024);
    let mut stream = compress(&config, &common::sample("text", 5000, 3));
    stream[4] = 0xFF; // the first block's token: a huge literal run
    let mut reader = Lz4StreamReader::with_config(&stream[..], config).unwrap();
    let mut buf = [0u8; 100];
    let first = reader.read(&mut buf).unwrap_err();
    let second = reader.read(&mut buf).unwrap_err();
    assert_eq!(first.kind(), ErrorKind::InvalidData);
    assert_eq!(second.kind(), first.kind());
    assert_eq!(second.to_string(), first.to_string());
}

fn garbage_property(seed: u64) -> TestResult {
    let mut rng = Rng::new(seed);
    let prefix = *rng.pick(&[SizePrefix::U8, SizePrefix::U16, SizePrefix::U32]);
    let page = if prefix == SizePrefix::U8 {
        1 + rng.below(239)
    } else {
        1 + rng.below(65_000)
    };
    let config = StreamConfig::default()
        .buffer_size(page)
        .size_prefix(prefix);
    let len = rng.below(5000);
    let garbage: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
    match read_all(&config, &garbage) {
        Ok(out) => {
            // Whatever decoded fits the blocks the stream holds.
            TestResult::from_bool(out.len() <= page * (garbage.len() / (prefix.width() + 1) + 1))
        }
        Err(err) => TestResult::from_bool(matches!(
            err.kind(),
            ErrorKind::InvalidData | ErrorKind::UnexpectedEof
        )),
    }
}

#[test]
fn garbage_never_panics() {
    QuickCheck::new()
        .tests(2000)
        .quickcheck(garbage_property as fn(u64) -> TestResult);
}

fn bit_flip_property(seed: u64) -> TestResult {
    let mut rng = Rng::new(seed);
    let (config, data) = common::random_case(&mut rng);
    if data.len() > 100_000 {
        return TestResult::discard();
    }
    let mut stream = compress(&config, &data);
    if stream.is_empty() {
        return TestResult::discard();
    }
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(stream.len());
        stream[at] ^= 1 << rng.below(8);
    }
    match read_all(&config, &stream) {
        // No checksum in the format: a flip in a literal goes unnoticed, but
        // the output is still bounded by the pages the stream can hold.
        Ok(out) => TestResult::from_bool(out.len() <= data.len() + stream.len() * 255),
        Err(err) => TestResult::from_bool(matches!(
            err.kind(),
            ErrorKind::InvalidData | ErrorKind::UnexpectedEof
        )),
    }
}

#[test]
fn bit_flips_never_panic() {
    QuickCheck::new()
        .tests(300)
        .quickcheck(bit_flip_property as fn(u64) -> TestResult);
}

#[test]
fn get_block_reports_an_incomplete_block_distinctly() {
    let config = StreamConfig::default()
        .size_prefix(SizePrefix::U16)
        .buffer_size(4096);
    let mut c = Compressor::new(config.clone()).unwrap();
    let block = c.compress(b"hello hello hello hello").unwrap().to_vec();
    let d = Decompressor::new(config).unwrap();
    assert_eq!(d.get_block(&block).unwrap(), &block[2..]);
    for cut in 0..block.len() {
        match d.get_block(&block[..cut]) {
            Err(Error::IncompleteBlock { needed, available }) => {
                assert_eq!(available, cut);
                assert_eq!(needed, if cut < 2 { 2 } else { block.len() as u64 });
            }
            other => panic!("cut {cut}: {other:?}"),
        }
    }
    let io: std::io::Error = d.get_block(&block[..1]).unwrap_err().into();
    assert_eq!(io.kind(), ErrorKind::UnexpectedEof);
}

#[test]
fn out_of_band_sizes_are_refused_by_the_adapters() {
    let config = StreamConfig::default().size_prefix(SizePrefix::OutOfBand);
    let err = Lz4StreamWriter::with_config(Vec::new(), config.clone()).unwrap_err();
    assert!(matches!(err, Error::OutOfBandSizes(_)));
    assert!(err.to_string().contains("block API"), "{err}");
    assert!(Lz4StreamReader::with_config(&[][..], config.clone()).is_err());
    let d = Decompressor::new(config).unwrap();
    assert!(matches!(d.get_block(b"abc"), Err(Error::OutOfBandSizes(_))));
}

#[test]
fn configuration_errors_say_what_is_allowed() {
    let err = StreamConfig::default()
        .buffer_size(0)
        .validate()
        .unwrap_err();
    assert!(err.to_string().contains("1 to 2113929216"), "{err}");
    let err = Lz4StreamWriter::with_config(
        Vec::new(),
        StreamConfig::default()
            .buffer_size(70_000)
            .size_prefix(SizePrefix::U16),
    )
    .unwrap_err();
    assert!(err.to_string().contains("at most 65264 bytes"), "{err}");
    let io: std::io::Error = err.into();
    assert_eq!(io.kind(), ErrorKind::InvalidInput);
    assert!(SizePrefix::from_bytes(8)
        .unwrap_err()
        .to_string()
        .contains("0 (out of band), 1, 2 or 4"));
}

#[test]
fn chunk_larger_than_a_page_is_refused() {
    let mut c = Compressor::new(StreamConfig::default().buffer_size(10)).unwrap();
    let err = c.compress(&[0u8; 11]).unwrap_err();
    assert!(matches!(
        err,
        Error::ChunkTooLarge {
            len: 11,
            buffer_size: 10
        }
    ));
    // The compressor is still usable.
    assert!(c.compress(&[0u8; 10]).is_ok());
}

#[test]
fn write_after_finish_is_an_error() {
    let mut writer = Lz4StreamWriter::new(Vec::new());
    writer.write_all(b"data").unwrap();
    writer.try_finish().unwrap();
    assert!(writer.write(b"more").is_err());
    let stream = writer.finish().unwrap();
    assert_eq!(
        read_all(&StreamConfig::default(), &stream).unwrap(),
        b"data"
    );
}

/// A reader configured unlike the writer sees corruption; the error names
/// the setting that most likely differs.
#[test]
fn mismatched_settings_are_named_in_the_error() {
    let data = common::sample("text", 200_000, 21);
    let read = |stream: &[u8], config: StreamConfig| -> String {
        let err = read_all(&config, stream).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidData, "{err}");
        err.to_string()
    };
    let default = StreamConfig::default();
    let stream = compress(&default, &data);
    // Smaller pages than the writer's: the first block is too big for one.
    let message = read(&stream, default.clone().buffer_size(4096));
    assert!(
        message.starts_with("corrupt stream at block 0 (stream offset 0): size prefix announces")
            && message.ends_with("; if the data is intact, the page size or the size-prefix width differs from the writer's"),
        "{message}"
    );
    // Small blocks of long runs: they fit the reader's smaller page's bound
    // but decode to more than its page.
    let zeros = compress(&default, &[0u8; 65_536]);
    let message = read(&zeros, default.clone().buffer_size(4096));
    assert!(
        message.ends_with("; if the data is intact, the page size is smaller than the writer's"),
        "{message}"
    );
    // A prefix wider than the writer's takes block bytes for length bytes.
    let narrow = default
        .clone()
        .buffer_size(8192)
        .size_prefix(SizePrefix::U16);
    let stream = compress(&narrow, &data);
    let message = read(&stream, default.clone().buffer_size(8192));
    assert!(
        message.contains("the page size or the size-prefix width differs"),
        "{message}"
    );
    // The writer's dictionary is missing.
    let dictionary = data[..30_000].to_vec();
    let stream = compress(&default.clone().dictionary(&dictionary), &data[30_000..]);
    let message = read(&stream, default);
    assert!(
        message.contains("reaches before the start of the history")
            && message.ends_with("the dictionary differs from the writer's (or the writer used one and the reader has none)"),
        "{message}"
    );
}
