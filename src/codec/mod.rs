//! Raw LZ4: one block in, one block out, with the history given as a slice
//! before the data. The encoder (`encode`: match finders and the sequence
//! writer) and the decoder (`decode`) know nothing of pages, prefixes or
//! streams; the [`block`](crate::block) layer above gives them those.

pub(crate) mod decode;
pub(crate) mod encode;
