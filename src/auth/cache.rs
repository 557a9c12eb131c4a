//! The local token cache (SPEC §6): access tokens kept between local runs,
//! outside the repository (the user's cache folder), one file per key with
//! mode 0600, used until shortly before expiry. Off in CI unless asked.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::fixture::CacheKey;
use super::token::Token;

/// A cached token is used only if it stays valid at least this long.
pub const MIN_REMAINING: Duration = Duration::from_secs(120);

/// Environment variable: `on` / `off` overrides the default (on locally,
/// off when `CI` is set).
pub const ENV_SWITCH: &str = "GATECHECK_TOKEN_CACHE";
/// Environment variable: the cache folder (default: the user's cache dir).
pub const ENV_DIR: &str = "GATECHECK_CACHE_DIR";

#[derive(Debug, Clone)]
pub struct TokenCache {
    dir: PathBuf,
}

/// What is stored: the access token and its expiry only (never refresh or
/// id tokens).
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    access_token: String,
    token_type: String,
    expires_at: u64,
    scope: Option<String>,
}

impl TokenCache {
    /// The cache this run should use, if any, from the environment (read
    /// once at start-up): off in CI unless `GATECHECK_TOKEN_CACHE=on`.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Option<Self> {
        let ci = get("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0");
        let on = match get(ENV_SWITCH).as_deref() {
            Some("on" | "1" | "true") => true,
            Some("off" | "0" | "false") => false,
            _ => !ci,
        };
        if !on {
            return None;
        }
        let dir = get(ENV_DIR)
            .map(PathBuf::from)
            .or_else(|| dirs::cache_dir().map(|d| d.join("gatecheck").join("tokens")))?;
        Some(Self { dir })
    }

    pub fn at(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn file(&self, key: &CacheKey) -> PathBuf {
        let mut hash = Sha256::new();
        for part in [&key.issuer, &key.client_id, &key.subject] {
            hash.update(part.as_bytes());
            hash.update([0]);
        }
        for scope in &key.scopes {
            hash.update(scope.as_bytes());
            hash.update([1]);
        }
        let digest = hash.finalize();
        let name: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        self.dir.join(format!("{name}.json"))
    }

    /// A cached token for `key` that stays valid for a while, if any.
    pub fn load(&self, key: &CacheKey, now: SystemTime) -> Option<Token> {
        let text = fs::read_to_string(self.file(key)).ok()?;
        let entry: Entry = serde_json::from_str(&text).ok()?;
        let expires_at = UNIX_EPOCH + Duration::from_secs(entry.expires_at);
        if expires_at < now + MIN_REMAINING {
            return None;
        }
        Some(Token {
            access_token: entry.access_token,
            token_type: entry.token_type,
            expires_at: Some(expires_at),
            refresh_token: None,
            id_token: None,
            scope: entry.scope,
        })
    }

    /// Stores a token that has an expiry (others are not cached). Errors
    /// are ignored: the cache is an optimisation.
    pub fn store(&self, key: &CacheKey, token: &Token) {
        let Some(expires_at) = token.expires_at else {
            return;
        };
        let entry = Entry {
            access_token: token.access_token.clone(),
            token_type: token.token_type.clone(),
            expires_at: expires_at
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            scope: token.scope.clone(),
        };
        let _ = self.write(&self.file(key), &entry);
    }

    /// Forgets the token of `key` (after the server rejected it, say).
    pub fn remove(&self, key: &CacheKey) {
        let _ = fs::remove_file(self.file(key));
    }

    fn write(&self, path: &Path, entry: &Entry) -> std::io::Result<()> {
        create_private_dir(&self.dir)?;
        let text = serde_json::to_string(entry).map_err(std::io::Error::other)?;
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let mut file = private_file(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    }
}

#[cfg(unix)]
fn private_file(path: &Path) -> std::io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn private_file(path: &Path) -> std::io::Result<fs::File> {
    fs::File::create(path)
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    fs::create_dir_all(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> CacheKey {
        CacheKey {
            issuer: "https://example.okta.com/oauth2/default".into(),
            client_id: "spa".into(),
            subject: "ada@example.com".into(),
            scopes: vec!["openid".into()],
        }
    }

    fn token(expires_in: u64) -> Token {
        Token {
            access_token: "cached-access-token".into(),
            token_type: "Bearer".into(),
            expires_at: Some(SystemTime::now() + Duration::from_secs(expires_in)),
            refresh_token: Some("never-stored".into()),
            id_token: None,
            scope: Some("openid".into()),
        }
    }

    fn temp() -> PathBuf {
        std::env::temp_dir().join(format!(
            "gatecheck-cache-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ))
    }

    #[test]
    fn stores_and_loads_until_shortly_before_expiry() {
        let dir = temp();
        let cache = TokenCache::at(&dir);
        cache.store(&key(), &token(3600));
        let loaded = cache.load(&key(), SystemTime::now()).expect("cached");
        assert_eq!(loaded.access_token, "cached-access-token");
        assert!(loaded.refresh_token.is_none());
        let later = SystemTime::now() + Duration::from_secs(3600 - 60);
        assert!(cache.load(&key(), later).is_none(), "too close to expiry");
        let text = fs::read_to_string(cache.file(&key())).unwrap();
        assert!(!text.contains("never-stored"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(cache.file(&key()))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let mut other = key();
        other.scopes.push("email".into());
        assert!(
            cache.load(&other, SystemTime::now()).is_none(),
            "scopes are part of the key"
        );
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn off_in_ci_unless_asked() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert!(TokenCache::from_env(env(&[("CI", "true"), (ENV_DIR, "/x")])).is_none());
        assert!(
            TokenCache::from_env(env(&[("CI", "true"), (ENV_SWITCH, "on"), (ENV_DIR, "/x")]))
                .is_some()
        );
        assert!(TokenCache::from_env(env(&[(ENV_DIR, "/x")])).is_some());
        assert!(TokenCache::from_env(env(&[(ENV_SWITCH, "off"), (ENV_DIR, "/x")])).is_none());
    }
}
