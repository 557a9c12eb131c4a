//! The token cache's file operations, safe in a folder others might reach:
//! links are never followed, files are created exclusively under a random
//! name (then renamed into place), and a folder or entry that another user
//! could write is refused; our own files get their modes fixed.

use std::fs;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

/// Why the token cache (or one entry of it) is not used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CacheError {
    #[error(
        "token cache folder `{0}` is a symbolic link, which gatecheck does not follow; \
         set GATECHECK_CACHE_DIR to the real folder"
    )]
    DirIsLink(PathBuf),
    #[error("token cache folder `{0}` is not a folder; remove it or set GATECHECK_CACHE_DIR")]
    NotADir(PathBuf),
    #[error(
        "token cache folder `{path}` belongs to another user (uid {owner}); \
         set GATECHECK_CACHE_DIR to a folder of your own"
    )]
    DirNotOwned { path: PathBuf, owner: u32 },
    #[error(
        "token cache folder `{path}` can be written by other users (mode {mode:03o}); \
         delete its files and run `chmod 700 {path}`, or set GATECHECK_CACHE_DIR"
    )]
    DirWritable { path: PathBuf, mode: u32 },
    #[error(
        "token cache entry `{0}` is a symbolic link, which gatecheck does not follow; delete it"
    )]
    EntryIsLink(PathBuf),
    #[error("token cache entry `{0}` is not a regular file; delete it")]
    NotAFile(PathBuf),
    #[error("token cache entry `{0}` is larger than 1 MiB, far more than tokens take; delete it")]
    TooLarge(PathBuf),
    #[error("token cache entry `{path}` belongs to another user (uid {owner}); delete it")]
    EntryNotOwned { path: PathBuf, owner: u32 },
    #[error(
        "token cache entry `{path}` can be written by other users (mode {mode:03o}); \
         it was not used, and the next login replaces it"
    )]
    EntryWritable { path: PathBuf, mode: u32 },
    #[error("failed to {action} `{path}`: {message}")]
    Io {
        action: &'static str,
        path: PathBuf,
        message: String,
    },
}

impl CacheError {
    fn io(action: &'static str, path: &Path, e: std::io::Error) -> Self {
        CacheError::Io {
            action,
            path: path.to_path_buf(),
            message: e.to_string(),
        }
    }
}

/// What a path is, for [`check_owner`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PathKind {
    Dir,
    Entry,
}

/// Refuses what another user owns or could write (`mode` has group or
/// other write); `Ok(true)` when our own path is readable by others and
/// its mode should be narrowed (0700 / 0600). Pure, for tests.
pub(super) fn check_owner(
    kind: PathKind,
    path: &Path,
    owner: u32,
    mode: u32,
    me: u32,
) -> Result<bool, CacheError> {
    let path = path.to_path_buf();
    let mode = mode & 0o7777;
    if owner != me {
        return Err(match kind {
            PathKind::Dir => CacheError::DirNotOwned { path, owner },
            PathKind::Entry => CacheError::EntryNotOwned { path, owner },
        });
    }
    if mode & 0o022 != 0 {
        return Err(match kind {
            PathKind::Dir => CacheError::DirWritable { path, mode },
            PathKind::Entry => CacheError::EntryWritable { path, mode },
        });
    }
    Ok(mode & 0o077 != 0)
}

/// Creates `dir` (mode 0700) if needed, then checks it: a real folder,
/// ours, not writable by others; a mode readable by others is narrowed.
pub(super) fn private_dir(dir: &Path, create: bool) -> Result<bool, CacheError> {
    if create {
        create_dir(dir).map_err(|e| CacheError::io("create", dir, e))?;
    }
    let meta = match fs::symlink_metadata(dir) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(CacheError::io("read", dir, e)),
    };
    if meta.file_type().is_symlink() {
        return Err(CacheError::DirIsLink(dir.to_path_buf()));
    }
    if !meta.is_dir() {
        return Err(CacheError::NotADir(dir.to_path_buf()));
    }
    if owner_check(PathKind::Dir, dir, &meta)? {
        set_mode(dir, 0o700).map_err(|e| CacheError::io("change the mode of", dir, e))?;
    }
    Ok(true)
}

/// The largest cache entry read: tokens take a few KiB.
const MAX_ENTRY: u64 = 1 << 20;

/// The text of `file`, if it exists and is safe to trust.
pub(super) fn read_entry(file: &Path) -> Result<Option<String>, CacheError> {
    let handle = match open_nofollow(file) {
        Ok(handle) => handle,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) if is_link_error(&e) => return Err(CacheError::EntryIsLink(file.to_path_buf())),
        Err(e) => return Err(CacheError::io("open", file, e)),
    };
    let meta = handle
        .metadata()
        .map_err(|e| CacheError::io("read", file, e))?;
    if !meta.is_file() {
        return Err(CacheError::NotAFile(file.to_path_buf()));
    }
    if owner_check(PathKind::Entry, file, &meta)? {
        set_file_mode(&handle).map_err(|e| CacheError::io("change the mode of", file, e))?;
    }
    if meta.len() > MAX_ENTRY {
        return Err(CacheError::TooLarge(file.to_path_buf()));
    }
    let mut text = String::new();
    handle
        .take(MAX_ENTRY + 1)
        .read_to_string(&mut text)
        .map_err(|e| CacheError::io("read", file, e))?;
    if text.len() as u64 > MAX_ENTRY {
        return Err(CacheError::TooLarge(file.to_path_buf()));
    }
    Ok(Some(text))
}

/// Writes `text` to `file` atomically: a new file with a random name
/// (created exclusively, mode 0600, never through a link), renamed over
/// `file` (which replaces a link there rather than following it).
pub(super) fn write_entry(file: &Path, text: &str) -> Result<(), CacheError> {
    let dir = file.parent().unwrap_or(Path::new("."));
    let stem = file.file_name().and_then(|n| n.to_str()).unwrap_or("entry");
    let (tmp, mut handle) = create_temp(dir, stem)?;
    let written = handle
        .write_all(text.as_bytes())
        .and_then(|()| handle.sync_all())
        .and_then(|()| fs::rename(&tmp, file));
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(CacheError::io("write", file, e));
    }
    Ok(())
}

fn create_temp(dir: &Path, stem: &str) -> Result<(PathBuf, fs::File), CacheError> {
    let mut last = None;
    for _ in 0..8 {
        let tmp = dir.join(format!(".{stem}.{:016x}.tmp", rand::random::<u64>()));
        match create_new(&tmp) {
            Ok(handle) => return Ok((tmp, handle)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(CacheError::io("create", &tmp, e)),
        }
    }
    let e = last.unwrap_or_else(|| std::io::Error::other("no free temporary name"));
    Err(CacheError::io("create a temporary file in", dir, e))
}

/// Removes `file` itself (a link is removed, never its target).
pub(super) fn remove_entry(file: &Path) -> Result<(), CacheError> {
    match fs::remove_file(file) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(CacheError::io("remove", file, e))
        }
        _ => Ok(()),
    }
}

#[cfg(unix)]
mod os {
    use super::*;
    use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};

    pub fn owner_check(
        kind: PathKind,
        path: &Path,
        meta: &fs::Metadata,
    ) -> Result<bool, CacheError> {
        // SAFETY: geteuid has no preconditions and cannot fail.
        let me = unsafe { libc::geteuid() };
        check_owner(kind, path, meta.uid(), meta.mode(), me)
    }

    pub fn create_dir(dir: &Path) -> std::io::Result<()> {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }

    pub fn open_nofollow(file: &Path) -> std::io::Result<fs::File> {
        fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(file)
    }

    pub fn is_link_error(e: &std::io::Error) -> bool {
        e.raw_os_error() == Some(libc::ELOOP)
    }

    pub fn create_new(file: &Path) -> std::io::Result<fs::File> {
        fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW)
            .open(file)
    }

    pub fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
        fs::set_permissions(path, fs::Permissions::from_mode(mode))
    }

    pub fn set_file_mode(file: &fs::File) -> std::io::Result<()> {
        file.set_permissions(fs::Permissions::from_mode(0o600))
    }
}

#[cfg(not(unix))]
mod os {
    use super::*;

    pub fn owner_check(_: PathKind, _: &Path, _: &fs::Metadata) -> Result<bool, CacheError> {
        Ok(false)
    }

    pub fn create_dir(dir: &Path) -> std::io::Result<()> {
        fs::create_dir_all(dir)
    }

    pub fn open_nofollow(file: &Path) -> std::io::Result<fs::File> {
        if fs::symlink_metadata(file)?.file_type().is_symlink() {
            return Err(std::io::Error::other("symbolic link"));
        }
        fs::File::open(file)
    }

    pub fn is_link_error(e: &std::io::Error) -> bool {
        e.to_string() == "symbolic link"
    }

    pub fn create_new(file: &Path) -> std::io::Result<fs::File> {
        fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(file)
    }

    pub fn set_mode(_: &Path, _: u32) -> std::io::Result<()> {
        Ok(())
    }

    pub fn set_file_mode(_: &fs::File) -> std::io::Result<()> {
        Ok(())
    }
}

use os::{
    create_dir, create_new, is_link_error, open_nofollow, owner_check, set_file_mode, set_mode,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn others_paths_and_writable_modes_are_refused() {
        let p = Path::new("/c");
        assert_eq!(check_owner(PathKind::Dir, p, 1000, 0o700, 1000), Ok(false));
        assert_eq!(check_owner(PathKind::Dir, p, 1000, 0o755, 1000), Ok(true));
        assert_eq!(check_owner(PathKind::Entry, p, 1000, 0o644, 1000), Ok(true));
        assert_eq!(
            check_owner(PathKind::Dir, p, 1001, 0o700, 1000),
            Err(CacheError::DirNotOwned {
                path: p.into(),
                owner: 1001
            })
        );
        assert_eq!(
            check_owner(PathKind::Entry, p, 1000, 0o620, 1000),
            Err(CacheError::EntryWritable {
                path: p.into(),
                mode: 0o620
            })
        );
        assert!(matches!(
            check_owner(PathKind::Dir, p, 1000, 0o40777, 1000),
            Err(CacheError::DirWritable { mode: 0o777, .. })
        ));
        assert!(check_owner(PathKind::Entry, p, 0, 0o600, 1000).is_err());
        assert_eq!(
            CacheError::DirWritable {
                path: "/tmp/c".into(),
                mode: 0o777
            }
            .to_string(),
            "token cache folder `/tmp/c` can be written by other users (mode 777); \
             delete its files and run `chmod 700 /tmp/c`, or set GATECHECK_CACHE_DIR"
        );
    }
}
