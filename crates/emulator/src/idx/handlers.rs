//! POST /idp/idx/{introspect, identify, challenge, challenge/answer, skip,
//! cancel, authenticators/poll, credential/enroll}.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::super::config::UserStatus;
use super::super::counters::Counter;
use super::super::state::{AppState, Shared};
use super::super::totp;
use super::authenticators::{Kind, by_id, second_factors};
use super::policy::Step;
use super::respond::{self, err, error, fail, fail_field, load, messages, next, step_of, terminal};
use super::store::IdxTx;

type Loaded = (AppState, String, IdxTx, Value);

/// Parses the body and loads its transaction (or the error answer).
fn begin(shared: AppState, body: &Bytes) -> Result<Loaded, Box<Response>> {
    shared.count(Counter::Idx);
    let body = respond::parse(body)?;
    let (handle, tx) = load(&shared, &body)?;
    Ok((shared, handle, tx, body))
}

fn not_now(shared: &Shared, handle: &str, tx: IdxTx) -> Response {
    fail(
        shared,
        handle,
        tx,
        StatusCode::BAD_REQUEST,
        err(messages::BAD_REQUEST),
    )
}

/// POST /idp/idx/introspect with `interactionHandle` or `stateHandle`/`stateToken`.
pub(crate) async fn introspect(State(shared): State<AppState>, body: Bytes) -> Response {
    shared.count(Counter::Idx);
    let body = match respond::parse(&body) {
        Ok(body) => body,
        Err(response) => return *response,
    };
    let by_interaction = body
        .get("interactionHandle")
        .and_then(Value::as_str)
        .and_then(|h| shared.idx.handles.get(h));
    let handle = by_interaction.unwrap_or_else(|| {
        ["stateHandle", "stateToken"]
            .iter()
            .find_map(|k| body.get(*k).and_then(Value::as_str))
            .unwrap_or_default()
            .to_owned()
    });
    match shared.idx.transactions.get(&handle) {
        Some(tx) => next(&shared, &handle, tx),
        None => respond::expired(&shared, &handle),
    }
}

/// POST /idp/idx/identify: the username, and the password when the form asks for it.
pub(crate) async fn identify(State(shared): State<AppState>, body: Bytes) -> Response {
    let (shared, handle, mut tx, body) = match begin(shared, &body) {
        Ok(loaded) => loaded,
        Err(response) => return *response,
    };
    if !matches!(step_of(&shared, &tx), Some(Step::Identify { .. })) {
        return not_now(&shared, &handle, tx);
    }
    let identifier = body.get("identifier").and_then(Value::as_str);
    let password = body
        .pointer("/credentials/passcode")
        .and_then(Value::as_str);
    let Some(user) = identifier.and_then(|i| shared.user(i)) else {
        let message = match password {
            Some(_) => err(messages::AUTH_FAILED),
            None => unknown_user(identifier.unwrap_or_default()),
        };
        return fail(&shared, &handle, tx, StatusCode::UNAUTHORIZED, message);
    };
    if user.status == UserStatus::LockedOut {
        return terminal(&shared, &handle, StatusCode::FORBIDDEN, messages::LOCKED);
    }
    let Some(password) = password else {
        tx.login = Some(user.login.clone());
        return next(&shared, &handle, tx);
    };
    if user.password != password {
        let message = err(messages::AUTH_FAILED);
        return fail(&shared, &handle, tx, StatusCode::UNAUTHORIZED, message);
    }
    tx.login = Some(user.login.clone());
    password_passed(&shared, &handle, tx)
}

fn unknown_user(identifier: &str) -> Value {
    let text = format!("There is no account with the Username {identifier}.");
    error(&text, "idx.unknown.user")
}

/// After a good password: the app's assignment, then the next step.
fn password_passed(shared: &Shared, handle: &str, mut tx: IdxTx) -> Response {
    tx.password_ok = true;
    let assigned = match (shared.client(&tx.client_id), tx.login.as_deref()) {
        (Some(client), Some(login)) => shared
            .user(login)
            .is_some_and(|user| Shared::is_assigned(client, user)),
        _ => false,
    };
    if !assigned {
        return terminal(
            shared,
            handle,
            StatusCode::FORBIDDEN,
            messages::NOT_ASSIGNED,
        );
    }
    next(shared, handle, tx)
}

/// POST /idp/idx/challenge: select-authenticator-authenticate.
pub(crate) async fn challenge(State(shared): State<AppState>, body: Bytes) -> Response {
    let (shared, handle, mut tx, body) = match begin(shared, &body) {
        Ok(loaded) => loaded,
        Err(response) => return *response,
    };
    let user = tx.login.as_deref().and_then(|l| shared.user(l));
    let id = body.pointer("/authenticator/id").and_then(Value::as_str);
    let chosen = user.zip(id).and_then(|(user, id)| by_id(user, id));
    let offered = match (step_of(&shared, &tx), user) {
        (Some(Step::Challenge(Kind::Password)), _) => vec![Kind::Password],
        (Some(Step::Challenge(_) | Step::SelectFactor), Some(user)) => second_factors(user),
        _ => vec![],
    };
    match chosen.filter(|kind| offered.contains(kind)) {
        Some(kind) => {
            tx.current = Some(kind);
            next(&shared, &handle, tx)
        }
        None => not_now(&shared, &handle, tx),
    }
}

/// POST /idp/idx/challenge/answer: the password or a code.
pub(crate) async fn answer(State(shared): State<AppState>, body: Bytes) -> Response {
    let (shared, handle, mut tx, body) = match begin(shared, &body) {
        Ok(loaded) => loaded,
        Err(response) => return *response,
    };
    let Some(user) = tx.login.as_deref().and_then(|l| shared.user(l)) else {
        return not_now(&shared, &handle, tx);
    };
    let kind = match step_of(&shared, &tx) {
        Some(Step::Challenge(kind)) if kind.methods().first() != Some(&"push") => kind,
        Some(Step::PasswordExpired | Step::PasswordWarning) => {
            let message = err(messages::UNSUPPORTED);
            return fail(&shared, &handle, tx, StatusCode::BAD_REQUEST, message);
        }
        _ => return not_now(&shared, &handle, tx),
    };
    let field = format!("/credentials/{}", kind.credential_field());
    let given = body.pointer(&field).and_then(Value::as_str).unwrap_or("");
    if kind == Kind::Password {
        if given != user.password {
            let message = err(messages::INCORRECT_PASSWORD);
            return fail(&shared, &handle, tx, StatusCode::UNAUTHORIZED, message);
        }
        return password_passed(&shared, &handle, tx);
    }
    let secret = user.totp_secret.as_deref().unwrap_or_default();
    if !kind.is_totp() || !totp::verify(secret, given) {
        return fail_field(&shared, &handle, tx, messages::INVALID_CODE);
    }
    tx.factor_ok = true;
    tx.current = None;
    next(&shared, &handle, tx)
}

/// POST /idp/idx/skip: past an optional enrollment or a password warning.
pub(crate) async fn skip(State(shared): State<AppState>, body: Bytes) -> Response {
    let (shared, handle, mut tx, _) = match begin(shared, &body) {
        Ok(loaded) => loaded,
        Err(response) => return *response,
    };
    match step_of(&shared, &tx) {
        Some(Step::PasswordWarning) => tx.skipped_warning = true,
        Some(Step::Enroll { optional: true }) => tx.skipped_enroll = true,
        _ => return not_now(&shared, &handle, tx),
    }
    next(&shared, &handle, tx)
}

/// POST /idp/idx/cancel: back to the start of the sign-in.
pub(crate) async fn cancel(State(shared): State<AppState>, body: Bytes) -> Response {
    let (shared, handle, mut tx, _) = match begin(shared, &body) {
        Ok(loaded) => loaded,
        Err(response) => return *response,
    };
    tx.login = None;
    tx.password_ok = false;
    tx.factor_ok = false;
    tx.current = None;
    next(&shared, &handle, tx)
}

/// POST /idp/idx/authenticators/poll: a push nobody answers.
pub(crate) async fn poll(State(shared): State<AppState>, body: Bytes) -> Response {
    match begin(shared, &body) {
        Ok((shared, handle, tx, _)) => next(&shared, &handle, tx),
        Err(response) => *response,
    }
}

/// POST /idp/idx/credential/enroll: enrollment is not emulated.
pub(crate) async fn enroll(State(shared): State<AppState>, body: Bytes) -> Response {
    match begin(shared, &body) {
        Ok((shared, handle, tx, _)) => {
            let message = err(messages::UNSUPPORTED);
            fail(&shared, &handle, tx, StatusCode::BAD_REQUEST, message)
        }
        Err(response) => *response,
    }
}
