//! Reading a file named in a suite, a fixture or on the command line with a
//! bound: only a regular file is read (a FIFO would block forever, a device
//! such as `/dev/zero` never ends), and never more than a limit, so a
//! wrong path is a clear error instead of a hang or an exhausted memory.

use std::fs;
use std::io::{self, Read as _};
use std::path::Path;

/// Why a file was not read. The messages are fragments that follow the
/// file's name: "`rows.csv`: is not a regular file (a FIFO)".
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("is not a regular file ({0}); give the path of a file")]
    NotAFile(&'static str),
    #[error("is larger than {}, the most read from such a file", size(*.0))]
    TooLarge(u64),
    #[error("is not UTF-8 text; save it as UTF-8")]
    NotText,
}

/// `16 MiB`, `64 KiB`, `9 bytes`.
fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// The bytes of the regular file at `path` (a link is followed), at most
/// `limit` of them.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile(kind(&meta.file_type())));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge(limit));
    }
    // Files such as /proc/self/environ say 0 bytes and hold more: the
    // reader is bounded too.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(limit));
    }
    Ok(bytes)
}

/// [`read_regular`] for a text file.
pub fn read_regular_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    String::from_utf8(read_regular(path, limit)?).map_err(|_| ReadError::NotText)
}

#[cfg(unix)]
fn open(path: &Path) -> io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    // O_NONBLOCK: opening a FIFO without a writer returns at once (a
    // regular file ignores the flag).
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open(path: &Path) -> io::Result<fs::File> {
    fs::File::open(path)
}

#[cfg(unix)]
fn kind(kind: &fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt as _;
    if kind.is_dir() {
        "a folder"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
}

#[cfg(not(unix))]
fn kind(kind: &fs::FileType) -> &'static str {
    if kind.is_dir() {
        "a folder"
    } else {
        "not a file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn devices_fifos_and_folders_are_refused_without_blocking() {
        let dir = std::env::temp_dir().join(format!("gatecheck-read-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("rows.csv");
        let c = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let message = |p: &Path| read_regular(p, 1024).unwrap_err().to_string();
        assert_eq!(
            message(&fifo),
            "is not a regular file (a FIFO); give the path of a file"
        );
        assert_eq!(
            message(Path::new("/dev/zero")),
            "is not a regular file (a device); give the path of a file"
        );
        assert_eq!(
            message(&dir),
            "is not a regular file (a folder); give the path of a file"
        );
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_file_over_the_limit_is_refused_and_one_within_is_read() {
        let file = std::env::temp_dir().join(format!("gatecheck-read-big-{}", std::process::id()));
        fs::write(&file, "0123456789").unwrap();
        assert_eq!(
            read_regular(&file, 9).unwrap_err().to_string(),
            "is larger than 9 bytes, the most read from such a file"
        );
        assert_eq!(read_regular_text(&file, 10).unwrap(), "0123456789");
        fs::remove_file(file).unwrap();
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_that_says_zero_bytes_is_still_bounded() {
        // procfs files report a size of 0.
        let err = read_regular(Path::new("/proc/self/maps"), 4).unwrap_err();
        assert!(matches!(err, ReadError::TooLarge(4)), "{err}");
    }
}
