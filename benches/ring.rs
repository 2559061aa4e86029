//! The ring-buffer strategy on real files: compressed size against the double
//! buffer and against liblz4's own ring-buffer loop
//! (`blockStreaming_ringBuffer.c`: `LZ4_compress_fast_continue` or
//! `LZ4_compress_HC_continue` over a 256 KiB ring, and
//! `LZ4_decompress_safe_continue` over a ring of
//! `LZ4_decoderRingBufferSize(page)` bytes), and speed against both, for pages
//! of 512 B to 64 KiB, over the real files of `corpus.rs`.
//!
//! ```sh
//! cargo bench --bench ring              # everything (about 10 minutes)
//! cargo bench --bench ring -- sizes     # the size table only
//! cargo bench --bench ring -- speed     # the speed table only
//! LZ4S_BENCH_ROUNDS=25 cargo bench --bench ring -- speed   # more rounds
//! ```
//!
//! Sizes: every mode (the default, accelerations 2, 8 and 64, levels 1-12),
//! full pages, ours with the ring buffer ÷ ours with the double buffer and ÷
//! liblz4's ring loop, with each mode's worst cell against liblz4. Speed: MB/s
//! of uncompressed data, each implementation's best CPU time (of the bench's
//! thread, so waiting for a core on a busy machine does not count) over a few
//! runs interleaved with the others' (so background load hits them alike): our writer with either strategy against liblz4's ring loop
//! (and, for reference, its double-buffer loop), and our reader against
//! liblz4's ring decoder on the same (our ring) stream.

use std::cell::RefCell;
use std::hint::black_box;

use lz4_stream::{CompressionMode, Strategy};

#[allow(dead_code)]
mod corpus;
mod interleaved;
#[path = "../tests/common/liblz4.rs"]
mod liblz4;
#[allow(dead_code)]
mod loops;

use liblz4::Layout;
use loops::{liblz4_compress_with, liblz4_decompress_with, ours_compress_with, ours_decompress};

/// Bytes of each kind of real file.
const CORPUS_LEN: usize = 2 << 20;

/// Rounds of the interleaved speed measurement (`LZ4S_BENCH_ROUNDS`
/// overrides it: more rounds filter more background load).
const ROUNDS: usize = 9;

const PAGES: [(usize, &str); 6] = [
    (512, "512B"),
    (1024, "1KiB"),
    (4096, "4KiB"),
    (16 * 1024, "16KiB"),
    (32 * 1024, "32KiB"),
    (64 * 1024, "64KiB"),
];

const RING: Strategy = Strategy::RingBuffer;
const DOUBLE: Strategy = Strategy::DoubleBuffer;

/// Every mode the size table covers.
fn size_modes() -> Vec<(CompressionMode, String)> {
    let mut modes = vec![(CompressionMode::Default, "default".to_string())];
    for acceleration in [2, 8, 64] {
        modes.push((
            CompressionMode::Fast { acceleration },
            format!("fast{acceleration}"),
        ));
    }
    for level in 1..=12 {
        modes.push((CompressionMode::High { level }, format!("hc{level}")));
    }
    modes
}

/// One mode of each match finder (hash table, two tables, hash chains,
/// optimal parser) for the speed table, and level 12, the optimal parser's
/// deepest search, whose cells with small pages once fell below liblz4's
/// speed while level 10's stayed above it.
fn speed_modes() -> Vec<(CompressionMode, &'static str)> {
    vec![
        (CompressionMode::Default, "default"),
        (CompressionMode::Fast { acceleration: 8 }, "fast8"),
        (CompressionMode::High { level: 2 }, "hc2"),
        (CompressionMode::High { level: 9 }, "hc9"),
        (CompressionMode::High { level: 10 }, "hc10"),
        (CompressionMode::High { level: 12 }, "hc12"),
    ]
}

fn sizes(samples: &[corpus::Sample]) {
    eprintln!(
        "sizes: bytes, full pages; ring/dbl = ours with the ring buffer / ours with the \
         double buffer; ring/lib = ours / liblz4's ring loop (256 KiB ring)"
    );
    eprintln!(
        "{:<8} {:<6} {:>6} | {:>9} {:>9} {:>9} | {:>8} {:>8}",
        "mode", "input", "page", "ring", "double", "liblz4", "ring/dbl", "ring/lib"
    );
    let mut out = Vec::new();
    for (mode, mode_name) in size_modes() {
        let mut worst = (0.0f64, String::new());
        for sample in samples {
            for &(page, page_name) in &PAGES {
                let data = &sample.data;
                ours_compress_with(data, RING, page, mode, &mut out);
                let ring = out.len();
                ours_compress_with(data, DOUBLE, page, mode, &mut out);
                let double = out.len();
                liblz4_compress_with(data, Layout::Ring, page, mode, &mut out);
                let theirs = out.len();
                let vs_liblz4 = ring as f64 / theirs as f64;
                eprintln!(
                    "{mode_name:<8} {:<6} {page_name:>6} | {ring:>9} {double:>9} {theirs:>9} | {:>8.4} {vs_liblz4:>8.4}",
                    sample.name,
                    ring as f64 / double as f64,
                );
                if vs_liblz4 > worst.0 {
                    worst = (vs_liblz4, format!("{} {page_name}", sample.name));
                }
            }
        }
        eprintln!("{mode_name:<8} worst ring/lib {:.4} ({})", worst.0, worst.1);
    }
}

fn speed(samples: &[corpus::Sample]) {
    let mb_s = interleaved::mb_s;
    let rounds = interleaved::rounds(ROUNDS);
    eprintln!("load average before: {}", interleaved::load());
    eprintln!(
        "speed: MB/s of uncompressed data per CPU second of the bench's thread, best of \
         {rounds} interleaved runs. c: our writer \
         (ring, double buffer), liblz4's ring loop and double-buffer loop; ring/lib: ours \
         / liblz4, both ring; d: our reader and liblz4's ring decoder, both on our ring stream"
    );
    eprintln!(
        "{:<8} {:<6} {:>6} | {:>7} {:>7} {:>7} {:>7} {:>8} | {:>7} {:>7} {:>8}",
        "mode",
        "input",
        "page",
        "c ring",
        "c dbl",
        "lib rng",
        "lib dbl",
        "ring/lib",
        "d ours",
        "liblz4",
        "ours/lib"
    );
    let mut outs: [Vec<u8>; 4] = Default::default();
    let out = RefCell::new(Vec::new());
    let block = RefCell::new(vec![0u8; liblz4::compress_bound(64 * 1024)]);
    for (mode, mode_name) in speed_modes() {
        let (mut worst_c, mut worst_d) = (f64::MAX, f64::MAX);
        for sample in samples {
            // The slow modes see 1 MiB of each kind.
            let data = match mode {
                CompressionMode::High { level } if level >= 3 => &sample.data[..1 << 20],
                _ => &sample.data[..],
            };
            let len = data.len();
            for &(page, page_name) in &PAGES {
                let [a, b, c, e] = &mut outs;
                let c = interleaved::best_of_cpu(
                    rounds,
                    &mut [
                        &mut || ours_compress_with(black_box(data), RING, page, mode, a),
                        &mut || ours_compress_with(black_box(data), DOUBLE, page, mode, b),
                        &mut || liblz4_compress_with(black_box(data), Layout::Ring, page, mode, c),
                        &mut || {
                            let double = Layout::DoubleBuffer;
                            liblz4_compress_with(black_box(data), double, page, mode, e)
                        },
                    ],
                );
                let stream = &outs[0];
                let d = interleaved::best_of_cpu(
                    rounds,
                    &mut [
                        &mut || ours_decompress(black_box(stream), page, &mut out.borrow_mut()),
                        &mut || {
                            let (mut out, mut block) = (out.borrow_mut(), block.borrow_mut());
                            let decoder = liblz4::Decoder::ring(page, None);
                            liblz4_decompress_with(decoder, black_box(stream), &mut out, &mut block)
                        },
                    ],
                );
                assert!(*out.borrow() == data, "round trip");
                let cs: Vec<f64> = c.iter().map(|&t| mb_s(len, t)).collect();
                let ds: Vec<f64> = d.iter().map(|&t| mb_s(len, t)).collect();
                worst_c = worst_c.min(cs[0] / cs[2]);
                worst_d = worst_d.min(ds[0] / ds[1]);
                eprintln!(
                    "{mode_name:<8} {:<6} {page_name:>6} | {:>7.0} {:>7.0} {:>7.0} {:>7.0} {:>8.2} | {:>7.0} {:>7.0} {:>8.2}",
                    sample.name,
                    cs[0], cs[1], cs[2], cs[3], cs[0] / cs[2],
                    ds[0], ds[1], ds[0] / ds[1],
                );
            }
        }
        eprintln!(
            "{mode_name:<8} worst: compression {worst_c:.2}x liblz4, decompression {worst_d:.2}x"
        );
    }
    eprintln!("load average after: {}", interleaved::load());
}

fn main() {
    // `cargo bench` passes `--bench`; a filter picks one table.
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let wants =
        |table: &str| filter.is_empty() || filter.iter().any(|f| table.contains(f.as_str()));
    let samples = corpus::samples(CORPUS_LEN);
    corpus::describe(&samples);
    if wants("sizes") {
        sizes(&samples);
    }
    if wants("speed") {
        speed(&samples);
    }
}
