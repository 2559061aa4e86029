//! Writes the seed corpora in `fuzz/seeds/<target>/` from the python-lz4
//! vectors in `tests/data/python-lz4` and from small streams this crate
//! writes. `.ci/fuzz.sh` copies them into `fuzz/corpus/` before fuzzing.
//!
//!     cd fuzz && cargo run --example make_seeds
//!
//! Each seed is a [`Header`] selecting the stream's exact configuration,
//! followed by what the target reads: empty plans and fault schedules (so the
//! first run is the plain case) and the stream or the data.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use lz4_stream::{Lz4StreamWriter, SizePrefix, StreamConfig};
use lz4_stream_fuzz::setup::{self, patterned, Header};

/// Seeds stay small: libFuzzer's default input limit follows the largest seed.
const MAX_SEED_STREAM: usize = 24 * 1024;
const MAX_SEED_DATA: usize = 12 * 1024;
const MAX_SEED_DICT: usize = 4096;
/// Where the header's free byte (`Header::misc`) sits.
const MISC: usize = 7;

struct Case {
    name: String,
    prefix: SizePrefix,
    page: usize,
    dictionary: Vec<u8>,
    end_marker: bool,
    /// The header's mode byte (see `setup::mode`).
    mode: u8,
    data: Vec<u8>,
    /// The compressed stream (in-band prefixes), when there is one.
    stream: Option<Vec<u8>>,
}

impl Case {
    fn header(&self) -> Vec<u8> {
        let mut header = Header::exact(
            self.prefix,
            self.page,
            self.dictionary.len() as u16,
            self.end_marker,
        );
        header.mode = self.mode;
        let mut out = header.encode().to_vec();
        out.extend_from_slice(&self.dictionary);
        out
    }
}

fn main() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR"));
    let vectors = fuzz.join("../tests/data/python-lz4");
    let mut cases = python_cases(&vectors);
    cases.extend(generated_cases());
    let seeds = fuzz.join("seeds");
    for target in [
        "reader",
        "block_decompress",
        "roundtrip",
        "truncation",
        "differential",
        "async_adapters",
    ] {
        let dir = seeds.join(target);
        if dir.exists() {
            fs::remove_dir_all(&dir).unwrap();
        }
        fs::create_dir_all(&dir).unwrap();
    }
    let write = |target: &str, name: &str, bytes: Vec<u8>| {
        let path: PathBuf = seeds.join(target).join(name);
        fs::write(path, bytes).unwrap();
    };
    for case in &cases {
        if let Some(stream) = &case.stream {
            let stream = &stream[..stream.len().min(MAX_SEED_STREAM)];
            // reader: header, empty read pattern, no faults, the stream.
            let mut seed = case.header();
            seed.extend_from_slice(&[0, 0]);
            seed.extend_from_slice(stream);
            write("reader", &case.name, seed);
            // block_decompress: header, then the stream's bytes, which the
            // target reads as a mix of raw and built blocks.
            let mut seed = case.header();
            seed.extend_from_slice(stream);
            write("block_decompress", &case.name, seed);
        }
        if case.prefix == SizePrefix::OutOfBand {
            continue;
        }
        let data = &case.data[..case.data.len().min(MAX_SEED_DATA)];
        // roundtrip: header, empty plan, faults, pattern, faults, data.
        let mut seed = case.header();
        seed.extend_from_slice(&[0, 0, 0, 0]);
        seed.extend_from_slice(data);
        write("roundtrip", &case.name, seed);
        // truncation: header, empty plan, a cut in the middle, empty pattern
        // and faults, data.
        let mut seed = case.header();
        seed.push(0);
        seed.extend_from_slice(&((data.len() as u32 / 3) | 1).to_le_bytes());
        seed.extend_from_slice(&[0, 0]);
        seed.extend_from_slice(data);
        write("truncation", &case.name, seed);
        // differential: header, empty plans, data; once more with the ring
        // buffer (bit 7 of the header's free byte).
        let mut seed = case.header();
        seed.extend_from_slice(&[0, 0]);
        seed.extend_from_slice(data);
        write("differential", &case.name, seed.clone());
        seed[MISC] |= 0x80;
        write("differential", &format!("{}-ring", case.name), seed);
        // async_adapters: header, flags (the runtime and how the writer ends,
        // varied over the cases), an empty plan, a write and a read schedule
        // with a Pending, an Interrupted, an injected error and short
        // operations, data.
        let mut seed = case.header();
        seed.push(case.name.len() as u8 % 4);
        seed.push(0);
        let schedule = [0u8, 2, 3, 4 | (3 << 3), 1, 5, 7, 4];
        for _ in 0..2 {
            seed.push(schedule.len() as u8);
            seed.extend_from_slice(&schedule);
        }
        seed.extend_from_slice(data);
        write("async_adapters", &case.name, seed);
    }
    println!(
        "wrote seeds for {} cases to {}",
        cases.len(),
        seeds.display()
    );
}

/// The python-lz4 vectors; their names carry the configuration
/// (`case007_random_default_b941_p2`: 941-byte pages, 2-byte prefixes).
fn python_cases(dir: &Path) -> Vec<Case> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .filter_map(|entry| {
            let name = entry.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".lz4s").map(str::to_string)
        })
        .collect();
    names.sort();
    let mut cases = Vec::new();
    for name in names {
        let field = |tag: char| -> usize {
            name.split('_')
                .find_map(|part| part.strip_prefix(tag).and_then(|n| n.parse().ok()))
                .unwrap()
        };
        let (page, width) = (field('b'), field('p'));
        let dictionary = fs::read(dir.join(format!("{name}.dict"))).unwrap_or_default();
        if dictionary.len() > MAX_SEED_DICT || page > u32::MAX as usize {
            continue;
        }
        let prefix = SizePrefix::from_bytes(width).unwrap();
        let stream = fs::read(dir.join(format!("{name}.lz4s"))).unwrap();
        let data = fs::read(dir.join(format!("{name}.in"))).unwrap();
        // python-lz4's modes: fast (acceleration 2 here), default, high (level 9).
        let mode = if name.contains("_fast_") {
            1 | (1 << 2)
        } else if name.contains("_high_compression_") {
            2 | (8 << 2)
        } else {
            0
        };
        cases.push(Case {
            name: format!("python-{name}"),
            prefix,
            page,
            dictionary,
            end_marker: false,
            mode,
            data,
            stream: (prefix != SizePrefix::OutOfBand).then_some(stream),
        });
    }
    cases
}

/// Small streams this crate writes, over the configurations' edges.
fn generated_cases() -> Vec<Case> {
    let configs: &[(SizePrefix, usize, usize, bool)] = &[
        (SizePrefix::U8, 1, 0, false),
        (SizePrefix::U8, 13, 0, true),
        (SizePrefix::U8, 239, 40, false),
        (SizePrefix::U16, 7, 0, false),
        (SizePrefix::U16, 4096, 300, true),
        (SizePrefix::U16, 65_264, 0, false),
        (SizePrefix::U32, 64, 0, false),
        (SizePrefix::U32, 65_536, 1000, false),
        (SizePrefix::U32, 65_537, 0, true),
        (SizePrefix::U32, 300_000, 0, false),
    ];
    let mut cases = Vec::new();
    for (i, &(prefix, page, dict_len, end_marker)) in configs.iter().enumerate() {
        let dictionary = patterned(dict_len, i as u64);
        let mut data = patterned(3000 + 700 * i, 100 + i as u64);
        if i % 3 == 1 {
            data.extend(std::iter::repeat_n(0u8, 2000));
            data.extend((0..1500u32).map(|x| (x.wrapping_mul(2_654_435_761) >> 13) as u8));
        }
        let config = StreamConfig::default()
            .buffer_size(page)
            .size_prefix(prefix)
            .dictionary(dictionary.clone())
            .end_marker(end_marker)
            .mode(setup::mode(i as u8));
        let mut writer = Lz4StreamWriter::with_config(Vec::new(), config).unwrap();
        for piece in data.chunks(1000) {
            writer.write_all(piece).unwrap();
            writer.flush().unwrap();
        }
        let stream = writer.finish().unwrap();
        cases.push(Case {
            name: format!("own-p{}-b{page}-d{dict_len}", prefix.width()),
            prefix,
            page,
            dictionary,
            end_marker,
            mode: i as u8,
            data,
            stream: Some(stream),
        });
    }
    cases
}
