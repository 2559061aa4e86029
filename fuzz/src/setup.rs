//! Configuration, data and write plans drawn from the fuzzer's input.

use arbitrary::Unstructured;
use lz4_stream::{
    CompressionMode, SizePrefix, StreamConfig, MAX_ACCELERATION, MAX_BUFFER_SIZE, MAX_LEVEL,
    WINDOW_SIZE,
};

/// Length of the [`Header`] every target's input starts with.
pub const HEADER_LEN: usize = 9;

/// Largest page the writing targets use: enough for pages above 64 KiB (the
/// window size) while keeping an execution fast. Reading targets go up to
/// [`MAX_BUFFER_SIZE`].
pub const MAX_WRITE_PAGE: usize = 1 << 20;

/// Page sizes at the edges: tiny pages, the 1-byte prefix's limit, the 2-byte
/// prefix's limit, and around the 64 KiB window.
pub const EDGE_PAGES: &[usize] = &[
    1, 2, 4, 5, 12, 13, 64, 238, 239, 255, 256, 4096, 65_264, 65_535, 65_536, 65_537, 131_072,
];

/// The 9 bytes in front of every input.
///
/// - byte 0: bits 0-1 prefix width (0: 4 bytes, 1: 2, 2: 1, 3: out of band),
///   bit 2 end marker, bits 3-4 dictionary kind, bits 5-7 page-size class;
/// - bytes 1-4: page-size parameter (little-endian);
/// - bytes 5-6: dictionary parameter (little-endian);
/// - byte 7: free for the target (data mode, liblz4's mode, ...);
/// - byte 8: the writer's compression mode: bits 0-1 default, fast, high,
///   fast with a large acceleration; bits 2-7 its parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub prefix: u8,
    pub end_marker: bool,
    pub dict_kind: u8,
    pub page_class: u8,
    pub page: u32,
    pub dict_param: u16,
    pub misc: u8,
    pub mode: u8,
}

/// Page-size class that takes the page parameter as the exact page size.
pub const PAGE_EXACT: u8 = 7;
/// Dictionary kind whose bytes follow the header (the parameter is their length).
pub const DICT_INLINE: u8 = 1;

impl Header {
    pub fn parse(bytes: [u8; HEADER_LEN]) -> Header {
        Header {
            prefix: bytes[0] & 3,
            end_marker: bytes[0] & 4 != 0,
            dict_kind: (bytes[0] >> 3) & 3,
            page_class: bytes[0] >> 5,
            page: u32::from_le_bytes([bytes[1], bytes[2], bytes[3], bytes[4]]),
            dict_param: u16::from_le_bytes([bytes[5], bytes[6]]),
            misc: bytes[7],
            mode: bytes[8],
        }
    }

    pub fn encode(&self) -> [u8; HEADER_LEN] {
        let page = self.page.to_le_bytes();
        let dict = self.dict_param.to_le_bytes();
        [
            (self.prefix & 3)
                | (u8::from(self.end_marker) << 2)
                | ((self.dict_kind & 3) << 3)
                | (self.page_class << 5),
            page[0],
            page[1],
            page[2],
            page[3],
            dict[0],
            dict[1],
            self.misc,
            self.mode,
        ]
    }

    /// The header that selects exactly this configuration, with an inline
    /// dictionary (for seeds).
    pub fn exact(prefix: SizePrefix, page: usize, dict_len: u16, end_marker: bool) -> Header {
        Header {
            prefix: match prefix {
                SizePrefix::U32 => 0,
                SizePrefix::U16 => 1,
                SizePrefix::U8 => 2,
                SizePrefix::OutOfBand => 3,
            },
            end_marker,
            dict_kind: if dict_len > 0 { DICT_INLINE } else { 0 },
            page_class: PAGE_EXACT,
            page: page as u32,
            dict_param: dict_len,
            misc: 0,
            mode: 0,
        }
    }
}

/// A configuration drawn from a [`Header`], and what the target needs besides.
#[derive(Debug, Clone)]
pub struct Setup {
    pub config: StreamConfig,
    /// The whole dictionary (liblz4 is given it too), empty for none.
    pub dictionary: Vec<u8>,
    /// The header's free byte.
    pub misc: u8,
}

impl Setup {
    /// The data to compress, from the rest of the input: [`data`] with this
    /// setup's choice of generator, dictionary and [`data_budget`].
    pub fn data(&self, rest: &[u8]) -> Vec<u8> {
        data(rest, self.misc, &self.dictionary, data_budget(&self.config))
    }
}

/// Parses the header (and an inline dictionary) off `input`: the setup and the
/// rest of the input. `None` when the input is too short to hold them.
///
/// `out_of_band` says whether the target handles [`SizePrefix::OutOfBand`];
/// if not, that choice becomes 4-byte prefixes. Pages stay within `max_page`.
pub fn parse(input: &[u8], out_of_band: bool, max_page: usize) -> Option<(Setup, &[u8])> {
    let header: [u8; HEADER_LEN] = input.get(..HEADER_LEN)?.try_into().ok()?;
    let header = Header::parse(header);
    let mut rest = &input[HEADER_LEN..];
    let prefix = match header.prefix {
        1 => SizePrefix::U16,
        2 => SizePrefix::U8,
        3 if out_of_band => SizePrefix::OutOfBand,
        _ => SizePrefix::U32,
    };
    let raw = header.page as usize;
    let page = match header.page_class {
        0 => 1 + raw % 16,
        1 => 1 + raw % 1024,
        2 => 1 + raw % 65_536,
        3 => EDGE_PAGES[raw % EDGE_PAGES.len()],
        4 => 65_537 + raw % (max_page.max(65_538) - 65_537),
        5 => 1 + raw % 239,
        _ => raw.clamp(1, MAX_BUFFER_SIZE),
    };
    let prefix_max = match prefix {
        SizePrefix::U8 => 239,
        SizePrefix::U16 => 65_264,
        _ => MAX_BUFFER_SIZE,
    };
    let page = page.min(prefix_max).min(max_page);
    let param = header.dict_param as usize;
    let dictionary = match header.dict_kind {
        0 => Vec::new(),
        DICT_INLINE => {
            let len = param.min(rest.len());
            let (dict, after) = rest.split_at(len);
            rest = after;
            dict.to_vec()
        }
        2 => patterned(1 + param, header.dict_param as u64),
        // Longer than the window: only its last 64 KiB count.
        _ => patterned(WINDOW_SIZE + 1 + param % 8192, header.dict_param as u64),
    };
    let config = StreamConfig::default()
        .buffer_size(page)
        .size_prefix(prefix)
        .dictionary(dictionary.clone())
        .end_marker(header.end_marker)
        .mode(mode(header.mode));
    Some((
        Setup {
            config,
            dictionary,
            misc: header.misc,
        },
        rest,
    ))
}

/// The writer's compression mode for a header's mode byte.
pub fn mode(byte: u8) -> CompressionMode {
    let param = (byte >> 2) as u32;
    match byte & 3 {
        0 => CompressionMode::Default,
        1 => CompressionMode::Fast {
            acceleration: 1 + param,
        },
        2 => CompressionMode::High {
            level: 1 + (param % MAX_LEVEL as u32) as u8,
        },
        _ => CompressionMode::Fast {
            acceleration: [MAX_ACCELERATION, MAX_ACCELERATION - 1, 1000, 256][param as usize % 4],
        },
    }
}

/// Text-like bytes from a small vocabulary: something data can match against.
pub fn patterned(len: usize, seed: u64) -> Vec<u8> {
    const WORDS: &[&[u8]] = &[
        b"stream ",
        b"block ",
        b"page ",
        b"the ",
        b"window ",
        b"lz4 ",
        b"\x00\x00\x00\x00",
        b"history ",
        b"match ",
        b"\xff\xfe",
        b"offset ",
        b"\n",
    ];
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = Vec::with_capacity(len + 16);
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(WORDS[(state % WORDS.len() as u64) as usize]);
    }
    out.truncate(len);
    out
}

/// Splits `len` bytes off the front of `input` (fewer if it is shorter).
pub fn take<'a>(input: &mut &'a [u8], len: usize) -> &'a [u8] {
    let (head, tail) = input.split_at(len.min(input.len()));
    *input = tail;
    head
}

/// A length-prefixed section: one byte of length, then that many bytes.
pub fn section<'a>(input: &mut &'a [u8]) -> &'a [u8] {
    let len = take(input, 1).first().copied().unwrap_or(0) as usize;
    take(input, len)
}

/// The data to compress: `rest` as it is, or (with bit 0 of `misc` set) data
/// generated from it with literals, runs, and copies from earlier data and the
/// dictionary, so long and far matches get exercised too.
pub fn data(rest: &[u8], misc: u8, dictionary: &[u8], max_len: usize) -> Vec<u8> {
    if misc & 1 == 0 {
        return rest[..rest.len().min(max_len)].to_vec();
    }
    let mut u = Unstructured::new(rest);
    let mut out: Vec<u8> = Vec::new();
    while out.len() < max_len && !u.is_empty() {
        let op: u8 = u.int_in_range(0..=4).unwrap_or(0);
        match op {
            1 => {
                let byte: u8 = u.arbitrary().unwrap_or(0);
                let n: usize = u.int_in_range(1..=4096).unwrap_or(1);
                out.resize(out.len() + n, byte);
            }
            2 if !out.is_empty() => {
                let distance = u.int_in_range(1..=out.len().min(70_000)).unwrap_or(1);
                let n: usize = u.int_in_range(1..=2048).unwrap_or(1);
                for _ in 0..n {
                    out.push(out[out.len() - distance]);
                }
            }
            3 if !dictionary.is_empty() => {
                let start = u.int_in_range(0..=dictionary.len() - 1).unwrap_or(0);
                let n: usize = u.int_in_range(1..=1024).unwrap_or(1);
                out.extend_from_slice(&dictionary[start..(start + n).min(dictionary.len())]);
            }
            _ => {
                let n: usize = u.int_in_range(1..=64).unwrap_or(1);
                let bytes = u.bytes(n.min(u.len())).unwrap_or(&[]);
                out.extend_from_slice(bytes);
            }
        }
    }
    out.truncate(max_len);
    out
}

/// How much data a writing target compresses: enough for several 64 KiB
/// blocks and for blocks above 64 KiB; tiny pages make one block per byte or
/// two, and the optimal parser (levels 10-12) is slow under the fuzzer's
/// comparison tracing, so those get less, to keep executions fast.
pub fn data_budget(config: &StreamConfig) -> usize {
    if config.get_buffer_size() < 64 {
        16 * 1024
    } else if matches!(config.get_mode(), CompressionMode::High { level } if level >= 10) {
        32 * 1024
    } else {
        160 * 1024
    }
}

/// One step of a write plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Offer this many bytes (or what is left) to `write`.
    Write(usize),
    /// Call `flush`.
    Flush,
}

/// Draws write sizes and flush points; when the plan runs out, the rest of the
/// data is written in one go.
pub fn next_op(plan: &mut Unstructured) -> Op {
    if plan.is_empty() {
        return Op::Write(usize::MAX);
    }
    match plan.int_in_range(0u8..=7).unwrap_or(7) {
        0 => Op::Flush,
        1..=3 => Op::Write(plan.int_in_range(1..=32).unwrap_or(1)),
        4 | 5 => Op::Write(plan.int_in_range(1..=4096).unwrap_or(1)),
        6 => Op::Write(plan.int_in_range(1..=200_000).unwrap_or(1)),
        _ => Op::Write(usize::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trips() {
        let header = Header::exact(SizePrefix::U8, 239, 17, true);
        assert_eq!(Header::parse(header.encode()), header);
        let mut input = header.encode().to_vec();
        input.extend_from_slice(&[7; 20]);
        let (setup, rest) = parse(&input, true, MAX_BUFFER_SIZE).unwrap();
        assert_eq!(setup.config.get_buffer_size(), 239);
        assert_eq!(setup.config.get_size_prefix(), SizePrefix::U8);
        assert_eq!(setup.dictionary, vec![7; 17]);
        assert!(setup.config.get_end_marker());
        assert_eq!(rest, &[7; 3]);
        assert!(setup.config.validate().is_ok());
    }

    #[test]
    fn every_header_gives_a_valid_config() {
        for first in 0..=255u8 {
            for page in [0u32, 1, 238, 239, 65_263, 65_264, 65_535, 65_536, u32::MAX] {
                let mut input = vec![first, 0, 0, 0, 0, 3, 0, 1, first.rotate_left(3)];
                input[1..5].copy_from_slice(&page.to_le_bytes());
                let (setup, _) = parse(&input, true, MAX_BUFFER_SIZE).unwrap();
                setup.config.validate().unwrap();
            }
        }
    }
}
