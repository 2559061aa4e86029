//! The decoder's history window: the last 64 KiB of output (initially the
//! dictionary) followed by room for the next page, in one allocation.

use std::ops::Range;

use crate::config::WINDOW_SIZE;

/// Free space kept after the history, beyond one page, so the 64 KiB slide to
/// the front happens rarely: its copy then costs a small fraction of the bytes
/// decoded, not a page per block.
const MIN_SLACK: usize = 256 * 1024;

/// History and fresh output in one buffer.
///
/// `buf[..end]` is everything decoded so far that is still kept (of which only
/// the last [`WINDOW_SIZE`] bytes can be referred to); `buf[end..]` is free.
#[derive(Debug)]
pub(crate) struct Window {
    buf: Vec<u8>,
    end: usize,
    /// The most the buffer may grow to: 64 KiB of history plus the slack.
    max_len: usize,
}

impl Window {
    /// An empty window for pages of `buffer_size` bytes, seeded with `dictionary`
    /// (at most its last 64 KiB). The free space is allocated lazily, as blocks
    /// need it, so a huge page size costs nothing until a block is that large.
    pub(crate) fn new(buffer_size: usize, dictionary: &[u8]) -> Window {
        let dictionary = &dictionary[dictionary.len().saturating_sub(WINDOW_SIZE)..];
        let slack = if buffer_size <= MIN_SLACK / 4 {
            MIN_SLACK
        } else {
            // Large pages: up to four of them, but never more than one page
            // beyond a 16 MiB budget, so the overhead stays within a page.
            buffer_size.saturating_mul(4).min(buffer_size.max(16 << 20))
        };
        let mut buf = Vec::with_capacity(dictionary.len().max(4096));
        buf.extend_from_slice(dictionary);
        Window {
            end: buf.len(),
            buf,
            max_len: WINDOW_SIZE + slack,
        }
    }

    /// The history a new block may refer to and `room` free bytes after it.
    ///
    /// `room` must not exceed the page size the window was built for.
    pub(crate) fn split_for_output(&mut self, room: usize) -> (&[u8], &mut [u8]) {
        if self.buf.len() - self.end < room {
            self.make_room(room);
        }
        let (history, free) = self.buf.split_at_mut(self.end);
        let history = &history[self.end.saturating_sub(WINDOW_SIZE)..];
        (history, &mut free[..room])
    }

    /// Marks `len` bytes written after the history as decoded output and
    /// returns where they are.
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
        // Slide the last 64 KiB to the front; older output can never be
        // referred to again.
        if self.end > WINDOW_SIZE {
            self.buf.copy_within(self.end - WINDOW_SIZE..self.end, 0);
            self.end = WINDOW_SIZE;
        }
        if self.buf.len() - self.end < room {
            // Grow geometrically up to the budget, at least to what is needed.
            let needed = self.end + room;
            let grown = (self.buf.len() * 2).min(self.max_len);
            self.buf.resize(needed.max(grown), 0);
        }
    }

    /// Bytes allocated for the window (for memory tests and docs).
    pub(crate) fn capacity(&self) -> usize {
        self.buf.capacity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_64k_across_slides() {
        let mut window = Window::new(1000, b"dict");
        let mut all = b"dict".to_vec();
        for i in 0..2000u32 {
            let (history, free) = window.split_for_output(1000);
            let keep = all.len().min(WINDOW_SIZE);
            assert_eq!(history, &all[all.len() - keep..]);
            for (j, byte) in free.iter_mut().enumerate() {
                *byte = (i as usize * 7 + j) as u8;
            }
            let range = window.commit(1000);
            all.extend_from_slice(window.get(range));
        }
        assert!(window.capacity() <= WINDOW_SIZE + MIN_SLACK + 4096);
    }
}
