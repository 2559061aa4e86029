//! Compresses a file into an LZ4 block stream (a temporary file), decompresses it again and checks
//! that the bytes match, printing sizes and speeds.
//!
//!     cargo run --release --example roundtrip -- FILE [BUFFER_SIZE]

use std::env;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read};
use std::process::ExitCode;
use std::time::Instant;

use lz4_stream::{Lz4StreamReader, Lz4StreamWriter, StreamConfig};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("roundtrip: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = env::args().skip(1);
    let path = args.next().ok_or("usage: roundtrip FILE [BUFFER_SIZE]")?;
    let buffer_size = match args.next() {
        Some(size) => size.parse()?,
        None => lz4_stream::DEFAULT_BUFFER_SIZE,
    };
    let config = StreamConfig::default().buffer_size(buffer_size);
    // The compressed copy goes to a temporary file, removed when done.
    let temp = tempfile::NamedTempFile::new()?;
    let compressed_path = temp.path().to_owned();

    let started = Instant::now();
    let mut input = BufReader::new(File::open(&path)?);
    let output = BufWriter::new(temp.reopen()?);
    let mut writer = Lz4StreamWriter::with_config(output, config.clone())?;
    let original_len = io::copy(&mut input, &mut writer)?;
    writer
        .finish()?
        .into_inner()
        .map_err(|e| e.into_error())?
        .sync_all()?;
    let compress_secs = started.elapsed().as_secs_f64();
    let compressed_len = std::fs::metadata(&compressed_path)?.len();

    let started = Instant::now();
    let compressed = BufReader::new(File::open(&compressed_path)?);
    let mut reader = Lz4StreamReader::with_config(compressed, config)?;
    let mut original = BufReader::new(File::open(&path)?);
    let (mut a, mut b) = (vec![0u8; 64 * 1024], vec![0u8; 64 * 1024]);
    let mut checked = 0u64;
    loop {
        let n = reader.read(&mut a)?;
        if n == 0 {
            break;
        }
        original.read_exact(&mut b[..n])?;
        if a[..n] != b[..n] {
            return Err(format!("decompressed data differs near byte {checked}").into());
        }
        checked += n as u64;
    }
    if checked != original_len || original.read(&mut b)? != 0 {
        return Err("decompressed length differs from the original".into());
    }
    let decompress_secs = started.elapsed().as_secs_f64();

    let mb = original_len as f64 / 1e6;
    println!(
        "{path}: {original_len} -> {compressed_len} bytes ({:.3}x)",
        compressed_len as f64 / original_len.max(1) as f64
    );
    println!(
        "compress {:.1} MB/s, decompress and compare {:.1} MB/s: round trip OK",
        mb / compress_secs,
        mb / decompress_secs
    );
    Ok(())
}
