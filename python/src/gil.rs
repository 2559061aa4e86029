//! When to release the GIL around codec work.

use pyo3::prelude::*;

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
