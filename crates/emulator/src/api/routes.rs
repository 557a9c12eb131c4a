//! The demo API's endpoints.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use super::bearer::{Access, Lax, Principal, authorize, authorize_lax};
use super::error::ApiError;
use super::todos::{MAX_ITEMS, Patch};
use crate::counters::Counter;
use crate::state::AppState;

type ApiResult = Result<Response, ApiError>;

/// The group the admin endpoint requires.
const ADMIN_GROUP: &str = "admins";
const MAX_TITLE: usize = 1000;

/// The demo API's OpenAPI document, served at `/openapi.yaml`.
pub(crate) const OPENAPI_YAML: &str = include_str!("openapi.yaml");

/// All demo API routes, counted.
pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/health", get(health))
        .route("/api/me", get(me))
        .route("/api/todos", get(list).post(create))
        .route("/api/todos/{id}", get(read).patch(update).delete(remove))
        .route("/api/admin/report", get(report))
        .route("/api/admin/users", get(users))
        .route("/openapi.yaml", get(openapi))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::dpop::api_guard,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), count))
        .with_state(state)
}

async fn count(State(shared): State<AppState>, request: Request, next: Next) -> Response {
    shared.count(Counter::Api);
    next.run(request).await
}

async fn health() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

async fn openapi() -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/yaml")],
        OPENAPI_YAML,
    )
        .into_response()
}

/// True when the emulator plants the demo API's bugs (`vulnerable`).
fn vulnerable(shared: &AppState) -> bool {
    shared.config.vulnerable
}

async fn me(State(shared): State<AppState>, headers: HeaderMap) -> ApiResult {
    // Planted bug: an unsigned `alg: none` token is accepted here.
    let lax = Lax {
        alg_none: vulnerable(&shared),
        ..Lax::default()
    };
    let p = authorize_lax(&shared, &headers, Access::Read, lax)?;
    Ok(
        Json(json!({"sub": p.sub, "uid": p.uid, "cid": p.cid, "scp": p.scp, "groups": p.groups}))
            .into_response(),
    )
}

async fn list(
    State(shared): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> ApiResult {
    // Planted bug: without an Authorization header the list is served.
    if vulnerable(&shared) && !headers.contains_key(axum::http::header::AUTHORIZATION) {
        return Ok(Json(json!({"items": [], "count": 0})).into_response());
    }
    let p = authorize(&shared, &headers, Access::Read)?;
    let query = query.map(|q| q.0).unwrap_or_default();
    let limit = match query.get("limit") {
        None => MAX_ITEMS,
        Some(text) => text
            .parse::<usize>()
            .map_err(|_| ApiError::bad_request("'limit' must be a non-negative integer."))?,
    };
    let items = shared.todos.list(&p.sub, limit);
    let count = items.len();
    Ok(Json(json!({"items": items, "count": count})).into_response())
}

async fn create(State(shared): State<AppState>, headers: HeaderMap, body: Bytes) -> ApiResult {
    // Planted bug: a token of any audience is accepted here.
    let lax = Lax {
        any_audience: vulnerable(&shared),
        ..Lax::default()
    };
    let p = authorize_lax(&shared, &headers, Access::Write, lax)?;
    let patch = parse_patch(&body)?;
    let title = patch
        .title
        .ok_or_else(|| ApiError::bad_request("'title' is required."))?;
    let todo = shared
        .todos
        .create(&p.sub, title, patch.done.unwrap_or(false))
        .ok_or_else(|| {
            ApiError::plain(
                StatusCode::CONFLICT,
                "too_many_todos",
                "The todo list is full.",
            )
        })?;
    Ok((StatusCode::CREATED, Json(todo)).into_response())
}

async fn read(
    State(shared): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult {
    let p = authorize(&shared, &headers, Access::Read)?;
    // Planted bug: any user's todo is readable by id.
    let todo = if vulnerable(&shared) {
        shared.todos.get_any(&id)
    } else {
        shared.todos.get(&p.sub, &id)
    };
    let todo = todo.ok_or_else(|| todo_not_found(&id))?;
    Ok(Json(todo).into_response())
}

async fn update(
    State(shared): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    let p = authorize(&shared, &headers, Access::Write)?;
    let patch = parse_patch(&body)?;
    let todo = shared
        .todos
        .update(&p.sub, &id, patch)
        .ok_or_else(|| todo_not_found(&id))?;
    Ok(Json(todo).into_response())
}

async fn remove(
    State(shared): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult {
    let p = authorize(&shared, &headers, Access::Write)?;
    if !shared.todos.delete(&p.sub, &id) {
        return Err(todo_not_found(&id));
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn report(State(shared): State<AppState>, headers: HeaderMap) -> ApiResult {
    let p: Principal = authorize(&shared, &headers, Access::Read)?;
    // Planted bug: the group is not checked.
    if !vulnerable(&shared) && !p.groups.iter().any(|g| g == ADMIN_GROUP) {
        return Err(ApiError::forbidden(ADMIN_GROUP));
    }
    let config = &shared.config;
    Ok(Json(json!({
        "report": "users",
        "requestedBy": p.sub,
        "users": config.users.len(),
        "groups": config.groups,
        "clients": config.clients.len(),
    }))
    .into_response())
}

async fn users(State(shared): State<AppState>, headers: HeaderMap) -> ApiResult {
    let p: Principal = authorize(&shared, &headers, Access::Read)?;
    if !p.groups.iter().any(|g| g == ADMIN_GROUP) {
        // Planted bug: a signed-in user without the group gets 401, not 403.
        if vulnerable(&shared) {
            return Err(ApiError::invalid_token(
                "Membership in the 'admins' group is required.",
            ));
        }
        return Err(ApiError::forbidden(ADMIN_GROUP));
    }
    let users: Vec<Value> = shared
        .config
        .users
        .iter()
        .map(|u| json!({"login": u.login, "groups": u.groups}))
        .collect();
    Ok(Json(json!({"users": users})).into_response())
}

async fn not_found(request: Request) -> ApiError {
    ApiError::not_found(format!(
        "No route for {} {}.",
        request.method(),
        request.uri().path()
    ))
}

fn todo_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("Todo '{id}' was not found."))
}

/// Reads {title?, done?} from a JSON object; other keys are ignored.
fn parse_patch(body: &[u8]) -> Result<Patch, ApiError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|_| ApiError::bad_request("The body must be a JSON object."))?;
    let object = value
        .as_object()
        .ok_or_else(|| ApiError::bad_request("The body must be a JSON object."))?;
    let title = match object.get("title") {
        None | Some(Value::Null) => None,
        Some(Value::String(t)) if !t.trim().is_empty() && t.len() <= MAX_TITLE => Some(t.clone()),
        Some(_) => {
            return Err(ApiError::bad_request(
                "'title' must be a non-empty string of at most 1000 bytes.",
            ));
        }
    };
    let done = match object.get("done") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => return Err(ApiError::bad_request("'done' must be a boolean.")),
    };
    Ok(Patch { title, done })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_parsing() {
        let patch = parse_patch(br#"{"title":"x","ref":"ignored"}"#).unwrap();
        assert_eq!((patch.title.as_deref(), patch.done), (Some("x"), None));
        assert!(parse_patch(br#"{"title":""}"#).is_err());
        assert!(parse_patch(br#"{"done":"yes"}"#).is_err());
        assert!(parse_patch(b"[]").is_err());
        assert!(parse_patch(b"").is_err());
    }
}
