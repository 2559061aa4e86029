//! The encoder's window: the history the next block may refer to, then the
//! chunk being compressed, in one buffer whose bytes past the window are
//! initialised too (zeros, or bytes the window held before), so that the
//! match finders can read the window through a fixed-size [`Masked`] view.

use super::bytes::Masked;

/// A growable byte window over a buffer that is initialised beyond it.
#[derive(Default)]
pub(crate) struct Window {
    /// Every byte initialised; the window is `buffer[..len]`.
    buffer: Vec<u8>,
    len: usize,
}

impl Window {
    /// The window's bytes.
    #[inline]
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.buffer[..self.len]
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// How long the window can grow without allocating.
    pub(crate) fn capacity(&self) -> usize {
        self.buffer.len()
    }

    pub(crate) fn clear(&mut self) {
        self.len = 0;
    }

    /// Makes room for a window of `len` bytes, allocating exactly that.
    pub(crate) fn reserve_total(&mut self, len: usize) {
        if len > self.buffer.len() {
            self.buffer.reserve_exact(len - self.buffer.len());
            self.buffer.resize(len, 0);
        }
    }

    /// Appends `bytes`, growing the buffer to exactly what is needed if it
    /// is too short (callers reserve ahead to grow it geometrically).
    pub(crate) fn extend(&mut self, bytes: &[u8]) {
        let end = self.len + bytes.len();
        self.reserve_total(end);
        self.buffer[self.len..end].copy_from_slice(bytes);
        self.len = end;
    }

    /// Drops the window's first `n` bytes, moving the rest to the front.
    pub(crate) fn drop_front(&mut self, n: usize) {
        self.buffer.copy_within(n..self.len, 0);
        self.len -= n;
    }

    /// The window through a [`Masked`] view of `VIEW` bytes, if the buffer
    /// holds one (see [`Window::reserve_total`]) and the window fits its
    /// span.
    #[inline]
    pub(crate) fn masked<const VIEW: usize>(&self) -> Option<Masked<'_, VIEW>> {
        Masked::new(&self.buffer, self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::super::bytes::{SPAN_128K, VIEW_128K};
    use super::*;

    #[test]
    fn window_appends_drops_and_views() {
        let mut window = Window::default();
        assert!(window.len() == 0 && window.masked::<VIEW_128K>().is_none());
        window.extend(b"0123456789");
        window.drop_front(4);
        window.extend(b"ab");
        assert_eq!(window.bytes(), b"456789ab");
        assert_eq!(window.capacity(), 10);
        window.reserve_total(VIEW_128K);
        let masked = window
            .masked::<VIEW_128K>()
            .expect("the buffer holds a view");
        assert_eq!(
            super::super::bytes::Bytes::contiguous(masked),
            Some(&b"456789ab"[..])
        );
        window.clear();
        window.extend(&vec![7; SPAN_128K + 1]);
        assert!(
            window.masked::<VIEW_128K>().is_none(),
            "a window past the span has no view"
        );
    }
}
