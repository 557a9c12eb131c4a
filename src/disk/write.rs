//! Writing a file whole or not at all: the bytes go to a new temporary file
//! in the same folder (created exclusively, so never through a link), are
//! flushed to the disk, and the file is renamed over the target. A rename
//! within one folder is atomic, so a reader (or a CI after a full disk or a
//! kill) sees the old file or the new one, never a cut one; and a target
//! that is a symbolic link is replaced by the new file, while the file the
//! link pointed at is left untouched. A character device or FIFO
//! (`/dev/stdout`) is written to as it is.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` whole or not at all (see the module's notes),
/// creating its folder. On an error nothing is left behind and the target
/// is unchanged.
pub fn write_whole(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if is_stream(path) {
        // `--junit /dev/stdout`, a FIFO a reader waits on: written to as
        // they are (a stream cannot be replaced, nor cut like a file).
        return fs::OpenOptions::new()
            .write(true)
            .open(path)?
            .write_all(bytes);
    }
    write_whole_with(path, |_, file| file.write_all(bytes))
}

/// Whether `path` is (or links to) a character device or a FIFO.
#[cfg(unix)]
fn is_stream(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt as _;
    fs::metadata(path).is_ok_and(|m| m.file_type().is_char_device() || m.file_type().is_fifo())
}

#[cfg(not(unix))]
fn is_stream(_: &Path) -> bool {
    false
}

/// [`write_whole`] for a writer that wants a path (insta's `save`): `fill`
/// gets the path of the new temporary file (a regular file this process
/// just created) and an open handle to it, and writes one of them.
pub fn write_whole_with(
    path: &Path,
    fill: impl FnOnce(&Path, &mut fs::File) -> io::Result<()>,
) -> io::Result<()> {
    check_target(path)?;
    let dir = folder_of(path);
    fs::create_dir_all(&dir)?;
    let (tmp, mut file) = create_temp(&dir, path)?;
    let written = fill(&tmp, &mut file)
        // Whole on the disk before the rename makes it visible (one inode:
        // this handle flushes what another handle wrote too).
        .and_then(|()| file.sync_all())
        .and_then(|()| fs::rename(&tmp, path));
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// Writes `bytes` to `path` whole unless `path` exists (a link, even one
/// to nothing, counts as existing); `false` when it did. The finished
/// temporary file is hard-linked to `path`, which fails rather than
/// replacing a file that appeared meanwhile.
pub fn write_new_whole(path: &Path, bytes: &[u8]) -> io::Result<bool> {
    if fs::symlink_metadata(path).is_ok() {
        return Ok(false);
    }
    check_target(path)?;
    let dir = folder_of(path);
    fs::create_dir_all(&dir)?;
    let (tmp, mut file) = create_temp(&dir, path)?;
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| match fs::hard_link(&tmp, path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
            // A file system without hard links: the rename, after one
            // more look.
            Err(_) if fs::symlink_metadata(path).is_err() => fs::rename(&tmp, path).map(|()| true),
            Err(e) => Err(e),
        });
    let _ = fs::remove_file(&tmp);
    written
}

/// Why `path` cannot be written as a file, checked without writing: it has
/// no file name (`/`, `..`), it is a folder, or the nearest existing folder
/// on its way is a file. A missing folder is fine (it is created), and so
/// is a link at `path` (it is replaced, not followed).
pub fn check_target(path: &Path) -> io::Result<()> {
    let name = path.file_name();
    if name.is_none() || path.as_os_str().to_string_lossy().ends_with('/') {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a file name; give a file path such as `out/report.xml`",
        ));
    }
    if fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "is a folder; give a file path inside it",
        ));
    }
    let dir = folder_of(path);
    for folder in dir.ancestors().filter(|d| !d.as_os_str().is_empty()) {
        match fs::metadata(folder) {
            Ok(meta) if meta.is_dir() => return Ok(()),
            Ok(_) => {
                return Err(io::Error::new(
                    io::ErrorKind::NotADirectory,
                    format!("`{}` is not a folder", folder.display()),
                ));
            }
            // Missing, or below a file: the folder above says which.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
                ) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A new, empty file beside `path`, hidden, with a name no other writer uses.
fn create_temp(dir: &Path, path: &Path) -> io::Result<(PathBuf, fs::File)> {
    let stem = path
        .file_name()
        .map(|n| n.to_string_lossy().chars().take(64).collect::<String>())
        .unwrap_or_default();
    let mut last = None;
    for _ in 0..8 {
        let tmp = dir.join(format!(
            ".{stem}.{}-{:08x}.tmp",
            std::process::id(),
            rand::random::<u32>()
        ));
        // create_new (O_EXCL) never follows a link at the temporary name.
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no free temporary file name")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("gatecheck-disk-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_replaced_and_its_target_is_untouched() {
        let dir = temp("link");
        let victim = dir.join("bashrc");
        fs::write(&victim, "keep me").unwrap();
        let link = dir.join("report.xml");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        write_whole(&link, b"<testsuites/>").unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "keep me");
        assert!(
            !fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&link).unwrap(), "<testsuites/>");
        assert_eq!(entries(&dir), ["bashrc", "report.xml"]);
        fs::remove_dir_all(dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_new_file_is_written_once_and_a_dangling_link_is_not_followed() {
        let dir = temp("new");
        let file = dir.join("a/user.yaml");
        assert!(write_new_whole(&file, b"one").unwrap());
        assert!(!write_new_whole(&file, b"two").unwrap());
        assert_eq!(fs::read_to_string(&file).unwrap(), "one");
        assert_eq!(entries(&dir.join("a")), ["user.yaml"]);
        let link = dir.join("link.yaml");
        std::os::unix::fs::symlink(dir.join("elsewhere"), &link).unwrap();
        assert!(!write_new_whole(&link, b"x").unwrap());
        assert!(!dir.join("elsewhere").exists());
        fs::remove_dir_all(dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_written_to_as_a_stream_and_stays_in_place() {
        let dir = temp("device");
        let link = dir.join("out.xml");
        std::os::unix::fs::symlink("/dev/null", &link).unwrap();
        write_whole(&link, b"<testsuites/>").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(entries(&dir), ["out.xml"]);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary_file() {
        let dir = temp("fail");
        let target = dir.join("sub");
        fs::create_dir(&target).unwrap();
        let err = write_whole(&target, b"x").unwrap_err();
        assert_eq!(err.to_string(), "is a folder; give a file path inside it");
        assert_eq!(entries(&dir), ["sub"]);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn targets_without_a_file_name_or_under_a_file_are_refused_before_writing() {
        assert_eq!(
            check_target(Path::new("/")).unwrap_err().to_string(),
            "not a file name; give a file path such as `out/report.xml`"
        );
        let dir = temp("missing");
        assert!(check_target(&dir.join("no/such/report.xml")).is_ok());
        fs::write(dir.join("file"), "").unwrap();
        let err = check_target(&dir.join("file/deeper/report.xml")).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("`{}` is not a folder", dir.join("file").display())
        );
        assert!(check_target(&dir.join("report.xml")).is_ok());
        fs::remove_dir_all(dir).unwrap();
    }
}
