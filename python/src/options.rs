//! python-lz4's constructor arguments, checked in its order and with its
//! messages, and turned into the crate's `StreamConfig`.

use pyo3::exceptions::{PyOverflowError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyString;

use lz4_stream::{
    CompressionMode, SizePrefix, Strategy, StreamConfig, MAX_ACCELERATION, MAX_LEVEL,
};

use crate::buffer::Bytes;

/// The arguments python-lz4's two contexts share, checked in its order
/// (`return_bytearray` by truth value, as its `p` format; then dictionary
/// size, prefix width, strategy).
pub(crate) struct ContextOptions {
    pub(crate) return_bytearray: bool,
    pub(crate) dictionary: Vec<u8>,
    pub(crate) prefix: SizePrefix,
    pub(crate) strategy: Strategy,
}

impl ContextOptions {
    pub(crate) fn check(
        strategy: &str,
        return_bytearray: Option<&Bound<'_, PyAny>>,
        store_comp_size: i64,
        dictionary: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let return_bytearray = match return_bytearray {
            Some(value) => value.is_truthy()?,
            None => false,
        };
        let dictionary = self::dictionary(dictionary)?;
        let prefix = size_prefix(store_comp_size)?;
        let strategy = self::strategy(strategy)?;
        Ok(ContextOptions {
            return_bytearray,
            dictionary,
            prefix,
            strategy,
        })
    }
}

/// liblz4's default high-compression level (`LZ4HC_CLEVEL_DEFAULT`), used for
/// levels below 1, as liblz4 does.
pub(crate) const DEFAULT_LEVEL: u8 = 9;

/// `strategy`, checked as python-lz4 checks it: "double_buffer" (a block refers
/// only to the chunk before it, as python-lz4's decoder needs) or
/// "ring_buffer" (a block may refer to the whole last 64 KiB, as liblz4's
/// ring-buffer loop writes; python-lz4 raises NotImplementedError for it).
pub(crate) fn strategy(name: &str) -> PyResult<Strategy> {
    match name {
        "double_buffer" => Ok(Strategy::DoubleBuffer),
        "ring_buffer" => Ok(Strategy::RingBuffer),
        other => Err(PyValueError::new_err(format!(
            "Invalid strategy argument: {other}. Must be one of: double_buffer, ring_buffer"
        ))),
    }
}

/// `store_comp_size`: 0 (out of band), 1, 2 or 4.
pub(crate) fn size_prefix(store_comp_size: i64) -> PyResult<SizePrefix> {
    usize::try_from(store_comp_size)
        .ok()
        .and_then(|width| SizePrefix::from_bytes(width).ok())
        .ok_or_else(|| PyValueError::new_err("Invalid store_comp_size, valid values: 0, 1, 2 or 4"))
}

/// `mode` with its `acceleration` and `compression_level`, clamped the way
/// liblz4 clamps them: an acceleration below 1 is 1 and above 65 537 is
/// 65 537; a level below 1 is the default 9 and above 12 is 12. The
/// acceleration counts only in `fast` mode, the level only in
/// `high_compression` mode, as in python-lz4.
pub(crate) fn compression_mode(
    mode: &str,
    acceleration: i64,
    compression_level: i64,
) -> PyResult<CompressionMode> {
    match mode {
        "default" => Ok(CompressionMode::Default),
        "fast" => Ok(CompressionMode::Fast {
            acceleration: acceleration.clamp(1, i64::from(MAX_ACCELERATION)) as u32,
        }),
        "high_compression" => Ok(CompressionMode::High {
            level: if compression_level < 1 {
                DEFAULT_LEVEL
            } else {
                compression_level.min(i64::from(MAX_LEVEL)) as u8
            },
        }),
        other => Err(PyValueError::new_err(format!(
            "Invalid mode argument: {other}. Must be one of: default, fast, high_compression"
        ))),
    }
}

/// The preset dictionary: None, a str (UTF-8, as python-lz4's `z*` takes it)
/// or any bytes-like object; empty means none. Larger than 2 GiB - 1 is
/// OverflowError, as in python-lz4 (only its last 64 KiB are used).
pub(crate) fn dictionary(dictionary: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<u8>> {
    let Some(dictionary) = dictionary else {
        return Ok(Vec::new());
    };
    if dictionary.is_none() {
        return Ok(Vec::new());
    }
    let tail = |bytes: &[u8]| -> PyResult<Vec<u8>> {
        if bytes.len() > i32::MAX as usize {
            return Err(PyOverflowError::new_err("Dictionary too large for LZ4 API"));
        }
        Ok(bytes[bytes.len().saturating_sub(lz4_stream::WINDOW_SIZE)..].to_vec())
    };
    if let Ok(text) = dictionary.cast::<PyString>() {
        return tail(text.to_cow()?.as_bytes());
    }
    tail(Bytes::borrow(dictionary)?.as_slice())
}

/// Builds the crate's configuration for validated pieces, turning what the
/// crate still refuses into ValueError.
pub(crate) fn stream_config(
    strategy: Strategy,
    buffer_size: usize,
    prefix: SizePrefix,
    dictionary: Vec<u8>,
    mode: CompressionMode,
) -> PyResult<StreamConfig> {
    let config = StreamConfig::default()
        .strategy(strategy)
        .buffer_size(buffer_size)
        .size_prefix(prefix)
        .dictionary(dictionary)
        .mode(mode);
    config
        .validate()
        .map_err(|err| PyValueError::new_err(err.to_string()))?;
    Ok(config)
}
