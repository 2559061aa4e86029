//! Every stream python-lz4 wrote (tests/data/python-lz4) decodes exactly,
//! through the reader (in-band sizes) and the block API (all widths,
//! out-of-band sizes included).

mod common;

use std::io::Read;

use lz4_stream::block::Decompressor;
use lz4_stream::Lz4StreamReader;

#[test]
fn reader_decodes_every_python_vector() {
    let vectors = common::python_vectors();
    assert_eq!(vectors.len(), 48);
    let mut checked = 0;
    for v in vectors.iter().filter(|v| v.store_comp_size != 0) {
        let mut reader = Lz4StreamReader::with_config(&v.stream[..], v.config()).unwrap();
        let mut out = Vec::new();
        reader
            .read_to_end(&mut out)
            .unwrap_or_else(|e| panic!("{}: {e}", v.name));
        assert!(out == v.input, "{}: decoded bytes differ", v.name);
        checked += 1;
    }
    assert!(checked > 30);
}

#[test]
fn block_api_decodes_every_python_vector() {
    for v in common::python_vectors() {
        let mut d = Decompressor::new(v.config()).unwrap();
        let width = v.store_comp_size;
        let mut offset = 0;
        let mut out = Vec::new();
        for &(raw_len, comp_len) in &v.blocks {
            let block = if width == 0 {
                &v.stream[offset..offset + comp_len]
            } else {
                let block = d.get_block(&v.stream[offset..]).unwrap();
                assert_eq!(block.len(), comp_len, "{}", v.name);
                block
            };
            let chunk = d
                .decompress(block)
                .unwrap_or_else(|e| panic!("{}: {e}", v.name));
            assert_eq!(chunk.len(), raw_len, "{}", v.name);
            out.extend_from_slice(chunk);
            offset += width + comp_len;
        }
        assert_eq!(offset, v.stream.len(), "{}", v.name);
        assert!(out == v.input, "{}: decoded bytes differ", v.name);
    }
}
