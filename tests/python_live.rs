//! The live python-lz4 round trip, run by `.ci/python-interop.sh` after it
//! builds python-lz4 with `lz4.stream`:
//!
//! - `write_streams_for_python` writes streams of ours (writer and block API,
//!   every prefix width, pages of 1 byte to over 1 MiB, dictionaries, empty
//!   chunks, flushes, and the multi-threaded writer with 2 to 8 workers in
//!   every mode) in `tools/pylz4_vectors.py`'s layout into
//!   `$LZ4S_INTEROP_OUT`, for `pylz4_vectors.py check` to decode;
//! - `read_streams_from_python` decodes every stream python-lz4 wrote into
//!   `$LZ4S_INTEROP_IN` with `pylz4_vectors.py make`.
//!
//! Both are `#[ignore]`d: they need those directories.

mod common;

use std::fmt::Write as _;
use std::fs;
use std::io::{Read, Write};
use std::path::PathBuf;

use common::Rng;
use lz4_stream::block::{Compressor, Decompressor};
use lz4_stream::{CompressionMode, Lz4StreamReader, Lz4StreamWriter, SizePrefix};

fn env_dir(name: &str) -> PathBuf {
    PathBuf::from(std::env::var_os(name).unwrap_or_else(|| panic!("set {name} to a directory")))
}

#[test]
#[ignore = "needs LZ4S_INTEROP_OUT; run by .ci/python-interop.sh"]
fn write_streams_for_python() {
    let dir = env_dir("LZ4S_INTEROP_OUT");
    fs::create_dir_all(&dir).unwrap();
    let mut manifest = Vec::new();
    let mut rng = Rng::new(2024);
    for case in 0..80 {
        let (mut config, data) = common::random_case(&mut rng);
        // A quarter of the cases go through the block API, out-of-band sizes
        // and empty chunks included; the rest through the writer.
        let block_api = case % 4 == 0;
        if block_api && rng.chance(40) {
            config = config.size_prefix(SizePrefix::OutOfBand);
        }
        let width = config.get_size_prefix().width();
        let page = config.get_buffer_size();
        let mut stream = Vec::new();
        let mut blocks = String::new();
        if block_api {
            let mut c = Compressor::new(config.clone()).unwrap();
            let mut offset = 0;
            while offset < data.len() {
                let n = match rng.below(4) {
                    0 => 0,
                    1 => page,
                    _ => 1 + rng.below(page),
                }
                .min(data.len() - offset);
                let block = c.compress(&data[offset..offset + n]).unwrap();
                writeln!(blocks, "{} {}", n, block.len() - width).unwrap();
                stream.extend_from_slice(block);
                offset += n;
            }
        } else {
            let mut writer = Lz4StreamWriter::with_config(&mut stream, config.clone()).unwrap();
            let mut offset = 0;
            while offset < data.len() {
                let n = (1 + rng.below(page * 2)).min(data.len() - offset);
                writer.write_all(&data[offset..offset + n]).unwrap();
                offset += n;
                if rng.chance(10) {
                    writer.flush().unwrap();
                }
            }
            writer.finish().unwrap();
            blocks = common::block_lengths(&config, &stream);
        }
        let name = format!("rust{case:03}_b{page}_p{width}");
        manifest.push(common::write_python_case(
            &dir,
            &name,
            &config,
            &data,
            &stream,
            &blocks,
            ("default", 1, 9),
        ));
    }
    // The multi-threaded writer: every block must still refer only to the
    // chunk before it, which is all python-lz4's decoder keeps.
    for case in 0..24 {
        let (config, data) = common::random_case(&mut rng);
        let (mode, python_mode) = match case % 4 {
            0 => (CompressionMode::Default, ("default", 1, 9)),
            1 => (CompressionMode::Fast { acceleration: 8 }, ("fast", 8, 9)),
            2 => (
                CompressionMode::High { level: 2 },
                ("high_compression", 1, 2),
            ),
            _ => (
                CompressionMode::High { level: 9 },
                ("high_compression", 1, 9),
            ),
        };
        let workers = 2 + rng.below(7);
        let config = config.mode(mode).workers(workers);
        let page = config.get_buffer_size();
        let mut stream = Vec::new();
        let mut writer = Lz4StreamWriter::with_config(&mut stream, config.clone()).unwrap();
        let mut offset = 0;
        while offset < data.len() {
            let n = (1 + rng.below(page * 3)).min(data.len() - offset);
            writer.write_all(&data[offset..offset + n]).unwrap();
            offset += n;
            if rng.chance(10) {
                writer.flush().unwrap();
            }
        }
        writer.finish().unwrap();
        let blocks = common::block_lengths(&config, &stream);
        let width = config.get_size_prefix().width();
        let name = format!("rustparallel{case:03}_w{workers}_b{page}_p{width}");
        manifest.push(common::write_python_case(
            &dir,
            &name,
            &config,
            &data,
            &stream,
            &blocks,
            python_mode,
        ));
    }
    common::write_python_manifest(&dir, &manifest);
    // Our own reader agrees before python-lz4 is asked.
    let written = common::load_vectors(&dir);
    assert_eq!(written.len(), manifest.len());
    for v in written.iter().filter(|v| v.store_comp_size != 0) {
        let mut out = Vec::new();
        Lz4StreamReader::with_config(&v.stream[..], v.config())
            .unwrap()
            .read_to_end(&mut out)
            .unwrap();
        assert!(out == v.input, "{}", v.name);
    }
    println!("wrote {} streams to {}", manifest.len(), dir.display());
}

#[test]
#[ignore = "needs LZ4S_INTEROP_IN; run by .ci/python-interop.sh"]
fn read_streams_from_python() {
    let dir = env_dir("LZ4S_INTEROP_IN");
    let vectors = common::load_vectors(&dir);
    assert!(vectors.len() >= 20, "too few cases in {}", dir.display());
    for v in &vectors {
        let out = if v.store_comp_size == 0 {
            let mut d = Decompressor::new(v.config()).unwrap();
            let mut offset = 0;
            let mut out = Vec::new();
            for &(_, len) in &v.blocks {
                out.extend_from_slice(d.decompress(&v.stream[offset..offset + len]).unwrap());
                offset += len;
            }
            out
        } else {
            let mut out = Vec::new();
            Lz4StreamReader::with_config(&v.stream[..], v.config())
                .unwrap()
                .read_to_end(&mut out)
                .unwrap_or_else(|e| panic!("{}: {e}", v.name));
            out
        };
        assert!(out == v.input, "{}: decoded bytes differ", v.name);
    }
    println!(
        "decoded {} python-lz4 streams from {}",
        vectors.len(),
        dir.display()
    );
}
