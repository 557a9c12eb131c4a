//! `--partition hash:K/N` and `count:K/N`: stable sharding of trials across
//! CI machines. The union of the N shards is every trial exactly once.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// By a hash of the trial name: stable when tests are added or removed.
    Hash,
    /// Round-robin over the selected trials in order: even shard sizes.
    Count,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    pub scheme: Scheme,
    /// 1-based shard number.
    pub shard: u64,
    pub total: u64,
}

impl FromStr for Partition {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("expected hash:K/N or count:K/N with 1 <= K <= N, got `{text}`");
        let (scheme, rest) = text.split_once(':').ok_or_else(bad)?;
        let scheme = match scheme {
            "hash" => Scheme::Hash,
            "count" => Scheme::Count,
            _ => return Err(bad()),
        };
        let (k, n) = rest.split_once('/').ok_or_else(bad)?;
        let shard: u64 = k.trim().parse().map_err(|_| bad())?;
        let total: u64 = n.trim().parse().map_err(|_| bad())?;
        if shard == 0 || total == 0 || shard > total {
            return Err(bad());
        }
        Ok(Partition {
            scheme,
            shard,
            total,
        })
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match self.scheme {
            Scheme::Hash => "hash",
            Scheme::Count => "count",
        };
        write!(f, "{scheme}:{}/{}", self.shard, self.total)
    }
}

impl Partition {
    /// Whether the trial at `position` (among the selected trials, in
    /// order) named `name` belongs to this shard.
    pub fn contains(&self, position: usize, name: &str) -> bool {
        let bucket = match self.scheme {
            Scheme::Count => position as u64 % self.total,
            Scheme::Hash => {
                let digest = Sha256::digest(name.as_bytes());
                let mut first = [0u8; 8];
                first.copy_from_slice(&digest[..8]);
                u64::from_be_bytes(first) % self.total
            }
        };
        bucket == self.shard - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        (0..100).map(|i| format!("suite::test {i}")).collect()
    }

    #[test]
    fn shards_cover_every_trial_exactly_once() {
        for scheme in ["hash", "count"] {
            let names = names();
            let mut seen = vec![0; names.len()];
            for k in 1..=3 {
                let p: Partition = format!("{scheme}:{k}/3").parse().unwrap();
                for (i, name) in names.iter().enumerate() {
                    if p.contains(i, name) {
                        seen[i] += 1;
                    }
                }
            }
            assert!(seen.iter().all(|&n| n == 1), "{scheme}: {seen:?}");
        }
    }

    #[test]
    fn hash_shards_are_stable_and_roughly_even() {
        let p: Partition = "hash:1/2".parse().unwrap();
        let in_first = names().iter().filter(|n| p.contains(0, n)).count();
        assert!((30..=70).contains(&in_first), "{in_first}");
        assert_eq!(p.contains(0, "a::b"), p.contains(99, "a::b"));
    }

    #[test]
    fn bad_specs_are_rejected() {
        for bad in ["hash:0/2", "hash:3/2", "mod:1/2", "count:1", "count:a/b"] {
            assert!(bad.parse::<Partition>().is_err(), "{bad}");
        }
        assert_eq!(
            "count:2/4".parse::<Partition>().unwrap().to_string(),
            "count:2/4"
        );
    }
}
