//! The compression mode: how hard the encoder looks for matches, and the
//! limits of its parameters. It lives with the configuration (not with the
//! encoder) because it is validated here, once, like every other setting.

use crate::error::ConfigError;
use crate::limits::{MAX_ACCELERATION, MAX_LEVEL};

/// How hard the encoder looks for matches: python-lz4's `mode` with its
/// `acceleration` and `compression_level`.
///
/// Every mode writes the same stream format, and any reader decodes any mode;
/// only ratio and speed differ. Compressed sizes are within a quarter of a
/// per cent of liblz4's for the same mode (0.02 % on the README's real
/// files), or smaller at levels 1-2 (see the README's tables).
///
/// ```
/// use lz4_stream::{CompressionMode, StreamConfig};
///
/// // python: LZ4StreamCompressor("double_buffer", 65536, mode="high_compression",
/// //                             compression_level=9)
/// let config = StreamConfig::default().mode(CompressionMode::High { level: 9 });
/// assert!(config.validate().is_ok());
/// assert!(StreamConfig::default()
///     .mode(CompressionMode::Fast { acceleration: 0 })
///     .validate()
///     .is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CompressionMode {
    /// liblz4's default (`LZ4_compress_fast_continue` with acceleration 1);
    /// the same as `Fast { acceleration: 1 }`.
    #[default]
    Default,
    /// liblz4's fast mode: each step of `acceleration` above 1 probes fewer
    /// positions, trading ratio for speed. 1 to [`MAX_ACCELERATION`] (65 537);
    /// liblz4 silently clamps other values into that range, this crate rejects
    /// them.
    Fast {
        /// 1 (default speed) to 65 537.
        acceleration: u32,
    },
    /// liblz4's high-compression mode (`LZ4_compress_HC_continue`): levels 1
    /// and 2 use two hash tables (liblz4 1.10's fast "mid" strategy), 3 to 9
    /// search hash chains, deeper with each level (9 is the usual choice), 10
    /// to 12 use an optimal parser. Slower to compress, as fast to decode.
    High {
        /// 1 to 12.
        level: u8,
    },
}

impl CompressionMode {
    /// Checks the mode's parameter range.
    pub(crate) fn validate(self) -> Result<(), ConfigError> {
        match self {
            CompressionMode::Default => Ok(()),
            CompressionMode::Fast { acceleration } => {
                if (1..=MAX_ACCELERATION).contains(&acceleration) {
                    Ok(())
                } else {
                    Err(ConfigError::Acceleration(acceleration))
                }
            }
            CompressionMode::High { level } => {
                if (1..=MAX_LEVEL).contains(&level) {
                    Ok(())
                } else {
                    Err(ConfigError::Level(level))
                }
            }
        }
    }
}
