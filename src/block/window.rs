//! The decoder's history window: the last 64 KiB of output (initially the
//! dictionary) followed by free room for the next pages, in one allocation, so
//! each block decodes in place right after the history it refers to.
//!
//! When the free room runs out, the history moves to the front. Wrapping
//! instead, as liblz4's ring-buffer decoder does (output starts again at the
//! front while the last lap's tail stays where it is, and the matches that
//! reach back into that tail are copied from there), measured slower, twice.
//! With those matches left to the decoder's general code (`fill_buf`/
//! `consume` against liblz4's loop, thread CPU time, processes of each build
//! in alternation): rustdoc HTML at 64 KiB pages 1.01x-1.07x moving,
//! 0.96x-0.98x wrapping; JSON at 8 KiB 1.09x-1.15x and 1.10x-1.11x;
//! executables at 64 KiB 1.00x on average both ways. With them copied inside
//! the fast loop: executables at 64 KiB 1.006x-1.023x moving, 0.980x-1.000x
//! wrapping. The test that tells those matches apart is mispredicted all
//! through the first 64 KiB after a wrap, which costs more than one 64 KiB
//! move. (The instruction counts said the opposite, 3-7 % fewer wrapping:
//! valgrind counts the move's `rep movsb` once per byte.)

use std::fmt;
use std::ops::Range;

use crate::codec::decode::WILD_MARGIN;
use crate::limits::WINDOW_SIZE;

/// The least free space kept after the history. When the free space runs out,
/// the last 64 KiB move to the front; with this much room that copy costs at
/// most a quarter of a byte per byte decoded, whatever the page size. Not
/// much more: a streaming consumer copies each chunk out of the window while
/// the caller's output streams through the cache, and a window that stays in
/// the core's cache decodes faster. Measured with `fill_buf`/`consume`
/// against liblz4's loop (thread CPU time, four processes of each build in
/// alternation): 256 KiB of room read 1.01x on executables at 64 KiB pages
/// where 128 KiB read 0.98x-1.02x and 512 KiB 0.98x-1.01x, and 0.98x-1.01x
/// on incompressible data at 8 KiB pages where 128 KiB read 0.95x-0.96x
/// (the 64 KiB move is a tenth of what each byte costs there) and 512 KiB
/// 0.96x-0.97x.
const MIN_SLACK: usize = 256 * 1024;

/// Above this page size, one page of slack suffices: the 64 KiB move then
/// costs under 0.4 % of a page.
const ONE_PAGE_SLACK_FROM: usize = 16 << 20;

/// History and fresh output in one buffer.
///
/// `buf[..end]` is everything decoded so far that is still kept (of which only
/// the last [`WINDOW_SIZE`] bytes can be referred to); `buf[end..]` is free,
/// and the decoder may scribble over it.
pub(crate) struct Window {
    buf: Vec<u8>,
    end: usize,
    /// The most the buffer may grow to: 64 KiB of history, the slack and the
    /// decoder's margin for fixed-size copies.
    max_len: usize,
}

/// Free space kept after the history for pages of `buffer_size` bytes: a whole
/// number of pages, at least [`MIN_SLACK`] and two pages (one page for huge
/// pages).
pub(crate) fn slack(buffer_size: usize) -> usize {
    if buffer_size >= ONE_PAGE_SLACK_FROM {
        return buffer_size;
    }
    let pages = MIN_SLACK.div_ceil(buffer_size).max(2);
    pages * buffer_size
}

impl Window {
    /// An empty window for pages of `buffer_size` bytes, seeded with `dictionary`
    /// (at most its last 64 KiB). The free space is allocated as blocks need
    /// it, so a short stream (or a hostile size prefix) costs little whatever
    /// the page size.
    pub(crate) fn new(buffer_size: usize, dictionary: &[u8]) -> Window {
        let dictionary = &dictionary[dictionary.len().saturating_sub(WINDOW_SIZE)..];
        let max_len = WINDOW_SIZE + slack(buffer_size) + WILD_MARGIN;
        let mut buf = Vec::with_capacity(dictionary.len().max(4096));
        buf.extend_from_slice(dictionary);
        Window {
            end: dictionary.len(),
            buf,
            max_len,
        }
    }

    /// The whole buffer, with at least `room` free bytes (plus the decoder's
    /// margin) after the history, and where the free space starts: decode into
    /// `buf[pos..pos + room]` with `buf[..pos]` as history.
    ///
    /// `room` must not exceed the page size the window was built for.
    pub(crate) fn output_space(&mut self, room: usize) -> (&mut [u8], usize) {
        if self.buf.len() - self.end < room + WILD_MARGIN {
            self.make_room(room);
        }
        (&mut self.buf[..], self.end)
    }

    /// Marks the `len` bytes written at the start of the free space as decoded
    /// output and returns where they are.
    pub(crate) fn commit(&mut self, len: usize) -> Range<usize> {
        let start = self.end;
        self.end += len;
        start..self.end
    }

    /// The bytes in `range`, as returned by [`Window::commit`].
    pub(crate) fn get(&self, range: Range<usize>) -> &[u8] {
        &self.buf[range]
    }

    #[cold]
    fn make_room(&mut self, room: usize) {
        let needed = room + WILD_MARGIN;
        if self.end + needed <= self.max_len {
            // Still below the budget: grow (geometrically) rather than slide,
            // so that once the buffer is full size a slide happens only every
            // `slack` bytes. `reserve_exact`: the Vec's own doubling would
            // overshoot the budget.
            let new_len = (self.buf.len() * 2)
                .min(self.max_len)
                .max(self.end + needed);
            self.buf.reserve_exact(new_len - self.buf.len());
            self.buf.resize(new_len, 0);
            return;
        }
        // Slide the last 64 KiB to the front; older output can never be
        // referred to again.
        if self.end > WINDOW_SIZE {
            self.buf.copy_within(self.end - WINDOW_SIZE..self.end, 0);
            self.end = WINDOW_SIZE;
        }
        if self.buf.len() - self.end < needed {
            // Only when the buffer has not grown yet (a first huge block).
            let new_len = self.end + needed;
            self.buf.reserve_exact(new_len - self.buf.len());
            self.buf.resize(new_len, 0);
        }
    }

    /// Replaces the history with `history` (at most its last 64 KiB), for when
    /// blocks were decoded somewhere else (straight into a reader's caller's
    /// vector) and the window has to catch up before it decodes again.
    pub(crate) fn replace_history(&mut self, history: &[u8]) {
        let history = &history[history.len().saturating_sub(WINDOW_SIZE)..];
        if self.buf.len() < history.len() {
            self.buf.reserve_exact(history.len() - self.buf.len());
            self.buf.resize(history.len(), 0);
        }
        self.buf[..history.len()].copy_from_slice(history);
        self.end = history.len();
    }

    /// Bytes of output (and dictionary) kept: `buf[..history_len()]`.
    pub(crate) fn history_len(&self) -> usize {
        self.end
    }

    /// Bytes allocated for the window (for memory tests and docs).
    pub(crate) fn capacity(&self) -> usize {
        self.buf.capacity()
    }
}

impl fmt::Debug for Window {
    /// Sizes only: the contents are up to 64 KiB of history and the slack.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Window")
            .field("kept_len", &self.end)
            .field("buffer_len", &self.buf.len())
            .field("max_len", &self.max_len)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_64k_across_slides() {
        for page in [1000, 8192, 65_536, 100_000] {
            let mut window = Window::new(page, b"dict");
            let mut all = b"dict".to_vec();
            for i in 0..(3_000_000 / page) {
                let (buf, pos) = window.output_space(page);
                assert!(buf.len() >= pos + page + WILD_MARGIN);
                let keep = all.len().min(WINDOW_SIZE);
                assert_eq!(&buf[pos - keep..pos], &all[all.len() - keep..]);
                for (j, byte) in buf[pos..pos + page].iter_mut().enumerate() {
                    *byte = (i * 7 + j) as u8;
                }
                let range = window.commit(page);
                all.extend_from_slice(window.get(range));
            }
            assert!(
                window.capacity() <= WINDOW_SIZE + slack(page) + WILD_MARGIN,
                "page {page}: {}",
                window.capacity()
            );
        }
    }

    #[test]
    fn slides_only_when_the_whole_budget_is_used() {
        // With a full-size buffer, a slide moves 64 KiB once per `slack`
        // bytes decoded: count the slides over 4 MiB of 8 KiB pages.
        let page = 8192;
        let mut window = Window::new(page, b"");
        let mut slides = 0;
        let mut last_pos = 0;
        for _ in 0..512 {
            let (_, pos) = window.output_space(page);
            if pos < last_pos {
                slides += 1;
            }
            last_pos = pos;
            window.commit(page);
        }
        assert_eq!(slides, (512 * page - WINDOW_SIZE) / slack(page));
    }

    #[test]
    fn slack_is_whole_pages_and_bounded() {
        assert_eq!(slack(8192), 256 * 1024);
        assert_eq!(slack(65_536), 256 * 1024);
        assert_eq!(slack(100_000), 300_000);
        assert_eq!(slack(1 << 20), 2 << 20);
        assert_eq!(slack(64 << 20), 64 << 20);
        assert_eq!(slack(1), MIN_SLACK);
    }
}
