//! The adapters for tokio's `AsyncRead`, `AsyncBufRead` and `AsyncWrite`
//! (feature `tokio`): [`Lz4StreamWriter`] and [`Lz4StreamReader`], drivers of
//! the same [`stream`](crate::stream) state machines as the blocking ones.
//!
//! ```
//! use lz4_stream::tokio::{Lz4StreamReader, Lz4StreamWriter};
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let (client, server) = tokio::io::duplex(64 * 1024);
//! let writer = tokio::spawn(async move {
//!     let mut writer = Lz4StreamWriter::new(client);
//!     writer.write_all(b"hello over a pipe").await?;
//!     writer.shutdown().await // the last block, then the pipe's end
//! });
//! let mut text = String::new();
//! Lz4StreamReader::new(server).read_to_string(&mut text).await?;
//! writer.await??;
//! assert_eq!(text, "hello over a pipe");
//! # Ok(())
//! # }
//! ```

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use ::tokio::io::{AsyncBufRead, AsyncRead, AsyncWrite, ReadBuf};

use crate::async_io::{async_reader, async_writer, PollRead};

/// Names tokio's traits for the shared drivers.
pub(crate) enum Tokio {}

impl<T: AsyncRead + ?Sized> PollRead<Tokio> for T {
    fn poll_read_into(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        // The decoder's buffer is initialized: no zeroing here.
        let mut buf = ReadBuf::new(buf);
        match self.poll_read(cx, &mut buf) {
            Poll::Ready(Ok(())) => Poll::Ready(Ok(buf.filled().len())),
            Poll::Ready(Err(err)) => Poll::Ready(Err(err)),
            Poll::Pending => Poll::Pending,
        }
    }
}

async_writer! {
    runtime: Tokio,
    feature: "tokio",
    write_trait: AsyncWrite,
    shutdown: poll_shutdown,
    example: r#"use lz4_stream::tokio::Lz4StreamWriter;
use tokio::io::AsyncWriteExt;

# #[tokio::main(flavor = "current_thread")]
# async fn main() -> std::io::Result<()> {
let mut writer = Lz4StreamWriter::new(Vec::new());
writer.write_all(b"some data, some data, some data").await?;
writer.finish().await?; // or shutdown(), which also shuts the Vec "down"
let compressed: Vec<u8> = writer.into_inner();
# assert!(!compressed.is_empty());
# Ok(())
# }"#,
}

async_reader! {
    runtime: Tokio,
    feature: "tokio",
    bufread_trait: AsyncBufRead,
    read_trait: AsyncRead,
    example: r#"use lz4_stream::tokio::{Lz4StreamReader, Lz4StreamWriter};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

# #[tokio::main(flavor = "current_thread")]
# async fn main() -> std::io::Result<()> {
let mut writer = Lz4StreamWriter::new(Vec::new());
writer.write_all(b"hello, stream").await?;
writer.finish().await?;
let compressed = writer.into_inner();

let mut reader = Lz4StreamReader::new(&compressed[..]);
let mut text = String::new();
reader.read_to_string(&mut text).await?;
assert_eq!(text, "hello, stream");
# Ok(())
# }"#,
}

impl<R: AsyncRead> AsyncRead for Lz4StreamReader<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.project();
        let room = buf.remaining();
        this.driver
            .poll_read::<Tokio, R>(this.inner, cx, room, |out| buf.put_slice(out))
            .map_ok(|_| ())
    }
}
