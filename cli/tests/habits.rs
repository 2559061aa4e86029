//! The shell habits of lz4, zstd and gzip: `lz4s FILE...`, `-d`, `-z`, `-c`,
//! `-t`, `-o`, `--rm`, `-k`, lz4's `-B4` ... `-B7`, and the subcommands as
//! aliases of the flags.

mod support;

use std::fs;
use std::io::Read;

use lz4_stream::{Lz4StreamReader, StreamConfig};
use support::{assert_no_panic, compress_with, sample, Dir};

fn decompress(stream: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    Lz4StreamReader::new(stream).read_to_end(&mut out).unwrap();
    out
}

#[test]
fn several_files_each_to_their_own_output() {
    let dir = Dir::new();
    let a = sample("text", 100_000, 1);
    let b = sample("binary", 50_000, 2);
    dir.write("a", &a);
    dir.write("b", &b);
    dir.run(&["a", "b"], b"").ok();
    assert_eq!(
        dir.read("a.lz4s"),
        compress_with(&a, StreamConfig::default())
    );
    assert_eq!(
        dir.read("b.lz4s"),
        compress_with(&b, StreamConfig::default())
    );
    // -z is the default; `compress` the subcommand spelling of it.
    dir.run(&["-z", "-f", "a"], b"").ok();
    assert_eq!(
        dir.read("a.lz4s"),
        compress_with(&a, StreamConfig::default())
    );

    fs::remove_file(dir.path("a")).unwrap();
    fs::remove_file(dir.path("b")).unwrap();
    dir.run(&["-d", "a.lz4s", "b.lz4s"], b"").ok();
    assert_eq!(dir.read("a"), a);
    assert_eq!(dir.read("b"), b);
    dir.run(&["--decompress", "-f", "a.lz4s"], b"").ok();
    dir.run(&["--uncompress", "-f", "b.lz4s"], b"").ok();
    assert_eq!(dir.names(), ["a", "a.lz4s", "b", "b.lz4s"]);
}

#[test]
fn stdin_to_stdout_without_files() {
    let dir = Dir::new();
    let data = sample("text", 80_000, 3);
    let stream = dir.run(&["-z"], &data).ok().stdout;
    assert_eq!(stream, compress_with(&data, StreamConfig::default()));
    // Bare, as `tar c dir | lz4s > dir.tar.lz4s` has it.
    assert_eq!(dir.run(&[], &data).ok().stdout, stream);
    assert_eq!(dir.run(&["-"], &data).ok().stdout, stream);
    assert_eq!(dir.run(&["-d"], &stream).ok().stdout, data);
    assert_eq!(dir.run(&["-d", "-"], &stream).ok().stdout, data);
    assert_eq!(dir.run(&["-d", "-", "-o", "out"], &stream).ok().stdout, b"");
    assert_eq!(dir.read("out"), data);
}

#[test]
fn stdout_concatenates_several_inputs() {
    let dir = Dir::new();
    let a = sample("text", 70_000, 4);
    let b = sample("random", 30_000, 5);
    dir.write("a", &a);
    dir.write("b", &b);
    let both: Vec<u8> = [&a[..], &b[..]].concat();
    // Streams back to back read as one stream of both inputs.
    let stream = dir.run(&["-c", "a", "b"], b"").ok().stdout;
    assert_eq!(decompress(&stream), both);
    assert_eq!(dir.run(&["-d", "--stdout"], &stream).ok().stdout, both);
    // Decompressing several inputs to stdout concatenates the data.
    dir.run(&["a", "b"], b"").ok();
    let run = dir.run(&["-dc", "a.lz4s", "b.lz4s"], b"").ok();
    assert_eq!(run.stdout, both);
    let run = dir.run(&["-d", "--to-stdout", "b.lz4s", "-"], &dir.read("a.lz4s"));
    assert_eq!(run.ok().stdout, [&b[..], &a[..]].concat());
    assert_eq!(dir.names(), ["a", "a.lz4s", "b", "b.lz4s"]);
    // Streams that would not read back as one are refused.
    dir.write("dict", b"a dictionary");
    for extra in [&["--end-marker"][..], &["-D", "dict"]] {
        let mut args = vec!["-c"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["a", "b"]);
        dir.run(&args, b"").fails(2, &["back to back"]);
    }
}

#[test]
fn output_option_takes_one_input() {
    let dir = Dir::new();
    let data = sample("text", 20_000, 6);
    dir.write("a", &data);
    dir.write("b", &data);
    dir.run(&["a", "-o", "packed"], b"").ok();
    assert_eq!(
        dir.read("packed"),
        compress_with(&data, StreamConfig::default())
    );
    dir.run(&["-d", "packed", "--output", "plain"], b"").ok();
    assert_eq!(dir.read("plain"), data);
    assert_eq!(dir.run(&["-d", "packed", "-o", "-"], b"").ok().stdout, data);
    // The subcommands take -o too, for OUTPUT.
    dir.run(&["decompress", "packed", "-o", "plain2"], b"").ok();
    assert_eq!(dir.read("plain2"), data);
    let before = dir.names();
    dir.run(&["a", "b", "-o", "both"], b"")
        .fails(2, &["-o both takes one input", "-c"]);
    for (args, message) in [
        (&["-c", "-o", "x", "a"][..], "cannot be used with"),
        (&["compress", "a", "x", "-o", "y"], "cannot be used with"),
        (&["compress", "a", "x", "-c"], "cannot be used with"),
    ] {
        let run = dir.run(args, b"");
        assert_eq!(run.code, Some(2), "{args:?}");
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
    }
    assert_eq!(dir.names(), before);
}

#[test]
fn test_mode_checks_streams_and_writes_nothing() {
    let dir = Dir::new();
    let data = sample("text", 200_000, 7);
    let stream = compress_with(&data, StreamConfig::default().buffer_size(8192));
    dir.write("good.lz4s", &stream);
    dir.write("cut.lz4s", &stream[..stream.len() - 100]);
    let mut bad = stream.clone();
    bad[4] ^= 0xFF; // the first block's token
    dir.write("bad.lz4s", &bad);
    dir.write(
        "plain.txt",
        &compress_with(b"any name will do", StreamConfig::default()),
    );
    let names = dir.names();

    dir.run(&["-t", "-B", "8K", "good.lz4s"], b"").ok();
    dir.run(&["--test", "plain.txt"], b"").ok();
    dir.run(&["decompress", "-t", "-B", "8K", "good.lz4s"], b"")
        .ok();
    assert_eq!(dir.run(&["-t", "-B", "8K"], &stream).ok().stdout, b"");
    dir.run(&["-t", "-B", "8K", "cut.lz4s"], b"")
        .fails(1, &["cut.lz4s", "truncated stream"]);
    // Every file is tested; each failure is reported; the status says one failed.
    let run = dir.run(
        &["-t", "-B", "8K", "bad.lz4s", "good.lz4s", "cut.lz4s"],
        b"",
    );
    assert_eq!(run.code, Some(1));
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stderr);
    assert!(lines[0].starts_with("lz4s: bad.lz4s: "), "{}", lines[0]);
    assert!(
        lines[1].starts_with("lz4s: cut.lz4s: truncated"),
        "{}",
        lines[1]
    );
    assert_no_panic(&run.stderr);
    // -v says what was checked.
    let run = dir.run(&["-tv", "-B", "8K", "good.lz4s"], b"");
    assert_eq!(run.code, Some(0));
    assert!(
        run.stderr
            .starts_with(&format!("good.lz4s: {} -> 200000 bytes", stream.len())),
        "{}",
        run.stderr
    );
    assert_eq!(dir.names(), names);
    // -t makes no output, so options about output do not go with it.
    for args in [
        &["-t", "-c", "good.lz4s"][..],
        &["-t", "-o", "x", "good.lz4s"],
        &["-t", "--rm", "good.lz4s"],
    ] {
        let run = dir.run(args, b"");
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
    }
    assert_eq!(dir.names(), names);
}

#[test]
fn remove_inputs_only_after_success() {
    let dir = Dir::new();
    let a = sample("text", 50_000, 8);
    dir.write("a", &a);
    dir.write("b", &a);
    dir.run(&["--rm", "a", "b"], b"").ok();
    assert_eq!(dir.names(), ["a.lz4s", "b.lz4s"]);
    dir.run(&["-d", "--rm", "a.lz4s"], b"").ok();
    assert_eq!(dir.read("a"), a);
    assert_eq!(dir.names(), ["a", "b.lz4s"]);
    // -k after --rm keeps, --rm after -k removes: the last one counts.
    dir.run(&["-f", "--rm", "-k", "a"], b"").ok();
    assert_eq!(dir.names(), ["a", "a.lz4s", "b.lz4s"]);
    dir.run(&["-f", "-k", "--rm", "a"], b"").ok();
    assert_eq!(dir.names(), ["a.lz4s", "b.lz4s"]);

    // A failed input is kept, and so is one whose output exists.
    let stream = dir.read("a.lz4s");
    dir.write("cut.lz4s", &stream[..stream.len() - 10]);
    dir.run(&["-d", "--rm", "cut.lz4s"], b"")
        .fails(1, &["cut.lz4s", "truncated"]);
    dir.write("a", b"existing");
    dir.run(&["-d", "--rm", "a.lz4s"], b"")
        .fails(1, &["a: already exists"]);
    assert_eq!(dir.names(), ["a", "a.lz4s", "b.lz4s", "cut.lz4s"]);
    // Written to stdout, or into /dev/null, an input is kept.
    let run = dir.run(&["-d", "--rm", "-c", "b.lz4s"], b"");
    assert_eq!(run.code, Some(0));
    assert_eq!(run.stdout, a);
    assert_eq!(
        run.stderr,
        "lz4s: warning: --rm: inputs written to stdout are kept\n"
    );
    dir.run(&["-d", "--rm", "-q", "b.lz4s", "-o", "/dev/null"], b"")
        .ok();
    assert_eq!(dir.names(), ["a", "a.lz4s", "b.lz4s", "cut.lz4s"]);
}

#[test]
fn a_failed_input_does_not_stop_the_others() {
    let dir = Dir::new();
    dir.write("a", b"first");
    dir.write("c", b"third");
    let run = dir.run(&["a", "missing", "c"], b"");
    run.fails(1, &["missing: No such file"]);
    assert_eq!(dir.names(), ["a", "a.lz4s", "c", "c.lz4s"]);
    // A FILE to decompress without .lz4s is passed over, as gzip and zstd
    // do; the others are still decompressed.
    fs::remove_file(dir.path("a")).unwrap();
    dir.run(&["-d", "a.lz4s", "c"], b"")
        .fails(1, &["c: the name does not end in .lz4s"]);
    assert_eq!(dir.read("a"), b"first");
    assert_eq!(dir.names(), ["a", "a.lz4s", "c", "c.lz4s"]);
    // A usage error stops everything before any work.
    dir.run(&["-f", "a", "-B", "1000", "-p", "1"], b"")
        .fails(2, &["at most 239"]);
    assert_eq!(dir.names(), ["a", "a.lz4s", "c", "c.lz4s"]);
}

/// `-q` and `-v` replace each other, the later one winning, as with lz4
/// and zstd.
#[test]
fn quiet_and_verbose_the_later_wins() {
    let dir = Dir::new();
    dir.write("a", b"data");
    let run = dir.run(&["-q", "-v", "-c", "a"], b"");
    assert_eq!(run.code, Some(0));
    assert!(run.stderr.contains("4 -> "), "{}", run.stderr);
    dir.run(&["-v", "-q", "-c", "a"], b"").ok();
}

#[test]
fn lz4_block_size_ids_and_small_page_warning() {
    let dir = Dir::new();
    let data = sample("text", 300_000, 9);
    dir.write("data", &data);
    for (id, page) in [
        ("4", 64 << 10),
        ("5", 256 << 10),
        ("6", 1 << 20),
        ("7", 4 << 20),
    ] {
        let expected = compress_with(&data, StreamConfig::default().buffer_size(page));
        let option = format!("-B{id}");
        let run = dir.run(&[&option, "-c", "data"], b"").ok();
        assert!(run.stdout == expected, "-B{id}");
        let run = dir.run(&["-d", "-B", id], &expected).ok();
        assert!(run.stdout == data, "-B {id}");
    }
    // Pages under 64 bytes work, with a warning when compressing.
    let run = dir.run(&["-B", "7K", "-c", "data"], b"").ok();
    assert!(run.stdout == compress_with(&data, StreamConfig::default().buffer_size(7 << 10)));
    let run = dir.run(&["-B", "32", "-c"], b"tiny pages");
    assert_eq!(run.code, Some(0));
    assert_eq!(
        run.stdout,
        compress_with(b"tiny pages", StreamConfig::default().buffer_size(32))
    );
    assert!(
        run.stderr
            .starts_with("lz4s: warning: -B 32: pages under 64 bytes")
            && run.stderr.contains("-B4 to -B7")
            && run.stderr.lines().count() == 1,
        "{}",
        run.stderr
    );
    dir.run(&["-q", "-B", "32", "-c"], b"tiny pages").ok();
    dir.run(&["-d", "-B", "32"], &run.stdout).ok();
    dir.run(&["-B", "64", "-c"], b"no warning").ok();
    // 4B to 7B are bytes, for the python-lz4 streams that use such pages.
    let seven = compress_with(&data[..1000], StreamConfig::default().buffer_size(7));
    dir.write("seven.lz4s", &seven);
    assert_eq!(
        dir.run(&["-dc", "-B", "7B", "seven.lz4s"], b"").ok().stdout,
        &data[..1000]
    );
}

#[test]
fn subcommands_are_aliases_of_the_flags() {
    let dir = Dir::new();
    let data = sample("text", 40_000, 10);
    dir.write("data", &data);
    dir.write("words", &sample("text", 5000, 11));
    let options = ["-B", "8K", "-p", "2", "-D", "words", "-9"];
    let mut args = vec!["compress"];
    args.extend_from_slice(&options);
    args.extend_from_slice(&["data", "sub.lz4s"]);
    dir.run(&args, b"").ok();
    let mut args = options.to_vec();
    args.extend_from_slice(&["data", "-o", "flag.lz4s"]);
    dir.run(&args, b"").ok();
    assert_eq!(dir.read("sub.lz4s"), dir.read("flag.lz4s"));
    let mut args = vec!["decompress"];
    args.extend_from_slice(&options[..6]);
    args.extend_from_slice(&["sub.lz4s", "-"]);
    assert_eq!(dir.run(&args, b"").ok().stdout, data);
    // The shared options work in either spelling.
    dir.run(&["compress", "--rm", "-q", "data"], b"").ok();
    assert!(!dir.exists("data"));
    dir.run(&["decompress", "-c", "data.lz4s"], b"").ok();
    // Flags and a subcommand do not mix: after a flag, `decompress` is a
    // FILE (here a missing one).
    dir.run(&["-d", "decompress", "data.lz4s"], b"")
        .fails(1, &["decompress: No such file"]);
}

#[test]
fn conflicting_options_are_usage_errors() {
    let dir = Dir::new();
    dir.write("a", b"data");
    for (args, message) in [
        (&["-z", "-d", "a"][..], "cannot be used with"),
        (&["-z", "-t", "a"], "cannot be used with"),
        (&["-d", "--end-marker", "a.lz4s"], "only when compressing"),
        (&["-", "-"], "only once"),
    ] {
        let run = dir.run(args, b"");
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
        assert_no_panic(&run.stderr);
    }
    assert_eq!(dir.names(), ["a"]);
    // -T is the thread count (tests/threads.rs): it needs a number.
    let run = dir.run(&["-T", "a"], b"");
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("invalid value"), "{}", run.stderr);
}
