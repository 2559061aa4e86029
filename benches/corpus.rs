//! A benchmark corpus of real files, gathered from the machine the benchmarks
//! run on: no network, nothing stored in the repository, and on any Linux
//! system the same five kinds of data.
//!
//! | kind | what it is | where it comes from, in order of preference |
//! |---|---|---|
//! | `python` | Python source | `*.py` of the Python standard library (`/usr/lib/python3*`, `/usr/local/lib/python3*`); topped up with Rust and C sources from Cargo's registry (the benches' own dependencies) |
//! | `elf` | executables and shared libraries | ELF files of at most 2 MiB, alternately from `/usr/bin`, `/usr/sbin` and `/usr/lib`, `/usr/lib64`, `/lib` |
//! | `html` | markup | the Rust toolchain's rustdoc HTML (`std`, then the book), alternately with HTML and XML under `/usr/share` |
//! | `json` | structured data | `*.json` files under `/usr/share`, `/usr/lib`, `/usr/local`, `/opt`; topped up, if the machine has too few, with a JSON Lines listing of `/usr` (path, size, mode, time: real metadata, made into JSON here) |
//! | `prose` | prose and logs | plain-text files under `/usr/share/doc` (copyright notices, READMEs, change logs), text logs under `/var/log`, `/usr/share/common-licenses` |
//!
//! Each directory is walked depth first in byte order of names, without
//! following symbolic links, and whole files are concatenated in that order
//! (the last one cut) until the kind has `len` bytes; where a kind lists
//! several sources side by side, files are taken from each in turn, so
//! executables mix with libraries and rustdoc with other markup. The same
//! machine therefore always yields the same bytes; another machine yields
//! files of the same kinds, not the same files. `describe` prints where each
//! kind's bytes came from and a fingerprint of them, so two runs can be
//! checked to have measured the same data. A kind the machine has less than
//! [`MIN_LEN`] bytes of is left out (and said so), rather than measured on a
//! sliver.
//!
//! Included by path (`#[path = "corpus.rs"] mod corpus;`) from the benches;
//! depends on nothing but `std`.

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A kind with fewer real bytes than this is left out.
pub const MIN_LEN: usize = 1 << 20;

/// One kind of real data.
pub struct Sample {
    /// Short name, used in benchmark ids (`python`, `elf`, `html`, `json`, `prose`).
    pub name: &'static str,
    /// Where the bytes came from: sources and file counts.
    pub origin: String,
    pub data: Vec<u8>,
}

/// The kinds, by name, in the order the benchmarks run them.
pub const KINDS: [&str; 5] = ["python", "elf", "html", "json", "prose"];

/// One kind, if the machine has enough of it (`None` for an unknown kind).
pub fn sample(kind: &str, len: usize) -> Option<Sample> {
    let name = *KINDS.iter().find(|&&k| k == kind)?;
    let gathered = match name {
        "python" => python(len),
        "elf" => elf(len),
        "html" => html(len),
        "json" => json(len),
        _ => prose(len),
    };
    if gathered.data.len() < MIN_LEN.min(len) {
        eprintln!(
            "corpus: {name} left out: only {} bytes found ({})",
            gathered.data.len(),
            gathered.origin()
        );
        return None;
    }
    Some(Sample {
        name,
        origin: gathered.origin(),
        data: gathered.data,
    })
}

/// Every kind the machine has enough of, `len` bytes each (or all there is,
/// if at least [`MIN_LEN`]).
pub fn samples(len: usize) -> Vec<Sample> {
    KINDS.iter().filter_map(|kind| sample(kind, len)).collect()
}

/// `len` bytes of real files: an equal share of every kind the machine has,
/// concatenated in [`KINDS`] order (the parallel bench's input).
// Not every bench including this file uses it.
#[allow(dead_code)]
pub fn mixed(samples: &[Sample], len: usize) -> Vec<u8> {
    let share = len / samples.len().max(1);
    let mut out = Vec::with_capacity(len);
    for sample in samples {
        out.extend_from_slice(&sample.data[..share.min(sample.data.len())]);
    }
    out
}

/// The samples as `(name, bytes)` pairs, like `data::inputs`, after printing
/// where they came from.
pub fn inputs(len: usize) -> Vec<(&'static str, Vec<u8>)> {
    let samples = samples(len);
    describe(&samples);
    samples.into_iter().map(|s| (s.name, s.data)).collect()
}

/// Prints each sample's size, fingerprint and origin to stderr.
pub fn describe(samples: &[Sample]) {
    eprintln!("real-file corpus (gathered from this machine; see benches/corpus.rs):");
    for sample in samples {
        eprintln!(
            "  {:<6} {:>9} bytes  fnv1a64 {:016x}  {}",
            sample.name,
            sample.data.len(),
            fnv1a64(&sample.data),
            sample.origin
        );
    }
}

/// FNV-1a, 64-bit: a fingerprint to tell whether two runs read the same bytes.
fn fnv1a64(data: &[u8]) -> u64 {
    data.iter().fold(0xCBF2_9CE4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01B3)
    })
}

/// Bytes gathered for one kind, and from where.
struct Gathered {
    len: usize,
    data: Vec<u8>,
    /// (source description, files taken), in the order first taken from.
    sources: Vec<(String, usize)>,
}

impl Gathered {
    fn new(len: usize) -> Gathered {
        Gathered {
            len,
            data: Vec::with_capacity(len),
            sources: Vec::new(),
        }
    }

    fn full(&self) -> bool {
        self.data.len() >= self.len
    }

    /// Appends (as much as fits of) one file, crediting `source`.
    fn take(&mut self, source: &str, bytes: &[u8]) {
        let room = self.len - self.data.len();
        self.data.extend_from_slice(&bytes[..bytes.len().min(room)]);
        match self.sources.iter_mut().find(|(s, _)| s == source) {
            Some((_, files)) => *files += 1,
            None => self.sources.push((source.to_string(), 1)),
        }
    }

    /// Takes files from each source in turn (one from each, round and round)
    /// until full or every source is exhausted. A file is taken if `wanted`
    /// accepts its path and `accept` its contents.
    fn round_robin(
        &mut self,
        sources: Vec<Source>,
        wanted: impl Fn(&Path) -> bool,
        accept: impl Fn(&[u8]) -> bool,
    ) {
        let mut walks: Vec<(String, Walk)> = sources
            .into_iter()
            .map(|s| (s.label, Walk::new(s.roots, s.max_file)))
            .collect();
        while !self.full() && !walks.is_empty() {
            walks.retain_mut(|(label, walk)| {
                if self.full() {
                    return true;
                }
                for path in walk.by_ref().filter(|p| wanted(p)) {
                    let Ok(bytes) = fs::read(&path) else { continue };
                    if !bytes.is_empty() && accept(&bytes) {
                        self.take(label, &bytes);
                        return true;
                    }
                }
                false
            });
        }
    }

    fn origin(&self) -> String {
        if self.sources.is_empty() {
            return "no files".to_string();
        }
        self.sources
            .iter()
            .map(|(source, files)| format!("{files} files from {source}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Directories walked as one source, and the largest file taken from them.
struct Source {
    label: String,
    roots: Vec<PathBuf>,
    max_file: u64,
}

impl Source {
    fn new(roots: Vec<PathBuf>, max_file: u64) -> Source {
        let label = roots
            .iter()
            .map(|r| r.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        Source {
            label,
            roots,
            max_file,
        }
    }
}

/// The regular files under some roots, depth first, in byte order of names,
/// no symbolic links followed, no file over `max_file` bytes. Unreadable
/// directories are skipped.
struct Walk {
    /// Entries still to visit, each directory's in reverse order (the next on top).
    stack: Vec<PathBuf>,
    max_file: u64,
}

impl Walk {
    fn new(roots: Vec<PathBuf>, max_file: u64) -> Walk {
        let mut stack = roots;
        stack.reverse();
        Walk { stack, max_file }
    }
}

impl Iterator for Walk {
    type Item = PathBuf;

    fn next(&mut self) -> Option<PathBuf> {
        while let Some(path) = self.stack.pop() {
            let Ok(meta) = fs::symlink_metadata(&path) else {
                continue;
            };
            if meta.is_dir() {
                let Ok(entries) = fs::read_dir(&path) else {
                    continue;
                };
                let mut children: Vec<PathBuf> =
                    entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
                children.sort();
                self.stack.extend(children.into_iter().rev());
            } else if meta.is_file() && meta.len() <= self.max_file {
                return Some(path);
            }
        }
        None
    }
}

/// The directories directly under `parent` whose names start with `prefix`,
/// in byte order.
fn dirs_starting(parent: &str, prefix: &str) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_dir()
                && p.file_name()
                    .and_then(OsStr::to_str)
                    .is_some_and(|n| n.starts_with(prefix))
        })
        .collect();
    dirs.sort();
    dirs
}

fn paths(list: &[&str]) -> Vec<PathBuf> {
    list.iter().map(PathBuf::from).collect()
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(OsStr::to_str)
        .is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// Text: valid UTF-8 without NUL bytes.
fn is_text(bytes: &[u8]) -> bool {
    !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok()
}

/// Cargo's unpacked registry sources (`$CARGO_HOME/registry/src`), where the
/// benches' own dependencies are.
fn cargo_registry() -> Vec<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    home.map(|h| vec![h.join("registry").join("src")])
        .unwrap_or_default()
}

const MIB: u64 = 1 << 20;

fn python(len: usize) -> Gathered {
    let mut gathered = Gathered::new(len);
    let mut stdlib = dirs_starting("/usr/lib", "python3.");
    stdlib.extend(dirs_starting("/usr/local/lib", "python3."));
    gathered.round_robin(
        vec![Source::new(stdlib, 4 * MIB)],
        |path| has_extension(path, &["py"]),
        is_text,
    );
    gathered.round_robin(
        vec![Source::new(cargo_registry(), 4 * MIB)],
        |path| has_extension(path, &["rs", "c", "h"]),
        is_text,
    );
    gathered
}

fn elf(len: usize) -> Gathered {
    let mut gathered = Gathered::new(len);
    gathered.round_robin(
        vec![
            Source::new(paths(&["/usr/bin", "/usr/sbin"]), 2 * MIB),
            Source::new(paths(&["/usr/lib", "/usr/lib64", "/lib"]), 2 * MIB),
        ],
        |_| true,
        |bytes| bytes.len() >= 4096 && bytes.starts_with(b"\x7fELF"),
    );
    gathered
}

/// The active Rust toolchain's HTML documentation, if installed.
fn rustdoc_html() -> Option<PathBuf> {
    let output = Command::new("rustc")
        .args(["--print", "sysroot"])
        .output()
        .ok()?;
    let sysroot = String::from_utf8(output.stdout).ok()?;
    let html = Path::new(sysroot.trim()).join("share/doc/rust/html");
    html.is_dir().then_some(html)
}

fn html(len: usize) -> Gathered {
    let mut gathered = Gathered::new(len);
    let mut sources = Vec::new();
    if let Some(html) = rustdoc_html() {
        sources.push(Source::new(
            vec![html.join("std"), html.join("book")],
            4 * MIB,
        ));
    }
    sources.push(Source::new(paths(&["/usr/share"]), 4 * MIB));
    gathered.round_robin(
        sources,
        |path| has_extension(path, &["html", "htm", "xhtml", "xml"]),
        is_text,
    );
    gathered
}

fn json(len: usize) -> Gathered {
    let mut gathered = Gathered::new(len);
    gathered.round_robin(
        vec![Source::new(
            paths(&["/usr/share", "/usr/lib", "/usr/local", "/opt"]),
            4 * MIB,
        )],
        |path| has_extension(path, &["json"]),
        is_text,
    );
    if !gathered.full() {
        let listing = file_listing_json(Path::new("/usr"), len - gathered.data.len());
        gathered.take("a JSON Lines listing of /usr made here", &listing);
    }
    gathered
}

/// One JSON object per line for each file under `root` (path, size, mode,
/// modification time), as a file-index export has it, up to `len` bytes.
fn file_listing_json(root: &Path, len: usize) -> Vec<u8> {
    use std::os::unix::fs::MetadataExt;
    let mut out = Vec::with_capacity(len);
    for path in Walk::new(vec![root.to_path_buf()], u64::MAX) {
        if out.len() >= len {
            break;
        }
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        let mut escaped = String::new();
        for c in path.to_string_lossy().chars() {
            match c {
                '"' => escaped.push_str("\\\""),
                '\\' => escaped.push_str("\\\\"),
                c if c.is_control() => escaped.push_str(&format!("\\u{:04x}", c as u32)),
                c => escaped.push(c),
            }
        }
        out.extend_from_slice(
            format!(
                "{{\"path\": \"{escaped}\", \"size\": {}, \"mode\": \"{:o}\", \"uid\": {}, \"gid\": {}, \"modified\": {}}}\n",
                meta.len(),
                meta.mode(),
                meta.uid(),
                meta.gid(),
                meta.mtime()
            )
            .as_bytes(),
        );
    }
    out
}

fn prose(len: usize) -> Gathered {
    let mut gathered = Gathered::new(len);
    const NOT_PROSE: &[&str] = &[
        "gz", "xz", "bz2", "zst", "html", "htm", "xml", "css", "js", "json", "png", "svg", "jpg",
        "gif", "pdf", "py", "c", "h", "sh", "pl", "rb",
    ];
    gathered.round_robin(
        vec![
            Source::new(paths(&["/usr/share/doc"]), 4 * MIB),
            Source::new(paths(&["/var/log"]), 4 * MIB),
        ],
        |path| !has_extension(path, NOT_PROSE),
        is_text,
    );
    gathered.round_robin(
        vec![Source::new(paths(&["/usr/share/common-licenses"]), 4 * MIB)],
        |_| true,
        is_text,
    );
    gathered
}
