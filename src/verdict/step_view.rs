//! One step's exchange as the HTML report shows it (the last attempt),
//! masked as the console's `-v` shows it.

use serde::{Deserialize, Serialize};

use super::failure::{StepLabel, body_excerpt};
use crate::http::Exchange;
use crate::secret::mask::{MASK, Masker};

/// One request and its response (the last attempt).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StepView {
    /// `step 2 of 3: read it back`; None for a single-request test.
    pub label: Option<String>,
    pub attempts: u32,
    pub method: String,
    pub url: String,
    pub request_headers: Vec<(String, String)>,
    pub request_body: Option<String>,
    pub status: u16,
    pub response_headers: Vec<(String, String)>,
    /// Pretty JSON (or text), truncated as on the console.
    pub response_body: Option<String>,
    pub elapsed_ms: u64,
}

impl StepView {
    /// The exchange as the console's `-v` shows it: the Authorization
    /// header's credentials and every known secret masked.
    pub fn new(
        label: Option<StepLabel<'_>>,
        ex: &Exchange,
        attempts: u32,
        masker: &Masker,
    ) -> Self {
        let mask = |text: &str| masker.mask(text);
        let request_headers = ex
            .request
            .headers
            .iter()
            .map(|(k, v)| {
                let v = if k.eq_ignore_ascii_case("authorization") {
                    match v.split_once(' ') {
                        Some((scheme, _)) => format!("{scheme} {MASK}"),
                        None => MASK.to_owned(),
                    }
                } else {
                    mask(v)
                };
                (k.clone(), v)
            })
            .collect();
        let response_headers = ex
            .response
            .headers
            .iter()
            .map(|(k, v)| (k.to_string(), mask(v.to_str().unwrap_or("<binary>"))))
            .collect();
        Self {
            label: label.map(|l| {
                let mut text = format!("step {} of {}", l.index + 1, l.count);
                if let Some(name) = l.name {
                    text.push_str(&format!(": {name}"));
                }
                mask(&text)
            }),
            attempts,
            method: ex.request.method.to_string(),
            url: mask(ex.request.url.as_str()),
            request_headers,
            request_body: ex.request.body.as_text().map(|b| mask(&b)),
            status: ex.response.status,
            response_headers,
            response_body: body_excerpt(&ex.response).map(|b| mask(&b)),
            elapsed_ms: ex.elapsed.as_millis() as u64,
        }
    }
}
