//! An IDX response as Okta sends it (ion: forms with `name`/`href`/`value`,
//! `relatesTo` references, messages with `i18n` keys), read tolerantly
//! from JSON: unknown members are ignored, as Okta's SDKs do.

use serde_json::Value;

use super::super::okta_api::plain_text;

/// One IDX answer.
#[derive(Debug, Clone)]
pub struct IdxResponse {
    pub raw: Value,
    pub state_handle: Option<String>,
    pub remediations: Vec<Form>,
    /// Top-level messages, then those attached to form fields.
    pub messages: Vec<Message>,
    /// `successWithInteractionCode`: the form to post to the token endpoint.
    pub success: Option<Form>,
}

/// A form (a remediation, `cancel`, `successWithInteractionCode`).
#[derive(Debug, Clone, Default)]
pub struct Form {
    pub name: String,
    pub href: String,
    pub accepts: Option<String>,
    pub fields: Vec<Field>,
    /// The authenticator the form is about (its `relatesTo`, resolved).
    pub relates_to: Option<Authenticator>,
}

/// One field of a form; `form` holds the fields of an object field.
#[derive(Debug, Clone, Default)]
pub struct Field {
    pub name: String,
    pub required: bool,
    pub mutable: bool,
    pub value: Option<Value>,
    pub form: Vec<Field>,
    pub options: Vec<Choice>,
}

/// One option of a field: a plain value, or a nested form (authenticator choice).
#[derive(Debug, Clone, Default)]
pub struct Choice {
    pub label: String,
    pub value: Option<Value>,
    pub form: Vec<Field>,
    pub relates_to: Option<Authenticator>,
}

/// An authenticator (or enrollment) a form or option relates to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Authenticator {
    pub key: String,
    /// Its `type` (`password`, `app`, `email`...): older orgs send no `key`.
    pub kind: String,
    pub display_name: String,
    pub methods: Vec<String>,
}

/// `{message, i18n: {key}, class}`; `text` is plain (HTML reduced to text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub key: String,
    pub class: String,
    /// The form field it is attached to (`credentials.passcode`), if any.
    pub field: Option<String>,
}

impl Message {
    pub fn is_error(&self) -> bool {
        self.class.eq_ignore_ascii_case("ERROR")
    }
}

impl IdxResponse {
    /// Reads an IDX answer; None when the body is not an IDX response.
    pub fn parse(raw: Value) -> Option<Self> {
        let object = raw.as_object()?;
        let is_idx = [
            "stateHandle",
            "remediation",
            "messages",
            "successWithInteractionCode",
        ]
        .iter()
        .any(|k| object.contains_key(*k));
        if !is_idx {
            return None;
        }
        let remediations: Vec<Form> = items(raw.get("remediation"))
            .iter()
            .map(|f| form(f, &raw))
            .collect();
        let mut messages = messages(raw.get("messages"));
        for m in field_messages(&raw) {
            if !messages.contains(&m) {
                messages.push(m);
            }
        }
        Some(IdxResponse {
            state_handle: str_of(&raw, "stateHandle"),
            success: raw.get("successWithInteractionCode").map(|f| form(f, &raw)),
            remediations,
            messages,
            raw,
        })
    }

    /// The remediation named `name`.
    pub fn remediation(&self, name: &str) -> Option<&Form> {
        self.remediations.iter().find(|f| f.name == name)
    }

    pub fn names(&self) -> Vec<&str> {
        self.remediations.iter().map(|f| f.name.as_str()).collect()
    }

    /// The authenticator being verified (`currentAuthenticatorEnrollment`,
    /// `currentAuthenticator`, or the `factor` of early Identity Engine orgs).
    pub fn current_authenticator(&self) -> Option<Authenticator> {
        [
            "currentAuthenticatorEnrollment",
            "currentAuthenticator",
            "factor",
        ]
        .iter()
        .find_map(|k| authenticator(self.raw.get(*k)?))
    }

    /// The ids of an early org's `factors` of type `kind` (`select-factor`).
    pub fn factor_ids_of_type(&self, kind: &str) -> Vec<String> {
        items(self.raw.get("factors"))
            .iter()
            .filter(|f| f.get("factorType").and_then(Value::as_str) == Some(kind))
            .filter_map(|f| str_of(f, "factorId").or_else(|| str_of(f, "id")))
            .collect()
    }

    /// True when a remediation named `name` is offered.
    pub fn offers(&self, name: &str) -> bool {
        self.remediation(name).is_some()
    }
}

/// The `value` list of `{type: array, value: [...]}` (or a bare list).
fn items(value: Option<&Value>) -> Vec<Value> {
    let Some(value) = value else { return vec![] };
    let list = value.get("value").unwrap_or(value);
    list.as_array().cloned().unwrap_or_default()
}

fn str_of(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn form(value: &Value, raw: &Value) -> Form {
    Form {
        name: str_of(value, "name").unwrap_or_default(),
        href: str_of(value, "href").unwrap_or_default(),
        accepts: str_of(value, "accepts"),
        fields: fields(value.get("value"), raw),
        relates_to: value.get("relatesTo").and_then(|r| resolve(r, raw)),
    }
}

fn fields(value: Option<&Value>, raw: &Value) -> Vec<Field> {
    let Some(list) = value.and_then(Value::as_array) else {
        return vec![];
    };
    list.iter().map(|f| field(f, raw)).collect()
}

fn field(value: &Value, raw: &Value) -> Field {
    let nested = value.pointer("/form/value");
    Field {
        name: str_of(value, "name").unwrap_or_default(),
        required: value
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        mutable: value
            .get("mutable")
            .and_then(Value::as_bool)
            .unwrap_or(true),
        value: value.get("value").cloned(),
        form: fields(nested, raw),
        options: value
            .get("options")
            .and_then(Value::as_array)
            .map(|opts| opts.iter().map(|o| choice(o, raw)).collect())
            .unwrap_or_default(),
    }
}

fn choice(value: &Value, raw: &Value) -> Choice {
    let inner = value.get("value");
    let nested = inner.and_then(|v| v.pointer("/form/value"));
    Choice {
        label: str_of(value, "label").unwrap_or_default(),
        value: inner.filter(|v| !v.is_object()).cloned(),
        form: fields(nested, raw),
        relates_to: value.get("relatesTo").and_then(|r| resolve(r, raw)),
    }
}

fn messages(value: Option<&Value>) -> Vec<Message> {
    field_messages_of(value, None)
}

fn field_messages_of(value: Option<&Value>, field: Option<&str>) -> Vec<Message> {
    items(value)
        .iter()
        .map(|m| Message {
            text: plain_text(&str_of(m, "message").unwrap_or_default()),
            field: field.map(str::to_owned),
            key: m
                .pointer("/i18n/key")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            class: str_of(m, "class").unwrap_or_else(|| "ERROR".to_owned()),
        })
        .collect()
}

/// Messages attached to remediation fields, at any depth.
fn field_messages(raw: &Value) -> Vec<Message> {
    let mut out = Vec::new();
    for remediation in items(raw.get("remediation")) {
        walk_messages(remediation.get("value"), "", &mut out);
    }
    out
}

fn walk_messages(value: Option<&Value>, prefix: &str, out: &mut Vec<Message>) {
    let Some(list) = value.and_then(Value::as_array) else {
        return;
    };
    for field in list {
        let name = format!("{prefix}{}", str_of(field, "name").unwrap_or_default());
        out.extend(field_messages_of(field.get("messages"), Some(&name)));
        walk_messages(field.pointer("/form/value"), &format!("{name}."), out);
    }
}

/// Resolves a `relatesTo` (a JSONPath-like string, a list of one, or an
/// inline object) to the authenticator it names.
fn resolve(relates_to: &Value, raw: &Value) -> Option<Authenticator> {
    match relates_to {
        Value::String(path) => authenticator(walk(raw, path)?),
        Value::Array(list) => resolve(list.first()?, raw),
        other => authenticator(other),
    }
}

/// Follows `$.a.b[0]` through `raw`.
fn walk<'a>(raw: &'a Value, path: &str) -> Option<&'a Value> {
    let mut current = raw;
    let path = path.trim_start_matches('$');
    for step in path.split(['.', '[', ']']).filter(|s| !s.is_empty()) {
        current = match step.parse::<usize>() {
            Ok(index) => current.get(index)?,
            Err(_) => current.get(step)?,
        };
    }
    Some(current)
}

/// An authenticator object, or `{type: object, value: {...}}` around one;
/// one without a `key` is known by its `type` (or an early org's `factorType`).
fn authenticator(value: &Value) -> Option<Authenticator> {
    let named = |v: &Value| ["key", "factorType"].iter().any(|k| v.get(*k).is_some());
    let inner = match named(value) {
        true => value,
        false => value
            .get("value")
            .filter(|v| named(v) || v.get("type").is_some_and(Value::is_string))?,
    };
    let methods = inner
        .get("methods")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|m| m.get("type").and_then(Value::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    Some(Authenticator {
        key: str_of(inner, "key").unwrap_or_default(),
        kind: str_of(inner, "type")
            .or_else(|| str_of(inner, "factorType"))
            .unwrap_or_default(),
        display_name: str_of(inner, "displayName").unwrap_or_default(),
        methods,
    })
}

/// True for the password authenticator: `okta_password`, or `type: password`
/// where an older org sends no key.
pub fn is_password(a: &Authenticator) -> bool {
    a.key == "okta_password" || (a.key.is_empty() && a.kind == "password")
}

/// True for an authenticator a TOTP code answers (Google Authenticator, Okta Verify's code).
pub fn is_totp(a: &Authenticator) -> bool {
    let has = |m: &str| a.methods.is_empty() || a.methods.iter().any(|x| x == m);
    match a.key.as_str() {
        "google_otp" => true,
        "okta_verify" => has("totp"),
        _ => false,
    }
}
