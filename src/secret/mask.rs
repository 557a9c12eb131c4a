//! The one masking layer for secrets: every value registered here is replaced
//! by `***` in console output, `-v` dumps, JUnit, snapshots and error messages,
//! in every form it travels in (see [`mask_forms`](super::mask_forms)).
//!
//! Secrets of four characters or more are masked wherever they occur; shorter
//! ones only where they stand as a whole value (see
//! [`mask_whole`](super::mask_whole)), so that unrelated text stays intact.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::{Arc, RwLock};

use aho_corasick::{AhoCorasick, MatchKind};

use super::mask_forms::{base64_cores, base64_forms, basic_forms, text_forms};
pub use super::mask_whole::MASK;
use super::mask_whole::mask_whole;

/// Shortest value masked wherever it occurs; shorter ones are masked as
/// whole values only.
const MIN_ANYWHERE_LEN: usize = 4;

/// A shared, growing set of secrets. Cheap to clone (an `Arc`).
#[derive(Clone, Default, Debug)]
pub struct Masker {
    inner: Arc<RwLock<Inner>>,
}

#[derive(Default, Debug)]
struct Inner {
    secrets: Vec<String>,
    /// `(user, secret)` pairs sent as HTTP Basic credentials.
    pairs: Vec<(String, String)>,
    /// Built on first use after a change.
    compiled: Option<Arc<MaskSet>>,
}

impl Masker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a secret (a password, token, code, verifier...). The empty
    /// value is ignored.
    pub fn add(&self, secret: impl Into<String>) {
        let secret = secret.into();
        if secret.is_empty() {
            return;
        }
        let mut inner = self.write();
        if !inner.secrets.contains(&secret) {
            inner.secrets.push(secret);
            inner.compiled = None;
        }
    }

    /// Registers a secret captured from a response, whatever its JSON type:
    /// every string and number inside it, and its text as a template would
    /// insert it.
    pub fn add_json(&self, value: &serde_json::Value) {
        use serde_json::Value as Json;
        match value {
            Json::Null => {}
            Json::String(s) => self.add(s.clone()),
            Json::Array(items) if !items.is_empty() => {
                items.iter().for_each(|v| self.add_json(v));
                self.add(value.to_string());
            }
            Json::Object(map) if !map.is_empty() => {
                map.values().for_each(|v| self.add_json(v));
                self.add(value.to_string());
            }
            Json::Number(n) => self.add(n.to_string()),
            // `true`, `false`, `null` and empty containers carry no secret,
            // and masking them would garble every other one.
            Json::Bool(_) | Json::Array(_) | Json::Object(_) => {}
        }
    }

    /// Registers credentials sent as `Authorization: Basic` (a client id
    /// and secret): the secret, and the base64 of `user:secret`.
    pub fn add_basic(&self, user: &str, secret: &str) {
        if secret.is_empty() {
            return;
        }
        self.add(secret);
        let pair = (user.to_owned(), secret.to_owned());
        let mut inner = self.write();
        if !inner.pairs.contains(&pair) {
            inner.pairs.push(pair);
            inner.compiled = None;
        }
    }

    /// Returns `text` with every registered secret replaced by `***`.
    pub fn mask(&self, text: &str) -> String {
        self.current().mask(text).into_owned()
    }

    /// True when `text` contains a registered secret (in any form).
    pub fn contains_secret(&self, text: &str) -> bool {
        matches!(self.current().mask(text), Cow::Owned(_))
    }

    /// The secrets registered so far, ready to mask many values with one lock.
    pub fn current(&self) -> Arc<MaskSet> {
        if let Some(set) = &self.read().compiled {
            return set.clone();
        }
        let mut inner = self.write();
        let inner = &mut *inner;
        let set = inner
            .compiled
            .get_or_insert_with(|| Arc::new(MaskSet::build(&inner.secrets, &inner.pairs)));
        set.clone()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Inner> {
        self.inner.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(|e| e.into_inner())
    }
}

/// A fixed set of secrets in all their forms.
#[derive(Debug, Default)]
pub struct MaskSet {
    /// Forms masked wherever they occur (leftmost, longest first).
    anywhere: Option<AhoCorasick>,
    /// The shortest of those forms: shorter texts need no search.
    anywhere_min: usize,
    /// Forms of short secrets, masked where they stand as a whole value.
    whole: Vec<String>,
    /// Finds any of `whole` in one pass (most texts have none).
    whole_finder: Option<AhoCorasick>,
    /// The lengths of `values`, to skip hashing most strings.
    value_lens: HashSet<usize>,
    /// Every form: a JSON value exactly equal to one is masked.
    values: HashSet<String>,
    /// Whether a form is a JSON number (numbers need checking).
    numeric: bool,
}

impl MaskSet {
    fn build(secrets: &[String], pairs: &[(String, String)]) -> Self {
        let mut anywhere: Vec<String> = Vec::new();
        let mut set = MaskSet::default();
        for secret in secrets {
            let mut forms = text_forms(secret);
            forms.extend(base64_forms(secret.as_bytes()));
            if secret.len() >= MIN_ANYWHERE_LEN {
                anywhere.extend(forms.iter().cloned());
                anywhere.extend(base64_cores(secret.as_bytes()));
            } else {
                let padded = base64::Engine::encode(
                    &base64::engine::general_purpose::STANDARD,
                    secret.as_bytes(),
                );
                forms.push(padded);
                set.whole.extend(forms.iter().cloned());
            }
            set.values.extend(forms);
        }
        set.numeric = set.values.iter().any(|v| v.parse::<f64>().is_ok());
        for (user, secret) in pairs {
            anywhere.extend(basic_forms(user, secret));
        }
        set.whole.sort();
        set.whole.dedup();
        if !set.whole.is_empty() {
            set.whole_finder = AhoCorasick::new(&set.whole).ok();
        }
        set.value_lens = set.values.iter().map(String::len).collect();
        anywhere.sort();
        anywhere.dedup();
        set.anywhere_min = anywhere.iter().map(String::len).min().unwrap_or(0);
        if !anywhere.is_empty() {
            set.anywhere = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&anywhere)
                .ok();
        }
        set
    }

    /// `text` with every secret replaced by `***`; borrowed when it has none.
    pub fn mask<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let text = match &self.anywhere {
            Some(ac) if text.len() >= self.anywhere_min => replace_all(ac, text),
            _ => Cow::Borrowed(text),
        };
        let Some(finder) = &self.whole_finder else {
            return text;
        };
        if !finder.is_match(text.as_ref()) {
            return text;
        }
        match mask_whole(&text, &self.whole) {
            Cow::Borrowed(_) => text,
            Cow::Owned(masked) => Cow::Owned(masked),
        }
    }

    /// A JSON string value as shown: `***` when it is a secret (in any
    /// form), else with the secrets inside it masked; `None` when unchanged.
    pub fn string_value(&self, value: &str) -> Option<String> {
        if self.is_empty() {
            return None;
        }
        if self.is_secret(value) {
            return Some(MASK.to_owned());
        }
        match self.mask(value) {
            Cow::Borrowed(_) => None,
            Cow::Owned(masked) => Some(masked),
        }
    }

    /// True when a scalar's text (a number, a boolean) is itself a secret.
    pub fn is_secret(&self, text: &str) -> bool {
        self.value_lens.contains(&text.len()) && self.values.contains(text)
    }

    /// True when some secret is a number, so numbers must be checked.
    pub fn has_numbers(&self) -> bool {
        self.numeric
    }

    /// True when nothing is registered.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty() && self.anywhere.is_none()
    }
}

fn replace_all<'a>(ac: &AhoCorasick, text: &'a str) -> Cow<'a, str> {
    let mut matches = ac.find_iter(text).peekable();
    if matches.peek().is_none() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for m in matches {
        out.push_str(&text[at..m.start()]);
        out.push_str(MASK);
        at = m.end();
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;

    #[test]
    fn masks_every_occurrence_longest_first() {
        let m = Masker::new();
        m.add("abcd");
        m.add("abcdefgh");
        assert_eq!(m.mask("x abcdefgh y abcd z"), "x *** y *** z");
    }

    #[test]
    fn short_secrets_are_masked_as_whole_values_only() {
        let m = Masker::new();
        m.add("ab");
        m.add("");
        assert_eq!(m.mask("ab cd abc"), "ab cd abc");
        assert_eq!(m.mask(r#"{"pw":"ab"} pw=ab"#), r#"{"pw":"***"} pw=***"#);
        assert_eq!(m.current().string_value("ab").as_deref(), Some("***"));
        assert_eq!(m.current().string_value("abc"), None);
    }

    #[test]
    fn encoded_forms_are_masked() {
        let m = Masker::new();
        m.add("p@ss \"word\"");
        assert_eq!(m.mask(r#"{"pw":"p@ss \"word\""}"#), r#"{"pw":"***"}"#);
        assert_eq!(m.mask("pw=p%40ss+%22word%22&x=1"), "pw=***&x=1");
        let b64 = STANDARD.encode("p@ss \"word\"");
        assert!(!m.mask(&b64).contains(&b64[..8]), "{}", m.mask(&b64));
    }

    #[test]
    fn lowercase_percent_escapes_and_html_entities_are_masked() {
        let m = Masker::new();
        m.add("p@ss w/rd&<x>\"'");
        for encoded in [
            // Form-encoded with lowercase hex, and percent-encoded the way a
            // URL keeps what it may (lowercase hex).
            "p%40ss+w%2frd%26%3cx%3e%22%27",
            "p@ss%20w/rd&%3cx%3e%22%27",
            // HTML-escaped, with each usual spelling of the quotes.
            "p@ss w/rd&amp;&lt;x&gt;&quot;&#39;",
            "p@ss w/rd&amp;&lt;x&gt;&quot;&#x27;",
            "p@ss w/rd&amp;&lt;x&gt;&#34;&#39;",
            "p@ss w/rd&amp;&lt;x&gt;&quot;&apos;",
        ] {
            assert_eq!(
                m.mask(&format!("<p>token: {encoded}</p>")),
                "<p>token: ***</p>",
                "{encoded}"
            );
        }
        // A secret without such characters has no extra forms to find.
        let m = Masker::new();
        m.add("plainsecret");
        assert_eq!(m.mask("x plainsecret &amp; y"), "x *** &amp; y");
    }

    #[test]
    fn basic_credentials_are_masked_even_with_a_short_secret() {
        let m = Masker::new();
        m.add_basic("demo-web", "pw1");
        let header = format!("Authorization: Basic {}", STANDARD.encode("demo-web:pw1"));
        assert_eq!(m.mask(&header), "Authorization: Basic ***");
        assert_eq!(m.mask("demo-web pw1s"), "demo-web pw1s");
    }

    #[test]
    fn captured_json_values_are_registered_whole_and_by_leaf() {
        let m = Masker::new();
        m.add_json(&serde_json::json!({"pin": 4711, "key": "k3y-value"}));
        assert!(m.current().is_secret("4711"));
        assert_eq!(m.mask("key k3y-value"), "key ***");
    }

    #[test]
    fn the_compiled_set_follows_additions() {
        let m = Masker::new();
        assert!(m.current().is_empty());
        m.add("first-secret");
        assert!(m.contains_secret("a first-secret"));
        m.add("second-secret");
        assert!(m.contains_secret("a second-secret"));
        assert!(!m.contains_secret("nothing here"));
    }
}
