//! The pieces of an IDX (ion) response: forms, fields, messages.

use serde_json::{Value, json};

/// The media type of IDX requests and answers.
pub(crate) const ION: &str = "application/ion+json; okta-version=1.0.0";

/// A remediation form posting to `{okta}/idp/idx/{path}`.
pub(crate) fn form(okta_url: &str, name: &str, path: &str, fields: Vec<Value>) -> Value {
    json!({
        "rel": ["create-form"],
        "name": name,
        "href": format!("{okta_url}/idp/idx/{path}"),
        "method": "POST",
        "produces": ION,
        "value": fields,
        "accepts": "application/json; okta-version=1.0.0",
    })
}

/// The hidden, immutable `stateHandle` field every form ends with.
pub(crate) fn state_handle(handle: &str) -> Value {
    json!({
        "name": "stateHandle", "required": true, "value": handle,
        "visible": false, "mutable": false,
    })
}

pub(crate) fn identifier() -> Value {
    json!({ "name": "identifier", "label": "Username", "required": true })
}

/// `credentials: {form: {value: [{name: field, ...}]}}`.
pub(crate) fn credentials(field: &str, label: &str, secret: bool) -> Value {
    let mut inner = json!({ "name": field, "label": label, "required": true });
    if secret {
        inner["secret"] = Value::Bool(true);
    }
    json!({
        "name": "credentials", "type": "object", "required": true,
        "form": { "value": [inner] },
    })
}

pub(crate) fn remember_me() -> Value {
    json!({ "name": "rememberMe", "label": "Keep me signed in", "type": "boolean" })
}

/// An `authenticator` field choosing among `options`.
pub(crate) fn authenticator_choice(options: Vec<Value>) -> Value {
    json!({ "name": "authenticator", "type": "object", "options": options })
}

/// One option of an authenticator choice, pointing at `relates_to`.
pub(crate) fn option(label: &str, id: &str, methods: &[&str], relates_to: &str) -> Value {
    let method = match methods {
        [one] => json!({
            "name": "methodType", "required": false, "value": one, "mutable": false,
        }),
        many => json!({
            "name": "methodType", "type": "string", "required": false,
            "options": many.iter().map(|m| json!({ "label": m, "value": m })).collect::<Vec<_>>(),
        }),
    };
    json!({
        "label": label,
        "value": { "form": { "value": [
            { "name": "id", "required": true, "value": id, "mutable": false },
            method,
        ] } },
        "relatesTo": relates_to,
    })
}

/// `{type: object, value}`.
pub(crate) fn object(value: Value) -> Value {
    json!({ "type": "object", "value": value })
}

/// `{type: array, value}`.
pub(crate) fn array(values: Vec<Value>) -> Value {
    json!({ "type": "array", "value": values })
}

/// One message: `{message, i18n: {key}, class}`.
pub(crate) fn message(text: &str, key: &str, class: &str) -> Value {
    json!({ "message": text, "i18n": { "key": key }, "class": class })
}

/// Messages attached to a form field (a wrong code).
pub(crate) fn with_field_messages(mut credentials: Value, messages: Vec<Value>) -> Value {
    if let Some(field) = credentials.pointer_mut("/form/value/0") {
        field["messages"] = array(messages);
    }
    credentials
}
