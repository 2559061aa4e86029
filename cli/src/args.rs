//! Command-line arguments: the clap definitions, the parsers for sizes and
//! prefix widths, and the rewriting of lz4's `-1` ... `-12` level flags.
//!
//! Two spellings reach the same jobs. The shell habit of lz4, zstd and gzip is
//! `lz4s [-z|-d|-t] [OPTIONS] [FILE]...` ([`TopArgs`]); the subcommands
//! `lz4s compress` and `lz4s decompress` ([`CompressCommand`],
//! [`DecompressCommand`]) are aliases of `-z` and `-d` that keep lz4's
//! `INPUT [OUTPUT]` positional form. Options are grouped by what they describe
//! and each group is one struct flattened wherever it applies, so the
//! spellings cannot drift apart: the stream format ([`FormatArgs`], both
//! ends), the encoder ([`EncodeArgs`]) and the files ([`FileArgs`]).

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};
use lz4_stream::{CompressionMode, SizePrefix, Strategy, StreamConfig, WINDOW_SIZE};

use crate::Failure;

const ABOUT: &str = "Compress and decompress LZ4 block-stream files";

const LONG_ABOUT: &str = "\
Compress and decompress LZ4 block-stream files: the linked-block, double-buffer
format of python-lz4's lz4.stream and liblz4's blockStreaming_doubleBuffer
example. The stream has no header, so the page size (-B), prefix width (-p) and
dictionary (-D) given to decompress must be those the stream was written with.

Like lz4, zstd and gzip, lz4s compresses each FILE to FILE.lz4s, and with -d
decompresses each FILE.lz4s to FILE; stdin goes to stdout. Inputs are kept
unless --rm is given.";

const EXAMPLES: &str = "\
Examples:
  lz4s data.bin                           writes data.bin.lz4s
  lz4s -d data.bin.lz4s                   writes data.bin
  lz4s -9 --rm *.log                      each FILE to FILE.lz4s, high compression, removes FILE
  lz4s -dc a.lz4s b.lz4s | consumer       both, one after the other, to stdout
  lz4s -t *.lz4s                          checks that each decodes
  tar c dir | lz4s > dir.tar.lz4s
  lz4s -d -B 8192 -p 2 -D words.dict msg.lz4s -o msg
  lz4s compress data.bin out.lz4s         the subcommand form: INPUT OUTPUT

Exit status: 0 on success, 1 on a runtime error (unreadable, corrupt or
truncated input, an existing output file without -f, a write failure, a FILE
without .lz4s to decompress and no -o or -c; the other FILEs are still
processed), 2 on a usage error (bad option, invalid page size for the prefix
width), 130 when interrupted (SIGINT, SIGTERM or SIGHUP).";

const COMPRESS_EXAMPLES: &str = "\
Examples:
  lz4s compress data.bin                  writes data.bin.lz4s, keeps data.bin
  lz4s compress -B 8192 -p 2 data.bin     8 KiB pages, 2-byte size prefixes
  lz4s compress -D words.dict msg msg.lz4s
  lz4s compress --end-marker data.bin     readable by liblz4's double-buffer example
  lz4s compress -9 data.bin               high compression (smaller, slower to write)
  lz4s compress --fast=8 data.bin         faster, larger
  lz4s compress -B 1K --strategy ring msgs  small pages, 64 KiB of history
  lz4s compress -9 -T 0 data.bin          high compression on every core
  producer | lz4s compress -v - out.lz4s  from stdin, with a summary line";

const DECOMPRESS_EXAMPLES: &str = "\
Examples:
  lz4s decompress data.bin.lz4s           writes data.bin, keeps data.bin.lz4s
  lz4s decompress data.bin.lz4s -         to stdout
  lz4s decompress -f data.bin.lz4s data.bin
  lz4s decompress -B 8192 -p 2 data.bin.lz4s
  lz4s decompress -t data.bin.lz4s        checks that it decodes
  curl -s URL | lz4s decompress | consumer";

/// The `lz4s` command line.
#[derive(Debug, Parser)]
#[command(
    name = "lz4s",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = EXAMPLES,
    propagate_version = true,
    args_conflicts_with_subcommands = true,
    // A later option replaces an earlier one (`-3 -9`, `-B 4K -B 8K`), as
    // with lz4 and zstd, so aliases and scripts can add options.
    args_override_self = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub top: TopArgs,
}

/// The subcommand spelling.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compress INPUT (default stdin) into an LZ4 block stream: `lz4s -z`
    /// with lz4's INPUT OUTPUT form.
    #[command(after_help = COMPRESS_EXAMPLES, args_override_self = true)]
    Compress(CompressCommand),
    /// Decompress an LZ4 block stream: `lz4s -d` with lz4's INPUT OUTPUT
    /// form.
    #[command(after_help = DECOMPRESS_EXAMPLES, args_override_self = true)]
    Decompress(DecompressCommand),
}

/// `lz4s [OPTIONS] [FILE]...`
#[derive(Debug, Args)]
pub struct TopArgs {
    /// Files to compress, or with -d to decompress; `-` or nothing means
    /// stdin. Each FILE goes to FILE.lz4s, or with -d to FILE without its
    /// .lz4s; stdin goes to stdout. Example: data.bin notes.txt
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Compress (the default). Example: -z
    #[arg(short = 'z', long = "compress", conflicts_with_all = ["decompress", "test"])]
    pub compress: bool,
    /// Decompress. Example: -d data.bin.lz4s
    #[arg(short = 'd', long = "decompress", visible_alias = "uncompress")]
    pub decompress: bool,
    /// Test: decompress each FILE and discard the data; exit status 1 when
    /// one is corrupt or truncated. Implies -d. Example: -t *.lz4s
    #[arg(short = 't', long = "test", conflicts_with_all = ["output", "stdout", "rm"])]
    pub test: bool,
    /// Write to FILE (only with one input; `-` or /dev/stdout means stdout). Example: -o out.lz4s
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub files_args: FileArgs,
    #[command(flatten)]
    pub format: FormatArgs,
    #[command(flatten)]
    pub encode: EncodeArgs,
}

/// `lz4s compress [OPTIONS] [INPUT [OUTPUT]]`.
#[derive(Debug, Args)]
pub struct CompressCommand {
    /// File to compress; `-` or nothing means stdin. Example: data.bin
    #[arg(value_name = "INPUT")]
    pub input: Option<PathBuf>,
    /// File to write the stream to; `-` means stdout. Default: INPUT.lz4s, or
    /// stdout when reading stdin. Example: out.lz4s
    #[arg(value_name = "OUTPUT", conflicts_with_all = ["output", "stdout"])]
    pub output_file: Option<PathBuf>,
    /// Write the stream to FILE, as OUTPUT does. Example: -o out.lz4s
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub files: FileArgs,
    #[command(flatten)]
    pub format: FormatArgs,
    #[command(flatten)]
    pub encode: EncodeArgs,
}

/// `lz4s decompress [OPTIONS] [INPUT [OUTPUT]]`.
#[derive(Debug, Args)]
pub struct DecompressCommand {
    /// Stream file to decompress; `-` or nothing means stdin. Example:
    /// data.bin.lz4s
    #[arg(value_name = "INPUT")]
    pub input: Option<PathBuf>,
    /// File to write the data to; `-` means stdout. Default: INPUT without
    /// its .lz4s, or stdout when reading stdin. Example: data.bin
    #[arg(value_name = "OUTPUT", conflicts_with_all = ["output", "stdout"])]
    pub output_file: Option<PathBuf>,
    /// Write the data to FILE, as OUTPUT does. Example: -o data.bin
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Test: decompress and discard the data; exit status 1 when the stream
    /// is corrupt or truncated. Example: -t data.bin.lz4s
    #[arg(short = 't', long = "test", conflicts_with_all = ["output", "output_file", "stdout", "rm"])]
    pub test: bool,
    #[command(flatten)]
    pub files: FileArgs,
    #[command(flatten)]
    pub format: FormatArgs,
}

/// Where output goes and how to talk about it: the same for every operation.
#[derive(Debug, Args)]
pub struct FileArgs {
    /// Write to stdout; several inputs are written one after the other.
    /// Example: -c
    #[arg(
        short = 'c',
        long = "stdout",
        visible_alias = "to-stdout",
        conflicts_with = "output"
    )]
    pub stdout: bool,
    /// Replace an existing output file (without -f one is never touched; a
    /// device or FIFO is written into, a symlink's target is replaced);
    /// also lets compressed data go to, or come from, a terminal. Example: -f
    #[arg(short, long)]
    pub force: bool,
    /// Keep each input: the default, for habit's sake. Example: -k
    #[arg(short, long, overrides_with = "rm")]
    pub keep: bool,
    /// Remove each input file once its output file is complete (not when
    /// the output is stdout or not a regular file). Example: --rm
    #[arg(long, overrides_with = "keep")]
    pub rm: bool,
    /// Print nothing but errors (no progress display, no warnings).
    /// Example: -q
    #[arg(short, long, overrides_with = "verbose")]
    pub quiet: bool,
    /// Print a summary line per input when done: sizes, ratio, time and
    /// MB/s of uncompressed data. Example: -v
    #[arg(short, long, overrides_with = "quiet")]
    pub verbose: bool,
}

/// The stream format; both ends must use the same values.
#[derive(Debug, Args)]
pub struct FormatArgs {
    /// Page size: each block holds at most this much input (python-lz4's
    /// buffer_size). Bytes, or with a K (KiB) or M (MiB) suffix; 4 to 7 are
    /// lz4's block-size IDs (64K, 256K, 1M, 4M), 4B to 7B that many bytes.
    /// At most 239 with -p 1 and 65264 with -p 2. Example: -B 8192, -B 64K, -B6
    #[arg(
        short = 'B',
        long,
        value_name = "BYTES",
        default_value = "64K",
        value_parser = parse_page_size
    )]
    pub buffer_size: usize,
    /// Width of each block's little-endian size prefix, in bytes (python-lz4's
    /// store_comp_size). Example: -p 2
    #[arg(
        short = 'p',
        long,
        value_name = "1|2|4",
        default_value = "4",
        value_parser = parse_prefix
    )]
    pub prefix_bytes: SizePrefix,
    /// Preset dictionary file (python-lz4's dictionary); its last 64 KiB are
    /// used. Example: -D words.dict
    #[arg(short = 'D', long = "dict", value_name = "FILE")]
    pub dict: Option<PathBuf>,
}

/// How the encoder works: ignored when decompressing, as lz4 and zstd do,
/// except `--end-marker`, which only a writer can honour.
#[derive(Debug, Args)]
pub struct EncodeArgs {
    /// Compression level as lz4 1.10 numbers them, usually written -1 to
    /// -12: 1 is the fast default, 2 lz4's "mid" mode, 3 to 12 high
    /// compression (python-lz4's mode="high_compression"), slower to write
    /// and as fast to read; 9 is the usual choice. Example: -9
    #[arg(
        long,
        value_name = "1-12",
        value_parser = clap::value_parser!(u8).range(1..=12),
        overrides_with = "fast"
    )]
    pub level: Option<u8>,
    /// Fast mode with liblz4's acceleration N, 1 to 65537 (python-lz4's
    /// mode="fast"): larger values compress faster and less; N defaults to
    /// 1. Example: --fast=8
    #[arg(
        long,
        value_name = "N",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "1",
        overrides_with = "level"
    )]
    pub fast: Option<u32>,
    /// End the stream with a zero size prefix, as liblz4's double-buffer
    /// example does (python-lz4 cannot read it; lz4s can). Example: --end-marker
    #[arg(long)]
    pub end_marker: bool,
    /// What a block may refer to: `double` (the previous page only; what
    /// python-lz4 reads) or `ring` (the last 64 KiB, smaller with small pages;
    /// read by lz4s and liblz4's ring-buffer decoder, not by python-lz4).
    /// Decompressing reads both. Example: --strategy ring
    #[arg(long, value_name = "ring|double", default_value = "double", value_parser = parse_strategy)]
    pub strategy: Strategy,
    /// Compress on N threads, as lz4 -T and zstd -T do; 0 means one per
    /// core. The output is the same for every N from 2 up (and, from level
    /// 3 up, the same as with 1). Example: -T 0, -T 4
    #[arg(short = 'T', long, value_name = "N", default_value_t = 1)]
    pub threads: usize,
}

/// Rewrites lz4's level flags `-1` ... `-12` (any `-` followed only by
/// digits) as `--level=N`, which clap can parse: a short option cannot have
/// two digits. The value of an option given as the next argument (`-o -3`)
/// and everything after `--` are left alone.
pub fn expand_level_flags(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    const TAKES_VALUE: &[&str] = &[
        "-o",
        "--output",
        "-B",
        "--buffer-size",
        "-p",
        "--prefix-bytes",
        "-D",
        "--dict",
        "--level",
        "-T",
        "--threads",
    ];
    let mut out = Vec::new();
    let mut verbatim = false;
    let mut value_next = false;
    for arg in args {
        let text = arg.to_str().unwrap_or_default();
        let level = text
            .strip_prefix('-')
            .filter(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()));
        match level {
            Some(digits) if !verbatim && !value_next => {
                out.push(OsString::from(format!("--level={digits}")));
            }
            _ => out.push(arg.clone()),
        }
        verbatim |= text == "--";
        value_next = !verbatim && TAKES_VALUE.contains(&text);
    }
    out
}

impl FormatArgs {
    /// The library configuration these options describe, validated by the
    /// library (so the CLI accepts exactly what `StreamConfig` accepts).
    pub fn config(&self) -> Result<StreamConfig, Failure> {
        let config = self.unchecked_config();
        // A bad combination is a usage error, so report it before touching
        // the dictionary or any file.
        config
            .validate()
            .map_err(|err| Failure::Usage(err.to_string()))?;
        self.with_dictionary(config)
    }

    fn unchecked_config(&self) -> StreamConfig {
        StreamConfig::default()
            .buffer_size(self.buffer_size)
            .size_prefix(self.prefix_bytes)
    }

    fn with_dictionary(&self, config: StreamConfig) -> Result<StreamConfig, Failure> {
        match &self.dict {
            None => Ok(config),
            Some(path) => {
                let dictionary = read_dictionary(path).map_err(|err| {
                    Failure::Runtime(format!("{} (dictionary): {}", path.display(), err))
                })?;
                Ok(config.dictionary(dictionary))
            }
        }
    }
}

impl EncodeArgs {
    /// The compression mode these options select: lz4 1.10's numbering,
    /// where level 1 is the default fast mode and 2 to 12 go to the
    /// high-compression encoder (whose levels 1 and 2 are its "mid" mode).
    pub fn mode(&self) -> CompressionMode {
        match (self.fast, self.level) {
            (Some(acceleration), _) => CompressionMode::Fast { acceleration },
            (None, None | Some(1)) => CompressionMode::Default,
            (None, Some(level)) => CompressionMode::High { level },
        }
    }

    /// The writer's configuration: the format plus these encoder settings,
    /// every range checked before the dictionary or any file is touched.
    pub fn config(&self, format: &FormatArgs) -> Result<StreamConfig, Failure> {
        let config = format
            .unchecked_config()
            .end_marker(self.end_marker)
            .mode(self.mode())
            .strategy(self.strategy)
            .workers(self.threads);
        config
            .validate()
            .map_err(|err| Failure::Usage(err.to_string()))?;
        format.with_dictionary(config)
    }
}

/// Reads the last [`WINDOW_SIZE`] bytes of `path`, all an LZ4 match can reach,
/// streaming through the file so that memory stays bounded even for a huge
/// dictionary or one that is a pipe.
fn read_dictionary(path: &Path) -> io::Result<Vec<u8>> {
    let mut file = File::open(path)?;
    let mut tail = Vec::with_capacity(2 * WINDOW_SIZE);
    let mut chunk = vec![0u8; WINDOW_SIZE];
    loop {
        let n = match file.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        tail.extend_from_slice(&chunk[..n]);
        if tail.len() > WINDOW_SIZE {
            tail.drain(..tail.len() - WINDOW_SIZE);
        }
    }
    Ok(tail)
}

/// lz4's block-size IDs (`-B4` ... `-B7`) and the sizes they stand for.
const BLOCK_SIZE_IDS: [(usize, usize); 4] =
    [(4, 64 << 10), (5, 256 << 10), (6, 1 << 20), (7, 4 << 20)];

/// Parses `-B`: one of lz4's block-size IDs 4 to 7, or a byte count (`7B`
/// is seven bytes).
pub fn parse_page_size(text: &str) -> Result<usize, String> {
    let size = parse_size(text)?;
    Ok(BLOCK_SIZE_IDS
        .iter()
        .find(|&&(id, _)| id == size && text.bytes().all(|b| b.is_ascii_digit()))
        .map_or(size, |&(_, bytes)| bytes))
}

/// Parses a byte count with an optional `B` (bytes), `K` (KiB) or `M` (MiB)
/// suffix.
pub fn parse_size(text: &str) -> Result<usize, String> {
    let usage = || {
        format!("'{text}' is not a size: give bytes, optionally with a B (bytes), K (KiB) or M (MiB) suffix, such as 8192, 64K or 4M")
    };
    let (digits, multiplier) = match text.char_indices().last() {
        Some((i, 'B' | 'b')) => (&text[..i], 1),
        Some((i, 'K' | 'k')) => (&text[..i], 1024),
        Some((i, 'M' | 'm')) => (&text[..i], 1024 * 1024),
        _ => (text, 1),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(usage());
    }
    digits
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(multiplier))
        .ok_or_else(|| format!("'{text}' is too large for a page size"))
}

/// Parses a size-prefix width: 1, 2 or 4 bytes.
pub fn parse_prefix(text: &str) -> Result<SizePrefix, String> {
    match text {
        "1" => Ok(SizePrefix::U8),
        "2" => Ok(SizePrefix::U16),
        "4" => Ok(SizePrefix::U32),
        "0" => Err("0 (block sizes kept out of band) cannot be used in a file: a stream file needs in-band size prefixes of 1, 2 or 4 bytes".to_string()),
        _ => Err(format!("'{text}' is not a prefix width: use 1, 2 or 4 (bytes)")),
    }
}

/// Parses a history strategy: `ring` or `double` (python-lz4's names
/// `ring_buffer` and `double_buffer` too).
pub fn parse_strategy(text: &str) -> Result<Strategy, String> {
    match text {
        "ring" | "ring_buffer" => Ok(Strategy::RingBuffer),
        "double" | "double_buffer" => Ok(Strategy::DoubleBuffer),
        _ => Err(format!(
            "'{text}' is not a strategy: use ring (64 KiB of history) or double (the previous page, python-lz4's)"
        )),
    }
}

/// The default output name when compressing: INPUT with `.lz4s` appended.
pub fn compressed_name(input: &Path) -> PathBuf {
    let mut name = OsString::from(input.as_os_str());
    name.push(".lz4s");
    PathBuf::from(name)
}

/// The default output name when decompressing: INPUT without its `.lz4s`
/// suffix, or why there is none.
pub fn decompressed_name(input: &Path) -> Result<PathBuf, String> {
    match input.file_name().and_then(strip_lz4s) {
        Some(stem) if !stem.is_empty() => Ok(input.with_file_name(stem)),
        _ => Err(format!(
            "{}: the name does not end in .lz4s, so there is no default output name; give an output file (-o FILE, or OUTPUT with the decompress subcommand) or -c for stdout",
            input.display()
        )),
    }
}

/// `name` without its `.lz4s` suffix, if it has one; a name that is not
/// UTF-8 (which Unix allows) too.
fn strip_lz4s(name: &std::ffi::OsStr) -> Option<OsString> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::{OsStrExt, OsStringExt};
        let stem = name.as_bytes().strip_suffix(b".lz4s")?;
        Some(OsString::from_vec(stem.to_vec()))
    }
    #[cfg(not(unix))]
    {
        name.to_str()?.strip_suffix(".lz4s").map(OsString::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use lz4_stream::DEFAULT_BUFFER_SIZE;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(expand_level_flags(args.iter().map(OsString::from)))
    }

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn default_page_size_is_the_library_default() {
        let cli = parse(&["lz4s", "compress"]).unwrap();
        let Some(Command::Compress(args)) = cli.command else {
            panic!("parsed the wrong subcommand")
        };
        assert_eq!(args.format.buffer_size, DEFAULT_BUFFER_SIZE);
        assert_eq!(args.format.prefix_bytes, SizePrefix::default());
        assert_eq!(
            args.encode.config(&args.format).unwrap(),
            StreamConfig::default()
        );
        let cli = parse(&["lz4s", "file"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.top.files, [PathBuf::from("file")]);
        assert_eq!(cli.top.format.buffer_size, DEFAULT_BUFFER_SIZE);
    }

    #[test]
    fn threads() {
        let workers = |args: &[&str]| {
            let cli = parse(args).unwrap();
            match cli.command {
                Some(Command::Compress(args)) => args.encode.config(&args.format),
                None => cli.top.encode.config(&cli.top.format),
                Some(Command::Decompress(_)) => panic!("parsed the wrong subcommand"),
            }
            .map(|config| config.get_workers())
        };
        assert_eq!(workers(&["lz4s", "compress"]).unwrap(), 1);
        assert_eq!(workers(&["lz4s", "compress", "-T", "0"]).unwrap(), 0);
        assert_eq!(workers(&["lz4s", "--threads", "4", "f"]).unwrap(), 4);
        assert_eq!(workers(&["lz4s", "-9", "-T", "3", "f"]).unwrap(), 3);
        match workers(&["lz4s", "-T", "100000", "f"]) {
            Err(Failure::Usage(message)) => assert!(message.contains("workers"), "{message}"),
            other => panic!("accepted 100000 threads: {other:?}"),
        }
        match workers(&["lz4s", "-T", "2", "--strategy", "ring", "f"]) {
            Err(Failure::Usage(message)) => assert!(message.contains("RingBuffer"), "{message}"),
            other => panic!("accepted threads with the ring buffer: {other:?}"),
        }
        assert!(parse(&["lz4s", "-T", "-1", "f"]).is_err());
        assert!(parse(&["lz4s", "decompress", "-T", "2"]).is_err());
    }

    #[test]
    fn level_flags_become_level_options() {
        let expand = |args: &[&str]| -> Vec<String> {
            expand_level_flags(args.iter().map(OsString::from))
                .into_iter()
                .map(|a| a.into_string().unwrap())
                .collect()
        };
        assert_eq!(
            expand(&["lz4s", "-9", "-12", "-1", "f"]),
            ["lz4s", "--level=9", "--level=12", "--level=1", "f"]
        );
        // Values of options and anything after -- are file names.
        assert_eq!(
            expand(&["lz4s", "-o", "-3", "-D", "-4", "-B", "-5", "--", "-6"]),
            ["lz4s", "-o", "-3", "-D", "-4", "-B", "-5", "--", "-6"]
        );
        assert_eq!(
            expand(&["lz4s", "-", "-x1", "-1a"]),
            ["lz4s", "-", "-x1", "-1a"]
        );
    }

    #[test]
    fn levels_follow_lz4() {
        let mode = |args: &[&str]| {
            let mut all = vec!["lz4s"];
            all.extend_from_slice(args);
            all.push("file");
            parse(&all).unwrap().top.encode.mode()
        };
        assert_eq!(mode(&[]), CompressionMode::Default);
        assert_eq!(mode(&["-1"]), CompressionMode::Default);
        assert_eq!(mode(&["-2"]), CompressionMode::High { level: 2 });
        assert_eq!(mode(&["-9"]), CompressionMode::High { level: 9 });
        assert_eq!(mode(&["-12"]), CompressionMode::High { level: 12 });
        assert_eq!(mode(&["--fast"]), CompressionMode::Fast { acceleration: 1 });
        assert_eq!(
            mode(&["--fast=8"]),
            CompressionMode::Fast { acceleration: 8 }
        );
        // The last of a level and --fast wins, as in lz4.
        assert_eq!(
            mode(&["-9", "--fast=3"]),
            CompressionMode::Fast { acceleration: 3 }
        );
        assert_eq!(
            mode(&["--fast=3", "-9"]),
            CompressionMode::High { level: 9 }
        );
        assert_eq!(mode(&["-3", "-9"]), CompressionMode::High { level: 9 });
        for bad in [&["lz4s", "-0"][..], &["lz4s", "-13"], &["lz4s", "--fast=x"]] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn page_sizes() {
        assert_eq!(parse_page_size("4"), Ok(64 << 10));
        assert_eq!(parse_page_size("5"), Ok(256 << 10));
        assert_eq!(parse_page_size("6"), Ok(1 << 20));
        assert_eq!(parse_page_size("7"), Ok(4 << 20));
        assert_eq!(parse_page_size("3"), Ok(3));
        assert_eq!(parse_page_size("8"), Ok(8));
        assert_eq!(parse_page_size("4K"), Ok(4096));
        assert_eq!(parse_page_size("7B"), Ok(7));
        assert_eq!(parse_page_size("4b"), Ok(4));
        assert_eq!(parse_page_size("239"), Ok(239));
        assert!(parse_page_size("7x").is_err());
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1"), Ok(1));
        assert_eq!(parse_size("239"), Ok(239));
        assert_eq!(parse_size("64K"), Ok(65_536));
        assert_eq!(parse_size("64k"), Ok(65_536));
        assert_eq!(parse_size("4M"), Ok(4 << 20));
        assert_eq!(parse_size("100B"), Ok(100));
        assert_eq!(parse_size("0"), Ok(0)); // rejected later by the library
        for bad in ["", "K", "B", "-1", "1.5K", "64KB", "0x100", " 64", "1G"] {
            assert!(parse_size(bad).is_err(), "{bad:?} accepted");
        }
        assert!(parse_size("99999999999999999999")
            .unwrap_err()
            .contains("too large"));
        assert!(parse_size(&format!("{}M", usize::MAX / 1024))
            .unwrap_err()
            .contains("too large"));
    }

    #[test]
    fn prefixes() {
        assert_eq!(parse_prefix("1"), Ok(SizePrefix::U8));
        assert_eq!(parse_prefix("2"), Ok(SizePrefix::U16));
        assert_eq!(parse_prefix("4"), Ok(SizePrefix::U32));
        assert!(parse_prefix("0").unwrap_err().contains("out of band"));
        assert!(parse_prefix("3").is_err());
        assert!(parse_prefix("04").is_err());
    }

    #[test]
    fn strategies() {
        assert_eq!(parse_strategy("ring"), Ok(Strategy::RingBuffer));
        assert_eq!(parse_strategy("ring_buffer"), Ok(Strategy::RingBuffer));
        assert_eq!(parse_strategy("double"), Ok(Strategy::DoubleBuffer));
        assert!(parse_strategy("triple").unwrap_err().contains("use ring"));
        for args in [
            &["lz4s", "compress", "--strategy", "ring"][..],
            &["lz4s", "--strategy", "ring", "f"],
        ] {
            let cli = parse(args).unwrap();
            let encode = match &cli.command {
                Some(Command::Compress(args)) => &args.encode,
                None => &cli.top.encode,
                Some(Command::Decompress(_)) => panic!("parsed the wrong subcommand"),
            };
            let format = match &cli.command {
                Some(Command::Compress(args)) => &args.format,
                _ => &cli.top.format,
            };
            assert_eq!(
                encode.config(format).unwrap().get_strategy(),
                Strategy::RingBuffer
            );
        }
    }

    #[test]
    fn output_names() {
        assert_eq!(
            compressed_name(Path::new("dir/a.txt")),
            Path::new("dir/a.txt.lz4s")
        );
        assert_eq!(
            decompressed_name(Path::new("dir/a.txt.lz4s")),
            Ok(PathBuf::from("dir/a.txt"))
        );
        assert_eq!(
            decompressed_name(Path::new("a.lz4s.lz4s")),
            Ok(PathBuf::from("a.lz4s"))
        );
        for bad in ["a.txt", "dir.lz4s/a", ".lz4s", "a.LZ4S", "a.lz4"] {
            let err = decompressed_name(Path::new(bad)).unwrap_err();
            assert!(err.contains("does not end in .lz4s"), "{bad}: {err}");
        }
    }

    #[test]
    fn dictionary_keeps_the_last_window() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dict");
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        assert_eq!(
            read_dictionary(&path).unwrap(),
            &data[data.len() - WINDOW_SIZE..]
        );
        std::fs::write(&path, &data[..100]).unwrap();
        assert_eq!(read_dictionary(&path).unwrap(), &data[..100]);
    }
}
