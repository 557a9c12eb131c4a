//! Chooses the next request from an IDX response (pure): the success form,
//! an error message, or the first remediation gatecheck can follow —
//! identify, a password or TOTP challenge, an authenticator choice, skip.

use serde_json::Value;

use super::super::error::{At, Failure};
use super::advice;
use super::fill::{Inputs, fill};
pub use super::wire::is_totp;
use super::wire::{Authenticator, Choice, Form, IdxResponse};

/// What the fixture brings to a sign-in; `totp` computes a code when asked.
pub struct Known<'a> {
    pub username: &'a str,
    pub password: &'a str,
    pub totp: Option<&'a CodeFn<'a>>,
}

/// Computes a TOTP code now.
pub type CodeFn<'a> = dyn Fn() -> Result<String, Failure> + Sync + 'a;

/// What this sign-in already did (so no step is repeated forever).
#[derive(Debug, Default)]
pub struct Progress {
    pub identified: bool,
    /// Keys of the authenticators already answered.
    pub answered: Vec<String>,
}

/// The next request.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Post `body` (JSON) to the form named `name`.
    Post {
        name: String,
        href: String,
        accepts: Option<String>,
        body: Value,
    },
    /// Exchange the interaction code at the token endpoint `href`.
    Exchange { href: String, code: String },
}

const PASSWORD: &str = "okta_password";

/// Decides what to send next for `response` (which came from `at`).
pub fn decide(
    response: &IdxResponse,
    known: &Known,
    progress: &mut Progress,
    at: &At,
) -> Result<Action, Failure> {
    if let Some(success) = &response.success {
        return exchange(success, at);
    }
    let current = response.current_authenticator();
    if let Some(m) = response.messages.iter().find(|m| m.is_error()) {
        return Err(advice::message(at, m, known.username, current.as_ref()));
    }
    if let Some(action) = follow(response, known, progress, at)? {
        return Ok(action);
    }
    Err(explain(response, known, at))
}

/// The first remediation gatecheck can follow, if any.
fn follow(
    response: &IdxResponse,
    known: &Known,
    progress: &mut Progress,
    at: &At,
) -> Result<Option<Action>, Failure> {
    if let Some(form) = response
        .remediation("identify")
        .filter(|_| !progress.identified)
    {
        progress.identified = true;
        let asks_password = form.fields.iter().any(|f| f.name == "credentials");
        if asks_password {
            progress.answered.push(PASSWORD.to_owned());
        }
        let credential = asks_password.then_some(known.password);
        return post(form, known, credential, None, at).map(Some);
    }
    if let Some(form) = response.remediation("challenge-authenticator")
        && let Some(auth) = form.relates_to.clone().or(response.current_authenticator())
        && let Some(secret) = answer(&auth, known)?
    {
        progress.answered.push(auth.key.clone());
        return post(form, known, Some(&secret), None, at).map(Some);
    }
    if let Some(form) = response.remediation("select-authenticator-authenticate")
        && let Some(option) = pick(form, known, progress)
    {
        return post(form, known, None, Some(option), at).map(Some);
    }
    if let Some(form) = response.remediation("skip") {
        return post(form, known, None, None, at).map(Some);
    }
    Ok(None)
}

/// The secret for a challenge of `auth`, or None when gatecheck has none.
fn answer(auth: &Authenticator, known: &Known) -> Result<Option<String>, Failure> {
    if auth.key == PASSWORD {
        return Ok(Some(known.password.to_owned()));
    }
    match known.totp {
        Some(code) if is_totp(auth) => code().map(Some),
        _ => Ok(None),
    }
}

/// An option gatecheck can answer and has not answered yet.
fn pick<'f>(form: &'f Form, known: &Known, progress: &Progress) -> Option<&'f Choice> {
    let field = form.fields.iter().find(|f| f.name == "authenticator")?;
    field.options.iter().find(|option| {
        option.relates_to.as_ref().is_some_and(|auth| {
            let usable = auth.key == PASSWORD || (known.totp.is_some() && is_totp(auth));
            usable && !progress.answered.contains(&auth.key)
        })
    })
}

fn post(
    form: &Form,
    known: &Known,
    credential: Option<&str>,
    choice: Option<&Choice>,
    at: &At,
) -> Result<Action, Failure> {
    let inputs = Inputs {
        username: known.username,
        credential,
        choice,
    };
    let body = fill(&form.fields, &inputs).map_err(|field| {
        Failure::protocol(
            at,
            format!(
                "the IDX form `{}` asks for `{field}`, which gatecheck cannot fill",
                form.name
            ),
        )
    })?;
    if form.href.is_empty() {
        return Err(Failure::protocol(
            at,
            format!("the IDX form `{}` has no href", form.name),
        ));
    }
    Ok(Action::Post {
        name: form.name.clone(),
        href: form.href.clone(),
        accepts: form.accepts.clone(),
        body: Value::Object(body),
    })
}

fn exchange(success: &Form, at: &At) -> Result<Action, Failure> {
    let code = success
        .fields
        .iter()
        .find(|f| f.name == "interaction_code")
        .and_then(|f| f.value.as_ref()?.as_str())
        .ok_or_else(|| {
            Failure::protocol(at, "successWithInteractionCode without an interaction_code")
        })?;
    Ok(Action::Exchange {
        href: success.href.clone(),
        code: code.to_owned(),
    })
}

/// Why nothing offered can be followed, in the user's terms.
fn explain(response: &IdxResponse, known: &Known, at: &At) -> Failure {
    let has_secret = known.totp.is_some();
    let current = response.current_authenticator();
    for name in ["challenge-authenticator", "challenge-poll"] {
        if let Some(auth) = response
            .remediation(name)
            .and_then(|f| f.relates_to.clone().or(current.clone()))
        {
            return advice::unanswerable(at, &auth, has_secret);
        }
    }
    if let Some(form) = response.remediation("select-authenticator-authenticate") {
        return advice::no_usable_option(at, &labels(form), has_secret);
    }
    if let Some(form) = response.remediation("select-authenticator-enroll") {
        return advice::enrollment_required(at, &labels(form));
    }
    if response.remediation("reenroll-authenticator").is_some() {
        return advice::password_expired(at);
    }
    advice::nothing_to_follow(at, &response.names())
}

/// The options of a form's authenticator choice, described.
fn labels(form: &Form) -> Vec<String> {
    let Some(field) = form.fields.iter().find(|f| f.name == "authenticator") else {
        return vec![];
    };
    field
        .options
        .iter()
        .map(|o| match &o.relates_to {
            Some(auth) => advice::describe(auth),
            None => o.label.clone(),
        })
        .collect()
}

#[cfg(test)]
#[path = "decide_tests.rs"]
mod tests;
