//! The forms in which a secret travels: JSON-escaped, percent- and
//! form-encoded, base64 (of the secret, of `id:secret` for HTTP Basic, and
//! the part of any base64 text that a secret inside it always produces).
//! Pure functions; the [`Masker`](crate::secret::Masker) masks every form.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};

/// Secrets at least this long (bytes) are also found inside longer base64
/// text, at any alignment; shorter cores would match unrelated base64.
const MIN_CORE_SECRET: usize = 6;

/// The secret as written in text: raw, JSON-escaped (serde's escapes, and
/// the `\uXXXX` / `\/` style of other encoders), form-encoded (`+` for a
/// space), percent-encoded (every reserved byte, upper- and lower-case hex;
/// or only what a URL must escape). Distinct, non-empty.
pub fn text_forms(secret: &str) -> Vec<String> {
    let quoted = serde_json::to_string(secret).unwrap_or_default();
    let json = quoted
        .strip_prefix('"')
        .and_then(|j| j.strip_suffix('"'))
        .unwrap_or_default()
        .to_owned();
    let forms = [
        secret.to_owned(),
        json.clone(),
        json_ascii(&json),
        form_encode(secret),
        lower_hex(&form_encode(secret)),
        percent_encode(secret, is_unreserved, false),
        percent_encode(secret, is_unreserved, true),
        percent_encode(secret, url_keeps, false),
        percent_encode(secret, url_keeps, true),
    ];
    let mut forms = distinct(forms);
    if secret.contains(['&', '<', '>', '"', '\'']) {
        forms.extend(html_forms(secret));
    }
    distinct(forms)
}

/// The secret HTML-escaped, as a server's page or error text shows it: `&`,
/// `<`, `>` as named entities; quotes as `&quot;`/`&#34;` and
/// `&#39;`/`&#x27;`/`&apos;`.
fn html_forms(secret: &str) -> Vec<String> {
    let spellings = [
        ("&quot;", "&#39;"),
        ("&quot;", "&#x27;"),
        ("&quot;", "&apos;"),
        ("&#34;", "&#39;"),
        ("&#x22;", "&#x27;"),
    ];
    spellings
        .iter()
        .map(|(dq, sq)| {
            let mut out = String::with_capacity(secret.len() + 16);
            for c in secret.chars() {
                match c {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '"' => out.push_str(dq),
                    '\'' => out.push_str(sq),
                    c => out.push(c),
                }
            }
            out
        })
        .collect()
}

/// `text` with the hex digits of its `%XX` escapes in lower case.
fn lower_hex(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut hex = 0;
    for c in text.chars() {
        if c == '%' {
            hex = 2;
            out.push(c);
        } else if hex > 0 {
            hex -= 1;
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The secret's own base64 (standard and URL-safe alphabets, unpadded: the
/// padded form starts with it).
pub fn base64_forms(bytes: &[u8]) -> Vec<String> {
    distinct([STANDARD_NO_PAD.encode(bytes), URL_SAFE_NO_PAD.encode(bytes)])
}

/// What `Authorization: Basic` carries for `user` and `secret`: the base64
/// of `user:secret`, raw (reqwest, curl) and with both parts form-encoded
/// first (RFC 6749 §2.3.1).
pub fn basic_forms(user: &str, secret: &str) -> Vec<String> {
    let raw = format!("{user}:{secret}");
    let encoded = format!("{}:{}", form_encode(user), form_encode(secret));
    let mut forms = base64_forms(raw.as_bytes());
    forms.extend(base64_forms(encoded.as_bytes()));
    distinct(forms)
}

/// The base64 characters that `bytes` determine whatever precedes them in
/// the encoded text (1 or 2 bytes out of alignment), for secrets long
/// enough that these cores cannot be mistaken for other data. With
/// [`base64_forms`] (the aligned case) this finds a secret inside any
/// base64 text: a Basic header whose user is unknown, an encoded blob.
pub fn base64_cores(bytes: &[u8]) -> Vec<String> {
    if bytes.len() < MIN_CORE_SECRET {
        return Vec::new();
    }
    let mut cores = Vec::new();
    for offset in 1..=2usize {
        let mut shifted = vec![0u8; offset];
        shifted.extend_from_slice(bytes);
        let first = (8 * offset).div_ceil(6);
        let end = 8 * (offset + bytes.len()) / 6;
        for encoded in [
            STANDARD_NO_PAD.encode(&shifted),
            URL_SAFE_NO_PAD.encode(&shifted),
        ] {
            cores.push(encoded[first..end].to_owned());
        }
    }
    distinct(cores)
}

/// `application/x-www-form-urlencoded`, as reqwest's `.form()`/`.query()`.
pub fn form_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        match b {
            b' ' => out.push('+'),
            b if b.is_ascii_alphanumeric() || b"*-._".contains(&b) => out.push(b as char),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn percent_encode(text: &str, keep: fn(u8) -> bool, lower: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if keep(b) {
            out.push(b as char);
        } else if lower {
            out.push_str(&format!("%{b:02x}"));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~".contains(&b)
}

/// Bytes a URL parser leaves as they are in a query (url's query set).
fn url_keeps(b: u8) -> bool {
    b.is_ascii_graphic() && !b"\"#<>'`{}".contains(&b)
}

/// JSON text with every non-ASCII character as `\uXXXX` and `/` as `\/`.
fn json_ascii(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '/' => out.push_str("\\/"),
            c if c.is_ascii() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out
}

fn distinct(forms: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for form in forms {
        if !form.is_empty() && !out.contains(&form) {
            out.push(form);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_forms_cover_json_and_url_encodings() {
        let forms = text_forms("p@ss w/\"ü\"");
        for expected in [
            "p@ss w/\"ü\"",
            "p@ss w/\\\"ü\\\"",
            "p@ss w\\/\\\"\\u00fc\\\"",
            "p%40ss+w%2F%22%C3%BC%22",
            "p%40ss%20w%2F%22%C3%BC%22",
            "p%40ss%20w%2f%22%c3%bc%22",
            "p@ss%20w/%22%C3%BC%22",
        ] {
            assert!(
                forms.contains(&expected.to_owned()),
                "{expected} in {forms:?}"
            );
        }
        assert_eq!(text_forms("plain"), ["plain"]);
    }

    #[test]
    fn basic_forms_are_what_reqwest_sends() {
        let header = reqwest::Client::new()
            .get("http://127.0.0.1/")
            .basic_auth("demo-web", Some("s3cr3t"))
            .build()
            .unwrap()
            .headers()["authorization"]
            .to_str()
            .unwrap()
            .to_owned();
        let forms = basic_forms("demo-web", "s3cr3t");
        assert!(
            forms.iter().any(|f| header.contains(f.as_str())),
            "{header}"
        );
    }

    #[test]
    fn cores_find_a_secret_inside_any_base64_text() {
        let secret = b"hunter2-long";
        let cores = base64_cores(secret);
        let mut forms = base64_forms(secret);
        forms.extend(cores);
        for prefix in ["", "a", "ab", "abc", "user:", "someone-else:"] {
            let mut text = prefix.as_bytes().to_vec();
            text.extend_from_slice(secret);
            text.extend_from_slice(b" trailing");
            let encoded = STANDARD_NO_PAD.encode(&text);
            assert!(
                forms.iter().any(|f| encoded.contains(f.as_str())),
                "{prefix:?}: {encoded}"
            );
        }
        assert!(base64_cores(b"short").is_empty());
    }
}
