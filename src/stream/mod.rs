//! The sans-I/O stream layer: one state machine per direction, for whoever
//! owns the I/O.
//!
//! - [`StreamEncoder`] takes bytes, cuts them into pages, compresses each
//!   full page into a prefixed block and hands the blocks (and the end marker)
//!   out through [`pending`](StreamEncoder::pending) /
//!   [`consume`](StreamEncoder::consume).
//! - [`StreamDecoder`] takes compressed bytes in pieces of any size, either
//!   pushed ([`feed`](StreamDecoder::feed)) or read straight into the buffer
//!   it asks for ([`input_buf`](StreamDecoder::input_buf) /
//!   [`commit_input`](StreamDecoder::commit_input)), and hands the decoded
//!   bytes out through [`output`](StreamDecoder::output) /
//!   [`consume_output`](StreamDecoder::consume_output).
//!
//! Every adapter of this crate — [`Lz4StreamWriter`](crate::Lz4StreamWriter),
//! [`Lz4StreamReader`](crate::Lz4StreamReader) and the async ones — is a thin
//! driver of these two types; a transport of its own (datagrams, a message
//! queue, a C callback, another runtime) can drive them the same way.
//!
//! Both follow the same conventions:
//!
//! - The codec owns its output buffer: an LZ4 block is made whole, so handing
//!   out a slice of it saves the copy a caller-owned output buffer would cost.
//! - Operations that may need several rounds of output (`flush`, `finish`)
//!   return `Ok(true)` once they are complete: "call until true", handing the
//!   pending output on between calls.
//! - A failure is sticky: the typed [`Error`](crate::Error) is kept and
//!   returned again by every later call that needs the stream to be intact.
//! - `total_in` and `total_out` count the bytes taken and handed out, as
//!   flate2's counters do.
//!
//! ```
//! use lz4_stream::stream::{StreamDecoder, StreamEncoder};
//! use lz4_stream::StreamConfig;
//!
//! # fn main() -> Result<(), lz4_stream::Error> {
//! let config = StreamConfig::default().buffer_size(4096);
//! let data = b"messages, messages, messages ".repeat(500);
//!
//! // Compress into a list of "datagrams" of whatever size the encoder hands out.
//! let mut encoder = StreamEncoder::new(config.clone())?;
//! let mut datagrams: Vec<Vec<u8>> = Vec::new();
//! let mut input = &data[..];
//! while !input.is_empty() {
//!     let taken = encoder.push(input)?;
//!     input = &input[taken..];
//!     datagrams.push(encoder.pending().to_vec());
//!     encoder.consume(encoder.pending().len());
//! }
//! while !encoder.finish()? {
//!     datagrams.push(encoder.pending().to_vec());
//!     encoder.consume(encoder.pending().len());
//! }
//!
//! // Decode them, fed in pieces of 100 bytes.
//! let mut decoder = StreamDecoder::new(config)?;
//! let mut out = Vec::new();
//! for piece in datagrams.concat().chunks(100) {
//!     let mut piece = piece;
//!     while !piece.is_empty() {
//!         let taken = decoder.feed(piece)?;
//!         piece = &piece[taken..];
//!         out.extend_from_slice(decoder.output());
//!         decoder.consume_output(decoder.output().len());
//!     }
//! }
//! decoder.end_of_input()?; // an error if the stream was cut inside a block
//! assert_eq!(out, data);
//! # Ok(())
//! # }
//! ```

mod decoder;
mod encoder;
mod producer;

pub(crate) use decoder::{DecodeOnto, Intake};
pub use decoder::{DecoderState, StreamDecoder};
pub use encoder::{EncoderState, StreamEncoder};
