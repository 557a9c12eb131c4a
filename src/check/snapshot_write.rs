//! Snapshot files written whole or not at all. A file is written into a
//! hidden staging folder beside its target
//! (`snapshots/.gatecheck-staging-<pid>-<n>/`, skipped by cargo-insta like
//! every hidden folder), flushed to the disk and renamed into place: a
//! rename within one folder tree is atomic, so a snapshot file is either
//! whole or absent, whatever stops the run. The staging folders in use are
//! listed so that a signal's clean-up can remove them ([`remove_staging`]);
//! one left by a killed process is removed by the next run ([`sweep_once`]).

use std::collections::BTreeSet;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Name prefix of staging folders.
pub const STAGING_PREFIX: &str = ".gatecheck-staging-";

/// Writes `bytes` to `target` through a staging folder in its folder,
/// creating the folder. `Err` says why, naming `shown` (the target as the
/// user will look for it).
pub fn write(target: &Path, shown: &Path, bytes: &[u8]) -> Result<(), String> {
    let real_dir = target.parent().unwrap_or(Path::new("."));
    let name = target.file_name().unwrap_or_default();
    if real_dir.is_dir() {
        sweep_once(real_dir);
    }
    let cannot = |e: std::io::Error| format!("cannot write to {}: {e}", real_dir.display());
    let staging = Staging::create(real_dir).map_err(cannot)?;
    let staged = staging.dir.join(name);
    fs::File::create(&staged)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            // On the disk before the rename makes it visible: a crash
            // cannot leave an empty file in place.
            file.sync_all()
        })
        .map_err(|e| format!("writing `{}` failed: {e}", shown.display()))?;
    fs::rename(&staged, target).map_err(|e| format!("cannot write {}: {e}", target.display()))
}

/// A staging folder, removed on drop.
struct Staging {
    dir: PathBuf,
}

impl Staging {
    fn create(real_dir: &Path) -> std::io::Result<Self> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = real_dir.join(format!("{STAGING_PREFIX}{}-{n}", std::process::id()));
        // The snapshot folder too, when it is missing.
        fs::create_dir_all(&dir)?;
        live().insert(dir.clone());
        Ok(Self { dir })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
        live().remove(&self.dir);
    }
}

/// The staging folders of this process that exist now: the one list a
/// signal's clean-up needs, as it cannot reach the writing threads.
fn live() -> std::sync::MutexGuard<'static, BTreeSet<PathBuf>> {
    static LIVE: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Removes every staging folder of this process (a signal stops the run
/// while trials are inside theirs).
pub fn remove_staging() {
    remove_live(|_| true);
}

/// Removes the staging folders in use that `which` selects.
fn remove_live(which: impl Fn(&Path) -> bool) {
    let mut live = live();
    let chosen: Vec<PathBuf> = live.iter().filter(|d| which(d)).cloned().collect();
    for dir in chosen {
        live.remove(&dir);
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

/// Tells `cargo insta test --unreferenced` that `file` is in use: appends
/// it to `list` (`INSTA_SNAPSHOT_REFERENCES_FILE`), as insta does.
pub fn memoize(list: &Path, file: &Path) {
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

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_file_is_renamed_into_place_and_its_staging_folder_removed() {
        let root = temp("write");
        let real = root.join("snapshots");
        let target = real.join("t.snap.new");
        write(&target, Path::new("t.snap.new"), b"new").unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        write(&target, Path::new("t.snap.new"), b"newer").unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "newer");
        assert_eq!(entries(&real), ["t.snap.new"]);
        assert!(live().iter().all(|d| !d.starts_with(&real)));
        fs::remove_dir_all(root).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_link_at_the_target_is_replaced_not_followed() {
        let root = temp("link");
        let real = root.join("snapshots");
        fs::create_dir_all(&real).unwrap();
        let victim = root.join("victim");
        fs::write(&victim, "keep me").unwrap();
        std::os::unix::fs::symlink(&victim, real.join("t.snap")).unwrap();
        write(&real.join("t.snap"), Path::new("t.snap"), b"snap").unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "keep me");
        assert_eq!(fs::read_to_string(real.join("t.snap")).unwrap(), "snap");
        fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn a_signal_s_clean_up_removes_the_staging_folders_in_use() {
        let real = temp("signal").join("snapshots");
        fs::create_dir_all(&real).unwrap();
        let staging = Staging::create(&real).unwrap();
        // A half-written file, as a stopped process leaves it.
        fs::write(staging.dir.join("t.snap.new"), "---\nsource: cu").unwrap();
        // What `remove_staging` does, for this test's folder only (other
        // tests write at the same time).
        remove_live(|d| d.starts_with(&real));
        assert!(!staging.dir.exists());
        drop(staging);
        assert!(entries(&real).is_empty());
        fs::remove_dir_all(real.parent().unwrap()).unwrap();
    }

    #[test]
    fn a_snapshot_folder_that_is_a_file_cannot_be_written() {
        // A regular file where the folder should be: refused even for root,
        // unlike a read-only folder.
        let root = temp("file");
        fs::create_dir_all(&root).unwrap();
        let real = root.join("snapshots");
        fs::write(&real, "not a folder").unwrap();
        let err = write(&real.join("t.snap.new"), Path::new("t.snap.new"), b"x").unwrap_err();
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
