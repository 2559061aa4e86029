//! `--fast[=N]` and lz4's levels `-1` ... `-12`: the same bytes as the
//! library in that mode, readable by a plain `lz4s -d`, and clear usage
//! errors.

mod support;

use lz4_stream::{CompressionMode, StreamConfig};
use support::{compress_with, sample, Dir};

#[test]
fn fast_and_level_select_the_library_mode() {
    let dir = Dir::new();
    let data = sample("text", 120_000, 9);
    dir.write("data", &data);
    let cases: &[(&[&str], CompressionMode)] = &[
        (&["--fast"], CompressionMode::Fast { acceleration: 1 }),
        (&["--fast=8"], CompressionMode::Fast { acceleration: 8 }),
        (&["-1"], CompressionMode::Default),
        (&["-9"], CompressionMode::High { level: 9 }),
        (&["-12", "-B", "8K"], CompressionMode::High { level: 12 }),
        (&["-2"], CompressionMode::High { level: 2 }),
        (&["-3"], CompressionMode::High { level: 3 }),
        (&["--level", "10"], CompressionMode::High { level: 10 }),
        // The last of a level and --fast wins, as in lz4.
        (&["--fast=4", "-9"], CompressionMode::High { level: 9 }),
        (
            &["-9", "--fast=4"],
            CompressionMode::Fast { acceleration: 4 },
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
        // The flag spelling writes the same bytes.
        let mut args = vec!["-f"];
        args.extend_from_slice(options);
        args.extend_from_slice(&["data", "-o", "flags.lz4s"]);
        dir.run(&args, b"").ok();
        assert_eq!(dir.read("flags.lz4s"), expected, "{options:?}");
        // Decompression needs no mode option (and ignores one, as lz4 does).
        let page_arg = page.to_string();
        for extra in [&[][..], options] {
            let mut args = vec!["-dc", "-B", &page_arg];
            args.extend_from_slice(extra);
            args.push("data.lz4s");
            let out = dir.run(&args, b"").ok().stdout;
            assert_eq!(out, data, "{options:?}");
        }
    }
    // Level 9 compresses text better than acceleration 8, and -1 is the
    // default fast mode.
    assert!(sizes[3] < sizes[1], "{sizes:?}");
    assert_eq!(
        sizes[2],
        compress_with(&data, StreamConfig::default()).len()
    );
}

#[test]
fn out_of_range_modes_are_usage_errors() {
    let dir = Dir::new();
    dir.write("data", b"some data");
    dir.run(&["compress", "--fast=0", "data"], b"")
        .fails(2, &["acceleration 0", "65537"]);
    dir.run(&["--fast=65538", "data"], b"")
        .fails(2, &["acceleration 65538", "65537"]);
    // clap reports these itself, with its usage line.
    for (args, message) in [
        (&["-13", "data"][..], "13 is not in 1..=12"),
        (&["-0", "data"], "0 is not in 1..=12"),
        (&["--fast=x", "data"], "invalid value 'x'"),
    ] {
        let run = dir.run(args, b"");
        assert_eq!(run.code, Some(2), "{args:?}");
        assert!(run.stderr.contains(message), "{}", run.stderr);
    }
    // `--fast N` (without =) is --fast followed by the file N, as in lz4.
    dir.run(&["--fast", "8", "data"], b"")
        .fails(1, &["8: No such file"]);
    assert!(dir.exists("data.lz4s"));
}
