//! The adapters for the futures-io traits `AsyncRead`, `AsyncBufRead` and
//! `AsyncWrite` (feature `futures-io`; async-std, smol and the `futures`
//! executors use them): [`Lz4StreamWriter`] and [`Lz4StreamReader`], drivers
//! of the same [`stream`](crate::stream) state machines as the blocking ones.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use ::futures_io::{AsyncBufRead, AsyncRead, AsyncWrite};

use crate::async_io::{async_reader, async_writer, PollRead};

/// Names the futures-io traits for the shared drivers.
pub(crate) enum Futures {}

impl<T: AsyncRead + ?Sized> PollRead<Futures> for T {
    fn poll_read_into(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_read(cx, buf)
    }
}

async_writer! {
    runtime: Futures,
    feature: "futures-io",
    write_trait: AsyncWrite,
    shutdown: poll_close,
    example: r#"use futures::io::AsyncWriteExt;
use lz4_stream::futures::Lz4StreamWriter;

# futures::executor::block_on(async {
let mut writer = Lz4StreamWriter::new(futures::io::Cursor::new(Vec::new()));
writer.write_all(b"some data, some data, some data").await?;
writer.finish().await?; // or close(), which also closes the inner writer
let compressed: Vec<u8> = writer.into_inner().into_inner();
# assert!(!compressed.is_empty());
# std::io::Result::Ok(())
# }).unwrap();"#,
}

async_reader! {
    runtime: Futures,
    feature: "futures-io",
    bufread_trait: AsyncBufRead,
    read_trait: AsyncRead,
    example: r#"use futures::io::{AsyncReadExt, AsyncWriteExt};
use lz4_stream::futures::{Lz4StreamReader, Lz4StreamWriter};

# futures::executor::block_on(async {
let mut writer = Lz4StreamWriter::new(futures::io::Cursor::new(Vec::new()));
writer.write_all(b"hello, stream").await?;
writer.close().await?;
let compressed = writer.into_inner().into_inner();

let mut reader = Lz4StreamReader::new(&compressed[..]);
let mut text = String::new();
reader.read_to_string(&mut text).await?;
assert_eq!(text, "hello, stream");
# std::io::Result::Ok(())
# }).unwrap();"#,
}

impl<R: AsyncRead> AsyncRead for Lz4StreamReader<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.project();
        let room = buf.len();
        this.driver
            .poll_read::<Futures, R>(this.inner, cx, room, |out| {
                buf[..out.len()].copy_from_slice(out)
            })
    }
}
