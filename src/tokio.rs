//! The adapters for tokio's `AsyncRead`, `AsyncBufRead` and `AsyncWrite`
//! (feature `tokio`): [`Lz4StreamWriter`] and [`Lz4StreamReader`], drivers of
//! the same [`stream`](crate::stream) state machines as the blocking ones.
//!
//! Over TCP, `flush()` sends the partial page as a block and then flushes the
//! socket, so the peer can decode everything written so far:
//!
//! ```
//! use lz4_stream::tokio::{Lz4StreamReader, Lz4StreamWriter};
//! use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
//! use tokio::net::{TcpListener, TcpStream};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let listener = TcpListener::bind("127.0.0.1:0").await?;
//! let addr = listener.local_addr()?;
//! let server = tokio::spawn(async move {
//!     let (socket, _) = listener.accept().await?;
//!     let mut lines = Lz4StreamReader::new(socket).lines();
//!     let mut got = Vec::new();
//!     while let Some(line) = lines.next_line().await? {
//!         got.push(line);
//!     }
//!     std::io::Result::Ok(got)
//! });
//!
//! let mut writer = Lz4StreamWriter::new(TcpStream::connect(addr).await?);
//! writer.write_all(b"hello over the wire\n").await?;
//! writer.flush().await?; // one block now, not when the 64 KiB page fills
//! writer.shutdown().await?; // the last block, then the socket's write half
//! assert_eq!(server.await??, ["hello over the wire"]);
//! # Ok(())
//! # }
//! ```
//!
//! Files through `tokio::fs::File`:
//!
//! ```
//! use lz4_stream::tokio::{Lz4StreamReader, Lz4StreamWriter};
//! use tokio::fs::File;
//! use tokio::io::{self, AsyncWriteExt, BufReader, BufWriter};
//!
//! async fn compress(from: &str, to: &str) -> io::Result<()> {
//!     let mut input = File::open(from).await?;
//!     let mut writer = Lz4StreamWriter::new(BufWriter::new(File::create(to).await?));
//!     io::copy(&mut input, &mut writer).await?;
//!     writer.shutdown().await // the last block, then flushes and closes the BufWriter
//! }
//!
//! async fn decompress(from: &str, to: &str) -> io::Result<u64> {
//!     let mut reader = Lz4StreamReader::new(BufReader::new(File::open(from).await?));
//!     io::copy_buf(&mut reader, &mut File::create(to).await?).await
//! }
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> io::Result<()> {
//! # let dir = tempfile::tempdir()?;
//! # let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
//! # tokio::fs::write(path("in"), b"file contents ".repeat(10_000)).await?;
//! # compress(&path("in"), &path("in.lz4s")).await?;
//! # decompress(&path("in.lz4s"), &path("out")).await?;
//! # assert_eq!(tokio::fs::read(path("out")).await?, b"file contents ".repeat(10_000));
//! # Ok(())
//! # }
//! ```
//!
//! Between tasks over a pipe:
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
