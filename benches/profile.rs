//! One benchmark cell, run once, for profilers: what the other benches time,
//! without criterion around it, so instruction counts (callgrind) and
//! profiles show only the work itself.
//!
//! ```sh
//! cargo bench --bench profile --no-run   # prints the binary's path
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*measured*' \
//!     target/release/deps/profile-HASH decompress ours json 65536
//! ```
//!
//! Arguments: `compress|decompress`, the implementation (`ours` or `liblz4`,
//! or `ours-ring` and `liblz4-ring` for the ring-buffer strategy and loops,
//! or for compression `workers-N`, our writer with `N` worker threads;
//! for decompression also `bufread`, our reader through `fill_buf`/`consume`),
//! the input (a kind of `corpus.rs`, 8 MiB, `mixed` (the parallel bench's
//! 8 MiB of every kind in turn), or `synthetic-text`,
//! `synthetic-markup`, `synthetic-binary`, `synthetic-compressed`, 4 MiB), the
//! page size, and for compression the mode (`default`, `fastN`, `hcN`;
//! default `default`). Decompression decodes our writer's stream (default
//! mode; with the ring buffer for the `-ring` decoders), as the stream bench's
//! summary does. Prints the input and output
//! sizes and the instructions' scope, `measured`.
//!
//! `profile time compress|decompress INPUT PAGE [MODE]` instead times every
//! implementation of that cell (`compress-ring`: ours with the ring buffer
//! against liblz4's ring loop; `decompress-ring`: our reader against
//! liblz4's ring decoder on our ring stream; `decode-only`: our reader
//! through `fill_buf`/`consume` and liblz4's loop, each reading only the
//! last byte of each chunk, so without the consumer's copy), best of 15
//! runs interleaved (`LZ4S_BENCH_ROUNDS=n`
//! for more), and prints their
//! speeds and ratios to liblz4: a quick look at one cell of the benches'
//! summaries. `profile sizes INPUT PAGE MODE...` prints both encoders'
//! compressed sizes in each mode.

use std::hint::black_box;

use lz4_stream::{CompressionMode, Strategy};

#[allow(dead_code)]
mod corpus;
#[allow(dead_code)]
mod data;
mod interleaved;
#[path = "../tests/common/liblz4.rs"]
mod liblz4;
mod loops;

fn input(name: &str) -> Vec<u8> {
    if name == "mixed" {
        // The parallel bench's input at 64 KiB pages: every kind in turn.
        return corpus::mixed(&corpus::samples(2 << 20), 8 << 20);
    }
    if let Some(synthetic) = name.strip_prefix("synthetic-") {
        let (_, data) = data::inputs(4 << 20)
            .into_iter()
            .find(|(n, _)| *n == synthetic)
            .unwrap_or_else(|| panic!("no synthetic input {synthetic}"));
        return data;
    }
    corpus::sample(name, 8 << 20)
        .unwrap_or_else(|| panic!("no corpus kind {name} on this machine"))
        .data
}

fn mode(name: &str) -> CompressionMode {
    if name == "default" {
        CompressionMode::Default
    } else if let Some(acceleration) = name.strip_prefix("fast") {
        CompressionMode::Fast {
            acceleration: acceleration.parse().expect("fastN"),
        }
    } else if let Some(level) = name.strip_prefix("hc") {
        CompressionMode::High {
            level: level.parse().expect("hcN"),
        }
    } else {
        panic!("mode {name}: default, fastN or hcN")
    }
}

/// The work profiled: its name is what `--toggle-collect` matches.
#[inline(never)]
fn measured(run: &mut dyn FnMut()) {
    run()
}

fn main() {
    // `cargo bench` passes `--bench`; everything else is ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    match args.first().map(String::as_str) {
        Some("time") => return time(&args[1..]),
        Some("sizes") => return sizes(&args[1..]),
        _ => {}
    }
    let [direction, implementation, name, page, rest @ ..] = &args[..] else {
        eprintln!("usage: profile compress|decompress ours|bufread|liblz4 INPUT PAGE [MODE]");
        return;
    };
    let page: usize = page.parse().expect("page size");
    let mode = mode(rest.first().map_or("default", String::as_str));
    let input = input(name);
    let mut out = Vec::with_capacity(2 * input.len());
    let mut block = vec![0u8; liblz4::compress_bound(page)];
    match (direction.as_str(), implementation.as_str()) {
        ("compress", "ours") => {
            measured(&mut || loops::ours_compress(black_box(&input), page, mode, &mut out))
        }
        ("compress", "liblz4") => {
            measured(&mut || loops::liblz4_compress(black_box(&input), page, mode, &mut out))
        }
        ("compress", workers) if workers.starts_with("workers-") => {
            let workers: usize = workers["workers-".len()..].parse().expect("workers-N");
            measured(&mut || {
                loops::ours_compress_workers(black_box(&input), page, mode, workers, &mut out)
            })
        }
        ("compress", "ours-ring") => measured(&mut || {
            let input = black_box(&input);
            loops::ours_compress_with(input, Strategy::RingBuffer, page, mode, &mut out)
        }),
        ("compress", "liblz4-ring") => measured(&mut || {
            let input = black_box(&input);
            loops::liblz4_compress_with(input, liblz4::Layout::Ring, page, mode, &mut out)
        }),
        ("decompress", which) => {
            let ring = which.ends_with("-ring");
            let strategy = if ring {
                Strategy::RingBuffer
            } else {
                Strategy::DoubleBuffer
            };
            let mut stream = Vec::new();
            let default = CompressionMode::Default;
            loops::ours_compress_with(&input, strategy, page, default, &mut stream);
            match which {
                "ours" => {
                    measured(&mut || loops::ours_decompress(black_box(&stream), page, &mut out))
                }
                "bufread" => measured(&mut || {
                    loops::ours_decompress_bufread(black_box(&stream), page, &mut out)
                }),
                "liblz4" => measured(&mut || {
                    loops::liblz4_decompress(black_box(&stream), page, &mut out, &mut block)
                }),
                // Our reader needs no strategy: it keeps 64 KiB either way.
                "ours-ring" => {
                    measured(&mut || loops::ours_decompress(black_box(&stream), page, &mut out))
                }
                "liblz4-ring" => measured(&mut || {
                    let decoder = liblz4::Decoder::ring(page, None);
                    loops::liblz4_decompress_with(decoder, black_box(&stream), &mut out, &mut block)
                }),
                other => panic!("no decoder {other}"),
            }
            assert!(out == input, "round trip");
        }
        (direction, implementation) => panic!("no {direction} {implementation}"),
    }
    eprintln!("{name}: {} bytes in, {} bytes out", input.len(), out.len());
}

/// `time compress|compress-ring|decompress|decompress-ring|decode-only INPUT
/// PAGE [MODE]`: every implementation of one cell, best of 15 interleaved
/// runs.
fn time(args: &[String]) {
    let [direction, name, page, rest @ ..] = args else {
        eprintln!(
            "usage: profile time compress|compress-ring|decompress|decompress-ring|decode-only INPUT PAGE [MODE]"
        );
        return;
    };
    let page: usize = page.parse().expect("page size");
    let mode = mode(rest.first().map_or("default", String::as_str));
    let input = input(name);
    let rounds = interleaved::rounds(15);
    let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
    let mut block = vec![0u8; liblz4::compress_bound(page)];
    let (names, times): (&[&str], _) = if direction == "compress-ring" {
        let times = interleaved::best_of_chosen(
            rounds,
            &mut [
                &mut || {
                    let input = black_box(&input);
                    loops::ours_compress_with(input, Strategy::RingBuffer, page, mode, &mut a)
                },
                &mut || {
                    let input = black_box(&input);
                    loops::liblz4_compress_with(input, liblz4::Layout::Ring, page, mode, &mut b)
                },
            ],
        );
        (&["ours", "liblz4"], times)
    } else if direction == "decompress-ring" {
        let mut stream = Vec::new();
        let default = CompressionMode::Default;
        loops::ours_compress_with(&input, Strategy::RingBuffer, page, default, &mut stream);
        let times = interleaved::best_of_chosen(
            rounds,
            &mut [
                &mut || loops::ours_decompress(black_box(&stream), page, &mut a),
                &mut || loops::ours_decompress_bufread(black_box(&stream), page, &mut b),
                &mut || {
                    let decoder = liblz4::Decoder::ring(page, None);
                    loops::liblz4_decompress_with(decoder, black_box(&stream), &mut c, &mut block)
                },
            ],
        );
        (&["ours", "bufread", "liblz4"], times)
    } else if direction == "compress" {
        let times = interleaved::best_of_chosen(
            rounds,
            &mut [
                &mut || loops::ours_compress(black_box(&input), page, mode, &mut a),
                &mut || loops::liblz4_compress(black_box(&input), page, mode, &mut b),
            ],
        );
        (&["ours", "liblz4"], times)
    } else if direction == "decode-only" {
        let mut stream = Vec::new();
        loops::ours_compress(&input, page, CompressionMode::Default, &mut stream);
        let times = interleaved::best_of_chosen(
            rounds,
            &mut [
                &mut || {
                    black_box(ours_decode_only(black_box(&stream), page));
                },
                &mut || {
                    black_box(liblz4_decode_only(black_box(&stream), page, &mut block));
                },
            ],
        );
        (&["ours", "liblz4"], times)
    } else {
        let mut stream = Vec::new();
        loops::ours_compress(&input, page, CompressionMode::Default, &mut stream);
        let times = interleaved::best_of_chosen(
            rounds,
            &mut [
                &mut || loops::ours_decompress(black_box(&stream), page, &mut a),
                &mut || loops::ours_decompress_bufread(black_box(&stream), page, &mut b),
                &mut || loops::liblz4_decompress(black_box(&stream), page, &mut c, &mut block),
            ],
        );
        (&["ours", "bufread", "liblz4"], times)
    };
    eprintln!(
        "{name} {page} {direction}: best of {rounds} by the {}, load average {}",
        interleaved::clock_name(),
        interleaved::load()
    );
    let reference = *times.last().expect("liblz4");
    for (name, time) in names.iter().zip(&times) {
        eprintln!(
            "{name:>8} {:>8.1} MB/s  {:.3}x",
            interleaved::mb_s(input.len(), *time),
            reference.as_secs_f64() / time.as_secs_f64()
        );
    }
}

/// Our reader through `fill_buf`/`consume` with no consumer's copy: each
/// chunk's last byte is read, so that what is timed is the decoding (and
/// the window's slides), as `liblz4_decode_only` times liblz4's loop.
/// Returns the bytes decoded plus the sum of those last bytes.
fn ours_decode_only(stream: &[u8], page: usize) -> u64 {
    let mut sum = 0u64;
    loops::ours_bufread_chunks(stream, page, |chunk| sum += last_byte_sum(chunk));
    sum
}

/// liblz4's double-buffer loop (each block copied into a block buffer, as in
/// `loops::liblz4_decompress`) reading only each page's last byte.
fn liblz4_decode_only(stream: &[u8], page: usize, block: &mut [u8]) -> u64 {
    let mut sum = 0u64;
    let decoder = liblz4::Decoder::new(page, None);
    loops::liblz4_decode_pages(decoder, stream, block, |page| sum += last_byte_sum(page));
    sum
}

/// A chunk's length plus its last byte: all a decode-only consumer reads.
fn last_byte_sum(chunk: &[u8]) -> u64 {
    chunk.len() as u64 + u64::from(chunk.last().copied().unwrap_or(0))
}

/// `sizes INPUT PAGE MODE...`: both encoders' compressed sizes per mode.
fn sizes(args: &[String]) {
    let [name, page, modes @ ..] = args else {
        eprintln!("usage: profile sizes INPUT PAGE MODE...");
        return;
    };
    let page: usize = page.parse().expect("page size");
    let input = input(name);
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for mode_name in modes {
        let mode = mode(mode_name);
        loops::ours_compress(&input, page, mode, &mut ours);
        loops::liblz4_compress(&input, page, mode, &mut theirs);
        eprintln!(
            "{name} {page} {mode_name}: ours {} liblz4 {} ratio {:.4}",
            ours.len(),
            theirs.len(),
            ours.len() as f64 / theirs.len() as f64
        );
    }
}
