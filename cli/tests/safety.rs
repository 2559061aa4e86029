//! Output files as gzip, zstd and lz4 treat them: an existing file is replaced
//! only with -f and never by a partial one; a device or FIFO is written into,
//! never replaced; a symlink is followed and its target replaced; the output
//! gets the input's permission bits and modification time and is never
//! readable by more users than the input while it is written.
#![cfg(unix)]

mod support;

use std::fs;
use std::os::unix::fs::{symlink, FileTypeExt, PermissionsExt};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use lz4_stream::StreamConfig;
use support::{compress_with, sample, Dir};

fn mode(dir: &Dir, name: &str) -> u32 {
    fs::metadata(dir.path(name)).unwrap().permissions().mode() & 0o7777
}

fn set_mode(dir: &Dir, name: &str, mode: u32) {
    fs::set_permissions(dir.path(name), fs::Permissions::from_mode(mode)).unwrap();
}

fn mtime(dir: &Dir, name: &str) -> SystemTime {
    fs::metadata(dir.path(name)).unwrap().modified().unwrap()
}

#[test]
fn existing_output_needs_force() {
    let dir = Dir::new();
    let data = sample("text", 50_000, 10);
    let stream = compress_with(&data, StreamConfig::default());
    dir.write("a", &data);
    dir.write("a.lz4s", b"precious");
    dir.run(&["compress", "a"], b"")
        .fails(1, &["a.lz4s", "already exists", "-f"]);
    dir.run(&["a"], b"").fails(1, &["a.lz4s", "already exists"]);
    assert_eq!(dir.read("a.lz4s"), b"precious");
    dir.run(&["compress", "-", "a.lz4s"], &data)
        .fails(1, &["a.lz4s", "already exists"]);
    assert_eq!(dir.read("a.lz4s"), b"precious");
    dir.run(&["-f", "a"], b"").ok();
    assert_eq!(dir.read("a.lz4s"), stream);

    dir.write("a", b"precious too");
    dir.run(&["decompress", "a.lz4s"], b"")
        .fails(1, &["a: already exists"]);
    assert_eq!(dir.read("a"), b"precious too");
    dir.run(&["-d", "--force", "a.lz4s"], b"").ok();
    assert_eq!(dir.read("a"), data);
    assert_eq!(dir.names(), ["a", "a.lz4s"]);
}

#[test]
fn symlinks_are_followed_and_their_target_replaced() {
    let dir = Dir::new();
    let data = sample("text", 30_000, 1);
    let stream = compress_with(&data, StreamConfig::default());
    dir.write("x", &data);
    // A dangling symlink counts as an existing output.
    symlink("nowhere", dir.path("x.lz4s")).unwrap();
    dir.run(&["x"], b"").fails(1, &["x.lz4s", "already exists"]);
    assert!(!dir.exists("nowhere"));
    // With -f its target is created; the link stays a link.
    dir.run(&["-f", "x"], b"").ok();
    assert_eq!(dir.read("nowhere"), stream);
    assert!(dir.path("x.lz4s").symlink_metadata().unwrap().is_symlink());

    // An existing target is replaced (a new file renamed over it), through a
    // chain of links, relative to each link's own directory.
    fs::create_dir(dir.path("sub")).unwrap();
    dir.write("target", b"old contents");
    symlink("../target", dir.path("sub/link2")).unwrap();
    symlink("sub/link2", dir.path("link1")).unwrap();
    dir.run(&["-f", "x", "-o", "link1"], b"").ok();
    assert_eq!(dir.read("target"), stream);
    assert!(dir.path("link1").symlink_metadata().unwrap().is_symlink());
    assert!(dir
        .path("sub/link2")
        .symlink_metadata()
        .unwrap()
        .is_symlink());
    assert_eq!(
        dir.names(),
        ["link1", "nowhere", "sub", "target", "x", "x.lz4s"]
    );

    // A failed run leaves the target alone.
    dir.write("bad.lz4s", &stream[..stream.len() - 3]);
    dir.run(&["-d", "-f", "bad.lz4s", "-o", "link1"], b"")
        .fails(1, &["bad.lz4s", "truncated"]);
    assert_eq!(dir.read("target"), stream);
    // A loop is an error, not a hang.
    symlink("loop", dir.path("loop")).unwrap();
    dir.run(&["-f", "x", "-o", "loop"], b"")
        .fails(1, &["loop", "symbolic links"]);
}

#[test]
fn special_files_are_written_into_never_replaced() {
    let dir = Dir::new();
    let data = sample("random", 300_000, 2);
    let stream = compress_with(&data, StreamConfig::default());
    dir.write("big.lz4s", &stream);
    // /dev/null needs no -f (nothing is destroyed by writing into it).
    dir.run(&["-d", "big.lz4s", "-o", "/dev/null"], b"").ok();
    dir.run(&["decompress", "big.lz4s", "/dev/null"], b"").ok();

    // A FIFO: without -f it is an existing file; with -f the data flows
    // through it to its reader, and it is still a FIFO afterwards.
    let fifo = dir.path("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    dir.run(&["-d", "big.lz4s", "-o", "fifo"], b"")
        .fails(1, &["fifo: already exists"]);
    let reader = thread::spawn(move || fs::read(fifo).unwrap());
    dir.run(&["-d", "-f", "big.lz4s", "-o", "fifo"], b"").ok();
    assert!(reader.join().unwrap() == data);
    let kind = fs::symlink_metadata(dir.path("fifo")).unwrap().file_type();
    assert!(kind.is_fifo());

    // A character device (a copy of /dev/null; making one needs root): it
    // stays a device and swallows the data.
    let made = Command::new("mknod")
        .arg(dir.path("null"))
        .args(["c", "1", "3"])
        .stderr(Stdio::null())
        .status()
        .unwrap();
    if made.success() {
        dir.run(&["-d", "-f", "big.lz4s", "-o", "null"], b"").ok();
        let metadata = fs::symlink_metadata(dir.path("null")).unwrap();
        assert!(metadata.file_type().is_char_device());
        assert_eq!(metadata.len(), 0);
        // Through a symlink the device is written into as well.
        symlink("null", dir.path("to-null")).unwrap();
        dir.run(&["-d", "-f", "big.lz4s", "-o", "to-null"], b"")
            .ok();
        assert!(fs::metadata(dir.path("null"))
            .unwrap()
            .file_type()
            .is_char_device());
    } else {
        eprintln!("not root: the device-node case is skipped (the FIFO case ran)");
    }
    // /dev/stdout (a link the system resolves to this run's stdout pipe)
    // is written into as well.
    let run = dir.run(&["-d", "-f", "big.lz4s", "-o", "/dev/stdout"], b"");
    assert!(run.ok().stdout == data);
    // --rm never removes an input whose output is not a regular file.
    dir.run(&["-d", "--rm", "big.lz4s", "-o", "/dev/null"], b"")
        .ok();
    assert!(dir.exists("big.lz4s"));
}

#[test]
fn output_gets_the_inputs_permissions_and_mtime() {
    let dir = Dir::new();
    let data = sample("text", 20_000, 3);
    dir.write("secret", &data);
    set_mode(&dir, "secret", 0o600);
    let past = SystemTime::UNIX_EPOCH + Duration::from_secs(1_500_000_000);
    let file = fs::File::options()
        .write(true)
        .open(dir.path("secret"))
        .unwrap();
    file.set_modified(past).unwrap();
    drop(file);
    dir.run(&["secret"], b"").ok();
    assert_eq!(mode(&dir, "secret.lz4s"), 0o600);
    assert_eq!(mtime(&dir, "secret.lz4s"), past);

    // Decompressing, the data gets the stream file's.
    set_mode(&dir, "secret.lz4s", 0o640);
    fs::remove_file(dir.path("secret")).unwrap();
    dir.run(&["-d", "secret.lz4s"], b"").ok();
    assert_eq!(mode(&dir, "secret"), 0o640);
    assert_eq!(mtime(&dir, "secret"), past);
    assert_eq!(dir.read("secret"), data);
    // Also when an existing file is replaced (with -f), and through -o.
    set_mode(&dir, "secret", 0o604);
    dir.run(&["-f", "secret", "-o", "other"], b"").ok();
    assert_eq!(mode(&dir, "other"), 0o604);
    dir.write("old", b"old");
    set_mode(&dir, "old", 0o666);
    dir.run(&["-f", "secret", "-o", "old"], b"").ok();
    assert_eq!(mode(&dir, "old"), 0o604);
    // Set-id bits are not carried over.
    set_mode(&dir, "secret", 0o4755);
    dir.run(&["-f", "secret"], b"").ok();
    assert_eq!(mode(&dir, "secret.lz4s"), 0o755);

    // From stdin, the output is a new file: 0666 less the umask, as the
    // test's own files are made.
    dir.run(&["-", "-o", "piped"], &data).ok();
    let reference = fs::metadata(dir.path("old")).map(|_| ()).and_then(|_| {
        let probe = dir.path("probe");
        fs::write(&probe, b"")?;
        fs::metadata(probe)
    });
    let reference = reference.unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir, "piped"), reference);
}

#[test]
fn output_is_private_while_it_is_written() {
    let dir = Dir::new();
    // Slow enough (the optimal parser, unoptimised test build) that the
    // temporary file can be seen while it grows.
    dir.write("public", &sample("text", 1 << 19, 4));
    set_mode(&dir, "public", 0o644);
    let mut child = dir
        .cmd(&["-12", "public"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = None;
    while seen.is_none() && Instant::now() < deadline {
        if let Some(temp) = dir.names().into_iter().find(|n| n.ends_with(".tmp")) {
            if let Ok(metadata) = fs::metadata(dir.path(&temp)) {
                seen = Some(metadata.permissions().mode() & 0o777);
            }
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        thread::sleep(Duration::from_millis(5));
    }
    let status = child.wait().unwrap();
    assert!(status.success());
    assert_eq!(seen, Some(0o600), "the temporary file was not seen private");
    assert_eq!(mode(&dir, "public.lz4s"), 0o644);
}

#[test]
fn input_is_never_its_own_output() {
    let dir = Dir::new();
    let stream = compress_with(b"some data", StreamConfig::default());
    dir.write("a.lz4s", &stream);
    dir.run(&["-d", "-f", "a.lz4s", "-o", "a.lz4s"], b"")
        .fails(1, &["a.lz4s: is the input"]);
    symlink("a.lz4s", dir.path("b")).unwrap();
    dir.run(&["-d", "-f", "a.lz4s", "-o", "b"], b"")
        .fails(1, &["b: is the input a.lz4s"]);
    fs::hard_link(dir.path("a.lz4s"), dir.path("c")).unwrap();
    dir.run(&["-d", "-f", "c", "-o", "a.lz4s"], b"")
        .fails(1, &["is the input c"]);
    assert_eq!(dir.read("a.lz4s"), stream);
}

#[test]
fn output_directories_are_refused() {
    let dir = Dir::new();
    dir.write("a", b"data");
    fs::create_dir(dir.path("d")).unwrap();
    // With or without -f, which could not help.
    dir.run(&["-f", "a", "-o", "d"], b"")
        .fails(1, &["d: is a directory"]);
    dir.run(&["a", "-o", "d"], b"")
        .fails(1, &["d: is a directory"]);
    dir.run(&["a", "-o", "nodir/out.lz4s"], b"").fails(
        1,
        &["nodir/out.lz4s", "cannot create a temporary file in nodir"],
    );
    assert_eq!(dir.names(), ["a", "d"]);
}
