//! Helpers shared by the integration tests.
#![allow(dead_code)]

#[cfg(any(feature = "tokio", feature = "futures-io"))]
pub mod chaos;
#[cfg(any(feature = "tokio", feature = "futures-io"))]
pub mod chaos_io;
pub mod liblz4;
mod sample;

pub use sample::sample;

use std::fs;
use std::path::{Path, PathBuf};

use std::io::{Read, Write};

use lz4_stream::{Lz4StreamReader, Lz4StreamWriter, SizePrefix, StreamConfig};

/// Each in-band block's lengths, "uncompressed compressed" a line, as the
/// python-lz4 manifest's `blocks` file has them.
pub fn block_lengths(config: &StreamConfig, stream: &[u8]) -> String {
    let sizes = lz4_stream::block::Decompressor::new(config.clone()).unwrap();
    let mut decoder = lz4_stream::block::Decompressor::new(config.clone()).unwrap();
    let mut lines = String::new();
    let mut at = 0;
    while at < stream.len() {
        let block = sizes.get_block(&stream[at..]).unwrap();
        let raw = decoder.decompress(block).unwrap().len();
        lines.push_str(&format!("{raw} {}\n", block.len()));
        at += sizes.prefix_width() + block.len();
    }
    lines
}

/// Writes one stream for `tools/pylz4_vectors.py check` to `dir` (its input,
/// stream, block lengths and dictionary, as `{name}.*`) and returns its
/// manifest entry. `mode` is python-lz4's (mode, acceleration,
/// compression_level).
pub fn write_python_case(
    dir: &Path,
    name: &str,
    config: &StreamConfig,
    data: &[u8],
    stream: &[u8],
    blocks: &str,
    (mode, acceleration, level): (&str, u32, u32),
) -> String {
    fs::write(dir.join(format!("{name}.in")), data).unwrap();
    fs::write(dir.join(format!("{name}.lz4s")), stream).unwrap();
    fs::write(dir.join(format!("{name}.blocks")), blocks).unwrap();
    let dict = match config.get_dictionary() {
        Some(dict) => {
            fs::write(dir.join(format!("{name}.dict")), dict).unwrap();
            format!("\"{name}.dict\"")
        }
        None => "null".into(),
    };
    let page = config.get_buffer_size();
    let width = config.get_size_prefix().width();
    format!(
        r#" {{"name": "{name}", "buffer_size": {page}, "store_comp_size": {width}, "mode": "{mode}", "acceleration": {acceleration}, "compression_level": {level}, "dictionary": {dict}, "blocks": "{name}.blocks"}}"#
    )
}

/// Writes the manifest of the cases [`write_python_case`] wrote.
pub fn write_python_manifest(dir: &Path, entries: &[String]) {
    fs::write(
        dir.join("manifest.json"),
        format!("[\n{}\n]\n", entries.join(",\n")),
    )
    .unwrap();
}

/// `data` through `Lz4StreamWriter` in one `write_all`, then `finish`.
pub fn compress(config: &StreamConfig, data: &[u8]) -> Vec<u8> {
    let mut writer = Lz4StreamWriter::with_config(Vec::new(), config.clone()).unwrap();
    writer.write_all(data).unwrap();
    writer.finish().unwrap()
}

/// A whole stream through `Lz4StreamReader::read_to_end`; panics on an error.
pub fn decompress(config: &StreamConfig, stream: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    Lz4StreamReader::with_config(stream, config.clone())
        .unwrap()
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// One stream of `tests/data/python-lz4`, as its manifest describes it.
#[derive(Debug, Clone)]
pub struct Vector {
    pub name: String,
    pub buffer_size: usize,
    pub store_comp_size: usize,
    pub mode: String,
    pub dictionary: Option<Vec<u8>>,
    pub input: Vec<u8>,
    pub stream: Vec<u8>,
    /// (uncompressed, compressed) length of each block, prefix excluded.
    pub blocks: Vec<(usize, usize)>,
}

impl Vector {
    pub fn config(&self) -> StreamConfig {
        let mut config = StreamConfig::default()
            .buffer_size(self.buffer_size)
            .size_prefix(SizePrefix::from_bytes(self.store_comp_size).unwrap());
        if let Some(dict) = &self.dictionary {
            config = config.dictionary(dict.clone());
        }
        config
    }
}

pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// Every vector python-lz4 wrote (`tests/data/python-lz4`).
pub fn python_vectors() -> Vec<Vector> {
    load_vectors(&data_dir().join("python-lz4"))
}

/// The vectors of a directory in `tools/pylz4_vectors.py`'s layout.
pub fn load_vectors(dir: &Path) -> Vec<Vector> {
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    manifest
        .as_array()
        .unwrap()
        .iter()
        .map(|case| {
            let name = case["name"].as_str().unwrap().to_string();
            let read = |file: &str| fs::read(dir.join(file)).unwrap();
            let blocks = String::from_utf8(read(case["blocks"].as_str().unwrap()))
                .unwrap()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| {
                    let mut it = l.split_whitespace().map(|n| n.parse::<usize>().unwrap());
                    (it.next().unwrap(), it.next().unwrap())
                })
                .collect();
            Vector {
                buffer_size: case["buffer_size"].as_u64().unwrap() as usize,
                store_comp_size: case["store_comp_size"].as_u64().unwrap() as usize,
                mode: case["mode"].as_str().unwrap().to_string(),
                dictionary: case["dictionary"].as_str().map(read),
                input: read(&format!("{name}.in")),
                stream: read(&format!("{name}.lz4s")),
                blocks,
                name,
            }
        })
        .collect()
}

/// A random configuration for the property tests: every prefix width,
/// small to default pages, an end marker or not, a dictionary or not.
pub fn random_config(rng: &mut Rng) -> StreamConfig {
    let (prefix, page) = *rng.pick(&[
        (SizePrefix::U8, 239),
        (SizePrefix::U16, 1000),
        (SizePrefix::U32, 4096),
        (SizePrefix::U32, 65_536),
    ]);
    let mut config = StreamConfig::default()
        .buffer_size(page)
        .size_prefix(prefix)
        .end_marker(rng.chance(40));
    if rng.chance(25) {
        config = config.dictionary(sample("text", 3000, 99));
    }
    config
}

/// A small deterministic generator for test schedules and configurations.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03 | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// Page sizes worth testing, from 1 byte to over 1 MiB.
pub const PAGE_SIZES: &[usize] = &[
    1,
    2,
    7,
    64,
    239,
    1000,
    4096,
    8192,
    65_264,
    65_536,
    100_000,
    (1 << 20) + 3,
];

/// A random valid configuration (in-band prefixes) with its data, sized so a
/// debug-build test stays fast: tiny pages get short streams.
pub fn random_case(rng: &mut Rng) -> (StreamConfig, Vec<u8>) {
    let prefix = *rng.pick(&[SizePrefix::U8, SizePrefix::U16, SizePrefix::U32]);
    let buffer_size = loop {
        let size = *rng.pick(PAGE_SIZES);
        let config = StreamConfig::default()
            .buffer_size(size)
            .size_prefix(prefix);
        if config.validate().is_ok() {
            break size;
        }
    };
    let mut config = StreamConfig::default()
        .buffer_size(buffer_size)
        .size_prefix(prefix);
    let kind = *rng.pick(&["random", "zeros", "text", "binary"]);
    let max_len = (buffer_size * 300).clamp(2_000, 400_000);
    let len = match rng.below(4) {
        0 => rng.below(16),
        1 => rng.below(max_len / 10 + 1),
        _ => rng.below(max_len + 1),
    };
    let seed = rng.next_u64();
    let data = sample(kind, len, seed);
    match rng.below(4) {
        0 => {}
        1 => config = config.dictionary(sample("text", 1 + rng.below(100), seed ^ 1)),
        2 => {
            // A dictionary the data really uses: a piece of the data itself.
            if !data.is_empty() {
                let start = rng.below(data.len());
                let end = (start + 1 + rng.below(70_000)).min(data.len());
                config = config.dictionary(&data[start..end]);
            }
        }
        _ => config = config.dictionary(sample(kind, 65_536 + rng.below(40_000), seed ^ 2)),
    }
    (config, data)
}

/// One LZ4 block's sequences: `(literals, offset, match length)`; the last has
/// no match. Panics on a malformed block (the tests' own strict parser).
pub fn sequences(block: &[u8]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    let length = |i: &mut usize, code: usize| {
        let mut len = code;
        if code == 15 {
            loop {
                let b = block[*i];
                *i += 1;
                len += usize::from(b);
                if b != 255 {
                    break;
                }
            }
        }
        len
    };
    loop {
        let token = usize::from(block[i]);
        i += 1;
        let literals = length(&mut i, token >> 4);
        i += literals;
        if i == block.len() {
            out.push((literals, 0, 0));
            return out;
        }
        let offset = usize::from(u16::from_le_bytes([block[i], block[i + 1]]));
        i += 2;
        let len = length(&mut i, token & 15) + 4;
        out.push((literals, offset, len));
    }
}
