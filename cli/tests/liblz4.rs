//! liblz4's double-buffer and ring-buffer formats, written and read
//! in-process by the C library (through lz4-sys): its zero end marker must
//! read back through `lz4s decompress`, `lz4s compress` output must decode
//! with liblz4, and `--strategy ring` output with liblz4's ring decoder.

mod support;

#[path = "../../tests/common/liblz4.rs"]
mod liblz4;

use liblz4::{Decoder, Layout, Mode, StreamOptions};
use support::{sample, Dir};

/// The option values lz4s takes for these settings.
fn format_args(options: &StreamOptions<'_>, dict: bool) -> Vec<String> {
    let mut args = vec![
        "-B".to_string(),
        options.buffer_size.to_string(),
        "-p".to_string(),
        options.prefix_width.to_string(),
    ];
    if dict {
        args.extend(["-D".to_string(), "dict".to_string()]);
    }
    args
}

#[test]
fn liblz4_streams_with_end_marker_decompress_exactly() {
    let dir = Dir::new();
    let dictionary = sample("text", 20_000, 30);
    dir.write("dict", &dictionary);
    let cases = [
        // The C example itself: 8 KiB pages, 4-byte prefixes, end marker.
        (
            "text",
            200_000,
            StreamOptions::example(8192),
            false,
            &[][..],
        ),
        ("random", 50_000, StreamOptions::example(8192), false, &[]),
        ("text", 0, StreamOptions::example(8192), false, &[]),
        (
            "text",
            100_000,
            StreamOptions {
                buffer_size: 65_536,
                mode: Mode::Fast(8),
                prefix_width: 4,
                dictionary: Some(&dictionary),
                end_marker: true,
                layout: Layout::DoubleBuffer,
            },
            true,
            &[],
        ),
        (
            "text",
            30_000,
            StreamOptions {
                buffer_size: 239,
                mode: Mode::Fast(1),
                prefix_width: 1,
                dictionary: None,
                end_marker: true,
                layout: Layout::DoubleBuffer,
            },
            false,
            &[1, 100, 239],
        ),
        (
            "zeros",
            150_000,
            StreamOptions {
                buffer_size: 4096,
                mode: Mode::Hc(9),
                prefix_width: 2,
                dictionary: Some(&dictionary),
                end_marker: true,
                layout: Layout::DoubleBuffer,
            },
            true,
            &[4096, 17, 3000],
        ),
    ];
    for (i, (kind, len, options, dict, chunks)) in cases.into_iter().enumerate() {
        let data = sample(kind, len, i as u64);
        let (stream, _) = liblz4::compress_stream(&data, &options, chunks).unwrap();
        let width = options.prefix_width;
        assert_eq!(&stream[stream.len() - width..], &[0u8; 4][..width]);
        let name = format!("case{i}.lz4s");
        dir.write(&name, &stream);

        let mut args = vec!["decompress".to_string()];
        args.extend(format_args(&options, dict));
        args.extend([name.clone(), format!("case{i}")]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        dir.run(&args, b"").ok();
        assert!(dir.read(&format!("case{i}")) == data, "case {i} differs");
    }
}

#[test]
fn lz4s_output_decompresses_with_liblz4() {
    let dir = Dir::new();
    let dictionary = sample("text", 70_000, 40);
    dir.write("dict", &dictionary);
    let data = sample("text", 300_000, 41);
    dir.write("data", &data);
    for (buffer_size, prefix_width, dict, end_marker) in [
        (8192, 4, false, true),
        (8192, 4, false, false),
        (65_264, 2, true, true),
        (200, 1, true, false),
    ] {
        let options = StreamOptions {
            buffer_size,
            mode: Mode::Fast(1),
            prefix_width,
            dictionary: None,
            end_marker,
            layout: Layout::DoubleBuffer,
        };
        let mut args = vec!["compress".to_string(), "-f".to_string()];
        args.extend(format_args(&options, dict));
        if end_marker {
            args.push("--end-marker".into());
        }
        args.extend(["data".to_string(), "data.lz4s".to_string()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        dir.run(&args, b"").ok();
        let stream = dir.read("data.lz4s");
        let decoded = liblz4::decompress_stream(
            &stream,
            buffer_size,
            prefix_width,
            dict.then_some(&dictionary[..]),
        )
        .unwrap();
        assert!(decoded == data, "{args:?}");
    }
}

/// `--strategy ring` output decodes with liblz4's ring-buffer loop and with
/// `lz4s decompress` (which needs no option to read it), and is smaller than
/// the double buffer's with small pages; liblz4's ring-buffer output reads
/// back through `lz4s decompress` too.
#[test]
fn ring_strategy_both_ways_with_liblz4() {
    let dir = Dir::new();
    let dictionary = sample("text", 70_000, 50);
    dir.write("dict", &dictionary);
    let data = sample("text", 300_000, 51);
    dir.write("data", &data);
    for (buffer_size, dict, mode) in [(1024, false, "--fast=1"), (512, true, "-9")] {
        let page = buffer_size.to_string();
        let mut args = vec!["compress", "-f", "-B", &page];
        if dict {
            args.extend(["-D", "dict"]);
        }
        dir.run(&[&args[..], &[mode, "data", "double.lz4s"]].concat(), b"")
            .ok();
        dir.run(
            &[
                &args[..],
                &[mode, "--strategy", "ring", "data", "ring.lz4s"],
            ]
            .concat(),
            b"",
        )
        .ok();
        let stream = dir.read("ring.lz4s");
        assert!(stream.len() < dir.read("double.lz4s").len());
        let decoded = liblz4::decompress_stream_with(
            Decoder::ring(buffer_size, dict.then_some(&dictionary[..])),
            &stream,
            4,
        )
        .unwrap();
        assert!(decoded == data, "{args:?} {mode}");
        let mut back = vec!["decompress", "-f", "-B", &page];
        if dict {
            back.extend(["-D", "dict"]);
        }
        dir.run(&[&back[..], &["ring.lz4s", "back"]].concat(), b"")
            .ok();
        assert!(dir.read("back") == data, "{args:?} {mode}: lz4s decompress");

        let options = StreamOptions {
            buffer_size,
            mode: Mode::Hc(4),
            prefix_width: 4,
            dictionary: dict.then_some(&dictionary[..]),
            end_marker: true,
            layout: Layout::Ring,
        };
        let (stream, _) = liblz4::compress_stream(&data, &options, &[buffer_size, 100]).unwrap();
        dir.write("theirs.lz4s", &stream);
        dir.run(&[&back[..], &["theirs.lz4s", "theirs"]].concat(), b"")
            .ok();
        assert!(
            dir.read("theirs") == data,
            "liblz4's ring stream through lz4s"
        );
    }
}
