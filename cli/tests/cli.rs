//! `lz4s` as a user runs it: every option, stdin/stdout, default names, the
//! overwrite and no-partial-output rules, exit codes and messages.

mod support;

use std::fs;
use std::io::{Read, Write};
use std::process::Stdio;
use std::thread;
use std::time::{Duration, Instant};

use lz4_stream::{Lz4StreamReader, SizePrefix, StreamConfig};
use support::{assert_no_panic, compress_with, sample, Dir};

fn decompress_with(stream: &[u8], config: StreamConfig) -> Vec<u8> {
    let mut out = Vec::new();
    Lz4StreamReader::with_config(stream, config)
        .unwrap()
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[test]
fn files_round_trip_with_default_names() {
    let dir = Dir::new();
    let data = sample("text", 300_000, 1);
    dir.write("notes.txt", &data);
    dir.run(&["compress", "notes.txt"], b"").ok();
    // INPUT is kept (no -k needed), OUTPUT is INPUT.lz4s.
    assert_eq!(dir.read("notes.txt"), data);
    let stream = dir.read("notes.txt.lz4s");
    assert!(stream.len() < data.len() / 2);
    assert_eq!(decompress_with(&stream, StreamConfig::default()), data);

    fs::remove_file(dir.path("notes.txt")).unwrap();
    dir.run(&["decompress", "notes.txt.lz4s"], b"").ok();
    assert_eq!(dir.read("notes.txt"), data);
    assert_eq!(dir.read("notes.txt.lz4s"), stream);
    assert_eq!(dir.names(), ["notes.txt", "notes.txt.lz4s"]);
}

#[test]
fn default_names_in_other_directories() {
    let dir = Dir::new();
    fs::create_dir(dir.path("sub")).unwrap();
    dir.write("sub/a.bin", &sample("random", 1000, 2));
    dir.run(&["compress", "sub/a.bin"], b"").ok();
    assert!(dir.exists("sub/a.bin.lz4s"));
    dir.run(&["decompress", "sub/a.bin.lz4s", "sub/b.bin"], b"")
        .ok();
    assert_eq!(dir.read("sub/b.bin"), dir.read("sub/a.bin"));
    // Absolute paths work the same way.
    let abs = dir.path("sub/a.bin.lz4s");
    fs::remove_file(dir.path("sub/a.bin")).unwrap();
    dir.run(&["decompress", abs.to_str().unwrap()], b"").ok();
    assert_eq!(dir.read("sub/a.bin"), dir.read("sub/b.bin"));
}

#[test]
fn keep_is_accepted_and_keeps_input() {
    let dir = Dir::new();
    let data = sample("text", 5000, 3);
    dir.write("k", &data);
    dir.run(&["compress", "-k", "k"], b"").ok();
    dir.run(&["decompress", "--keep", "k.lz4s", "k2"], b"").ok();
    assert_eq!(dir.read("k"), data);
    assert_eq!(dir.read("k2"), data);
    assert!(dir.exists("k.lz4s"));
}

#[test]
fn stdin_and_stdout() {
    let dir = Dir::new();
    let data = sample("text", 200_000, 4);
    let reference = compress_with(&data, StreamConfig::default());
    // No arguments, `-`, and `- -` all mean stdin to stdout.
    for args in [
        &["compress"][..],
        &["compress", "-"],
        &["compress", "-", "-"],
    ] {
        let run = dir.run(args, &data).ok();
        assert_eq!(run.stdout, reference, "{args:?}");
    }
    for args in [
        &["decompress"][..],
        &["decompress", "-"],
        &["decompress", "-", "-"],
    ] {
        let run = dir.run(args, &reference).ok();
        assert_eq!(run.stdout, data, "{args:?}");
    }
    // A file to stdout, stdin to a file.
    dir.write("in", &data);
    assert_eq!(
        dir.run(&["compress", "in", "-"], b"").ok().stdout,
        reference
    );
    assert!(!dir.exists("in.lz4s"));
    assert!(dir
        .run(&["compress", "-", "piped.lz4s"], &data)
        .ok()
        .stdout
        .is_empty());
    assert_eq!(dir.read("piped.lz4s"), reference);
    dir.run(&["decompress", "-", "out"], &reference).ok();
    assert_eq!(dir.read("out"), data);
    assert_eq!(
        dir.run(&["decompress", "piped.lz4s", "-"], b"").ok().stdout,
        data
    );
    assert_eq!(dir.names(), ["in", "out", "piped.lz4s"]);
}

#[test]
fn format_options_match_the_library() {
    let dir = Dir::new();
    let data = sample("text", 150_000, 5);
    let dict = sample("text", 100_000, 6);
    dir.write("data", &data);
    dir.write("words.dict", &dict);
    let cases: &[(&[&str], usize, SizePrefix, bool, bool)] = &[
        (&["-B", "64K"], 65_536, SizePrefix::U32, false, false),
        (
            &["-B", "4k", "-p", "2"],
            4096,
            SizePrefix::U16,
            false,
            false,
        ),
        (
            &["--buffer-size", "1M"],
            1 << 20,
            SizePrefix::U32,
            false,
            false,
        ),
        (&["-B", "239", "-p", "1"], 239, SizePrefix::U8, false, false),
        (
            &["-B", "65264", "--prefix-bytes", "2"],
            65_264,
            SizePrefix::U16,
            false,
            false,
        ),
        (&["-q", "-B", "1"], 1, SizePrefix::U32, false, false),
        (
            &["-B", "8192", "-D", "words.dict"],
            8192,
            SizePrefix::U32,
            true,
            false,
        ),
        (
            &["-p", "2", "--dict", "words.dict", "-B", "1000"],
            1000,
            SizePrefix::U16,
            true,
            false,
        ),
        (&["--end-marker"], 65_536, SizePrefix::U32, false, true),
        (
            &["--end-marker", "-B", "100", "-p", "1", "-D", "words.dict"],
            100,
            SizePrefix::U8,
            true,
            true,
        ),
    ];
    for &(options, buffer_size, prefix, with_dict, end_marker) in cases {
        let mut config = StreamConfig::default()
            .buffer_size(buffer_size)
            .size_prefix(prefix)
            .end_marker(end_marker);
        if with_dict {
            config = config.dictionary(dict.clone());
        }
        let expected = compress_with(&data, config.clone());
        let mut args = vec!["compress", "-f"];
        args.extend_from_slice(options);
        args.extend_from_slice(&["data", "data.lz4s"]);
        dir.run(&args, b"").ok();
        assert_eq!(dir.read("data.lz4s"), expected, "{options:?}");

        // decompress takes the same format options (not --end-marker).
        let mut args = vec!["decompress"];
        args.extend(options.iter().filter(|o| **o != "--end-marker"));
        // (-q silences the small-page warning; decompress has none to give.)
        args.extend_from_slice(&["data.lz4s", "-"]);
        assert_eq!(dir.run(&args, b"").ok().stdout, data, "{options:?}");
    }
}

#[test]
fn dictionary_is_needed_to_decompress() {
    let dir = Dir::new();
    let data = sample("text", 20_000, 7);
    dir.write("d.dict", &data[..10_000]);
    dir.write("data", &data);
    dir.run(&["compress", "-D", "d.dict", "data"], b"").ok();
    // Without the dictionary the first block refers to history that is not
    // there (the data starts with the dictionary's bytes), and the message
    // says the dictionary is the likely cause.
    dir.run(&["decompress", "data.lz4s", "-"], b"").fails(
        1,
        &[
            "data.lz4s",
            "corrupt stream at block 0",
            "reaches before the start of the history",
            "if the data is intact, the dictionary differs from the writer's",
        ],
    );
    let run = dir.run(&["decompress", "-D", "d.dict", "data.lz4s", "-"], b"");
    assert_eq!(run.ok().stdout, data);
}

#[test]
fn end_marker_is_written_and_read() {
    let dir = Dir::new();
    let data = sample("text", 70_000, 8);
    for (width, option) in [(4usize, "4"), (2, "2"), (1, "1")] {
        let buffer = if width == 1 { "200" } else { "8K" };
        let run = dir.run(
            &["compress", "--end-marker", "-p", option, "-B", buffer],
            &data,
        );
        let stream = run.ok().stdout;
        assert_eq!(&stream[stream.len() - width..], &[0u8; 4][..width]);
        let plain = dir.run(&["compress", "-p", option, "-B", buffer], &data);
        assert_eq!(plain.ok().stdout, &stream[..stream.len() - width]);
        let back = dir.run(&["decompress", "-p", option, "-B", buffer], &stream);
        assert_eq!(back.ok().stdout, data);
    }
    // --end-marker belongs to compress only.
    dir.run(&["decompress", "--end-marker"], b"")
        .code
        .filter(|&c| c == 2)
        .expect("decompress --end-marker is a usage error");
}

#[test]
fn data_after_an_end_marker_is_refused() {
    let dir = Dir::new();
    let data = sample("text", 10_000, 9);
    let mut stream = compress_with(&data, StreamConfig::default().end_marker(true));
    let marker_end = stream.len();
    stream.extend_from_slice(&compress_with(b"more", StreamConfig::default()));
    dir.write("two.lz4s", &stream);
    dir.run(&["decompress", "two.lz4s"], b"").fails(
        1,
        &[
            "two.lz4s",
            "data after the end marker",
            &format!("stream offset {marker_end}"),
        ],
    );
    assert!(!dir.exists("two"));
    assert_eq!(dir.names(), ["two.lz4s"]);
}

#[test]
fn empty_input() {
    let dir = Dir::new();
    dir.write("empty", b"");
    dir.run(&["compress", "empty"], b"").ok();
    assert_eq!(dir.read("empty.lz4s"), b"");
    fs::remove_file(dir.path("empty")).unwrap();
    dir.run(&["decompress", "empty.lz4s"], b"").ok();
    assert_eq!(dir.read("empty"), b"");

    assert_eq!(dir.run(&["compress"], b"").ok().stdout, b"");
    assert_eq!(dir.run(&["decompress"], b"").ok().stdout, b"");
    let marked = dir.run(&["compress", "--end-marker"], b"").ok().stdout;
    assert_eq!(marked, [0, 0, 0, 0]);
    assert_eq!(dir.run(&["decompress"], &marked).ok().stdout, b"");
    let run = dir.run(&["compress", "-v", "empty", "-"], b"");
    assert_eq!(run.code, Some(0));
    assert!(run.stderr.contains("0 -> 0 bytes"), "{}", run.stderr);
}

#[test]
fn decompress_refuses_a_name_without_lz4s() {
    let dir = Dir::new();
    let stream = compress_with(b"payload", StreamConfig::default());
    for name in ["data.bin", "data.lz4", "data.LZ4S", ".lz4s"] {
        dir.write(name, &stream);
        dir.run(&["decompress", name], b"")
            .fails(1, &[name, "does not end in .lz4s", "give an output file"]);
    }
    let before = dir.names();
    // An explicit OUTPUT (or stdout) works with any name.
    dir.run(&["decompress", "data.bin", "-"], b"").ok();
    dir.run(&["decompress", "data.bin", "payload"], b"").ok();
    assert_eq!(dir.read("payload"), b"payload");
    assert_eq!(dir.names().len(), before.len() + 1);
}

/// Writes a multi-block stream and returns it with the offset of each
/// block's size prefix.
fn blocks_stream(data: &[u8], config: &StreamConfig) -> (Vec<u8>, Vec<usize>) {
    let stream = compress_with(data, config.clone());
    let width = config.get_size_prefix().width();
    let mut offsets = Vec::new();
    let mut at = 0;
    while at < stream.len() {
        offsets.push(at);
        let mut le = [0u8; 8];
        le[..width].copy_from_slice(&stream[at..at + width]);
        at += width + u64::from_le_bytes(le) as usize;
    }
    (stream, offsets)
}

#[test]
fn corrupt_input_names_block_and_offset_and_leaves_no_output() {
    let dir = Dir::new();
    let data = sample("text", 40_000, 11);
    let config = StreamConfig::default()
        .buffer_size(4096)
        .size_prefix(SizePrefix::U16);
    let (mut stream, offsets) = blocks_stream(&data, &config);
    assert!(offsets.len() > 5);
    // Block 3's size prefix announces more than a 4 KiB page can need.
    let at = offsets[3];
    stream[at..at + 2].copy_from_slice(&60_000u16.to_le_bytes());
    dir.write("bad.lz4s", &stream);
    let expect = [
        "bad.lz4s",
        "corrupt stream at block 3",
        &format!("stream offset {at}"),
        "if the data is intact, the page size or the size-prefix width differs from the writer's",
    ];
    dir.run(&["decompress", "-B", "4K", "-p", "2", "bad.lz4s"], b"")
        .fails(1, &expect);
    assert_eq!(dir.names(), ["bad.lz4s"]);

    // An existing OUTPUT is not touched, even with -f.
    dir.write("bad", b"old contents");
    dir.run(
        &["decompress", "-f", "-B", "4K", "-p", "2", "bad.lz4s"],
        b"",
    )
    .fails(1, &expect);
    assert_eq!(dir.read("bad"), b"old contents");
    assert_eq!(dir.names(), ["bad", "bad.lz4s"]);

    // A block whose body is not valid LZ4: a match offset reaching before
    // the start of the stream (token 0x04: no literals, match length 8;
    // offset 0xFFFF).
    let (mut stream, offsets) = blocks_stream(&data, &config);
    let body = offsets[0] + 2;
    let body_len = offsets[1] - body;
    let mut block = vec![0x04, 0xFF, 0xFF];
    block.resize(body_len, 0);
    stream[body..offsets[1]].copy_from_slice(&block);
    dir.write("bad2.lz4s", &stream);
    dir.run(
        &["decompress", "-B", "4K", "-p", "2", "bad2.lz4s", "out"],
        b"",
    )
    .fails(
        1,
        &["bad2.lz4s", "corrupt stream at block 0", "stream offset 0"],
    );
    assert!(!dir.exists("out"));
}

#[test]
fn truncated_input_leaves_no_output() {
    let dir = Dir::new();
    let data = sample("text", 30_000, 12);
    let config = StreamConfig::default().buffer_size(4096);
    let (stream, offsets) = blocks_stream(&data, &config);
    dir.write("t", b"existing");
    // Cut inside block 2's body, and inside block 4's size prefix.
    for (cut, block, part) in [
        (offsets[2] + 10, 2, "compressed body"),
        (offsets[4] + 1, 4, "size prefix"),
    ] {
        dir.write("t.lz4s", &stream[..cut]);
        let offset = format!("stream offset {}", offsets[block]);
        let expect = [
            "t.lz4s",
            "truncated stream",
            &format!("block {block}"),
            &offset,
            part,
        ];
        dir.run(&["decompress", "-f", "-B", "4K", "t.lz4s"], b"")
            .fails(1, &expect);
        assert_eq!(dir.read("t"), b"existing");
        assert_eq!(dir.names(), ["t", "t.lz4s"]);
        // Through stdin the message names stdin.
        dir.run(&["decompress", "-B", "4K"], &stream[..cut])
            .fails(1, &["(stdin)", "truncated stream"]);
    }
}

#[test]
fn wrong_format_options_are_reported() {
    let dir = Dir::new();
    let data = sample("text", 100_000, 13);
    dir.write("w", &data);
    dir.run(&["compress", "w"], b"").ok();
    // Smaller pages than the writer's: the first block is too big.
    dir.run(&["decompress", "-B", "4K", "w.lz4s", "-"], b"")
        .fails(
            1,
            &[
                "w.lz4s",
                "block 0",
                "stream offset 0",
                "the page size or the size-prefix width differs",
            ],
        );
    // A narrower prefix misreads the lengths: the second 2-byte "prefix" is
    // the upper half of the real 4-byte one, zero for small blocks, so the
    // stream seems to end there with data after its end marker.
    dir.run(&["compress", "-B", "8K", "w", "w8.lz4s"], b"").ok();
    let run = dir.run(&["decompress", "-B", "8K", "-p", "2", "w8.lz4s", "w8"], b"");
    run.fails(1, &["w8.lz4s: "]);
    assert!(!dir.exists("w8"));
}

#[test]
fn usage_errors_exit_2() {
    let dir = Dir::new();
    dir.write("in", b"data");
    let cases: &[(&[&str], &str)] = &[
        (&["compress", "a", "b", "c"], "unexpected argument 'c'"),
        (&["compress", "--bogus"], "--bogus"),
        (&["compress", "-B"], "--buffer-size"),
        (&["compress", "-B", "12Q", "in"], "'12Q' is not a size"),
        (&["compress", "-B", "64KB", "in"], "is not a size"),
        (&["compress", "-B", "-5", "in"], "-5"),
        (&["compress", "-p", "3", "in"], "'3' is not a prefix width"),
        (&["compress", "-p", "0", "in"], "out of band"),
        (&["decompress", "-p", "8", "in"], "1, 2 or 4"),
        (&["compress", "in", "out", "extra"], "unexpected argument"),
    ];
    for (args, message) in cases {
        let run = dir.run(args, b"");
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
        assert_no_panic(&run.stderr);
    }
    // The library's validation, reported as a usage error.
    dir.run(&["compress", "-B", "1000", "-p", "1", "in"], b"")
        .fails(2, &["buffer_size 1000", "at most 239 bytes"]);
    dir.run(&["decompress", "-B", "65265", "-p", "2", "in.lz4s"], b"")
        .fails(2, &["at most 65264 bytes"]);
    dir.run(&["compress", "-B", "0", "in"], b"")
        .fails(2, &["buffer_size 0 is out of range"]);
    dir.run(&["compress", "-B", "2017M", "in"], b"")
        .fails(2, &["out of range"]);
    assert_eq!(dir.names(), ["in"]);
}

#[test]
fn runtime_errors_exit_1_naming_the_file() {
    let dir = Dir::new();
    dir.write("in", b"data");
    dir.run(&["compress", "missing"], b"")
        .fails(1, &["missing: No such file"]);
    dir.run(&["decompress", "missing.lz4s"], b"")
        .fails(1, &["missing.lz4s: No such file"]);
    dir.run(&["compress", "-D", "nodict", "in", "-"], b"")
        .fails(1, &["nodict (dictionary): No such file"]);
    dir.run(&["decompress", "-D", "nodict", "in", "-"], b"")
        .fails(1, &["nodict (dictionary)"]);
    fs::create_dir(dir.path("adir")).unwrap();
    dir.run(&["compress", "adir"], b"")
        .fails(1, &["adir: is a directory"]);
    dir.run(&["compress", "in", "nodir/out.lz4s"], b"").fails(
        1,
        &["nodir/out.lz4s", "cannot create a temporary file in nodir"],
    );
    assert_eq!(dir.names(), ["adir", "in"]);
}

#[cfg(target_os = "linux")]
#[test]
fn full_disk_is_an_error_naming_the_output() {
    let dir = Dir::new();
    let data = sample("random", 300_000, 14);
    for args in [&["compress"][..], &["decompress"]] {
        let input = if args[0] == "compress" {
            data.clone()
        } else {
            compress_with(&data, StreamConfig::default())
        };
        let mut cmd = dir.cmd(args);
        cmd.stdout(fs::File::create("/dev/full").unwrap());
        let mut child = cmd
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let feeder = thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let output = child.wait_with_output().unwrap();
        feeder.join().unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.starts_with("lz4s: (stdout): No space left on device"),
            "{stderr}"
        );
        assert_eq!(stderr.lines().count(), 1);
    }
}

#[test]
fn closed_stdout_ends_quietly() {
    let dir = Dir::new();
    let data = sample("random", 4 << 20, 15);
    dir.write("big", &data);
    let stream = compress_with(&data, StreamConfig::default());
    dir.write("big.lz4s", &stream);
    for args in [
        &["decompress", "big.lz4s", "-"][..],
        &["compress", "big", "-"],
    ] {
        let mut child = dir
            .cmd(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Read one byte, then close the pipe, like `| head -c1`.
        let mut stdout = child.stdout.take().unwrap();
        let mut byte = [0u8; 1];
        stdout.read_exact(&mut byte).unwrap();
        drop(stdout);
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}");
    }
}

#[test]
fn verbose_prints_one_summary_line() {
    let dir = Dir::new();
    let data = sample("text", 200_000, 16);
    dir.write("v", &data);
    let run = dir.run(&["compress", "-v", "v"], b"");
    assert_eq!(run.code, Some(0));
    let packed = dir.read("v.lz4s").len();
    let line = run.stderr.trim_end();
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        line.starts_with(&format!(
            "v -> v.lz4s: 200000 -> {packed} bytes, compressed size "
        )),
        "{line}"
    );
    let percent = format!("{:.2}%", 100.0 * packed as f64 / 200_000.0);
    assert!(line.contains(&percent), "{line} lacks {percent}");
    assert!(line.ends_with(" MB/s"), "{line}");

    fs::remove_file(dir.path("v")).unwrap();
    let run = dir.run(&["decompress", "--verbose", "v.lz4s"], b"");
    assert_eq!(run.code, Some(0));
    assert!(
        run.stderr.starts_with(&format!(
            "v.lz4s -> v: {packed} -> 200000 bytes, compressed size {percent}"
        )),
        "{}",
        run.stderr
    );
    let run = dir.run(&["compress", "-v"], b"abc");
    assert!(
        run.stderr.starts_with("(stdin) -> (stdout): 3 -> "),
        "{}",
        run.stderr
    );
    // -q prints nothing on success.
    let run = dir.run(&["compress", "-q", "-f", "v", "-"], b"").ok();
    assert!(!run.stdout.is_empty());
}

/// Input that arrives slowly, so that a run lasts longer than the delay
/// before progress is first shown.
fn slow_feed(stdin: std::process::ChildStdin, data: Vec<u8>) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let mut stdin = stdin;
        let half = data.len() / 2;
        let _ = stdin.write_all(&data[..half]);
        thread::sleep(Duration::from_millis(900));
        let _ = stdin.write_all(&data[half..]);
    })
}

#[test]
fn no_progress_when_stderr_is_not_a_terminal() {
    let dir = Dir::new();
    let data = sample("text", 1 << 20, 17);
    let mut child = dir
        .cmd(&["compress", "-", "out.lz4s"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let feeder = slow_feed(child.stdin.take().unwrap(), data);
    let output = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8(output.stderr).unwrap(), "");
}

/// Runs the shell `command` on a pseudo-terminal made by util-linux
/// `script`; returns its exit status and what appeared on the terminal.
fn on_terminal(dir: &Dir, command: &str) -> (Option<i32>, String) {
    let output = std::process::Command::new("script")
        .args(["-q", "-e", "-c", command, "/dev/null"])
        .current_dir(dir.tmp.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("util-linux `script` runs the command on a pseudo-terminal");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

/// The binary, quoted for the shell.
fn lz4s_sh() -> String {
    format!("'{}'", support::LZ4S)
}

/// Bare `lz4s` compresses stdin (tests/habits.rs), but typed at a terminal
/// it shows the help, as lz4 does.
#[test]
fn bare_on_a_terminal_shows_the_help() {
    let dir = Dir::new();
    let (code, screen) = on_terminal(&dir, &lz4s_sh());
    assert_eq!(code, Some(2), "{screen}");
    assert!(screen.contains("Usage: lz4s"), "{screen}");
}

#[test]
fn progress_on_a_terminal_only_for_long_runs_and_not_with_q() {
    let dir = Dir::new();
    // A slow producer stands for a large input: the run lasts about a second.
    let slow = "sh -c 'head -c 300000 data; sleep 1; tail -c +300001 data' |";
    dir.write("data", &sample("text", 600_000, 19));
    let lz4s = lz4s_sh();
    let (code, screen) = on_terminal(&dir, &format!("{slow} {lz4s} compress > out.lz4s"));
    assert_eq!(code, Some(0), "{screen}");
    assert!(
        screen.contains("(stdin) -> (stdout): ") && screen.contains("MB/s"),
        "no progress on the terminal: {screen:?}"
    );
    assert!(screen.contains("uncompressed"), "{screen:?}");
    // The progress line is cleared at the end.
    assert!(screen.ends_with("\r\x1b[K"), "{screen:?}");
    assert_eq!(
        fs::read(dir.path("out.lz4s")).unwrap(),
        compress_with(&dir.read("data"), StreamConfig::default())
    );

    let quiet = on_terminal(&dir, &format!("{slow} {lz4s} compress -q > out.lz4s"));
    assert_eq!(quiet, (Some(0), String::new()));
    // A short run shows nothing either.
    let short = on_terminal(
        &dir,
        &format!("head -c 50000 data | {lz4s} compress > out.lz4s"),
    );
    assert_eq!(short, (Some(0), String::new()));
}

#[test]
fn compressed_data_is_not_written_to_a_terminal() {
    let dir = Dir::new();
    dir.write("data", b"some data");
    let lz4s = lz4s_sh();
    let (code, screen) = on_terminal(&dir, &format!("{lz4s} compress < data"));
    assert_eq!(code, Some(1), "{screen}");
    assert!(
        screen.starts_with("lz4s: (stdout): is a terminal;") && screen.contains("-f"),
        "{screen:?}"
    );
    // -f writes it anyway; decompressed data may always go to a terminal.
    let (code, _) = on_terminal(&dir, &format!("{lz4s} compress -f < data"));
    assert_eq!(code, Some(0));
    dir.run(&["compress", "data"], b"").ok();
    let (code, screen) = on_terminal(&dir, &format!("{lz4s} decompress data.lz4s -"));
    assert_eq!((code, screen.as_str()), (Some(0), "some data"));
    let (code, screen) = on_terminal(&dir, &format!("{lz4s} -dc data.lz4s"));
    assert_eq!((code, screen.as_str()), (Some(0), "some data"));
    // The flag spelling follows the same rule.
    let (code, screen) = on_terminal(&dir, &format!("{lz4s} -c data"));
    assert_eq!(code, Some(1), "{screen}");
    assert!(
        screen.starts_with("lz4s: (stdout): is a terminal;"),
        "{screen:?}"
    );
}

#[test]
fn compressed_data_is_not_read_from_a_terminal() {
    let dir = Dir::new();
    let lz4s = lz4s_sh();
    // `script` gives the command a terminal as stdin too.
    for command in ["-d", "-t", "decompress", "-d -"] {
        let (code, screen) = on_terminal(&dir, &format!("{lz4s} {command} > out"));
        assert_eq!(code, Some(1), "{command}: {screen}");
        assert!(
            screen.starts_with("lz4s: (stdin): is a terminal; not reading compressed data")
                && screen.contains("-f"),
            "{command}: {screen:?}"
        );
    }
    // Given a file, a terminal stdin does not matter.
    dir.write(
        "data.lz4s",
        &compress_with(b"typed", StreamConfig::default()),
    );
    let (code, screen) = on_terminal(&dir, &format!("{lz4s} -d data.lz4s"));
    assert_eq!((code, screen.as_str()), (Some(0), ""));
    assert_eq!(dir.read("data"), b"typed");
}

/// Names need not be UTF-8 on Unix; nor long names a temporary name that
/// fits.
#[cfg(unix)]
#[test]
fn any_name_the_system_takes() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = Dir::new();
    let path = dir.path("x").with_file_name(OsStr::from_bytes(b"\xffname"));
    fs::write(&path, b"bytes").unwrap();
    let mut cmd = dir.cmd(&[]);
    cmd.arg(path.file_name().unwrap());
    support::run(cmd, b"").ok();
    fs::remove_file(&path).unwrap();
    let mut cmd = dir.cmd(&["-d"]);
    cmd.arg(OsStr::from_bytes(b"\xffname.lz4s"));
    support::run(cmd, b"").ok();
    assert_eq!(fs::read(&path).unwrap(), b"bytes");

    let long = "n".repeat(245);
    dir.write(&long, b"long");
    dir.run(&[&long], b"").ok();
    assert_eq!(
        dir.read(&format!("{long}.lz4s")),
        compress_with(b"long", StreamConfig::default())
    );
}

/// stdout named as a file (`-o /dev/stdout`) is written into like stdout,
/// so a `>>` redirection appends.
#[cfg(unix)]
#[test]
fn stdout_by_name_is_stdout() {
    let dir = Dir::new();
    dir.write("a", b"appended");
    let lz4s = support::LZ4S;
    let shell = |script: &str| {
        std::process::Command::new("sh")
            .args(["-c", script])
            .current_dir(dir.path(""))
            .output()
            .unwrap()
    };
    let done = shell(&format!(
        "echo OLD > log && '{lz4s}' -f a -o /dev/stdout >> log && '{lz4s}' -c a >> log"
    ));
    assert!(done.status.success(), "{done:?}");
    let stream = compress_with(b"appended", StreamConfig::default());
    assert_eq!(dir.read("log"), [&b"OLD\n"[..], &stream, &stream].concat());
}

/// A signal the parent made lz4s ignore (`nohup`) stays ignored: the run
/// goes on and completes its output.
#[cfg(target_os = "linux")]
#[test]
fn inherited_ignored_hangup_is_kept() {
    let dir = Dir::new();
    let data = sample("text", 200_000, 23);
    let mut child = std::process::Command::new("sh")
        .args([
            "-c",
            &format!("trap '' HUP; exec '{}' compress - out.lz4s", support::LZ4S),
        ])
        .current_dir(dir.path(""))
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&data).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while dir.names().is_empty() {
        assert!(Instant::now() < deadline, "no temporary file appeared");
        thread::sleep(Duration::from_millis(10));
    }
    let sent = std::process::Command::new("kill")
        .args(["-HUP", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    // Give a handler time to act, were there one.
    thread::sleep(Duration::from_millis(200));
    stdin.write_all(&data).unwrap();
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let all = [&data[..], &data].concat();
    assert_eq!(
        dir.read("out.lz4s"),
        compress_with(&all, StreamConfig::default())
    );
}

#[cfg(unix)]
#[test]
fn interrupted_run_leaves_no_files() {
    let dir = Dir::new();
    let mut child = dir
        .cmd(&["compress", "-", "out.lz4s"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&sample("text", 200_000, 20)).unwrap();
    // Wait until the temporary file exists, then interrupt.
    let deadline = Instant::now() + Duration::from_secs(20);
    while dir.names().is_empty() {
        assert!(Instant::now() < deadline, "no temporary file appeared");
        thread::sleep(Duration::from_millis(10));
    }
    let temp = dir.names();
    assert!(
        temp[0].starts_with(".out.lz4s.") && temp[0].ends_with(".tmp"),
        "{temp:?}"
    );
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    drop(stdin);
    assert_eq!(output.status.code(), Some(130));
    assert_no_panic(&String::from_utf8_lossy(&output.stderr));
    assert_eq!(dir.names(), Vec::<String>::new());
}

#[test]
fn large_input_streams_through_pipes() {
    let dir = Dir::new();
    let mut data = sample("text", 6 << 20, 21);
    data.extend_from_slice(&sample("random", 2 << 20, 22));
    let packed = dir.run(&["compress", "-B", "1M"], &data).ok().stdout;
    let back = dir.run(&["decompress", "-B", "1M"], &packed).ok().stdout;
    assert!(back == data, "round trip through pipes differs");
}

#[test]
fn help_and_version() {
    let dir = Dir::new();
    let run = dir.run(&["--help"], b"").ok();
    let help = String::from_utf8(run.stdout).unwrap();
    for part in [
        "compress",
        "decompress",
        "Examples:",
        "Exit status",
        "[FILE]...",
    ] {
        assert!(help.contains(part), "{part} missing from --help");
    }
    let shared = [
        "-B, --buffer-size <BYTES>",
        "-p, --prefix-bytes <1|2|4>",
        "-D, --dict <FILE>",
        "-o, --output <FILE>",
        "-c, --stdout",
        "-f, --force",
        "-k, --keep",
        "--rm",
        "-q, --quiet",
        "-v, --verbose",
    ];
    let encoder = ["--end-marker", "--level <1-12>", "--fast[=<N>]"];
    let top = [
        "-z, --compress",
        "-d, --decompress",
        "-t, --test",
        "[FILE]...",
    ];
    let compress = ["[INPUT]", "[OUTPUT]"];
    let decompress = ["[INPUT]", "[OUTPUT]", "-t, --test"];
    // (-h: one line per option; --help puts the text on the next.)
    for (args, parts) in [
        (&["-h"][..], [&shared[..], &encoder, &top].concat()),
        (
            &["compress", "-h"],
            [&shared[..], &encoder, &compress].concat(),
        ),
        (&["decompress", "-h"], [&shared[..], &decompress].concat()),
    ] {
        let run = dir.run(args, b"").ok();
        let help = String::from_utf8(run.stdout).unwrap();
        for option in parts {
            let line = help
                .lines()
                .find(|l| l.trim_start().starts_with(option))
                .unwrap_or_else(|| panic!("{args:?} lacks {option}"));
            assert!(
                line.contains("Example"),
                "{args:?}: {option} has no example"
            );
        }
        assert!(help.contains("Examples:\n  lz4s"), "{args:?}");
    }
    // Each subcommand's help speaks of its own job only.
    let help = |sub: &str| String::from_utf8(dir.run(&[sub, "--help"], b"").ok().stdout).unwrap();
    let decompress = help("decompress");
    for foreign in [
        "out.lz4s",
        "compress also",
        "--end-marker",
        "--fast",
        "-9",
        "INPUT.lz4s",
    ] {
        assert!(
            !decompress.contains(foreign),
            "decompress --help mentions {foreign}"
        );
    }
    assert!(decompress.contains("Example: data.bin.lz4s"));
    assert!(decompress.contains("INPUT without its .lz4s"));
    let compress = help("compress");
    for foreign in ["--test", "without its .lz4s", "Example: data.bin.lz4s"] {
        assert!(
            !compress.contains(foreign),
            "compress --help mentions {foreign}"
        );
    }
    assert!(compress.contains("Default: INPUT.lz4s"));
    let run = dir.run(&["--version"], b"").ok();
    assert_eq!(
        String::from_utf8(run.stdout).unwrap(),
        format!("lz4s {}\n", env!("CARGO_PKG_VERSION"))
    );
    // Help into a closed pipe is not a panic.
    let mut child = dir
        .cmd(&["--help"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_no_panic(&String::from_utf8_lossy(&output.stderr));
}
