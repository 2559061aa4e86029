//! What the tokio and futures-io adapters share: the write and read drivers
//! (the stream layer's loops with `Pending`), and the macros that stamp out
//! each runtime's `Lz4StreamWriter` and `Lz4StreamReader` around them. A
//! runtime module adds only its traits' signatures.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::config::StreamConfig;
use crate::drive;
use crate::error::Error;
use crate::stream::{DecoderState, StreamDecoder, StreamEncoder};

/// One runtime's writer, as the write driver needs it. `Rt` names the
/// runtime, so one type may implement both runtimes' traits.
pub(crate) trait PollWrite<Rt> {
    fn poll_write_to(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>>;
    fn poll_flush_inner(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>>;
    fn poll_shutdown_inner(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>>;
}

/// One runtime's reader, as the read driver needs it.
pub(crate) trait PollRead<Rt> {
    fn poll_read_into(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>>;
}

/// An async writer's state: the encoder, and whether the inner writer has
/// been shut down (after which flushes and shutdowns are no-ops that succeed,
/// as wrappers such as tokio-util's `FramedWrite` expect).
pub(crate) struct WriteDriver {
    encoder: StreamEncoder,
    shut_down: bool,
}

impl WriteDriver {
    pub(crate) fn new(config: StreamConfig, who: &'static str) -> Result<Self, Error> {
        Ok(WriteDriver {
            encoder: StreamEncoder::for_byte_stream(config, who)?,
            shut_down: false,
        })
    }

    pub(crate) fn default_config() -> Self {
        WriteDriver {
            encoder: StreamEncoder::with_valid_config(StreamConfig::default()),
            shut_down: false,
        }
    }

    pub(crate) fn encoder(&self) -> &StreamEncoder {
        &self.encoder
    }

    pub(crate) fn poll_write<Rt, W: PollWrite<Rt> + ?Sized>(
        &mut self,
        mut inner: Pin<&mut W>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        drive::poll_write(&mut self.encoder, buf, |buf| {
            inner.as_mut().poll_write_to(cx, buf)
        })
    }

    /// The partial page as a block, everything out, then the inner flush.
    pub(crate) fn poll_flush<Rt, W: PollWrite<Rt> + ?Sized>(
        &mut self,
        inner: Pin<&mut W>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<()>> {
        self.poll_then_flush(inner, cx, StreamEncoder::flush)
    }

    /// The end of the stream out, then the inner flush; no shutdown.
    pub(crate) fn poll_finish<Rt, W: PollWrite<Rt> + ?Sized>(
        &mut self,
        inner: Pin<&mut W>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<()>> {
        self.poll_then_flush(inner, cx, StreamEncoder::finish)
    }

    /// The end of the stream out, then the inner writer shut down, once.
    pub(crate) fn poll_shutdown<Rt, W: PollWrite<Rt> + ?Sized>(
        &mut self,
        mut inner: Pin<&mut W>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<()>> {
        if self.shut_down {
            return Poll::Ready(Ok(()));
        }
        if self.poll_finish(inner.as_mut(), cx)?.is_pending() {
            return Poll::Pending;
        }
        if retry_interrupted(|| inner.as_mut().poll_shutdown_inner(cx))?.is_pending() {
            return Poll::Pending;
        }
        self.shut_down = true;
        Poll::Ready(Ok(()))
    }

    fn poll_then_flush<Rt, W: PollWrite<Rt> + ?Sized>(
        &mut self,
        mut inner: Pin<&mut W>,
        cx: &mut Context<'_>,
        step: fn(&mut StreamEncoder) -> Result<bool, Error>,
    ) -> Poll<io::Result<()>> {
        if drive::poll_until(&mut self.encoder, step, |buf| {
            inner.as_mut().poll_write_to(cx, buf)
        })?
        .is_pending()
        {
            return Poll::Pending;
        }
        if self.shut_down {
            // Everything went out before the shutdown; a shut-down writer
            // may refuse even a flush.
            return Poll::Ready(Ok(()));
        }
        retry_interrupted(|| inner.as_mut().poll_flush_inner(cx))
    }
}

/// Calls `op` again while it fails with `Interrupted`, as the drive loops do
/// for reads and writes.
fn retry_interrupted(mut op: impl FnMut() -> Poll<io::Result<()>>) -> Poll<io::Result<()>> {
    loop {
        match op() {
            Poll::Ready(Err(err)) if err.kind() == io::ErrorKind::Interrupted => {}
            other => return other,
        }
    }
}

/// An async reader's state: the decoder.
pub(crate) struct ReadDriver {
    decoder: StreamDecoder,
}

impl ReadDriver {
    pub(crate) fn new(config: StreamConfig, who: &'static str) -> Result<Self, Error> {
        Ok(ReadDriver {
            decoder: StreamDecoder::for_byte_stream(config, who)?,
        })
    }

    pub(crate) fn default_config() -> Self {
        ReadDriver {
            decoder: StreamDecoder::with_valid_config(StreamConfig::default()),
        }
    }

    pub(crate) fn decoder(&self) -> &StreamDecoder {
        &self.decoder
    }

    /// Whether the stream has ended and all its output was consumed.
    pub(crate) fn is_finished(&self) -> bool {
        self.decoder.output().is_empty() && self.decoder.state() == DecoderState::Done
    }

    /// The decoded bytes not yet consumed, reading and decoding blocks until
    /// there are some or the stream has ended (then empty).
    pub(crate) fn poll_fill_buf<Rt, R: PollRead<Rt> + ?Sized>(
        &mut self,
        mut inner: Pin<&mut R>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<&[u8]>> {
        if drive::poll_fill(&mut self.decoder, |buf| {
            inner.as_mut().poll_read_into(cx, buf)
        })?
        .is_pending()
        {
            return Poll::Pending;
        }
        Poll::Ready(Ok(self.decoder.output()))
    }

    /// `poll_read`: as much of the next decoded bytes as fit `buf`, passed to
    /// `put` (which copies them into the runtime's buffer type).
    pub(crate) fn poll_read<Rt, R: PollRead<Rt> + ?Sized>(
        &mut self,
        inner: Pin<&mut R>,
        cx: &mut Context<'_>,
        room: usize,
        put: impl FnOnce(&[u8]),
    ) -> Poll<io::Result<usize>> {
        if room == 0 {
            return Poll::Ready(Ok(0));
        }
        let available = match self.poll_fill_buf(inner, cx) {
            Poll::Ready(Ok(available)) => available,
            Poll::Ready(Err(err)) => return Poll::Ready(Err(err)),
            Poll::Pending => return Poll::Pending,
        };
        let n = available.len().min(room);
        put(&available[..n]);
        self.decoder.consume_output(n);
        Poll::Ready(Ok(n))
    }

    pub(crate) fn consume(&mut self, amt: usize) {
        self.decoder.consume_output(amt);
    }
}

/// Stamps out one runtime's `Lz4StreamWriter`: the struct, its constructors
/// and accessors, `poll_finish`/`finish`, `Debug`, and its `AsyncWrite`
/// (whose shutdown method is named `shutdown`), all calling the driver.
macro_rules! async_writer {
    (
        runtime: $Rt:ty,
        feature: $feature:literal,
        write_trait: $AsyncWrite:ident,
        shutdown: $shutdown:ident,
        example: $example:literal $(,)?
    ) => {
        impl<T: $AsyncWrite + ?Sized> $crate::async_io::PollWrite<$Rt> for T {
            fn poll_write_to(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                self.poll_write(cx, buf)
            }
            fn poll_flush_inner(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                self.poll_flush(cx)
            }
            fn poll_shutdown_inner(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                self.$shutdown(cx)
            }
        }

        impl<W: $AsyncWrite> $AsyncWrite for Lz4StreamWriter<W> {
            fn poll_write(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                let this = self.project();
                this.driver.poll_write::<$Rt, W>(this.inner, cx, buf)
            }

            fn poll_flush(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                let this = self.project();
                this.driver.poll_flush::<$Rt, W>(this.inner, cx)
            }

            fn $shutdown(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                let this = self.project();
                this.driver.poll_shutdown::<$Rt, W>(this.inner, cx)
            }
        }

        pin_project_lite::pin_project! {
            /// Compresses everything written to it into an LZ4 block stream on
            /// `W`, asynchronously: the same bytes as the blocking
            #[doc = "[`Lz4StreamWriter`](crate::Lz4StreamWriter) for the same data and flush points."]
            ///
            /// Input is gathered into pages of `buffer_size` bytes; each full
            /// page becomes one block. Compression runs inside `poll_write`
            /// on the task that polls it (see the README's table of CPU time
            /// per page for when to move work off the runtime).
            ///
            /// - `poll_flush` turns the partial page into a block, writes
            ///   everything out, then flushes `W`: the peer can decode
            ///   everything written so far.
            #[doc = concat!("- `", stringify!($shutdown), "` writes the last block (and the end marker, if configured), then shuts `W` down. A second shutdown, and a flush after it, return `Ok`.")]
            /// - [`finish`](Self::finish) (or [`poll_finish`](Self::poll_finish))
            ///   ends the stream and flushes `W` *without* shutting it down,
            ///   for protocols that go on after the stream: then
            ///   [`into_inner`](Self::into_inner).
            /// - A write after the stream was finished fails with
            ///   [`BrokenPipe`](std::io::ErrorKind::BrokenPipe).
            ///
            /// `Pending`, short writes and errors from `W` lose or duplicate
            /// nothing: a block `W` did not take stays here and goes out
            /// first when the caller polls again, and until it is out no new
            /// input is taken (so at most one page and one block are held).
            ///
            /// With [`StreamConfig::workers`](crate::StreamConfig::workers) at
            /// 2 or more, pages are compressed on threads the writer owns
            /// (the same bytes as the blocking writer with workers). The I/O
            /// stays on the task that polls: worker threads never touch `W`.
            /// When every worker has two jobs (runs of pages of about
            /// 256 KiB), or `poll_flush` and shutdown need the last blocks,
            /// the poll waits for the next job's blocks — at most one job's
            /// compression per wait, about as long as compressing its pages
            /// inline would take (a few hundred microseconds in the default
            /// mode, tens of milliseconds at HC-12); `poll_flush` and
            /// shutdown, with a `W` that is always ready, wait for every job
            /// in flight in turn without yielding. Dropping the writer joins
            /// the threads.
            ///
            /// **Dropping an unfinished writer cannot write the end of the
            /// stream** (`Drop` cannot wait for `W`): the last partial page,
            /// and the block of the last full page (written only at the start
            /// of the next write, flush or finish; with workers, also the
            /// pages not yet compressed and written, up to two jobs per
            /// worker and the job being filled), are lost and the stream
            /// ends at the last block written, which a reader cannot tell
            /// from a complete stream. Always call
            #[doc = concat!("[`finish`](Self::finish) or shut the writer down (`", stringify!($shutdown), "`).")]
            ///
            /// ```
            #[doc = $example]
            /// ```
            #[cfg_attr(docsrs, doc(cfg(feature = $feature)))]
            pub struct Lz4StreamWriter<W> {
                #[pin]
                inner: W,
                driver: $crate::async_io::WriteDriver,
            }
        }

        impl<W> Lz4StreamWriter<W> {
            /// A writer with the default configuration: 64 KiB pages, 4-byte
            /// prefixes, no dictionary (python-lz4's defaults).
            pub fn new(inner: W) -> Self {
                Lz4StreamWriter {
                    inner,
                    driver: $crate::async_io::WriteDriver::default_config(),
                }
            }

            /// A writer with `config`, validated first.
            ///
            /// # Errors
            ///
            /// An invalid configuration, or
            /// [`SizePrefix::OutOfBand`](crate::SizePrefix::OutOfBand), which a
            /// byte stream cannot carry.
            pub fn with_config(
                inner: W,
                config: $crate::StreamConfig,
            ) -> Result<Self, $crate::Error> {
                Ok(Lz4StreamWriter {
                    inner,
                    driver: $crate::async_io::WriteDriver::new(config, "Lz4StreamWriter")?,
                })
            }

            /// The configuration in use.
            pub fn config(&self) -> &$crate::StreamConfig {
                self.driver.encoder().config()
            }

            /// Bytes of input taken so far.
            pub fn total_in(&self) -> u64 {
                self.driver.encoder().total_in()
            }

            /// Compressed bytes handed to the inner writer so far.
            pub fn total_out(&self) -> u64 {
                self.driver.encoder().total_out()
            }

            /// The inner writer.
            pub fn get_ref(&self) -> &W {
                &self.inner
            }

            /// The inner writer, mutably. Writing to it directly corrupts the
            /// stream.
            pub fn get_mut(&mut self) -> &mut W {
                &mut self.inner
            }

            /// The inner writer, pinned. Writing to it directly corrupts the
            /// stream.
            pub fn get_pin_mut(self: std::pin::Pin<&mut Self>) -> std::pin::Pin<&mut W> {
                self.project().inner
            }

            /// The inner writer. Anything not yet written out (the partial
            /// page, a pending block) is lost: call [`finish`](Self::finish)
            /// first.
            pub fn into_inner(self) -> W {
                self.inner
            }
        }

        impl<W: $AsyncWrite> Lz4StreamWriter<W> {
            /// Ends the stream — the partial page as the last block, the end
            /// marker if configured — writes it all out and flushes `W`,
            /// without shutting `W` down. Ready with `Ok` again once done; a
            /// write afterwards fails.
            pub fn poll_finish(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                let this = self.project();
                this.driver.poll_finish::<$Rt, W>(this.inner, cx)
            }

            /// [`poll_finish`](Self::poll_finish) as a future: ends the
            /// stream without shutting `W` down, so
            /// [`into_inner`](Self::into_inner) can hand `W` on to what
            /// follows the stream.
            ///
            /// Cancel safe: dropping the future loses nothing; calling
            /// `finish` again resumes where it stopped.
            pub async fn finish(&mut self) -> std::io::Result<()>
            where
                W: Unpin,
            {
                std::future::poll_fn(|cx| std::pin::Pin::new(&mut *self).poll_finish(cx)).await
            }
        }

        impl<W> std::fmt::Debug for Lz4StreamWriter<W> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("Lz4StreamWriter")
                    .field("encoder", self.driver.encoder())
                    .finish_non_exhaustive()
            }
        }
    };
}

/// Stamps out one runtime's `Lz4StreamReader`: the struct, its constructors
/// and accessors, `Debug` and its `AsyncBufRead`. The runtime module
/// implements `AsyncRead` (whose buffer type differs) by calling the driver.
macro_rules! async_reader {
    (
        runtime: $Rt:ty,
        feature: $feature:literal,
        bufread_trait: $AsyncBufRead:ident,
        read_trait: $AsyncRead:ident,
        example: $example:literal $(,)?
    ) => {
        impl<R: $AsyncRead> $AsyncBufRead for Lz4StreamReader<R> {
            fn poll_fill_buf(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<&[u8]>> {
                let this = self.project();
                this.driver.poll_fill_buf::<$Rt, R>(this.inner, cx)
            }

            fn consume(self: std::pin::Pin<&mut Self>, amt: usize) {
                self.project().driver.consume(amt);
            }
        }

        pin_project_lite::pin_project! {
            /// Decompresses an LZ4 block stream read from `R`, asynchronously:
            /// `AsyncRead` and `AsyncBufRead` (whose `fill_buf` hands out the
            /// decoded chunk straight from the decoder's window).
            ///
            /// It reads exactly the bytes of the stream: each size prefix,
            /// then its block, and nothing after an end marker, so `R` can go
            /// on with whatever follows (use [`into_inner`](Self::into_inner)).
            ///
            /// `Pending` and short reads from `R` may come at any byte: the
            /// reader resumes exactly where it stopped. A stream cut inside a
            /// size prefix or a block is an
            /// [`UnexpectedEof`](std::io::ErrorKind::UnexpectedEof) error, never
            /// a quiet end; corrupt data is
            /// [`InvalidData`](std::io::ErrorKind::InvalidData); both are
            /// sticky, and their [`into_inner`](std::io::Error::into_inner) is
            /// the typed [`Error`](crate::Error) with block index and offset.
            ///
            /// Cancel safe: all state lives in the reader, so dropping a read
            /// future (say, the losing branch of a `select!`) loses nothing;
            /// the next read goes on where it stopped.
            ///
            /// ```
            #[doc = $example]
            /// ```
            #[cfg_attr(docsrs, doc(cfg(feature = $feature)))]
            pub struct Lz4StreamReader<R> {
                #[pin]
                inner: R,
                driver: $crate::async_io::ReadDriver,
            }
        }

        impl<R> Lz4StreamReader<R> {
            /// A reader with the default configuration: 64 KiB pages, 4-byte
            /// prefixes, no dictionary (python-lz4's defaults).
            pub fn new(inner: R) -> Self {
                Lz4StreamReader {
                    inner,
                    driver: $crate::async_io::ReadDriver::default_config(),
                }
            }

            /// A reader with `config` (the writer's page size, prefix width
            /// and dictionary), validated first.
            ///
            /// # Errors
            ///
            /// An invalid configuration, or
            /// [`SizePrefix::OutOfBand`](crate::SizePrefix::OutOfBand), which a
            /// byte stream cannot carry.
            pub fn with_config(
                inner: R,
                config: $crate::StreamConfig,
            ) -> Result<Self, $crate::Error> {
                Ok(Lz4StreamReader {
                    inner,
                    driver: $crate::async_io::ReadDriver::new(config, "Lz4StreamReader")?,
                })
            }

            /// The configuration in use.
            pub fn config(&self) -> &$crate::StreamConfig {
                self.driver.decoder().config()
            }

            /// Compressed bytes read from the inner reader so far.
            pub fn total_in(&self) -> u64 {
                self.driver.decoder().total_in()
            }

            /// Decoded bytes handed to the caller so far.
            pub fn total_out(&self) -> u64 {
                self.driver.decoder().total_out()
            }

            /// Whether the end of the stream has been reached (a clean end of
            /// `R` between blocks, or an end marker) and all output consumed.
            pub fn is_finished(&self) -> bool {
                self.driver.is_finished()
            }

            /// The inner reader.
            pub fn get_ref(&self) -> &R {
                &self.inner
            }

            /// The inner reader, mutably. Reading from it directly corrupts
            /// the stream.
            pub fn get_mut(&mut self) -> &mut R {
                &mut self.inner
            }

            /// The inner reader, pinned. Reading from it directly corrupts the
            /// stream.
            pub fn get_pin_mut(self: std::pin::Pin<&mut Self>) -> std::pin::Pin<&mut R> {
                self.project().inner
            }

            /// The inner reader. Decoded bytes not yet read, and a block read
            /// only in part, are lost.
            pub fn into_inner(self) -> R {
                self.inner
            }
        }

        impl<R> std::fmt::Debug for Lz4StreamReader<R> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("Lz4StreamReader")
                    .field("decoder", self.driver.decoder())
                    .finish_non_exhaustive()
            }
        }
    };
}

pub(crate) use {async_reader, async_writer};
