//! The page: one self-contained HTML file (styles and script inline, no
//! network fetch) that embeds the run's [`Model`] as JSON; the script
//! renders it. [`extract`] reads the model back from a page.

use super::model::Model;

const CSS: &str = include_str!("page.css");
const JS: &str = include_str!("page.js");
/// The element holding the model.
const OPEN: &str = r#"<script type="application/json" id="gatecheck-model">"#;
const CLOSE: &str = "</script>";

/// Why a file is not a gatecheck HTML report.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error(
        "no gatecheck report data in the page (expected a `<script id=\"gatecheck-model\">` \
         element); pass HTML files written by `gatecheck --html`"
    )]
    NoModel,
    #[error("the page's report data is not valid: {0}; was the file edited?")]
    BadModel(#[from] serde_json::Error),
    #[error("the report was written by a newer gatecheck (format {0}, this one reads {VERSION})", VERSION = super::model::VERSION)]
    Version(u32),
}

/// The whole page for `model`.
pub fn render(model: &Model) -> Result<String, serde_json::Error> {
    // `<` only occurs inside JSON strings, where `\u003c` means the same:
    // the data can never close its script element.
    let data = serde_json::to_string(model)?
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    let (passed, failed) = (count(model, "passed"), count(model, "failed"));
    Ok(format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n\
         <title>gatecheck: {failed} failed, {passed} passed</title>\n<style>\n{CSS}</style>\n</head>\n\
         <body>\n<h1>gatecheck report</h1>\n<main id=\"report\"></main>\n\
         <noscript>This report needs JavaScript to render its data.</noscript>\n\
         {OPEN}{data}{CLOSE}\n<script>\n{JS}</script>\n</body>\n</html>\n"
    ))
}

fn count(model: &Model, status: &str) -> usize {
    model
        .trials
        .iter()
        .filter(|t| serde_json::to_value(t.status).is_ok_and(|s| s == status))
        .count()
}

/// Reads the model embedded in a page written by [`render`].
pub fn extract(page: &str) -> Result<Model, PageError> {
    let start = page.find(OPEN).ok_or(PageError::NoModel)? + OPEN.len();
    let len = page[start..].find(CLOSE).ok_or(PageError::NoModel)?;
    let value: serde_json::Value = serde_json::from_str(&page[start..start + len])?;
    let version = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0) as u32;
    if version > super::model::VERSION {
        return Err(PageError::Version(version));
    }
    Ok(serde_json::from_value(value)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::html::model::{RunMeta, Status, TrialView};

    fn trial(name: &str, message: &str) -> TrialView {
        TrialView {
            name: name.into(),
            suite_id: "s".into(),
            suite_title: "S".into(),
            suite_file: "suites/s.yaml".into(),
            test: name.into(),
            status: Status::Failed,
            reason: None,
            duration_ms: 3,
            identity: None,
            matrix: None,
            steps: Vec::new(),
            failures: Vec::new(),
            message: Some(message.into()),
        }
    }

    #[test]
    fn the_model_survives_the_page_even_with_script_tags_in_its_texts() {
        let model = Model {
            version: super::super::model::VERSION,
            runs: vec![RunMeta {
                command: "gatecheck --html r.html".into(),
                ..RunMeta::default()
            }],
            trials: vec![trial(
                "s::t",
                "body: </script><script>alert(1)</script> & more",
            )],
            coverage: None,
        };
        let page = render(&model).unwrap();
        assert_eq!(page.matches("</script>").count(), 2, "{page}");
        assert!(page.contains("<title>gatecheck: 1 failed, 0 passed</title>"));
        assert_eq!(extract(&page).unwrap(), model);
    }

    #[test]
    fn a_page_without_data_is_refused_with_what_to_pass() {
        let err = extract("<html><body>hello</body></html>").unwrap_err();
        assert!(err.to_string().contains("gatecheck --html"), "{err}");
    }
}
