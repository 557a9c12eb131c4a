//! Chooses the next request from an IDX response (pure): the success form,
//! an error message, or the first remediation gatecheck can follow —
//! identify, a password or TOTP challenge, an authenticator choice, skip —
//! else why none can be followed, with what Okta said.

use serde_json::Value;

use super::super::error::{At, LoginFailure};
use super::advice;
use super::fill::{Inputs, fill};
pub use super::wire::is_totp;
use super::wire::{Authenticator, Choice, Form, IdxResponse, Message, is_password};

/// What the fixture brings to a sign-in; `totp` computes a code when asked.
pub struct Known<'a> {
    pub username: &'a str,
    pub password: &'a str,
    pub totp: Option<&'a CodeFn<'a>>,
}

/// Computes a TOTP code now.
pub type CodeFn<'a> = dyn Fn() -> Result<String, LoginFailure> + Sync + 'a;

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
/// The post-sign-in "stay signed in?" prompt, answered no once.
const KMSI: &str = "keep-me-signed-in";

/// Decides what to send next for `response` (which came from `at`).
pub fn decide(
    response: &IdxResponse,
    known: &Known,
    progress: &mut Progress,
    at: &At,
) -> Result<Action, LoginFailure> {
    if let Some(success) = &response.success {
        return exchange(success, at);
    }
    let current = response.current_authenticator();
    let errors: Vec<&Message> = response.messages.iter().filter(|m| m.is_error()).collect();
    if !errors.is_empty() {
        let stop = advice::message(at, &errors, known.username, current.as_ref());
        let others: Vec<&Message> = response.messages.iter().filter(|m| !m.is_error()).collect();
        return Err(advice::with_messages(stop, &others));
    }
    if let Some(action) = follow(response, known, progress, at)? {
        return Ok(action);
    }
    Err(explain(response, known, progress, at))
}

/// The first remediation gatecheck can follow, if any: each is known by
/// what it asks (its fields, the authenticator it relates to), so early
/// orgs' `challenge-factor` / `select-factor` and an authenticator known
/// only by `type: password` are followed too.
fn follow(
    response: &IdxResponse,
    known: &Known,
    progress: &mut Progress,
    at: &At,
) -> Result<Option<Action>, LoginFailure> {
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
    for name in CHALLENGES {
        if let Some(form) = response.remediation(name)
            && let Some(auth) = form.relates_to.clone().or(response.current_authenticator())
            && let Some(secret) = answer(&auth, known)?
            && !progress.answered.contains(&id_of(&auth))
        {
            progress.answered.push(id_of(&auth));
            return post(form, known, Some(&secret), None, at).map(Some);
        }
    }
    if let Some(form) = response.remediation("select-authenticator-authenticate")
        && let Some(option) = pick(form, known, progress)
    {
        return post(form, known, None, Some(option), at).map(Some);
    }
    if let Some(form) = response.remediation("select-factor")
        && let Some(action) = select_factor(response, form, progress, known, at)?
    {
        return Ok(Some(action));
    }
    // Skip an optional step; a device grace period goes on by the same form.
    for name in ["skip", "device-assurance-grace-period"] {
        if let Some(form) = response.remediation(name) {
            return post(form, known, None, None, at).map(Some);
        }
    }
    if let Some(form) = response.remediation("keep-me-signed-in")
        && !progress.answered.iter().any(|a| a == KMSI)
    {
        progress.answered.push(KMSI.to_owned());
        let Action::Post {
            name,
            href,
            accepts,
            mut body,
        } = post_lenient(form, known, at)?
        else {
            return Ok(None);
        };
        body["keepMeSignedIn"] = Value::Bool(false);
        return Ok(Some(Action::Post {
            name,
            href,
            accepts,
            body,
        }));
    }
    Ok(None)
}

/// The remediations that ask for the current authenticator's secret
/// (`challenge-factor` on early Identity Engine orgs).
const CHALLENGES: [&str; 2] = ["challenge-authenticator", "challenge-factor"];

/// What a sign-in remembers an answered authenticator by: its key, else its type.
fn id_of(auth: &Authenticator) -> String {
    match auth.key.is_empty() {
        true if is_password(auth) => PASSWORD.to_owned(),
        true => auth.kind.clone(),
        false => auth.key.clone(),
    }
}

/// The secret for a challenge of `auth`, or None when gatecheck has none.
fn answer(auth: &Authenticator, known: &Known) -> Result<Option<String>, LoginFailure> {
    if is_password(auth) {
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
        option_authenticator(option).is_some_and(|auth| {
            let usable = is_password(&auth) || (known.totp.is_some() && is_totp(&auth));
            usable && !progress.answered.contains(&id_of(&auth))
        })
    })
}

/// What an option relates to; when its `relatesTo` names nothing (as in
/// some recordings), an immutable `methodType: password` still says it.
fn option_authenticator(option: &Choice) -> Option<Authenticator> {
    if let Some(auth) = &option.relates_to {
        return Some(auth.clone());
    }
    let method = option.form.iter().find(|f| f.name == "methodType")?;
    (method.value.as_ref()?.as_str()? == "password").then(|| Authenticator {
        kind: "password".to_owned(),
        display_name: option.label.clone(),
        ..Authenticator::default()
    })
}

/// An early org's `select-factor`: the `factorId` option of the password factor.
fn select_factor(
    response: &IdxResponse,
    form: &Form,
    progress: &Progress,
    known: &Known,
    at: &At,
) -> Result<Option<Action>, LoginFailure> {
    if progress.answered.iter().any(|a| a == PASSWORD) {
        return Ok(None);
    }
    let Some(field) = form.fields.iter().find(|f| f.name == "factorId") else {
        return Ok(None);
    };
    let password_ids = response.factor_ids_of_type("password");
    let Some(option) = field.options.iter().find(|o| {
        let id = o.value.as_ref().and_then(Value::as_str).unwrap_or_default();
        password_ids.iter().any(|p| p == id) || o.label.to_ascii_lowercase().contains("password")
    }) else {
        return Ok(None);
    };
    let Action::Post {
        name,
        href,
        accepts,
        mut body,
    } = post_lenient(form, known, at)?
    else {
        return Ok(None);
    };
    body["factorId"] = option.value.clone().unwrap_or(Value::Null);
    Ok(Some(Action::Post {
        name,
        href,
        accepts,
        body,
    }))
}

fn post(
    form: &Form,
    known: &Known,
    credential: Option<&str>,
    choice: Option<&Choice>,
    at: &At,
) -> Result<Action, LoginFailure> {
    let inputs = Inputs {
        username: known.username,
        credential,
        choice,
    };
    let body = fill(&form.fields, &inputs).map_err(|field| {
        LoginFailure::protocol(
            at,
            format!(
                "the IDX form `{}` asks for `{field}`, which gatecheck cannot fill",
                form.name
            ),
        )
    })?;
    if form.href.is_empty() {
        return Err(LoginFailure::protocol(
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

/// `post` for a form whose one unfillable field the caller sets itself.
fn post_lenient(form: &Form, known: &Known, at: &At) -> Result<Action, LoginFailure> {
    let mut relaxed = form.clone();
    for field in &mut relaxed.fields {
        field.required &= field.name == "stateHandle";
    }
    post(&relaxed, known, None, None, at)
}

fn exchange(success: &Form, at: &At) -> Result<Action, LoginFailure> {
    let code = success
        .fields
        .iter()
        .find(|f| f.name == "interaction_code")
        .and_then(|f| f.value.as_ref()?.as_str())
        .ok_or_else(|| {
            LoginFailure::protocol(at, "successWithInteractionCode without an interaction_code")
        })?;
    Ok(Action::Exchange {
        href: success.href.clone(),
        code: code.to_owned(),
    })
}

/// Why nothing offered can be followed, in the user's terms, with what
/// Okta said beside it (its INFO and WARNING messages).
fn explain(response: &IdxResponse, known: &Known, progress: &Progress, at: &At) -> LoginFailure {
    let told: Vec<&Message> = response.messages.iter().collect();
    advice::with_messages(why(response, known, progress, at), &told)
}

fn why(response: &IdxResponse, known: &Known, progress: &Progress, at: &At) -> LoginFailure {
    let has_secret = known.totp.is_some();
    let current = response.current_authenticator();
    if let Some(m) = response
        .messages
        .iter()
        .find(|m| m.key == "idx.unknown.user")
    {
        return advice::message(at, &[m], known.username, None);
    }
    if let Some(success) = response.raw.get("success") {
        // A `success-redirect`: the sign-in ended for a browser, not with a code.
        let name = success.get("name").and_then(Value::as_str);
        return advice::nothing_to_follow(at, &[name.unwrap_or("success-redirect")], None);
    }
    if response.offers("identify") && progress.identified {
        return advice::identify_again(at, known.username);
    }
    for name in CHALLENGES
        .iter()
        .chain(&["challenge-poll", "authenticator-verification-data"])
    {
        if let Some(auth) = response
            .remediation(name)
            .and_then(|f| f.relates_to.clone().or(current.clone()))
        {
            if answer(&auth, known).ok().flatten().is_some() {
                return advice::answered_again(at, &auth);
            }
            return advice::unanswerable(at, &auth, has_secret);
        }
    }
    if let Some(form) = response.remediation("select-authenticator-authenticate") {
        return advice::no_usable_option(at, &labels(form), has_secret);
    }
    if response.offers("reset-authenticator") {
        return advice::nothing_to_follow(at, &["reset-authenticator"], current.as_ref());
    }
    if let Some(form) = response.remediation("select-authenticator-enroll") {
        return advice::enrollment_required(at, &labels(form));
    }
    advice::nothing_to_follow(at, &response.names(), current.as_ref())
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
