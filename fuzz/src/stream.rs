//! Driving the crate's writer and reader the way an event loop would, and
//! decoding a stream independently with the block API, to compare.

use std::io::{self, BufRead, Read, Write};

use arbitrary::Unstructured;
use lz4_stream::block::Decompressor;
use lz4_stream::{BlockPart, Corruption, Error, Lz4StreamReader, Lz4StreamWriter, StreamConfig};

use crate::flaky::{is_transient, FlakyReader, FlakyWriter};
use crate::reference;
use crate::setup::{next_op, Op};

/// The blocks of a well-formed stream with `width`-byte size prefixes, in
/// order, each with the offset of its prefix; an end marker comes out as an
/// empty block (and the walk goes on after it, like the stream).
pub fn blocks(stream: &[u8], width: usize) -> impl Iterator<Item = (usize, &[u8])> + '_ {
    let mut offset = 0;
    std::iter::from_fn(move || {
        if offset >= stream.len() {
            return None;
        }
        let mut size = [0u8; 8];
        size[..width].copy_from_slice(&stream[offset..offset + width]);
        let size = u64::from_le_bytes(size) as usize;
        let block = &stream[offset + width..offset + width + size];
        let at = offset;
        offset += width + size;
        Some((at, block))
    })
}

/// A stream the writer produced, and the chunk each block must decode to.
#[derive(Debug)]
pub struct Written {
    pub stream: Vec<u8>,
    /// Lengths of the chunks the writer's pages and flushes make, in order.
    pub chunks: Vec<usize>,
    /// How much data had been written at each flush, in order (a flush on
    /// a page boundary cuts no block, but it still ends a parallel job).
    pub flushes: Vec<usize>,
    /// Calls that failed with a transient error and were retried.
    pub retries: usize,
}

/// Writes `data` through an [`Lz4StreamWriter`] over a [`FlakyWriter`],
/// splitting writes and flushing as `plan` says and retrying transient
/// errors, then finishes. Checks what the writer promises along the way:
/// `write` takes at most the rest of the page and never 0 bytes, `flush` makes
/// the partial page a block.
pub fn write_stream(config: &StreamConfig, data: &[u8], plan: &[u8], faults: &[u8]) -> Written {
    let page = config.get_buffer_size();
    let mut writer = Lz4StreamWriter::with_config(FlakyWriter::new(faults), config.clone())
        .expect("a validated in-band configuration");
    let mut plan = Unstructured::new(plan);
    let mut chunks = Vec::new();
    let mut flushes = Vec::new();
    let mut filled = 0usize;
    let mut retries = 0usize;
    let mut pos = 0usize;
    while pos < data.len() {
        match next_op(&mut plan) {
            Op::Flush => loop {
                match writer.flush() {
                    Ok(()) => {
                        if filled > 0 {
                            chunks.push(filled);
                            filled = 0;
                        }
                        flushes.push(pos);
                        break;
                    }
                    Err(err) if is_transient(&err) => retries += 1,
                    Err(err) => panic!("flush failed: {err}"),
                }
            },
            Op::Write(len) => {
                let end = data.len().min(pos.saturating_add(len));
                match writer.write(&data[pos..end]) {
                    Ok(n) => {
                        assert!(n > 0, "write accepted nothing of {} bytes", end - pos);
                        assert!(n <= page - filled, "write took more than the page holds");
                        assert!(n == (end - pos).min(page - filled), "write took {n} bytes");
                        pos += n;
                        filled += n;
                        if filled == page {
                            chunks.push(page);
                            filled = 0;
                        }
                    }
                    Err(err) if is_transient(&err) => retries += 1,
                    Err(err) => panic!("write failed: {err}"),
                }
            }
        }
    }
    loop {
        match writer.try_finish() {
            Ok(()) => break,
            Err(err) if is_transient(&err) => retries += 1,
            Err(err) => panic!("finish failed: {err}"),
        }
    }
    if filled > 0 {
        chunks.push(filled);
    }
    assert!(
        matches!(writer.write(b"x"), Err(e) if e.kind() == io::ErrorKind::BrokenPipe),
        "write after finish must fail"
    );
    let stream = std::mem::take(&mut writer.get_mut().out);
    Written {
        stream,
        chunks,
        flushes,
        retries,
    }
}

/// How a stream ends, as the block API sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// The data ran out exactly between blocks.
    Clean,
    /// A zero size prefix; the stream's bytes end at this offset.
    Marker(usize),
    Truncated {
        block: u64,
        offset: u64,
        part: BlockPart,
        needed: u64,
        got: u64,
    },
    Corrupt {
        block: u64,
        offset: u64,
        kind: Corruption,
    },
}

/// A stream decoded block by block with `get_block` and `decompress`.
#[derive(Debug)]
pub struct Blocks {
    pub output: Vec<u8>,
    /// Uncompressed length of each block decoded.
    pub chunks: Vec<usize>,
    /// The most the decoded blocks could have produced: for each, the page or
    /// 255 bytes per compressed byte, whichever is less.
    pub bound: usize,
    pub end: End,
}

/// Decodes `stream` with the block API (python-lz4's `get_block` loop).
pub fn decode_blocks(stream: &[u8], config: &StreamConfig) -> Blocks {
    let page = config.get_buffer_size();
    let mut decompressor = Decompressor::new(config.clone()).expect("valid configuration");
    let width = decompressor.prefix_width();
    let mut blocks = Blocks {
        output: Vec::new(),
        chunks: Vec::new(),
        bound: 0,
        end: End::Clean,
    };
    let mut offset = 0usize;
    let mut index = 0u64;
    while offset < stream.len() {
        let block = match decompressor.get_block(&stream[offset..]) {
            Ok(block) => block,
            Err(Error::IncompleteBlock { needed, available }) => {
                assert!(needed as usize > available && available == stream.len() - offset);
                let (part, needed, got) = if available < width {
                    (BlockPart::SizePrefix, width as u64, available as u64)
                } else {
                    (
                        BlockPart::Body,
                        needed - width as u64,
                        (available - width) as u64,
                    )
                };
                blocks.end = End::Truncated {
                    block: index,
                    offset: offset as u64,
                    part,
                    needed,
                    got,
                };
                return blocks;
            }
            Err(Error::Corrupt {
                block,
                offset: None,
                kind,
            }) => {
                assert_eq!(block, index);
                assert!(matches!(kind, Corruption::BlockTooLarge { .. }), "{kind}");
                blocks.end = End::Corrupt {
                    block,
                    offset: offset as u64,
                    kind,
                };
                return blocks;
            }
            Err(err) => panic!("get_block: unexpected error {err:?}"),
        };
        if block.is_empty() {
            blocks.end = End::Marker(offset + width);
            return blocks;
        }
        let len = block.len();
        let dictionary = config.get_dictionary().unwrap_or(&[]);
        match decompressor.decompress(block) {
            Ok(chunk) => {
                assert!(chunk.len() <= page, "a block decoded to more than a page");
                reference::check(block, dictionary, &blocks.output, page, Ok(chunk));
                blocks.output.extend_from_slice(chunk);
                blocks.chunks.push(chunk.len());
                blocks.bound += page.min(len * 255);
            }
            Err(Error::Corrupt {
                block: index_reported,
                offset: None,
                kind,
            }) => {
                assert_eq!(index_reported, index);
                reference::check(block, dictionary, &blocks.output, page, Err(&kind));
                blocks.end = End::Corrupt {
                    block: index,
                    offset: offset as u64,
                    kind,
                };
                return blocks;
            }
            Err(err) => panic!("decompress: unexpected error {err:?}"),
        }
        offset += width + len;
        index += 1;
    }
    blocks
}

/// Reads everything from `reader`, mixing `read` with buffers of several sizes,
/// `fill_buf`/`consume` with partial consumption, `read_until` and
/// `read_to_end`, as `pattern` says; transient errors are retried. Returns the bytes and the error that
/// ended the read, if any.
pub fn read_all<R: Read>(
    reader: &mut Lz4StreamReader<R>,
    pattern: &[u8],
) -> (Vec<u8>, Option<io::Error>) {
    let mut pattern = Unstructured::new(pattern);
    let mut out = Vec::new();
    let mut buf = vec![0u8; 70_000];
    loop {
        let style: u8 = if pattern.is_empty() {
            0
        } else {
            pattern.int_in_range(0..=4).unwrap_or(0)
        };
        let result = match style {
            1 => {
                let len: usize = pattern.int_in_range(1..=64).unwrap_or(1);
                reader.read(&mut buf[..len])
            }
            2 => match reader.fill_buf() {
                Ok(available) => {
                    let len = available.len();
                    let take = if len == 0 {
                        0
                    } else {
                        pattern.int_in_range(1..=len).unwrap_or(len)
                    };
                    out.extend_from_slice(&available[..take]);
                    reader.consume(take);
                    Ok(take)
                }
                Err(err) => Err(err),
            },
            3 => {
                let delimiter: u8 = pattern.arbitrary().unwrap_or(b'\n');
                let before = out.len();
                match reader.read_until(delimiter, &mut out) {
                    Ok(n) => {
                        assert_eq!(out.len() - before, n);
                        Ok(n)
                    }
                    Err(err) => Err(err),
                }
            }
            4 => {
                let before = out.len();
                match reader.read_to_end(&mut out) {
                    Ok(n) => {
                        assert_eq!(out.len() - before, n);
                        if n == 0 {
                            return (out, None);
                        }
                        Ok(n)
                    }
                    // What was read before the error stays appended.
                    Err(err) => Err(err),
                }
            }
            _ => reader.read(&mut buf),
        };
        match result {
            Ok(0) => return (out, None),
            Ok(n) => {
                if style == 0 || style == 1 {
                    out.extend_from_slice(&buf[..n]);
                }
            }
            Err(err) if is_transient(&err) => {}
            Err(err) => return (out, Some(err)),
        }
    }
}

/// Checks that the reader's output and error are what the block API found for
/// the same stream: the same bytes, and the same error at the same block and
/// offset, reported as the documented `io::ErrorKind` with the crate's
/// `Error` inside. Also checks that the error sticks and that the reader read
/// nothing past an end marker.
pub fn check_reader<R: Read>(
    reader: &mut Lz4StreamReader<R>,
    output: &[u8],
    err: Option<io::Error>,
    expected: &Blocks,
) {
    assert!(
        output == expected.output,
        "reader produced {} bytes, the block API {}",
        output.len(),
        expected.output.len()
    );
    assert!(output.len() <= expected.bound);
    match (&expected.end, err) {
        (End::Clean | End::Marker(_), None) => {
            assert!(reader.is_finished());
            let mut byte = [0u8; 1];
            assert_eq!(reader.read(&mut byte).ok(), Some(0), "read after the end");
        }
        (
            End::Truncated {
                block,
                offset,
                part,
                needed,
                got,
            },
            Some(err),
        ) => {
            assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof, "{err}");
            let inner = err.get_ref().and_then(|e| e.downcast_ref::<Error>());
            match inner {
                Some(Error::Truncated {
                    block: b,
                    offset: Some(o),
                    part: p,
                    needed: n,
                    got: g,
                }) => assert_eq!((b, o, p, n, g), (block, offset, part, needed, got)),
                other => panic!("truncated stream reported as {other:?}"),
            }
            sticky(reader, io::ErrorKind::UnexpectedEof);
        }
        (
            End::Corrupt {
                block,
                offset,
                kind,
            },
            Some(err),
        ) => {
            assert_eq!(err.kind(), io::ErrorKind::InvalidData, "{err}");
            let inner = err.get_ref().and_then(|e| e.downcast_ref::<Error>());
            match inner {
                Some(Error::Corrupt {
                    block: b,
                    offset: Some(o),
                    kind: k,
                }) => assert_eq!((b, o, k), (block, offset, kind)),
                other => panic!("corrupt stream reported as {other:?}"),
            }
            sticky(reader, io::ErrorKind::InvalidData);
        }
        (end, err) => panic!("block API: {end:?}, reader: {err:?}"),
    }
}

fn sticky<R: Read>(reader: &mut Lz4StreamReader<R>, kind: io::ErrorKind) {
    let mut byte = [0u8; 1];
    match reader.read(&mut byte) {
        Err(err) => assert_eq!(err.kind(), kind, "a later read reported {err}"),
        Ok(n) => panic!("a read after a failure returned Ok({n})"),
    }
}

/// Reads `stream` through an [`Lz4StreamReader`] over a [`FlakyReader`] and
/// checks it against the block API's decoding; returns that decoding.
pub fn read_and_check(
    stream: &[u8],
    config: &StreamConfig,
    pattern: &[u8],
    faults: &[u8],
) -> Blocks {
    let expected = decode_blocks(stream, config);
    let mut reader = Lz4StreamReader::with_config(FlakyReader::new(stream, faults), config.clone())
        .expect("a validated in-band configuration");
    let (output, err) = read_all(&mut reader, pattern);
    check_reader(&mut reader, &output, err, &expected);
    match expected.end {
        // The reader consumes nothing past the end marker.
        End::Marker(end) => assert_eq!(reader.get_ref().pos, end, "read past the end marker"),
        End::Clean => assert_eq!(reader.get_ref().pos, stream.len()),
        _ => {}
    }
    expected
}
