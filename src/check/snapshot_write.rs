//! Atomic snapshot files. insta writes `.snap.new` (and `.snap` under
//! `INSTA_UPDATE=always`) with a plain `fs::write`, so a run interrupted
//! mid-write would leave a truncated file that `cargo insta review` offers.
//! Instead insta works in a hidden staging folder beside the snapshots
//! (`snapshots/.gatecheck-staging-<pid>-<n>/`, skipped by cargo-insta like
//! every hidden folder), and finished files are renamed into place: a
//! rename within one folder tree is atomic, so a snapshot file is either
//! whole or absent.

use std::collections::BTreeSet;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Name prefix of staging folders.
pub const STAGING_PREFIX: &str = ".gatecheck-staging-";

/// A staging folder for one snapshot check; removed on drop.
pub struct Staging {
    /// The real snapshot folder.
    real_dir: PathBuf,
    /// The staging folder inside it.
    dir: PathBuf,
    /// The real folder did not exist before (removed again if left empty).
    created_real: bool,
    /// The `.snap` as it was copied into the staging folder.
    copied: Option<Vec<u8>>,
}

/// What [`Staging::finish`] put in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moved {
    /// A `.snap.new` (to review).
    pub pending: bool,
    /// A new or changed `.snap`.
    pub snap: bool,
}

impl Staging {
    /// Creates the staging folder for `<real_dir>/<name>.snap` and copies the
    /// existing snapshot into it (insta compares with it there). `Err` says
    /// why nothing can be written to `real_dir`.
    pub fn create(real_dir: &Path, name: &str) -> Result<Self, String> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let created_real = !real_dir.is_dir();
        if !created_real {
            sweep_once(real_dir);
        }
        let dir = real_dir.join(format!("{STAGING_PREFIX}{}-{n}", std::process::id()));
        let cannot = |e: std::io::Error| format!("cannot write to {}: {e}", real_dir.display());
        fs::create_dir_all(&dir).map_err(cannot)?;
        live().insert(dir.clone());
        let mut staging = Self {
            real_dir: real_dir.to_path_buf(),
            dir,
            created_real,
            copied: None,
        };
        let file = snap_file(real_dir, name);
        match fs::read(&file) {
            Ok(bytes) => {
                fs::write(snap_file(&staging.dir, name), &bytes).map_err(cannot)?;
                staging.copied = Some(bytes);
            }
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(format!("cannot read {}: {e}", file.display())),
        }
        Ok(staging)
    }

    /// Where insta is told to keep its snapshots.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Renames what insta wrote into place: the pending file (found with
    /// `pending_path`, which honours `INSTA_PENDING_DIR`) and a changed
    /// `.snap`.
    pub fn finish(&self, name: &str, pending_path: fn(&Path) -> PathBuf) -> Result<Moved, String> {
        let staged_pending = pending_path(&snap_file(&self.dir, name));
        let pending = staged_pending.is_file();
        if pending {
            let target = pending_path(&snap_file(&self.real_dir, name));
            move_into_place(&staged_pending, &target)?;
            if let Some(mirror) = staged_pending.parent().filter(|d| *d != self.dir) {
                // INSTA_PENDING_DIR: the staging folder's mirror there.
                let _ = fs::remove_dir(mirror);
            }
        }
        let staged_snap = snap_file(&self.dir, name);
        let snap = match fs::read(&staged_snap) {
            Ok(bytes) => Some(bytes) != self.copied,
            Err(_) => false,
        };
        if snap {
            move_into_place(&staged_snap, &snap_file(&self.real_dir, name))?;
        }
        Ok(Moved { pending, snap })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        live().remove(&self.dir);
        let _ = fs::remove_dir_all(&self.dir);
        if self.created_real {
            // Only when empty: nothing was written (CI), so nothing is left.
            let _ = fs::remove_dir(&self.real_dir);
        }
    }
}

/// The staging folders of this process that exist now.
fn live() -> std::sync::MutexGuard<'static, BTreeSet<PathBuf>> {
    static LIVE: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Removes every staging folder of this process (a signal stops the run
/// while trials are inside theirs).
pub fn remove_staging() {
    for dir in std::mem::take(&mut *live()) {
        let _ = fs::remove_dir_all(dir);
    }
}

/// Removes, once per folder and process, the staging folders that a
/// process which no longer runs left in `real_dir` (killed mid-write).
pub fn sweep_once(real_dir: &Path) {
    static SWEPT: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());
    let mut swept = SWEPT.lock().unwrap_or_else(|e| e.into_inner());
    if !swept.insert(real_dir.to_path_buf()) {
        return;
    }
    let Ok(entries) = fs::read_dir(real_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(STAGING_PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !process_exists(pid) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(unix)]
fn process_exists(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only checks that the process exists.
    let alive = unsafe { libc::kill(pid, 0) } == 0;
    alive || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn process_exists(_pid: u32) -> bool {
    // Without a cheap check, another process's folder is left alone.
    true
}

fn snap_file(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.snap"))
}

fn move_into_place(from: &Path, to: &Path) -> Result<(), String> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| format!("cannot write to {}: {e}", parent.display()))?;
    }
    // On the disk before the rename makes it visible: a crash cannot leave
    // an empty file in place (insta does not flush its files).
    fs::File::open(from)
        .and_then(|f| f.sync_all())
        .and_then(|()| fs::rename(from, to))
        .map_err(|e| format!("cannot write {}: {e}", to.display()))
}

/// Tells `cargo insta test --unreferenced` that `file` is in use (insta
/// only records the files it is asked about, and the staging copy is
/// not the real one).
pub fn memoize(file: &Path) {
    use std::io::Write as _;
    let Some(list) = std::env::var_os("INSTA_SNAPSHOT_REFERENCES_FILE") else {
        return;
    };
    let opened = fs::OpenOptions::new().append(true).create(true).open(list);
    if let Ok(mut f) = opened {
        let _ = writeln!(f, "{}", file.display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "gatecheck-staging-test-{name}-{}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    fn pending(file: &Path) -> PathBuf {
        file.with_extension("snap.new")
    }

    #[test]
    fn finished_files_are_renamed_into_place_and_staging_is_removed() {
        let real = temp("finish").join("snapshots");
        fs::create_dir_all(&real).unwrap();
        fs::write(real.join("t.snap"), "old").unwrap();
        let staging = Staging::create(&real, "t").unwrap();
        assert_eq!(
            fs::read_to_string(staging.dir().join("t.snap")).unwrap(),
            "old"
        );
        // What insta would leave: a pending file, the .snap untouched.
        fs::write(staging.dir().join("t.snap.new"), "new").unwrap();
        let moved = staging.finish("t", pending).unwrap();
        assert_eq!(
            moved,
            Moved {
                pending: true,
                snap: false
            }
        );
        let dir = staging.dir().to_path_buf();
        drop(staging);
        assert!(!dir.exists());
        assert_eq!(fs::read_to_string(real.join("t.snap.new")).unwrap(), "new");
        assert_eq!(fs::read_to_string(real.join("t.snap")).unwrap(), "old");
        fs::remove_dir_all(real.parent().unwrap()).unwrap();
    }

    #[test]
    fn a_signal_s_clean_up_removes_the_staging_folders_in_use() {
        let real = temp("signal").join("snapshots");
        fs::create_dir_all(&real).unwrap();
        let staging = Staging::create(&real, "t").unwrap();
        // A half-written file, as insta leaves it when the process stops.
        fs::write(staging.dir().join("t.snap.new"), "---\nsource: cu").unwrap();
        assert!(staging.dir().is_dir());
        remove_staging();
        assert!(!staging.dir().exists());
        drop(staging);
        fs::remove_dir_all(real.parent().unwrap()).unwrap();
    }

    #[test]
    fn nothing_written_leaves_no_folder_behind() {
        let root = temp("nothing");
        let real = root.join("snapshots");
        let staging = Staging::create(&real, "t").unwrap();
        assert_eq!(
            staging.finish("t", pending).unwrap(),
            Moved {
                pending: false,
                snap: false
            }
        );
        drop(staging);
        assert!(!real.exists());
        let _ = fs::remove_dir_all(root);
    }

    #[test]
    fn a_snapshot_folder_that_is_a_file_cannot_be_written() {
        // A regular file where the folder should be: refused even for root,
        // unlike a read-only folder.
        let root = temp("file");
        fs::create_dir_all(&root).unwrap();
        let real = root.join("snapshots");
        fs::write(&real, "not a folder").unwrap();
        let err = Staging::create(&real, "t").err().unwrap();
        assert_eq!(
            err,
            format!(
                "cannot write to {}: Not a directory (os error 20)",
                real.display()
            )
        );
        fs::remove_dir_all(root).unwrap();
    }
}
