//! When to release the GIL around codec work, and over which bytes.
//!
//! Work without the GIL reads only bytes no Python thread can change
//! meanwhile: `bytes` (and memoryviews of it) in place. For a mutable input
//! (bytearray, numpy array, writable memoryview), measured on 4.7 MB of
//! Python source: copying it costs compression 0-25% (64 KiB / 1 MiB
//! chunks) and keeps the other threads running, so compression copies
//! ([`input`]); decompression runs at ~3 GB/s, where the copy cost 30-190%,
//! so it keeps the GIL for mutable input instead ([`run_in_place`]).

use std::borrow::Cow;
use std::ops::Range;

use pyo3::prelude::*;

use crate::buffer::Bytes;

/// Below this many input bytes a call is over before releasing and re-taking
/// the GIL would pay off; from here on other threads run while we work.
const DETACH_THRESHOLD: usize = 4096;

/// Runs `work` without the GIL when `len` input bytes are worth it.
pub(crate) fn run<T: Send>(py: Python<'_>, len: usize, work: impl FnOnce() -> T + Send) -> T {
    if len >= DETACH_THRESHOLD {
        py.detach(work)
    } else {
        work()
    }
}

/// The bytes of `data` in `range` to hand to `run`: in place when `run`
/// keeps the GIL (short input) or when they are immutable, otherwise a copy.
pub(crate) fn input<'a>(data: &'a Bytes<'_>, range: Range<usize>) -> Cow<'a, [u8]> {
    if range.len() >= DETACH_THRESHOLD {
        data.for_detached_work(range)
    } else {
        Cow::Borrowed(&data.as_slice()[range])
    }
}

/// Runs `work` over `data`'s bytes in place: without the GIL when they are
/// immutable and long enough, otherwise holding it (no copy).
pub(crate) fn run_in_place<T: Send>(
    py: Python<'_>,
    data: &Bytes<'_>,
    work: impl FnOnce(&[u8]) -> T + Send,
) -> T {
    let bytes = data.as_slice();
    if data.is_immutable() {
        run(py, bytes.len(), move || work(bytes))
    } else {
        work(bytes)
    }
}
