//! The loops every adapter runs around the stream layer, written once: the
//! std adapters call them with blocking I/O (never `Pending`), the async ones
//! with their runtime's poll functions. An adapter adds only the I/O calls.

use std::io;
use std::task::Poll;

use crate::stream::{DecodeOnto, DecoderState, Intake, StreamDecoder, StreamEncoder};

/// Hands the encoder's pending output to `write` (one write to the inner
/// writer) until none is left. A short write, `Pending` or an error leaves
/// the rest pending for the next call: nothing is lost or written twice.
/// `Interrupted` is retried.
pub(crate) fn poll_drain(
    encoder: &mut StreamEncoder,
    mut write: impl FnMut(&[u8]) -> Poll<io::Result<usize>>,
) -> Poll<io::Result<()>> {
    loop {
        let pending = encoder.pending();
        if pending.is_empty() {
            return Poll::Ready(Ok(()));
        }
        match write(pending) {
            Poll::Ready(Ok(0)) => {
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::WriteZero,
                    "the inner writer accepted no more compressed bytes",
                )))
            }
            Poll::Ready(Ok(n)) => encoder.consume(n),
            Poll::Ready(Err(err)) if err.kind() == io::ErrorKind::Interrupted => {}
            Poll::Ready(Err(err)) => return Poll::Ready(Err(err)),
            Poll::Pending => return Poll::Pending,
        }
    }
}

/// A writer's `write`: takes up to the rest of the current page. Earlier
/// output goes out first, and until it is out nothing new is taken, so an
/// error means "nothing of `buf` was taken". A full page's block goes out at
/// the start of the next write, flush or finish, whose error (if any) the
/// caller then sees: trying now could only swallow an error, as those bytes
/// are already taken.
pub(crate) fn poll_write(
    encoder: &mut StreamEncoder,
    buf: &[u8],
    mut write: impl FnMut(&[u8]) -> Poll<io::Result<usize>>,
) -> Poll<io::Result<usize>> {
    loop {
        let taken = encoder.push(buf)?;
        if taken > 0 || buf.is_empty() {
            return Poll::Ready(Ok(taken));
        }
        // Output is pending: `push` takes nothing until it is out.
        if poll_drain(encoder, &mut write)?.is_pending() {
            return Poll::Pending;
        }
    }
}

/// Runs `step` — [`StreamEncoder::flush`] (cut the partial page into a
/// block) or [`StreamEncoder::finish`] (end the stream) — until it says it is
/// complete, handing out the output between calls. The inner writer's own
/// flush is the caller's.
pub(crate) fn poll_until(
    encoder: &mut StreamEncoder,
    step: fn(&mut StreamEncoder) -> Result<bool, crate::Error>,
    mut write: impl FnMut(&[u8]) -> Poll<io::Result<usize>>,
) -> Poll<io::Result<()>> {
    loop {
        if poll_drain(encoder, &mut write)?.is_pending() {
            return Poll::Pending;
        }
        if step(encoder)? {
            return Poll::Ready(Ok(()));
        }
    }
}

/// A reader's `fill_buf`: reads (with `read`, one read from the inner reader
/// into the buffer it is given) and decodes until there is output or the
/// stream has ended. `Pending` or an error from `read` leaves the decoder
/// where it was: the next call resumes with exactly the right bytes. A
/// failed stream returns its error again. `Interrupted` is retried.
pub(crate) fn poll_fill(
    decoder: &mut StreamDecoder,
    read: impl FnMut(&mut [u8]) -> Poll<io::Result<usize>>,
) -> Poll<io::Result<()>> {
    poll_decode(decoder, |decoder| !decoder.output().is_empty(), read)
}

/// The rest of a reader's `read_to_end`: [`poll_fill`]'s loop, decoding
/// every block onto the session's vector until the stream ends.
pub(crate) fn poll_decode_onto(
    onto: &mut DecodeOnto<'_>,
    read: impl FnMut(&mut [u8]) -> Poll<io::Result<usize>>,
) -> Poll<io::Result<()>> {
    poll_decode(onto, |_| false, read)
}

/// Reads and decodes until `enough` or the end of the stream, for
/// [`poll_fill`] and [`poll_decode_onto`].
#[inline]
fn poll_decode<D: Intake>(
    decoder: &mut D,
    enough: impl Fn(&D) -> bool,
    mut read: impl FnMut(&mut [u8]) -> Poll<io::Result<usize>>,
) -> Poll<io::Result<()>> {
    while !enough(decoder) {
        if let Some(err) = decoder.error() {
            return Poll::Ready(Err(err.clone().into()));
        }
        if decoder.state() == DecoderState::Done {
            break;
        }
        let n = match read(decoder.input_buf()) {
            Poll::Ready(Ok(n)) => n,
            Poll::Ready(Err(err)) if err.kind() == io::ErrorKind::Interrupted => continue,
            Poll::Ready(Err(err)) => return Poll::Ready(Err(err)),
            Poll::Pending => return Poll::Pending,
        };
        if n == 0 {
            decoder.end_of_input()?;
        } else {
            decoder.commit_input(n)?;
        }
    }
    Poll::Ready(Ok(()))
}

/// The value of a poll that blocking I/O made: it is never `Pending`.
pub(crate) fn blocking<T>(poll: Poll<T>) -> T {
    match poll {
        Poll::Ready(value) => value,
        Poll::Pending => unreachable!("blocking I/O returned Pending"),
    }
}
