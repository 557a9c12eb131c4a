//! The local token cache (docs/fixtures.md, "Token cache"): access tokens kept between local runs,
//! outside the repository (the user's cache folder, mode 0700), one file per
//! key with mode 0600, used until shortly before expiry. Off in CI unless
//! asked. The file operations, which never follow a link nor trust what
//! another user could write, are in `cache_fs`.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::cache_fs;
pub use super::cache_fs::CacheError;
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

    /// Checks the cache folder, if it exists: a real folder of this user
    /// that no other user can write (a mode readable by others is fixed).
    pub fn check(&self) -> Result<(), CacheError> {
        cache_fs::private_dir(&self.dir, false).map(|_| ())
    }

    /// A cached token for `key` that stays valid for a while, if any. An
    /// entry that another user could have written is an error, not a token.
    pub fn load(&self, key: &CacheKey, now: SystemTime) -> Result<Option<Token>, CacheError> {
        let Some(entry) = self.entry(key)? else {
            return Ok(None);
        };
        let expires_at = UNIX_EPOCH + Duration::from_secs(entry.expires_at);
        if expires_at < now + MIN_REMAINING {
            return Ok(None);
        }
        Ok(Some(Token {
            access_token: entry.access_token,
            token_type: entry.token_type,
            expires_at: Some(expires_at),
            refresh_token: None,
            id_token: None,
            scope: entry.scope,
            dpop: None,
        }))
    }

    fn entry(&self, key: &CacheKey) -> Result<Option<Entry>, CacheError> {
        if !cache_fs::private_dir(&self.dir, false)? {
            return Ok(None);
        }
        let text = cache_fs::read_entry(&self.file(key))?;
        // An unreadable entry (an older format, a partial copy) is a miss.
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    /// Stores a token that has an expiry (others are not cached).
    pub fn store(&self, key: &CacheKey, token: &Token) -> Result<(), CacheError> {
        let Some(expires_at) = token.expires_at else {
            return Ok(());
        };
        let entry = Entry {
            access_token: token.access_token.clone(),
            token_type: token.token_type.clone(),
            expires_at: expires_at
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            scope: token.scope.clone(),
        };
        cache_fs::private_dir(&self.dir, true)?;
        let text = serde_json::to_string(&entry).unwrap_or_default();
        cache_fs::write_entry(&self.file(key), &text)
    }

    /// Forgets the token of `key` when it is still `access_token` (the API
    /// rejected it; a newer token written meanwhile is kept).
    pub fn evict(&self, key: &CacheKey, access_token: &str) -> Result<(), CacheError> {
        match self.entry(key) {
            Ok(Some(entry)) if entry.access_token != access_token => Ok(()),
            Ok(None) => Ok(()),
            // Ours and holding the token, or unsafe: either way it goes.
            _ => cache_fs::remove_entry(&self.file(key)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

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
            dpop: None,
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
        cache.store(&key(), &token(3600)).unwrap();
        let loaded = cache
            .load(&key(), SystemTime::now())
            .unwrap()
            .expect("cached");
        assert_eq!(loaded.access_token, "cached-access-token");
        assert!(loaded.refresh_token.is_none());
        let later = SystemTime::now() + Duration::from_secs(3600 - 60);
        assert!(
            cache.load(&key(), later).unwrap().is_none(),
            "too close to expiry"
        );
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
            cache.load(&other, SystemTime::now()).unwrap().is_none(),
            "scopes are part of the key"
        );
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn a_huge_entry_is_refused_without_being_read_whole() {
        let dir = temp();
        let cache = TokenCache::at(&dir);
        cache.store(&key(), &token(3600)).unwrap();
        // Grown in place (sparse): 3 GiB that reading would bring into memory.
        let file = fs::OpenOptions::new()
            .write(true)
            .open(cache.file(&key()))
            .unwrap();
        file.set_len(3 << 30).unwrap();
        let err = cache.load(&key(), SystemTime::now()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "token cache entry `{}` is larger than 1 MiB, far more than tokens take; delete it",
                cache.file(&key()).display()
            )
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

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[cfg(unix)]
    fn chmod(path: &Path, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn links_are_never_followed_and_temporary_names_are_not_reused() {
        let dir = temp().with_extension("links");
        let cache = TokenCache::at(&dir);
        fs::create_dir_all(&dir).unwrap();
        chmod(&dir, 0o700);
        let victim = dir.with_extension("victim");
        fs::write(&victim, "do not touch").unwrap();
        let entry = cache.file(&key());
        std::os::unix::fs::symlink(&victim, &entry).unwrap();
        // Read: refused, not followed.
        assert_eq!(
            cache.load(&key(), SystemTime::now()),
            Err(CacheError::EntryIsLink(entry.clone()))
        );
        // The old predictable temporary name, planted as a link: unused.
        let old_tmp = entry.with_extension(format!("tmp{}", std::process::id()));
        std::os::unix::fs::symlink(&victim, &old_tmp).unwrap();
        cache.store(&key(), &token(3600)).unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "do not touch");
        assert!(fs::symlink_metadata(&entry).unwrap().is_file());
        assert_eq!(mode(&entry), 0o600);
        let stray: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(stray.is_empty(), "temporary files left: {stray:?}");
        // A cache folder that is a link is refused too.
        let link = dir.with_extension("link");
        std::os::unix::fs::symlink(&dir, &link).unwrap();
        assert_eq!(
            TokenCache::at(&link).check(),
            Err(CacheError::DirIsLink(link.clone()))
        );
        for path in [&victim, &link] {
            let _ = fs::remove_file(path);
        }
        let _ = fs::remove_dir_all(dir);
    }

    #[cfg(unix)]
    #[test]
    fn writable_by_others_is_refused_and_our_loose_modes_are_fixed() {
        let dir = temp().with_extension("modes");
        let cache = TokenCache::at(&dir);
        cache.store(&key(), &token(3600)).unwrap();
        assert_eq!(mode(&dir), 0o700);
        let entry = cache.file(&key());
        // Readable by others: ours, so used and narrowed.
        chmod(&dir, 0o755);
        chmod(&entry, 0o644);
        assert!(cache.load(&key(), SystemTime::now()).unwrap().is_some());
        assert_eq!((mode(&dir), mode(&entry)), (0o700, 0o600));
        // Writable by others: refused, and replaced by the next store.
        chmod(&entry, 0o666);
        assert!(matches!(
            cache.load(&key(), SystemTime::now()),
            Err(CacheError::EntryWritable { mode: 0o666, .. })
        ));
        cache.store(&key(), &token(3600)).unwrap();
        assert_eq!(mode(&entry), 0o600);
        chmod(&dir, 0o777);
        assert!(matches!(cache.check(), Err(CacheError::DirWritable { .. })));
        assert!(cache.load(&key(), SystemTime::now()).is_err());
        assert!(cache.store(&key(), &token(3600)).is_err());
        chmod(&dir, 0o700);
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn eviction_removes_only_the_rejected_token() {
        let dir = temp().with_extension("evict");
        let cache = TokenCache::at(&dir);
        cache.store(&key(), &token(3600)).unwrap();
        cache.evict(&key(), "some-newer-token").unwrap();
        assert!(cache.load(&key(), SystemTime::now()).unwrap().is_some());
        cache.evict(&key(), "cached-access-token").unwrap();
        assert!(cache.load(&key(), SystemTime::now()).unwrap().is_none());
        let _ = fs::remove_dir_all(dir);
    }
}
