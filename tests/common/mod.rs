//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use lz4_stream::{SizePrefix, StreamConfig};

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
    let dir = data_dir().join("python-lz4");
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

/// Deterministic test data of several kinds (a small xorshift generator, so
/// tests need no RNG crate and failures reproduce).
pub fn sample(kind: &str, len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    const WORDS: &[&str] = &[
        "the", "stream", "block", "of", "page", "buffer", "and", "lz4", "window", "data", "reader",
        "writer", "to", "history", "match", "literal", "a", "offset",
    ];
    let mut out = Vec::with_capacity(len + 16);
    match kind {
        "random" => {
            while out.len() < len {
                out.extend_from_slice(&next().to_le_bytes());
            }
        }
        "zeros" => out.resize(len, 0),
        "text" => {
            while out.len() < len {
                let r = next();
                // Skewed word choice, like natural text.
                let idx = ((r % 1000) * (r % 1000) * WORDS.len() as u64 / 1_000_000) as usize;
                out.extend_from_slice(WORDS[idx.min(WORDS.len() - 1)].as_bytes());
                out.push(if r % 17 == 0 { b'\n' } else { b' ' });
            }
        }
        "binary" => {
            // Little-endian records with slowly changing fields.
            let mut x = 0u32;
            while out.len() < len {
                x = x.wrapping_add((next() % 7) as u32);
                out.extend_from_slice(&x.to_le_bytes());
                out.extend_from_slice(&[(next() % 4) as u8, 0, 0, 1]);
            }
        }
        other => panic!("unknown sample kind {other}"),
    }
    out.truncate(len);
    out
}
