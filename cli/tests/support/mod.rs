//! Running the `lz4s` binary in temporary directories, and test data.
#![allow(dead_code)]

use std::fs;
use std::io::Write;

use lz4_stream::{Lz4StreamWriter, StreamConfig};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::thread;

// The package's own copy of the library's test-data generator: the
// published lz4s crate's tests must build from its own files.
mod sample;

pub use sample::sample;

/// `data` as the library writes it with `config`: what lz4s must write.
pub fn compress_with(data: &[u8], config: StreamConfig) -> Vec<u8> {
    let mut writer = Lz4StreamWriter::with_config(Vec::new(), config).unwrap();
    writer.write_all(data).unwrap();
    writer.finish().unwrap()
}

/// The binary under test.
pub const LZ4S: &str = env!("CARGO_BIN_EXE_lz4s");

/// A temporary working directory; lz4s runs with it as current directory.
pub struct Dir {
    pub tmp: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Dir {
        Dir {
            tmp: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    pub fn write(&self, name: &str, data: &[u8]) -> PathBuf {
        let path = self.path(name);
        fs::write(&path, data).unwrap();
        path
    }

    pub fn read(&self, name: &str) -> Vec<u8> {
        fs::read(self.path(name)).unwrap_or_else(|e| panic!("reading {name}: {e}"))
    }

    pub fn exists(&self, name: &str) -> bool {
        self.path(name).symlink_metadata().is_ok()
    }

    /// Every name in the directory, sorted (to see leftovers such as
    /// temporary files).
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(self.tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    /// A `lz4s` command running in this directory.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(LZ4S);
        cmd.args(args).current_dir(self.tmp.path());
        // A backtrace setting must not change what lz4s prints.
        cmd.env("RUST_BACKTRACE", "1");
        cmd
    }

    /// Runs `lz4s args` with `stdin` as standard input.
    pub fn run(&self, args: &[&str], stdin: &[u8]) -> Run {
        run(self.cmd(args), stdin)
    }
}

/// What a finished run left: status, stdout, stderr.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl Run {
    /// Asserts success with nothing on stderr.
    pub fn ok(self) -> Run {
        assert_eq!(self.code, Some(0), "lz4s failed: {}", self.stderr);
        assert_eq!(self.stderr, "", "unexpected stderr");
        self
    }

    /// Asserts exit status `code` with a one-line `lz4s: ...` message that
    /// contains every string in `parts`.
    pub fn fails(self, code: i32, parts: &[&str]) -> Run {
        assert_eq!(
            self.code,
            Some(code),
            "wrong status; stderr: {}",
            self.stderr
        );
        assert!(
            self.stderr.starts_with("lz4s: ") && self.stderr.ends_with('\n'),
            "not an lz4s message: {:?}",
            self.stderr
        );
        assert_eq!(
            self.stderr.lines().count(),
            1,
            "not one line: {:?}",
            self.stderr
        );
        for part in parts {
            assert!(
                self.stderr.contains(part),
                "{:?} not in {:?}",
                part,
                self.stderr
            );
        }
        assert_no_panic(&self.stderr);
        self
    }
}

pub fn assert_no_panic(stderr: &str) {
    for bad in [
        "panicked",
        "RUST_BACKTRACE",
        "stack backtrace",
        "internal error",
    ] {
        assert!(!stderr.contains(bad), "{bad:?} in stderr: {stderr}");
    }
}

/// Runs `cmd` with `stdin` fed from a thread (so large inputs cannot
/// deadlock against a full stdout pipe) and collects everything.
pub fn run(mut cmd: Command, stdin: &[u8]) -> Run {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    let feeder = thread::spawn(move || {
        // lz4s may stop reading early (on an error); that is not a test failure.
        let _ = pipe.write_all(&input);
    });
    let output: Output = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    Run {
        code: output.status.code(),
        stdout: output.stdout,
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}
