//! Loading a transaction from a request and answering with its next step.

use axum::Json;
use axum::body::Bytes;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::super::ids::random_token;
use super::super::state::{CodeGrant, Grant, Session, Shared};
use super::forms::{ION, message};
use super::policy::{self, Step};
use super::store::IdxTx;
use super::view::{self, View};

/// The messages the emulator's IDX side can send (text, i18n key).
pub(crate) mod messages {
    pub(crate) const SESSION_EXPIRED: (&str, &str) = (
        "You have been logged out due to inactivity. Refresh or return to the sign in screen.",
        "idx.session.expired",
    );
    pub(crate) const AUTH_FAILED: (&str, &str) = ("Authentication failed", "errors.E0000004");
    pub(crate) const INCORRECT_PASSWORD: (&str, &str) =
        ("Password is incorrect", "incorrectPassword");
    pub(crate) const LOCKED: (&str, &str) = (
        "Your account is locked. Please contact your administrator.",
        "errors.E0000119",
    );
    pub(crate) const NOT_ASSIGNED: (&str, &str) = (
        "User is not assigned to this application.",
        "idx.error.user.not.assigned.to.app",
    );
    pub(crate) const INVALID_CODE: (&str, &str) = (
        "Invalid code. Try again.",
        "api.authn.error.PASSCODE_INVALID",
    );
    pub(crate) const UNSUPPORTED: (&str, &str) = (
        "This step is not supported by the gatecheck emulator.",
        "gatecheck.emulator.unsupported",
    );
    pub(crate) const BAD_REQUEST: (&str, &str) = (
        "The request is not valid in the current state of the sign-in.",
        "errors.E0000001",
    );
}

pub(crate) type Text = (&'static str, &'static str);

/// An ERROR message value.
pub(crate) fn error(text: &str, key: &str) -> Value {
    message(text, key, "ERROR")
}

/// `body` as an IDX answer with the ion media type.
pub(crate) fn ion(status: StatusCode, body: Value) -> Response {
    let mut response = (status, Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ION));
    response
}

/// The request body as JSON (IDX sends JSON whatever its media type says).
pub(crate) fn parse(body: &Bytes) -> Result<Value, Box<Response>> {
    serde_json::from_slice(body).map_err(|_| {
        let (text, key) = messages::BAD_REQUEST;
        Box::new(ion(
            StatusCode::BAD_REQUEST,
            view::terminal("", "", vec![error(text, key)]),
        ))
    })
}

/// The transaction a request's `stateHandle` (or `stateToken`) names.
pub(crate) fn load(shared: &Shared, body: &Value) -> Result<(String, IdxTx), Box<Response>> {
    let handle = ["stateHandle", "stateToken"]
        .iter()
        .find_map(|k| body.get(*k).and_then(Value::as_str))
        .unwrap_or_default();
    match shared.idx.transactions.get(handle) {
        Some(tx) => Ok((handle.to_owned(), tx)),
        None => Err(Box::new(expired(shared, handle))),
    }
}

/// 401 with `idx.session.expired`.
pub(crate) fn expired(shared: &Shared, handle: &str) -> Response {
    let (text, key) = messages::SESSION_EXPIRED;
    let body = view::terminal(&shared.okta_url, handle, vec![error(text, key)]);
    ion(StatusCode::UNAUTHORIZED, body)
}

/// Saves `tx` and answers 200 with its next step.
pub(crate) fn next(shared: &Shared, handle: &str, tx: IdxTx) -> Response {
    answer(shared, handle, tx, StatusCode::OK, Vec::new(), Vec::new())
}

/// Saves `tx` and answers `status` with its next step and `message`.
pub(crate) fn fail(
    shared: &Shared,
    handle: &str,
    tx: IdxTx,
    status: StatusCode,
    message: Value,
) -> Response {
    answer(shared, handle, tx, status, vec![message], Vec::new())
}

/// The ERROR message of a catalogued text.
pub(crate) fn err(text: Text) -> Value {
    error(text.0, text.1)
}

/// Like `fail`, with the message on the credentials field (a wrong code).
pub(crate) fn fail_field(shared: &Shared, handle: &str, tx: IdxTx, text: Text) -> Response {
    let messages = vec![error(text.0, text.1)];
    answer(
        shared,
        handle,
        tx,
        StatusCode::BAD_REQUEST,
        Vec::new(),
        messages,
    )
}

/// Ends the transaction with a terminal error.
pub(crate) fn terminal(shared: &Shared, handle: &str, status: StatusCode, text: Text) -> Response {
    shared.idx.transactions.remove(handle);
    let body = view::terminal(&shared.okta_url, handle, vec![error(text.0, text.1)]);
    ion(status, body)
}

/// The step the policy asks of `tx` now.
pub(crate) fn step_of(shared: &Shared, tx: &IdxTx) -> Option<Step> {
    let client = shared.client(&tx.client_id)?;
    let user = tx.login.as_deref().and_then(|l| shared.user(l));
    Some(policy::next(tx, user, client))
}

fn answer(
    shared: &Shared,
    handle: &str,
    mut tx: IdxTx,
    status: StatusCode,
    messages: Vec<Value>,
    field_messages: Vec<Value>,
) -> Response {
    let Some(step) = step_of(shared, &tx) else {
        return expired(shared, handle);
    };
    if step == Step::Success && tx.interaction_code.is_none() {
        tx.interaction_code = Some(mint_code(shared, &tx));
    }
    shared
        .idx
        .transactions
        .insert(handle.to_owned(), tx.clone());
    let user = tx.login.as_deref().and_then(|l| shared.user(l));
    let token_url = shared
        .server(&tx.server)
        .map(|s| format!("{}/v1/token", s.base))
        .unwrap_or_default();
    let view = View {
        okta_url: &shared.okta_url,
        handle,
        tx: &tx,
        user,
        token_url,
    };
    let mut body = view::render(&view, step, field_messages);
    if !messages.is_empty() {
        body["messages"] = super::forms::array(messages);
    }
    ion(status, body)
}

/// Stores what /token issues for the interaction code of a finished `tx`.
fn mint_code(shared: &Shared, tx: &IdxTx) -> String {
    let code = random_token("", 43);
    let amr = if tx.factor_ok {
        vec!["pwd", "otp", "mfa"]
    } else {
        vec!["pwd"]
    };
    let session = Session {
        login: tx.login.clone().unwrap_or_default(),
        auth_time: super::super::ids::epoch_secs(),
        amr,
    };
    let grant = Grant {
        server: tx.server.clone(),
        client_id: tx.client_id.clone(),
        session: Some(session),
        scopes: tx.scopes.clone(),
        nonce: tx.nonce.clone(),
    };
    let binding = CodeGrant {
        grant,
        redirect_uri: tx.redirect_uri.clone(),
        challenge: Some(tx.challenge.clone()),
    };
    shared.remember(&code);
    shared.idx.codes.insert(code.clone(), binding);
    code
}
