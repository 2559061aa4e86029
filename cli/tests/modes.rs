//! `lz4s compress --fast N` and `-l/--level N`: the same bytes as the library
//! in that mode, readable by a plain `lz4s decompress`, and clear usage errors.

mod support;

use std::io::Write;

use lz4_stream::{CompressionMode, Lz4StreamWriter, StreamConfig};
use support::{sample, Dir};

fn compress_with(data: &[u8], config: StreamConfig) -> Vec<u8> {
    let mut writer = Lz4StreamWriter::with_config(Vec::new(), config).unwrap();
    writer.write_all(data).unwrap();
    writer.finish().unwrap()
}

#[test]
fn fast_and_level_select_the_library_mode() {
    let dir = Dir::new();
    let data = sample("text", 120_000, 9);
    dir.write("data", &data);
    let cases: &[(&[&str], CompressionMode)] = &[
        (&["--fast", "1"], CompressionMode::Fast { acceleration: 1 }),
        (&["--fast", "8"], CompressionMode::Fast { acceleration: 8 }),
        (&["-l", "1"], CompressionMode::High { level: 1 }),
        (&["-l", "9"], CompressionMode::High { level: 9 }),
        (
            &["--level", "12", "-B", "8K"],
            CompressionMode::High { level: 12 },
        ),
    ];
    let mut sizes = Vec::new();
    for &(options, mode) in cases {
        let page = if options.contains(&"8K") {
            8192
        } else {
            65_536
        };
        let expected = compress_with(&data, StreamConfig::default().buffer_size(page).mode(mode));
        let mut args = vec!["compress", "-f"];
        args.extend_from_slice(options);
        args.extend_from_slice(&["data", "data.lz4s"]);
        dir.run(&args, b"").ok();
        assert_eq!(dir.read("data.lz4s"), expected, "{options:?}");
        sizes.push(expected.len());
        // Decompression needs no mode option.
        let page_arg = page.to_string();
        let out = dir
            .run(&["decompress", "-B", &page_arg, "data.lz4s", "-"], b"")
            .ok()
            .stdout;
        assert_eq!(out, data, "{options:?}");
    }
    // Level 9 compresses text better than acceleration 8.
    assert!(sizes[3] < sizes[1], "{sizes:?}");
}

#[test]
fn out_of_range_modes_are_usage_errors() {
    let dir = Dir::new();
    dir.write("data", b"some data");
    dir.run(&["compress", "--fast", "0", "data"], b"")
        .fails(2, &["acceleration 0", "65537"]);
    dir.run(&["compress", "-l", "13", "data"], b"")
        .fails(2, &["level 13", "1 to 12"]);
    // clap reports the conflict itself, with its usage line.
    let run = dir.run(&["compress", "-l", "9", "--fast", "2", "data"], b"");
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("cannot be used with"), "{}", run.stderr);
    assert!(!dir.exists("data.lz4s"));
}
