//! What a new or changed snapshot does, read once from insta's settings as
//! insta 1.x reads them: the environment (`INSTA_UPDATE`,
//! `INSTA_FORCE_UPDATE`, `INSTA_FORCE_PASS`, `INSTA_REQUIRE_FULL_MATCH`,
//! `CI`, `INSTA_PENDING_DIR`, `INSTA_WORKSPACE_ROOT`, ...) and, for what the
//! environment leaves unset, the `behavior:` of the workspace's
//! `insta.yaml` (`.config/insta.yaml`, `insta.yaml` or `.insta.yaml`).
//! Bad values are an error naming the setting, not a panic.

use std::path::{Path, PathBuf};

/// insta's `INSTA_UPDATE` (or `behavior.update`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Update {
    /// New and changed snapshots go to `.snap.new`, except in CI.
    #[default]
    Auto,
    /// Written to the `.snap` in place.
    Always,
    /// Always to `.snap.new`, even in CI.
    New,
    /// New snapshots in place, changed ones to `.snap.new`.
    Unseen,
    /// Nothing is written.
    No,
    /// Like `Always`, and matching snapshots are rewritten too.
    Force,
}

/// Where a new or changed snapshot goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    /// The `.snap` itself: the check passes.
    InPlace,
    /// `<name>.snap.new`, for review.
    Pending,
    Nothing,
}

/// insta's settings for one process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub update: Update,
    /// A failing snapshot does not fail its test (files are still written).
    pub force_pass: bool,
    /// The header must match too, not only the body.
    pub require_full_match: bool,
    /// Running in CI (`CI`, or `TF_BUILD` when `CI` is unset).
    pub ci: bool,
    /// The workspace: `source:` and `input_file:` are relative to it.
    pub workspace: PathBuf,
    /// `INSTA_PENDING_DIR`: pending files go there, mirroring the workspace.
    pub pending_dir: Option<PathBuf>,
    /// `INSTA_SNAPSHOT_REFERENCES_FILE` (`cargo insta test --unreferenced`).
    pub references_file: Option<PathBuf>,
    /// `INSTA_YAML_BLOCK_STYLE=1`.
    pub literal_blocks: bool,
}

impl Policy {
    /// The defaults outside CI, in `workspace`.
    pub fn local(workspace: &Path) -> Self {
        Self {
            update: Update::Auto,
            force_pass: false,
            require_full_match: false,
            ci: false,
            workspace: workspace.to_path_buf(),
            pending_dir: None,
            references_file: None,
            literal_blocks: false,
        }
    }

    /// Reads the settings from `var` (the environment) and the workspace's
    /// `insta.yaml`.
    pub fn read(var: &dyn Fn(&str) -> Option<String>) -> Result<Self, String> {
        let workspace = var("INSTA_WORKSPACE_ROOT").map_or_else(workspace_root, PathBuf::from);
        let config = tool_config(&workspace)?;
        Self::from_settings(var, &config, workspace)
    }

    /// The settings from `var` and a parsed `insta.yaml` (`config`).
    pub fn from_settings(
        var: &dyn Fn(&str) -> Option<String>,
        config: &serde_yaml::Value,
        workspace: PathBuf,
    ) -> Result<Self, String> {
        let behavior = |key: &str| config.get("behavior").and_then(|b| b.get(key));
        let flag = |name: &str, key: &str| -> Result<bool, String> {
            match var(name).as_deref() {
                None | Some("") => Ok(behavior(key)
                    .and_then(serde_yaml::Value::as_bool)
                    .unwrap_or(false)),
                Some("0") => Ok(false),
                Some("1") => Ok(true),
                Some(other) => Err(format!("{name}={other}: give 0 or 1")),
            }
        };
        let one = |name: &str| var(name).as_deref() == Some("1");
        let update = if one("INSTA_FORCE_UPDATE") || one("INSTA_FORCE_UPDATE_SNAPSHOTS") {
            Update::Force
        } else {
            let from_config = || {
                behavior("update")
                    .and_then(serde_yaml::Value::as_str)
                    .map(str::to_owned)
                    .or_else(|| {
                        let force = behavior("force_update").and_then(serde_yaml::Value::as_bool);
                        (force == Some(true)).then(|| "force".to_owned())
                    })
            };
            let value = var("INSTA_UPDATE")
                .filter(|v| !v.is_empty())
                .or_else(from_config)
                .unwrap_or_else(|| "auto".to_owned());
            match value.as_str() {
                "auto" => Update::Auto,
                "always" | "1" => Update::Always,
                "new" => Update::New,
                "unseen" => Update::Unseen,
                "no" => Update::No,
                "force" => Update::Force,
                other => {
                    return Err(format!(
                        "INSTA_UPDATE={other}: give auto, always, new, unseen, no or force"
                    ));
                }
            }
        };
        Ok(Self {
            update,
            force_pass: flag("INSTA_FORCE_PASS", "force_pass")?,
            require_full_match: flag("INSTA_REQUIRE_FULL_MATCH", "require_full_match")?,
            ci: match var("CI").as_deref() {
                Some("false" | "0" | "") => false,
                None => var("TF_BUILD").is_some(),
                Some(_) => true,
            },
            workspace,
            pending_dir: var("INSTA_PENDING_DIR")
                .filter(|d| !d.is_empty())
                .map(PathBuf::from),
            references_file: var("INSTA_SNAPSHOT_REFERENCES_FILE").map(PathBuf::from),
            literal_blocks: one("INSTA_YAML_BLOCK_STYLE"),
        })
    }

    /// Where a snapshot that did not match goes; `exists` says whether its
    /// `.snap` file exists (insta's `unseen`).
    pub fn write(&self, exists: bool) -> Write {
        match self.update {
            Update::Always | Update::Force => Write::InPlace,
            Update::Auto if self.ci => Write::Nothing,
            Update::Auto | Update::New => Write::Pending,
            Update::Unseen if exists => Write::Pending,
            Update::Unseen => Write::InPlace,
            Update::No => Write::Nothing,
        }
    }

    /// Where the pending file of `snap` (a `.snap` path) goes: beside it, or
    /// mirrored under `INSTA_PENDING_DIR` when `snap` is in the workspace.
    pub fn pending_path(&self, snap: &Path) -> PathBuf {
        let moved = self.pending_dir.as_ref().and_then(|dir| {
            let relative = snap.strip_prefix(&self.workspace).ok()?;
            Some(dir.join(relative))
        });
        moved
            .unwrap_or_else(|| snap.to_path_buf())
            .with_extension("snap.new")
    }
}

/// The nearest folder at or above the current directory that has a
/// `Cargo.toml` (what `cargo insta` runs from), else the current directory.
fn workspace_root() -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    cwd.ancestors()
        .find(|dir| dir.join("Cargo.toml").is_file())
        .unwrap_or(&cwd)
        .to_path_buf()
}

/// The workspace's `insta.yaml`, parsed (an empty map when there is none).
fn tool_config(workspace: &Path) -> Result<serde_yaml::Value, String> {
    for name in [".config/insta.yaml", "insta.yaml", ".insta.yaml"] {
        let path = workspace.join(name);
        let Ok(text) = crate::disk::read_regular_text(&path, 1 << 20) else {
            continue;
        };
        return serde_yaml::from_str(&text)
            .map_err(|e| format!("{}: {e}; fix or remove it", path.display()));
    }
    Ok(serde_yaml::Value::Mapping(serde_yaml::Mapping::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(vars: &[(&str, &str)], config: &str) -> Result<Policy, String> {
        let var = |name: &str| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        };
        let config: serde_yaml::Value = serde_yaml::from_str(config).unwrap();
        Policy::from_settings(&var, &config, PathBuf::from("/ws"))
    }

    #[test]
    fn insta_update_picks_where_snapshots_go() {
        let write = |vars: &[(&str, &str)], exists| policy(vars, "{}").unwrap().write(exists);
        assert_eq!(write(&[], true), Write::Pending);
        assert_eq!(write(&[("CI", "true")], false), Write::Nothing);
        assert_eq!(write(&[("CI", "false")], false), Write::Pending);
        assert_eq!(write(&[("TF_BUILD", "True")], false), Write::Nothing);
        assert_eq!(write(&[("INSTA_UPDATE", "always")], true), Write::InPlace);
        assert_eq!(write(&[("INSTA_UPDATE", "1")], true), Write::InPlace);
        assert_eq!(
            write(&[("CI", "1"), ("INSTA_UPDATE", "new")], false),
            Write::Pending
        );
        assert_eq!(write(&[("INSTA_UPDATE", "unseen")], false), Write::InPlace);
        assert_eq!(write(&[("INSTA_UPDATE", "unseen")], true), Write::Pending);
        assert_eq!(write(&[("INSTA_UPDATE", "no")], false), Write::Nothing);
        let force = policy(&[("INSTA_FORCE_UPDATE", "1"), ("INSTA_UPDATE", "no")], "{}");
        assert_eq!(force.unwrap().update, Update::Force);
    }

    #[test]
    fn insta_yaml_fills_in_what_the_environment_leaves_unset() {
        let config = "behavior:\n  update: always\n  force_pass: true\n";
        let p = policy(&[], config).unwrap();
        assert_eq!((p.update, p.force_pass), (Update::Always, true));
        let p = policy(&[("INSTA_UPDATE", "no"), ("INSTA_FORCE_PASS", "0")], config).unwrap();
        assert_eq!((p.update, p.force_pass), (Update::No, false));
        let legacy = policy(&[], "behavior:\n  force_update: true\n").unwrap();
        assert_eq!(legacy.update, Update::Force);
    }

    #[test]
    fn a_bad_value_names_the_setting() {
        assert_eq!(
            policy(&[("INSTA_UPDATE", "sometimes")], "{}").unwrap_err(),
            "INSTA_UPDATE=sometimes: give auto, always, new, unseen, no or force"
        );
        assert_eq!(
            policy(&[("INSTA_FORCE_PASS", "yes")], "{}").unwrap_err(),
            "INSTA_FORCE_PASS=yes: give 0 or 1"
        );
    }

    #[test]
    fn pending_files_mirror_the_workspace_under_insta_pending_dir() {
        let mut p = Policy::local(Path::new("/ws"));
        let snap = Path::new("/ws/suites/snapshots/a.snap");
        assert_eq!(
            p.pending_path(snap),
            Path::new("/ws/suites/snapshots/a.snap.new")
        );
        p.pending_dir = Some(PathBuf::from("/pending"));
        assert_eq!(
            p.pending_path(snap),
            Path::new("/pending/suites/snapshots/a.snap.new")
        );
        // Outside the workspace: beside the snapshot, as before.
        assert_eq!(
            p.pending_path(Path::new("/elsewhere/a.snap")),
            Path::new("/elsewhere/a.snap.new")
        );
    }
}
