//! Command-line arguments: the clap definitions and the parsers for sizes and
//! prefix widths.
//!
//! The options that describe the stream format (`-B`, `-p`, `-D`) live in one
//! struct shared by both subcommands, so compress and decompress cannot drift
//! apart. Options only the encoder understands (`--end-marker` now; compression
//! modes and levels later) go in [`CompressArgs`], and each maps onto the
//! library's configuration in one place, [`CompressArgs::config`].

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
dictionary (-D) given to decompress must be those the stream was written with.";

const EXAMPLES: &str = "\
Examples:
  lz4s compress data.bin                  writes data.bin.lz4s
  lz4s decompress data.bin.lz4s           writes data.bin
  lz4s decompress -f data.bin.lz4s copy   writes (or replaces) copy
  tar c dir | lz4s compress > dir.tar.lz4s
  lz4s decompress -B 8192 -p 2 -D words.dict msg.lz4s -

Exit status: 0 on success, 1 on a runtime error (unreadable, corrupt or
truncated input, an existing OUTPUT without -f, a write failure), 2 on a usage
error (bad option, invalid page size for the prefix width, INPUT without
.lz4s and no OUTPUT).";

const COMPRESS_EXAMPLES: &str = "\
Examples:
  lz4s compress data.bin                  writes data.bin.lz4s, keeps data.bin
  lz4s compress -B 8192 -p 2 data.bin     8 KiB pages, 2-byte size prefixes
  lz4s compress -D words.dict msg msg.lz4s
  lz4s compress --end-marker data.bin     readable by liblz4's double-buffer example
  lz4s compress -l 9 data.bin             high compression (smaller, slower to write)
  lz4s compress --fast 8 data.bin         faster, larger
  lz4s compress -B 1K --strategy ring msgs  small pages, 64 KiB of history
  producer | lz4s compress -v - out.lz4s  from stdin, with a summary line";

const DECOMPRESS_EXAMPLES: &str = "\
Examples:
  lz4s decompress data.bin.lz4s           writes data.bin, keeps data.bin.lz4s
  lz4s decompress data.bin.lz4s -         to stdout
  lz4s decompress -f data.bin.lz4s data.bin
  lz4s decompress -B 8192 -p 2 data.bin.lz4s
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
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The two jobs.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compress INPUT (default stdin) into an LZ4 block stream.
    #[command(after_help = COMPRESS_EXAMPLES)]
    Compress(CompressArgs),
    /// Decompress an LZ4 block stream.
    #[command(after_help = DECOMPRESS_EXAMPLES)]
    Decompress(DecompressArgs),
}

/// `lz4s compress`.
#[derive(Debug, Args)]
pub struct CompressArgs {
    #[command(flatten)]
    pub files: FileArgs,
    #[command(flatten)]
    pub format: FormatArgs,
    /// End the stream with a zero size prefix, as liblz4's double-buffer
    /// example does (python-lz4 cannot read it; lz4s can). Example: --end-marker
    #[arg(long)]
    pub end_marker: bool,
    /// Fast mode (python-lz4's mode="fast"): liblz4's acceleration, 1 to
    /// 65537; 1 is the default speed, larger values compress faster and
    /// less. Example: --fast 8
    #[arg(long, value_name = "N", conflicts_with = "level")]
    pub fast: Option<u32>,
    /// High-compression level, 1 to 12 (python-lz4's mode="high_compression"):
    /// slower to compress, smaller, and as fast to decompress; 9 is the usual
    /// choice, 10-12 the slowest and smallest. Example: -l 9
    #[arg(short = 'l', long, value_name = "N")]
    pub level: Option<u8>,
    /// What a block may refer to: `double` (the previous page only; what
    /// python-lz4 reads) or `ring` (the last 64 KiB, smaller with small pages;
    /// read by lz4s and liblz4's ring-buffer decoder, not by python-lz4).
    /// lz4s decompress reads both. Example: --strategy ring
    #[arg(long, value_name = "ring|double", default_value = "double", value_parser = parse_strategy)]
    pub strategy: Strategy,
}

/// `lz4s decompress`.
#[derive(Debug, Args)]
pub struct DecompressArgs {
    #[command(flatten)]
    pub files: FileArgs,
    #[command(flatten)]
    pub format: FormatArgs,
}

/// Where to read and write, and how to talk about it.
#[derive(Debug, Args)]
pub struct FileArgs {
    /// File to read; `-` or nothing means stdin. Example: data.bin
    #[arg(value_name = "INPUT")]
    pub input: Option<PathBuf>,
    /// File to write; `-` means stdout. Default: stdout when reading stdin,
    /// else INPUT.lz4s (compress) or INPUT without .lz4s (decompress).
    /// Example: out.lz4s
    #[arg(value_name = "OUTPUT")]
    pub output: Option<PathBuf>,
    /// Overwrite OUTPUT if it exists (without -f an existing file is never
    /// touched); compress also writes to stdout when it is a terminal.
    /// Example: -f
    #[arg(short, long)]
    pub force: bool,
    /// Keep INPUT. This is the default: lz4s never deletes its input; the
    /// option exists for gzip/lz4 muscle memory. Example: -k
    #[arg(short, long)]
    pub keep: bool,
    /// Print nothing but errors (no progress display). Example: -q
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print a summary line when done: sizes, ratio, time and MB/s of
    /// uncompressed data. Example: -v
    #[arg(short, long)]
    pub verbose: bool,
}

/// The stream format; both ends must use the same values.
#[derive(Debug, Args)]
pub struct FormatArgs {
    /// Page size: each block holds at most this much input (python-lz4's
    /// buffer_size). Bytes, or with a K (KiB) or M (MiB) suffix; at most 239
    /// with -p 1 and 65264 with -p 2. Example: -B 8192, -B 64K, -B 4M
    #[arg(
        short = 'B',
        long,
        value_name = "BYTES",
        default_value = "64K",
        value_parser = parse_size
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

impl FormatArgs {
    /// The library configuration these options describe, validated by the
    /// library (so the CLI accepts exactly what `StreamConfig` accepts).
    pub fn config(&self) -> Result<StreamConfig, Failure> {
        let config = StreamConfig::default()
            .buffer_size(self.buffer_size)
            .size_prefix(self.prefix_bytes);
        // A bad combination is a usage error, so report it before touching
        // the dictionary or any file.
        config
            .validate()
            .map_err(|err| Failure::Usage(err.to_string()))?;
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

impl CompressArgs {
    /// The writer's configuration: the format plus encoder-only settings.
    pub fn config(&self) -> Result<StreamConfig, Failure> {
        let mode = match (self.fast, self.level) {
            (Some(acceleration), _) => CompressionMode::Fast { acceleration },
            (None, Some(level)) => CompressionMode::High { level },
            (None, None) => CompressionMode::Default,
        };
        // An out-of-range level is a usage error, reported before the
        // dictionary or any file is touched.
        StreamConfig::default()
            .mode(mode)
            .validate()
            .map_err(|err| Failure::Usage(err.to_string()))?;
        Ok(self
            .format
            .config()?
            .end_marker(self.end_marker)
            .mode(mode)
            .strategy(self.strategy))
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

/// Parses a byte count with an optional `K` (KiB) or `M` (MiB) suffix.
pub fn parse_size(text: &str) -> Result<usize, String> {
    let usage = || {
        format!("'{text}' is not a size: give bytes, optionally with a K (KiB) or M (MiB) suffix, such as 8192, 64K or 4M")
    };
    let (digits, multiplier) = match text.char_indices().last() {
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

/// `INPUT` and `OUTPUT` as given; `-` stands for stdin / stdout.
pub fn is_std(path: &Option<PathBuf>) -> bool {
    match path {
        None => true,
        Some(path) => path.as_os_str() == "-",
    }
}

/// The default output name for `compress`: INPUT with `.lz4s` appended.
pub fn compressed_name(input: &Path) -> PathBuf {
    let mut name = OsString::from(input.as_os_str());
    name.push(".lz4s");
    PathBuf::from(name)
}

/// The default output name for `decompress`: INPUT without its `.lz4s`
/// suffix, or why there is none.
pub fn decompressed_name(input: &Path) -> Result<PathBuf, String> {
    let file_name = input.file_name().and_then(|n| n.to_str());
    match file_name.and_then(|n| n.strip_suffix(".lz4s")) {
        Some(stem) if !stem.is_empty() => Ok(input.with_file_name(stem)),
        _ => Err(format!(
            "{}: the name does not end in .lz4s, so there is no default output name; give OUTPUT (or - for stdout)",
            input.display()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use lz4_stream::DEFAULT_BUFFER_SIZE;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn default_page_size_is_the_library_default() {
        let cli = Cli::try_parse_from(["lz4s", "compress"]).unwrap();
        let Command::Compress(args) = cli.command else {
            panic!("parsed the wrong subcommand")
        };
        assert_eq!(args.format.buffer_size, DEFAULT_BUFFER_SIZE);
        assert_eq!(args.format.prefix_bytes, SizePrefix::default());
        assert_eq!(args.config().unwrap(), StreamConfig::default());
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1"), Ok(1));
        assert_eq!(parse_size("239"), Ok(239));
        assert_eq!(parse_size("64K"), Ok(65_536));
        assert_eq!(parse_size("64k"), Ok(65_536));
        assert_eq!(parse_size("4M"), Ok(4 << 20));
        assert_eq!(parse_size("0"), Ok(0)); // rejected later by the library
        for bad in ["", "K", "-1", "1.5K", "64KB", "0x100", " 64", "1G"] {
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
        let cli = Cli::try_parse_from(["lz4s", "compress", "--strategy", "ring"]).unwrap();
        let Command::Compress(args) = cli.command else {
            panic!("parsed the wrong subcommand")
        };
        assert_eq!(args.config().unwrap().get_strategy(), Strategy::RingBuffer);
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
