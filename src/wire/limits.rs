//! Limits that keep a run bounded, as read from `gatecheck.yaml`: the
//! largest response body (`max_body_size: 64MiB`) and the number of tests in
//! flight (`concurrency`, at least 1).

use std::fmt;
use std::num::NonZeroUsize;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::Value as Json;

use super::value::describe;

/// A number of bytes, written `64MiB`, `10 MB`, `512KiB` or `1048576`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteSize(pub u64);

/// The default largest response body: 64 MiB.
pub const DEFAULT_MAX_BODY_SIZE: ByteSize = ByteSize(64 * 1024 * 1024);

/// Units, longest first so that `MiB` is not read as `M` + `iB`.
const UNITS: [(&str, u64); 10] = [
    ("kib", 1 << 10),
    ("mib", 1 << 20),
    ("gib", 1 << 30),
    ("kb", 1_000),
    ("mb", 1_000_000),
    ("gb", 1_000_000_000),
    ("k", 1 << 10),
    ("m", 1 << 20),
    ("g", 1 << 30),
    ("b", 1),
];

impl ByteSize {
    /// Parses `64MiB`, `10 MB`, `1.5GiB`, `4096`: KB/MB/GB are powers of
    /// 1000, KiB/MiB/GiB (and K/M/G) powers of 1024; case does not matter.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let split = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let unit = unit.trim().to_ascii_lowercase();
        let factor = match unit.as_str() {
            "" => 1,
            u => UNITS
                .iter()
                .find(|(name, _)| *name == u)
                .map(|(_, f)| *f)
                .ok_or_else(|| format!("unknown unit `{}`", unit_shown(text, split)))?,
        };
        let number: f64 = number
            .parse()
            .map_err(|_| format!("`{text}` does not start with a number"))?;
        let bytes = number * factor as f64;
        if !(1.0..=u64::MAX as f64).contains(&bytes) {
            return Err(format!("`{text}` is out of range (at least 1 byte)"));
        }
        Ok(Self(bytes as u64))
    }

    pub fn bytes(self) -> u64 {
        self.0
    }
}

fn unit_shown(text: &str, split: usize) -> &str {
    text[split..].trim()
}

impl fmt::Display for ByteSize {
    /// `64 MiB`, `1.5 KiB`, `100 bytes`: binary units, for messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let units = [("GiB", 1u64 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
        for (name, size) in units {
            if self.0 >= size {
                let value = self.0 as f64 / size as f64;
                return if self.0.is_multiple_of(size) {
                    write!(f, "{} {name}", self.0 / size)
                } else {
                    write!(f, "{value:.1} {name}")
                };
            }
        }
        write!(f, "{} bytes", self.0)
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = match Json::deserialize(d)? {
            Json::String(s) => s,
            Json::Number(n) if n.is_u64() => n.to_string(),
            other => {
                return Err(D::Error::custom(format!(
                    "expected a size such as `64MiB` or `10MB`, found {}",
                    describe(&other)
                )));
            }
        };
        Self::parse(&text).map_err(|e| {
            D::Error::custom(format!(
                "invalid size `{text}` ({e}); write e.g. `64MiB`, `500KB` or a number of bytes"
            ))
        })
    }
}

impl JsonSchema for ByteSize {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ByteSize".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A size such as 64MiB, 10MB or 512KiB (KB/MB/GB: powers of 1000; KiB/MiB/GiB, K/M/G: powers of 1024), or a number of bytes.",
            "anyOf": [
                {"type": "string", "pattern": "^\\s*[0-9]+(\\.[0-9]+)?\\s*([kKmMgG]i?[bB]|[kKmMgG]|[bB])?\\s*$"},
                {"type": "integer", "minimum": 1}
            ]
        })
    }
}

/// `concurrency:` — a number of tests in flight, at least 1 (0 would run
/// nothing and wait forever).
pub fn concurrency<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NonZeroUsize>, D::Error> {
    let Some(n) = Option::<usize>::deserialize(d)? else {
        return Ok(None);
    };
    NonZeroUsize::new(n).map(Some).ok_or_else(|| {
        D::Error::custom(
            "must be at least 1 (0 would run no test at all); remove it for the default",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_decimal_and_binary_units() {
        let cases = [
            ("64MiB", 64 << 20),
            ("64 MiB", 64 << 20),
            ("64mib", 64 << 20),
            ("10MB", 10_000_000),
            ("512KiB", 512 << 10),
            ("500kb", 500_000),
            ("1.5GiB", 3 << 29),
            ("2G", 2 << 30),
            ("4096", 4096),
            ("100B", 100),
            ("8M", 8 << 20),
        ];
        for (text, bytes) in cases {
            assert_eq!(ByteSize::parse(text), Ok(ByteSize(bytes)), "{text}");
        }
    }

    #[test]
    fn bad_sizes_say_why() {
        assert_eq!(
            ByteSize::parse("64 MiBs").unwrap_err(),
            "unknown unit `MiBs`"
        );
        assert_eq!(ByteSize::parse("2T").unwrap_err(), "unknown unit `T`");
        assert_eq!(
            ByteSize::parse("MiB").unwrap_err(),
            "`MiB` does not start with a number"
        );
        assert_eq!(
            ByteSize::parse("0").unwrap_err(),
            "`0` is out of range (at least 1 byte)"
        );
        let err = serde_json::from_value::<ByteSize>(serde_json::json!(true)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "expected a size such as `64MiB` or `10MB`, found boolean `true`"
        );
    }

    #[test]
    fn sizes_display_in_binary_units() {
        assert_eq!(DEFAULT_MAX_BODY_SIZE.to_string(), "64 MiB");
        assert_eq!(ByteSize(1536).to_string(), "1.5 KiB");
        assert_eq!(ByteSize(100).to_string(), "100 bytes");
    }
}
