//! The serde model of the Postman files read by the importer: Collection
//! v2.0/v2.1 and Environment exports. Lenient where Postman is (a request or
//! a URL may be a bare string); only the fields the conversion uses.

use serde::Deserialize;
use serde_json::Value as Json;

/// A collection export (`info.schema` names the format version).
#[derive(Debug, Clone, Deserialize)]
pub struct Collection {
    pub info: Info,
    #[serde(default, deserialize_with = "nullable")]
    pub item: Vec<Item>,
    #[serde(default, deserialize_with = "nullable")]
    pub variable: Vec<Variable>,
    pub auth: Option<Auth>,
    #[serde(default, deserialize_with = "nullable")]
    pub event: Vec<Event>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Info {
    pub name: String,
    #[serde(default, deserialize_with = "nullable")]
    pub schema: String,
}

/// A folder (has `item`) or a request (has `request`).
#[derive(Debug, Clone, Deserialize)]
pub struct Item {
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    pub item: Option<Vec<Item>>,
    pub request: Option<RequestField>,
    #[serde(default, deserialize_with = "nullable")]
    pub event: Vec<Event>,
    pub auth: Option<Auth>,
}

/// `request`: an object, or (v2.1) a bare URL string.
#[derive(Debug, Clone, Default)]
pub struct RequestField(pub Request);

impl<'de> Deserialize<'de> for RequestField {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match Json::deserialize(d)? {
            Json::String(raw) => Ok(Self(Request {
                url: Some(Url::Raw(raw)),
                ..Request::default()
            })),
            other => nested(other).map(Self).map_err(D::Error::custom),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Request {
    pub method: Option<String>,
    pub url: Option<Url>,
    #[serde(default, deserialize_with = "nullable")]
    pub header: HeaderList,
    pub body: Option<Body>,
    pub auth: Option<Auth>,
}

/// `header`: a list of key/value objects (a raw string is ignored).
#[derive(Debug, Clone, Default)]
pub struct HeaderList(pub Vec<KeyValue>);

impl<'de> Deserialize<'de> for HeaderList {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match Json::deserialize(d)? {
            list @ Json::Array(_) => nested(list).map(Self).map_err(D::Error::custom),
            _ => Ok(Self::default()),
        }
    }
}

/// A header, query parameter, form field or path variable.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct KeyValue {
    #[serde(default, deserialize_with = "nullable")]
    pub key: String,
    pub value: Option<Json>,
    #[serde(default, deserialize_with = "nullable")]
    pub disabled: bool,
    /// `text` or `file` (form-data).
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub src: Option<Json>,
}

impl KeyValue {
    /// The value as text (numbers and booleans as written).
    pub fn text(&self) -> String {
        match &self.value {
            None | Some(Json::Null) => String::new(),
            Some(Json::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        }
    }
}

/// `url`: a raw string, or the structured form.
#[derive(Debug, Clone)]
pub enum Url {
    Raw(String),
    Parts(Box<UrlParts>),
}

impl<'de> Deserialize<'de> for Url {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match Json::deserialize(d)? {
            Json::String(raw) => Ok(Url::Raw(raw)),
            other => nested(other)
                .map(|p| Url::Parts(Box::new(p)))
                .map_err(D::Error::custom),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct UrlParts {
    pub raw: Option<String>,
    pub protocol: Option<String>,
    /// A list of labels, or one string.
    pub host: Option<Json>,
    pub port: Option<String>,
    /// A list of segments, or one string.
    pub path: Option<Json>,
    #[serde(default, deserialize_with = "nullable")]
    pub query: Vec<KeyValue>,
    #[serde(default, deserialize_with = "nullable")]
    pub variable: Vec<KeyValue>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Body {
    pub mode: Option<String>,
    pub raw: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub urlencoded: Vec<KeyValue>,
    #[serde(default, deserialize_with = "nullable")]
    pub formdata: Vec<KeyValue>,
    pub graphql: Option<GraphQl>,
    #[serde(default, deserialize_with = "nullable")]
    pub disabled: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct GraphQl {
    #[serde(default, deserialize_with = "nullable")]
    pub query: String,
    /// A JSON text (Postman stores the variables as a string).
    pub variables: Option<String>,
}

/// `auth`: `{type, <type>: [{key, value}]}` (v2.1) or `{type, <type>: {k: v}}` (v2.0).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Auth {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(flatten)]
    pub params: serde_json::Map<String, Json>,
}

impl Auth {
    /// A parameter of this auth's type, e.g. `token` of `bearer`.
    pub fn param(&self, key: &str) -> Option<String> {
        let text = |v: &Json| match v {
            Json::String(s) => s.clone(),
            other => other.to_string(),
        };
        match self.params.get(&self.kind)? {
            Json::Array(list) => list
                .iter()
                .find(|kv| kv.get("key").and_then(Json::as_str) == Some(key))
                .and_then(|kv| kv.get("value"))
                .map(text),
            Json::Object(map) => map.get(key).map(text),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Event {
    #[serde(default, deserialize_with = "nullable")]
    pub listen: String,
    pub script: Option<Script>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Script {
    /// Lines of JavaScript (or one string).
    pub exec: Option<Json>,
}

/// The script lines of the events listening to `listen` (`test`, `prerequest`).
pub fn script_lines(events: &[Event], listen: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for event in events.iter().filter(|e| e.listen == listen) {
        match event.script.as_ref().and_then(|s| s.exec.as_ref()) {
            Some(Json::Array(items)) => {
                for item in items {
                    if let Some(s) = item.as_str() {
                        lines.extend(s.lines().map(str::to_owned));
                    }
                }
            }
            Some(Json::String(s)) => lines.extend(s.lines().map(str::to_owned)),
            _ => {}
        }
    }
    lines
}

#[derive(Debug, Clone, Deserialize)]
pub struct Variable {
    #[serde(default, deserialize_with = "nullable")]
    pub key: String,
    pub value: Option<Json>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub disabled: bool,
}

/// An environment export.
#[derive(Debug, Clone, Deserialize)]
pub struct Environment {
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    #[serde(default)]
    pub values: Vec<EnvValue>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EnvValue {
    #[serde(default, deserialize_with = "nullable")]
    pub key: String,
    pub value: Option<Json>,
    /// `default` or `secret`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

/// Postman writes `null` where a value is absent (`"key": null`): the default.
fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Marks the path inside a nested value's error: `MARK path MARK message`.
const PATH_MARK: char = '\u{1}';

/// Deserializes a nested value, keeping the path of an error inside it.
fn nested<T: serde::de::DeserializeOwned>(value: Json) -> Result<T, String> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let (inner, message) = split_mark(&e.inner().to_string());
        format!(
            "{PATH_MARK}{}{PATH_MARK}{message}",
            join(&e.path().to_string(), &inner)
        )
    })
}

/// (path inside, message) of a nested error; an empty path otherwise.
fn split_mark(message: &str) -> (String, String) {
    message
        .strip_prefix(PATH_MARK)
        .and_then(|rest| rest.split_once(PATH_MARK))
        .map_or_else(
            || (String::new(), message.to_owned()),
            |(p, m)| (p.to_owned(), m.to_owned()),
        )
}

/// `item[2].request` + `url.query[0]` -> `item[2].request.url.query[0]`.
fn join(a: &str, b: &str) -> String {
    match (a, b) {
        (".", b) | ("", b) => b.to_owned(),
        (a, "") => a.to_owned(),
        (a, b) if b.starts_with('[') => format!("{a}{b}"),
        (a, b) => format!("{a}.{b}"),
    }
}

/// "`item[2].request.url.query[0].key`: message".
fn located(path: &str, message: &str) -> String {
    let (inner, message) = split_mark(message);
    let full = join(path, &inner);
    format!("`{}`: {message}", if full.is_empty() { "." } else { &full })
}

/// Reads a collection, refusing what is not Collection v2.x with what it is.
pub fn parse_collection(text: &str) -> Result<Collection, String> {
    let doc: Json = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    let schema = doc
        .pointer("/info/schema")
        .and_then(Json::as_str)
        .unwrap_or("");
    if !(schema.contains("/v2.0.") || schema.contains("/v2.1.")) {
        return Err(describe_format(&doc, schema));
    }
    serde_path_to_error::deserialize(doc).map_err(|e| {
        format!(
            "unreadable collection at {}",
            located(&e.path().to_string(), &e.inner().to_string())
        )
    })
}

fn describe_format(doc: &Json, schema: &str) -> String {
    let found = if doc.get("requests").is_some() && doc.get("order").is_some() {
        "the v1 format (top-level `requests` and `order`); re-export it from Postman as Collection v2.1".to_owned()
    } else if doc.get("values").is_some() && doc.get("info").is_none() {
        "an environment file; pass it with --environment".to_owned()
    } else if !schema.is_empty() {
        format!("schema `{schema}`")
    } else {
        "no `info.schema`".to_owned()
    };
    format!("not a postman v2.x collection: found {found}")
}

/// Reads an environment export.
pub fn parse_environment(text: &str) -> Result<Environment, String> {
    let env: Environment =
        serde_json::from_str(text).map_err(|e| format!("not a postman environment: {e}"))?;
    Ok(env)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_collections_are_refused_with_what_they_are() {
        let err =
            parse_collection(r#"{"id":"x","name":"n","order":[],"requests":[]}"#).unwrap_err();
        assert!(
            err.starts_with("not a postman v2.x collection: found the v1 format"),
            "{err}"
        );
        let err = parse_collection(r#"{"info":{"name":"n","schema":"https://schema.getpostman.com/json/collection/v3.0.0/"}}"#)
            .unwrap_err();
        assert!(
            err.contains("schema `https://schema.getpostman.com/json/collection/v3.0.0/`"),
            "{err}"
        );
    }

    #[test]
    fn bare_string_requests_and_v20_auth_are_read() {
        let c = parse_collection(
            r#"{"info":{"name":"n","schema":"https://schema.getpostman.com/json/collection/v2.0.0/collection.json"},
            "auth":{"type":"bearer","bearer":{"token":"{{t}}"}},
            "item":[{"name":"a","request":"https://x/y"}]}"#,
        )
        .unwrap();
        assert!(
            matches!(&c.item[0].request.as_ref().unwrap().0.url, Some(Url::Raw(u)) if u == "https://x/y")
        );
        assert_eq!(c.auth.unwrap().param("token").as_deref(), Some("{{t}}"));
    }

    #[test]
    fn null_keys_are_empty_and_bad_shapes_name_their_json_path() {
        let c = parse_collection(
            r#"{"info":{"name":"n","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
            "item":[{"name":"a","request":{"url":{"raw":"http://x/y?a","query":[{"key":null,"value":null}]},"header":null}}]}"#,
        )
        .unwrap();
        let Some(Url::Parts(parts)) = &c.item[0].request.as_ref().unwrap().0.url else {
            panic!("structured url")
        };
        assert_eq!(parts.query[0].key, "");
        let err = parse_collection(
            r#"{"info":{"name":"n","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
            "item":[{"name":"f","item":[{"name":"a","request":{"url":{"raw":"x","query":[{"key":"k","disabled":"yes"}]}}}]}]}"#,
        )
        .unwrap_err();
        assert_eq!(
            err,
            "unreadable collection at `item[0].item[0].request.url.query[0].disabled`: invalid type: string \"yes\", expected a boolean"
        );
    }
}
