//! Shared pieces of the fuzz targets in `fuzz_targets/`.
//!
//! Every target starts its input with the same 9-byte [`setup::Header`], which
//! chooses the configuration (page size, prefix width, dictionary, end marker,
//! compression mode),
//! so the fuzzer explores every configuration, not just the defaults; the rest
//! of the input is target-specific. The header is a fixed layout rather than
//! `arbitrary` output so that `examples/make_seeds.rs` can write seeds for
//! known configurations (the python-lz4 vectors in `tests/data/`).
//!
//! - [`setup`]: the header, data generation, write and flush plans.
//! - [`flaky`]: a source and a sink that return short reads and writes,
//!   `WouldBlock`, `Interrupted` and time-outs on a schedule from the input.
//! - [`reference`]: a deliberately naive LZ4 block decoder and block builder,
//!   the oracle for what a block must decode to.
//! - [`liblz4`]: liblz4's double-buffer and ring loops (via lz4-sys), for
//!   the differential target: the tests' own wrappers, included by path so
//!   that there is one copy of the unsafe code.
//! - [`flex`]: lz4_flex's block decoder over a whole stream, for the
//!   differential target.
//! - [`stream`]: driving the crate's writer and reader through those ends.
//! - [`polled`]: a sink and a source for the async adapters with `Pending`,
//!   short operations and errors on a poll schedule, and a hand-polling
//!   driver.

pub mod flaky;
pub mod flex;
#[path = "../../tests/common/liblz4.rs"]
pub mod liblz4;
pub mod polled;
pub mod reference;
pub mod setup;
pub mod stream;
