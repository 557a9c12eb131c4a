//! The login fixtures: one `fixtures/NAME.yaml` per identity (listed by
//! `walk.rs`, read by `load.rs`), each turned into the struct of its `kind`
//! (so errors name their key) and checked for what its type cannot say.

use std::path::Path;

use super::keypath::KeyPath;
use super::load::{Loader, Project};
use super::walk;
use super::yaml::Located;
use crate::auth::{Fixture, fixture_check};

impl Loader<'_> {
    pub(super) fn fixtures(&mut self, dir: &Path, project: &mut Project) {
        let files = match walk::fixture_files(dir) {
            Ok(files) => files,
            Err(problem) => return self.push(problem),
        };
        for file in files {
            let Some(name) = file.file_stem().and_then(|s| s.to_str()).map(str::to_owned) else {
                continue;
            };
            if name == "none" {
                self.diag(
                    &file,
                    None,
                    "`none` is reserved for anonymous requests; rename this fixture",
                );
                continue;
            }
            let Some(fixture) = self.fixture(&file) else {
                project.broken_fixtures.insert(name);
                continue;
            };
            if let Some(other) = project.fixture_files.get(&name) {
                let msg = format!("identity `{name}` is also defined in {}", other.display());
                self.diag(&file, None, msg);
                continue;
            }
            project.secrets.extend(fixture.secrets());
            project.fixture_files.insert(name.clone(), file.clone());
            project.fixtures.insert(name, fixture);
        }
    }
    /// Reads one fixture file, and checks what its type cannot.
    fn fixture(&mut self, file: &Path) -> Option<Fixture> {
        let doc = self.read_doc(file)?;
        let fixture = self.typed_fixture(file, &doc)?;
        let problems = fixture_check::problems(&fixture);
        for (key, problem) in &problems {
            let at = Some(doc.pos(&KeyPath::root().key(*key)));
            self.diag(file, at, format!("{key}: {problem}"));
        }
        problems.is_empty().then_some(fixture)
    }

    /// Reads a fixture as the struct of its `kind`, so that an error names
    /// its key and line (serde's tagged enums lose the path).
    fn typed_fixture(&mut self, file: &Path, doc: &Located) -> Option<Fixture> {
        let kind = doc.value.get("kind").and_then(|k| k.as_str());
        let mut fields = doc.value.clone();
        if let Some(map) = fields.as_mapping_mut() {
            map.remove("kind");
        }
        let root = KeyPath::root();
        match kind {
            Some("okta-pkce") => self.typed(file, doc, &root, &fields).map(Fixture::OktaPkce),
            Some("oauth2-pkce") => self
                .typed(file, doc, &root, &fields)
                .map(Fixture::Oauth2Pkce),
            Some("client-credentials") => self
                .typed(file, doc, &root, &fields)
                .map(Fixture::ClientCredentials),
            Some("password") => self.typed(file, doc, &root, &fields).map(Fixture::Password),
            Some("refresh-token") => self
                .typed(file, doc, &root, &fields)
                .map(Fixture::RefreshToken),
            Some("static") => self.typed(file, doc, &root, &fields).map(Fixture::Static),
            Some("auth0") => self.typed(file, doc, &root, &fields).map(Fixture::Auth0),
            _ => self.typed(file, doc, &root, &doc.value),
        }
    }
}
