//! A valid stream (the writer's, with the input's configuration, writes and
//! flushes) cut at an arbitrary offset, read through `Lz4StreamReader` over a
//! flaky source and through `get_block`: an `UnexpectedEof` error naming the
//! block, the part (size prefix or body) and the byte counts exactly when the
//! cut is inside a prefix, a block or the end marker; otherwise a clean end
//! with exactly the data of the complete blocks. Either way, everything
//! before the cut's block comes out.
//!
//! Input: header (misc bit 0: generated data), write plan, cut (4 bytes), read
//! pattern, source faults (each a length byte and bytes), then the data.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lz4_stream::BlockPart;
use lz4_stream_fuzz::setup::{self, MAX_WRITE_PAGE};
use lz4_stream_fuzz::stream::{self, End};

fuzz_target!(|input: &[u8]| {
    let Some((setup, mut rest)) = setup::parse(input, false, MAX_WRITE_PAGE) else {
        return;
    };
    let config = &setup.config;
    let width = config.get_size_prefix().width();
    let plan = setup::section(&mut rest);
    let mut cut = [0u8; 4];
    let cut_bytes = setup::take(&mut rest, 4);
    cut[..cut_bytes.len()].copy_from_slice(cut_bytes);
    let pattern = setup::section(&mut rest);
    let faults = setup::section(&mut rest);
    let data = setup.data(rest);

    let written = stream::write_stream(config, &data, plan, &[]);
    let full = &written.stream;
    let cut = u32::from_le_bytes(cut) as usize % (full.len() + 1);

    // Walk the blocks of the whole stream to find what the cut falls into.
    let mut expected = End::Clean;
    let mut complete = 0usize; // data bytes of the blocks before the cut
    let chunks = written
        .chunks
        .iter()
        .chain(config.get_end_marker().then_some(&0));
    for (index, ((offset, block), &chunk)) in (0u64..).zip(stream::blocks(full, width).zip(chunks))
    {
        let size = block.len();
        let end = offset + width + size;
        if cut <= offset {
            break;
        }
        if cut < offset + width {
            expected = End::Truncated {
                block: index,
                offset: offset as u64,
                part: BlockPart::SizePrefix,
                needed: width as u64,
                got: (cut - offset) as u64,
            };
            break;
        }
        if size == 0 {
            expected = End::Marker(cut);
            break;
        }
        if cut < end {
            expected = End::Truncated {
                block: index,
                offset: offset as u64,
                part: BlockPart::Body,
                needed: size as u64,
                got: (cut - offset - width) as u64,
            };
            break;
        }
        complete += chunk;
    }
    let blocks = stream::read_and_check(&full[..cut], config, pattern, faults);
    assert_eq!(blocks.end, expected, "cut at {cut} of {}", full.len());
    assert!(
        blocks.output == data[..complete],
        "wrong data before the cut"
    );
});
