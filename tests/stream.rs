//! The sans-I/O stream layer on its own: the encoder's bytes are the writer's,
//! the decoder takes any pieces by either path, errors are typed and sticky,
//! and the counters and states say where each side is.

mod common;

use std::io::{Read, Write};

use common::Rng;
use lz4_stream::stream::{DecoderState, EncoderState, StreamDecoder, StreamEncoder};
use lz4_stream::{BlockPart, Error, Lz4StreamWriter, SizePrefix, StreamConfig};
use quickcheck::{QuickCheck, TestResult};

/// Hands all pending output to `out`, in pieces of up to `step` bytes.
fn take_pending(encoder: &mut StreamEncoder, out: &mut Vec<u8>, step: usize) {
    while !encoder.pending().is_empty() {
        let n = encoder.pending().len().min(step);
        out.extend_from_slice(&encoder.pending()[..n]);
        encoder.consume(n);
    }
}

/// The encoder, pushed in random pieces with random flushes and drained in
/// random pieces, writes exactly what the writer writes for the same pieces
/// and flushes; the decoder, fed in random pieces, gets the data back.
fn encoder_matches_writer(seed: u64) -> TestResult {
    let mut rng = Rng::new(seed);
    let config = common::random_config(&mut rng);
    let kind = *rng.pick(&["text", "binary", "zeros"]);
    let data = common::sample(kind, rng.below(300_000), seed);

    let mut encoder = StreamEncoder::new(config.clone()).unwrap();
    let mut writer = Lz4StreamWriter::with_config(Vec::new(), config.clone()).unwrap();
    let mut ours = Vec::new();
    let mut offset = 0;
    while offset < data.len() {
        let end = (offset + 1 + rng.below(20_000)).min(data.len());
        writer.write_all(&data[offset..end]).unwrap();
        let mut piece = &data[offset..end];
        while !piece.is_empty() {
            let taken = encoder.push(piece).unwrap();
            if taken == 0 {
                // Only ever while output is pending.
                assert!(!encoder.pending().is_empty());
                take_pending(&mut encoder, &mut ours, 1 + rng.below(5000));
            }
            piece = &piece[taken..];
        }
        if rng.chance(20) {
            writer.flush().unwrap();
            while !encoder.flush().unwrap() {
                take_pending(&mut encoder, &mut ours, 1 + rng.below(5000));
            }
        }
        offset = end;
    }
    while !encoder.finish().unwrap() {
        assert_eq!(encoder.state(), EncoderState::Finishing);
        take_pending(&mut encoder, &mut ours, 1 + rng.below(5000));
    }
    assert_eq!(encoder.state(), EncoderState::Done);
    assert!(encoder.finish().unwrap(), "finish is idempotent");
    assert!(matches!(encoder.push(b"more"), Err(Error::Finished)));
    let theirs = writer.finish().unwrap();
    assert_eq!(ours, theirs);
    assert_eq!(encoder.total_in(), data.len() as u64);
    assert_eq!(encoder.total_out(), ours.len() as u64);

    // Decode, mixing the push path and the exact-read path.
    let mut decoder = StreamDecoder::new(config).unwrap();
    let mut out = Vec::new();
    let mut input = &ours[..];
    loop {
        out.extend_from_slice(decoder.output());
        decoder.consume_output(decoder.output().len());
        if input.is_empty() || decoder.state() == DecoderState::Done {
            break;
        }
        if rng.chance(50) {
            let n = (1 + rng.below(3000)).min(input.len());
            let taken = decoder.feed(&input[..n]).unwrap();
            input = &input[taken..];
        } else {
            let buf = decoder.input_buf();
            let n = buf.len().min(1 + rng.below(3000)).min(input.len());
            buf[..n].copy_from_slice(&input[..n]);
            decoder.commit_input(n).unwrap();
            input = &input[n..];
        }
    }
    decoder.end_of_input().unwrap();
    assert!(input.is_empty());
    assert_eq!(out, data);
    assert_eq!(decoder.total_in(), ours.len() as u64);
    assert_eq!(decoder.total_out(), data.len() as u64);
    TestResult::passed()
}

#[test]
fn encoder_matches_writer_and_decoder_takes_any_pieces() {
    QuickCheck::new()
        .tests(60)
        .quickcheck(encoder_matches_writer as fn(u64) -> TestResult);
}

#[test]
fn exact_reads_stop_at_the_end_marker() {
    let config = StreamConfig::default().buffer_size(4096).end_marker(true);
    let data = common::sample("text", 30_000, 1);
    let mut stream = common::compress(&config, &data);
    let stream_len = stream.len();
    stream.extend_from_slice(b"the protocol goes on");

    let mut source = &stream[..];
    let mut decoder = StreamDecoder::new(config).unwrap();
    let mut out = Vec::new();
    while decoder.state() == DecoderState::Open {
        if !decoder.output().is_empty() {
            out.extend_from_slice(decoder.output());
            decoder.consume_output(usize::MAX);
            continue;
        }
        let n = source.read(decoder.input_buf()).unwrap();
        decoder.commit_input(n).unwrap();
    }
    out.extend_from_slice(decoder.output());
    assert_eq!(out, data);
    assert_eq!(source, b"the protocol goes on");
    assert_eq!(decoder.total_in(), stream_len as u64);
    assert!(decoder.input_buf().is_empty());
    assert_eq!(decoder.feed(b"more").unwrap(), 0);
}

/// `commit_input` of more than `input_buf` offered is the caller's bug: it
/// panics, as documented, in every phase (in the middle of a size prefix or a
/// block body, while output is unread, after the end marker), before touching
/// the decoder, which then decodes on as if it had not been called.
#[test]
fn committing_more_than_offered_panics_and_changes_nothing() {
    let config = StreamConfig::default().buffer_size(4096).end_marker(true);
    let data = common::sample("text", 10_000, 3);
    let stream = common::compress(&config, &data);
    let mut decoder = StreamDecoder::new(config).unwrap();
    let mut source = &stream[..];
    let mut out = Vec::new();
    let mut checked = 0;
    loop {
        let offered = decoder.input_buf().len();
        let over = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            decoder.commit_input(offered + 1)
        }));
        assert!(
            over.is_err(),
            "commit_input({}) after {offered} offered",
            offered + 1
        );
        checked += 1;
        if decoder.state() != DecoderState::Open {
            break;
        }
        if !decoder.output().is_empty() {
            out.extend_from_slice(decoder.output());
            decoder.consume_output(usize::MAX);
            continue;
        }
        // At most 3 bytes at a time: the middle of prefixes and bodies too.
        let n = source
            .read(&mut decoder.input_buf()[..offered.min(3)])
            .unwrap();
        decoder.commit_input(n).unwrap();
    }
    assert_eq!(decoder.state(), DecoderState::Done);
    assert_eq!(out, data);
    assert!(source.is_empty());
    assert!(checked > stream.len() / 3);
}

#[test]
fn feed_leaves_the_bytes_after_an_end_marker() {
    let config = StreamConfig::default().end_marker(true);
    let mut stream = common::compress(&config, b"short");
    stream.extend_from_slice(b"trailer");
    let mut decoder = StreamDecoder::new(config).unwrap();
    let taken = decoder.feed(&stream).unwrap();
    // The block is decoded; its output waits, so the marker is not read yet.
    assert_eq!(decoder.output(), b"short");
    decoder.consume_output(5);
    let taken = taken + decoder.feed(&stream[taken..]).unwrap();
    assert_eq!(&stream[taken..], b"trailer");
    assert_eq!(decoder.state(), DecoderState::Done);
}

#[test]
fn errors_are_typed_sticky_and_name_block_and_offset() {
    let config = StreamConfig::default().buffer_size(1024);
    let data = common::sample("text", 5000, 3);
    let stream = common::compress(&config, &data);
    let first_block = 4 + u32::from_le_bytes(stream[..4].try_into().unwrap()) as usize;

    // Corrupt the second block's token.
    let mut corrupt = stream.clone();
    corrupt[first_block + 4] = 0xFF;
    let mut decoder = StreamDecoder::new(config.clone()).unwrap();
    let mut fed = 0;
    let err = loop {
        match decoder.feed(&corrupt[fed..fed + 1]) {
            Ok(n) => fed += n,
            Err(err) => break err,
        }
        decoder.consume_output(usize::MAX);
    };
    match &err {
        Error::Corrupt { block, offset, .. } => {
            assert_eq!(*block, 1);
            assert_eq!(*offset, Some(first_block as u64));
        }
        other => panic!("{other}"),
    }
    assert_eq!(decoder.state(), DecoderState::Failed);
    for again in [
        decoder.feed(b"x").unwrap_err(),
        decoder.commit_input(0).unwrap_err(),
        decoder.end_of_input().unwrap_err(),
    ] {
        assert_eq!(again.to_string(), err.to_string());
    }
    assert!(decoder.input_buf().is_empty());

    // Cut inside the second block's prefix, then inside its body.
    for (cut, part, got) in [
        (first_block + 2, BlockPart::SizePrefix, 2),
        (first_block + 10, BlockPart::Body, 6),
    ] {
        let mut decoder = StreamDecoder::new(config.clone()).unwrap();
        let mut input = &stream[..cut];
        while !input.is_empty() {
            let n = decoder.feed(input).unwrap();
            input = &input[n..];
            decoder.consume_output(usize::MAX);
        }
        let err = decoder.end_of_input().unwrap_err();
        match err {
            Error::Truncated {
                block,
                offset,
                part: p,
                got: g,
                ..
            } => {
                assert_eq!(
                    (block, offset, p, g),
                    (1, Some(first_block as u64), part, got)
                );
            }
            other => panic!("{other}"),
        }
        assert_eq!(
            decoder.end_of_input().unwrap_err().to_string(),
            decoder.error().unwrap().to_string()
        );
    }
}

#[test]
fn a_forged_size_prefix_is_refused_before_any_body_is_taken() {
    let config = StreamConfig::default().buffer_size(1024);
    let mut decoder = StreamDecoder::new(config).unwrap();
    let err = decoder.feed(&u32::MAX.to_le_bytes()).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Corrupt {
                block: 0,
                offset: Some(0),
                ..
            }
        ),
        "{err}"
    );
    // And an allowed one is offered in pieces that grow as bytes arrive.
    let mut decoder = StreamDecoder::new(StreamConfig::default().buffer_size(64 << 20)).unwrap();
    decoder.feed(&(60u32 << 20).to_le_bytes()).unwrap();
    assert!(decoder.input_buf().len() <= 128 * 1024);
}

#[test]
fn flush_cuts_the_partial_page_and_push_waits_for_pending_output() {
    let config = StreamConfig::default().buffer_size(1024);
    let mut encoder = StreamEncoder::new(config.clone()).unwrap();
    assert!(encoder.flush().unwrap(), "nothing to flush: no block");
    assert!(encoder.pending().is_empty());
    assert_eq!(encoder.push(b"hello").unwrap(), 5);
    assert!(encoder.pending().is_empty());
    assert!(!encoder.flush().unwrap());
    let block = encoder.pending().to_vec();
    // While the block is pending, nothing more is taken.
    assert_eq!(encoder.push(b"more").unwrap(), 0);
    encoder.consume(block.len());
    assert!(encoder.flush().unwrap());
    let mut decoder = StreamDecoder::new(config).unwrap();
    assert_eq!(decoder.feed(&block).unwrap(), block.len());
    assert_eq!(decoder.output(), b"hello");
}

/// `consume` takes nothing while `pending` is empty, also while workers
/// still compress the last pages and the end marker waits behind them.
#[test]
fn consume_takes_nothing_while_pending_is_empty() {
    let config = StreamConfig::default()
        .mode(lz4_stream::CompressionMode::High { level: 12 })
        .workers(2)
        .end_marker(true);
    let input = common::sample("text", 12 * 65_536, 3);
    let mut encoder = StreamEncoder::new(config.clone()).unwrap();
    let mut out = Vec::new();
    let mut rest = &input[..];
    while !rest.is_empty() {
        rest = &rest[encoder.push(rest).unwrap()..];
        take_pending(&mut encoder, &mut out, usize::MAX);
    }
    let mut consumed_while_empty = 0;
    while !encoder.finish().unwrap() {
        take_pending(&mut encoder, &mut out, usize::MAX);
        if encoder.pending().is_empty() && encoder.state() == EncoderState::Finishing {
            let before = encoder.total_out();
            encoder.consume(4);
            assert_eq!(encoder.total_out(), before);
            consumed_while_empty += 1;
        }
    }
    take_pending(&mut encoder, &mut out, usize::MAX);
    assert!(
        consumed_while_empty > 0,
        "the workers were never waited for"
    );
    assert_eq!(encoder.total_out(), out.len() as u64);
    assert!(out.ends_with(&[0; 4]));
    assert!(common::decompress(&config, &out) == input);
}

#[test]
fn out_of_band_sizes_are_refused() {
    let config = StreamConfig::default().size_prefix(SizePrefix::OutOfBand);
    assert!(matches!(
        StreamEncoder::new(config.clone()),
        Err(Error::OutOfBandSizes(_))
    ));
    assert!(matches!(
        StreamDecoder::new(config),
        Err(Error::OutOfBandSizes(_))
    ));
}

#[test]
fn debug_is_short() {
    let mut encoder = StreamEncoder::new(StreamConfig::default()).unwrap();
    encoder.push(&common::sample("binary", 200_000, 1)).unwrap();
    let text = format!("{encoder:?}");
    assert!(text.len() < 400, "{text}");
    assert!(text.contains("total_in: 65536"), "{text}");

    let stream = common::compress(
        &StreamConfig::default(),
        &common::sample("text", 200_000, 1),
    );
    let mut decoder = StreamDecoder::new(StreamConfig::default()).unwrap();
    decoder.feed(&stream).unwrap();
    let text = format!("{decoder:?}");
    assert!(text.len() < 400, "{text}");
    assert!(text.contains("Open"), "{text}");
}

#[test]
fn the_std_adapters_count_bytes_and_print_a_short_debug() {
    use lz4_stream::Lz4StreamReader;
    let data = common::sample("text", 200_000, 4);
    let mut writer = Lz4StreamWriter::new(Vec::new());
    writer.write_all(&data).unwrap();
    assert_eq!(writer.total_in(), data.len() as u64);
    let debug = format!("{writer:?}");
    assert!(debug.len() < 500, "{debug}");
    writer.try_finish().unwrap();
    // A write after the end names what happened, with a telling kind.
    let err = writer.write(b"late").unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe);
    assert!(err.to_string().contains("finished"), "{err}");
    assert_eq!(writer.total_out(), writer.get_ref().len() as u64);
    let stream = writer.finish().unwrap();

    let mut reader = Lz4StreamReader::new(&stream[..]);
    let mut buf = vec![0u8; 1000];
    reader.read_exact(&mut buf).unwrap();
    assert_eq!(reader.total_out(), 1000);
    let debug = format!("{reader:?}");
    assert!(debug.len() < 500, "{debug}");
    let mut rest = Vec::new();
    reader.read_to_end(&mut rest).unwrap();
    assert_eq!(reader.total_out(), data.len() as u64);
    assert_eq!(reader.total_in(), stream.len() as u64);
}
