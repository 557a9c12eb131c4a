//! `-v`: every exchange, printed whole in one write, secrets masked.

use std::io::Write as _;

use crate::http::Exchange;
use crate::secret::mask::{MASK, Masker};
use crate::verdict::failure::body_excerpt;

pub fn dump(masker: &Masker, trial: &str, ex: &Exchange) {
    let mut out = format!("--- {trial}\n> {} {}\n", ex.request.method, ex.request.url);
    for (k, v) in &ex.request.headers {
        let v = if k.eq_ignore_ascii_case("authorization") {
            match v.split_once(' ') {
                Some((scheme, _)) => format!("{scheme} {MASK}"),
                None => MASK.to_owned(),
            }
        } else {
            v.clone()
        };
        out.push_str(&format!("> {k}: {v}\n"));
    }
    if let Some(body) = ex.request.body.as_text() {
        out.push_str(&format!("> {}\n", body.replace('\n', "\n> ")));
    }
    out.push_str(&format!(
        "< {} ({}ms)\n",
        ex.response.status,
        ex.elapsed.as_millis()
    ));
    for (k, v) in &ex.response.headers {
        out.push_str(&format!("< {k}: {}\n", v.to_str().unwrap_or("<binary>")));
    }
    if let Some(body) = body_excerpt(&ex.response) {
        out.push_str(&format!("< {}\n", body.trim_end().replace('\n', "\n< ")));
    }
    let text = masker.mask(&out);
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}
