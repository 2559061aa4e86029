//! Arbitrary bytes through `Lz4StreamReader`, over a source with short reads,
//! `WouldBlock`, `Interrupted` and time-outs, read with `read`, `fill_buf` /
//! `consume` and `read_until` in a mix the input chooses.
//!
//! Checks: no panic; the output is exactly what the block API (checked in turn
//! against the reference decoder) decodes from the same bytes, so never more
//! than the blocks can decode to; the error, if any, is `UnexpectedEof` for a
//! cut inside a prefix or block and `InvalidData` for a corrupt block, names
//! the right block and offset, and sticks; nothing is read past an end marker.
//!
//! Input: header, read pattern, source faults (each a length byte and bytes),
//! then the stream.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lz4_stream::{Error, Lz4StreamReader, SizePrefix, MAX_BUFFER_SIZE};
use lz4_stream_fuzz::{setup, stream};

fuzz_target!(|input: &[u8]| {
    let Some((setup, mut rest)) = setup::parse(input, true, MAX_BUFFER_SIZE) else {
        return;
    };
    if setup.config.get_size_prefix() == SizePrefix::OutOfBand {
        // A byte stream cannot carry out-of-band sizes: refused up front.
        let refused = Lz4StreamReader::with_config(rest, setup.config.clone());
        assert!(matches!(refused, Err(Error::OutOfBandSizes(_))));
        return;
    }
    let pattern = setup::section(&mut rest);
    let faults = setup::section(&mut rest);
    stream::read_and_check(rest, &setup.config, pattern, faults);
});
