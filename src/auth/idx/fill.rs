//! Fills a remediation form from what the fixture knows, the way Okta's
//! SDKs do: immutable values are sent back as given, `identifier` is the
//! username, `credentials` carries the password or a code, an
//! `authenticator` choice carries the chosen option's own form.

use serde_json::{Map, Value};

use super::wire::{Choice, Field};

/// What gatecheck can put into a form.
#[derive(Debug, Clone, Copy, Default)]
pub struct Inputs<'a> {
    pub username: &'a str,
    /// The secret for `credentials` (password or TOTP code); None: leave it out.
    pub credential: Option<&'a str>,
    /// The option chosen for an `authenticator` field.
    pub choice: Option<&'a Choice>,
}

/// Names of a credentials field that take the secret.
const SECRET_FIELDS: [&str; 4] = ["passcode", "totp", "password", "answer"];
/// Method types a TOTP code answers, in order of preference.
const CODE_METHODS: [&str; 2] = ["totp", "otp"];

/// The JSON body for `fields`, or the name of a required field gatecheck cannot fill.
pub fn fill(fields: &[Field], inputs: &Inputs) -> Result<Map<String, Value>, String> {
    let mut body = Map::new();
    for field in fields {
        if let Some(value) = fill_one(field, inputs)? {
            body.insert(field.name.clone(), value);
        }
    }
    Ok(body)
}

fn fill_one(field: &Field, inputs: &Inputs) -> Result<Option<Value>, String> {
    if !field.mutable {
        return Ok(Some(
            field.value.clone().unwrap_or(Value::String(String::new())),
        ));
    }
    let value = match field.name.as_str() {
        "identifier" | "username" => Some(Value::String(inputs.username.to_owned())),
        "credentials" => credentials(field, inputs)?,
        "authenticator" => inputs.choice.map(choice).transpose()?,
        _ => field.value.clone(),
    };
    match value {
        None if field.required => Err(field.name.clone()),
        value => Ok(value),
    }
}

fn credentials(field: &Field, inputs: &Inputs) -> Result<Option<Value>, String> {
    let Some(secret) = inputs.credential else {
        return Ok(None);
    };
    let mut object = Map::new();
    for inner in &field.form {
        if SECRET_FIELDS.contains(&inner.name.as_str()) {
            object.insert(inner.name.clone(), Value::String(secret.to_owned()));
        } else if let Some(value) = fill_one(inner, inputs)? {
            object.insert(inner.name.clone(), value);
        }
    }
    if object.is_empty() {
        object.insert("passcode".into(), Value::String(secret.to_owned()));
    }
    Ok(Some(Value::Object(object)))
}

/// The chosen option's form: its id, and a method type a code answers.
fn choice(option: &Choice) -> Result<Value, String> {
    let mut object = Map::new();
    for field in &option.form {
        let value = match (&field.value, field.options.as_slice()) {
            (Some(value), _) => Some(value.clone()),
            (None, []) => None,
            (None, options) => code_method(options),
        };
        match value {
            Some(value) => {
                object.insert(field.name.clone(), value);
            }
            None if field.required => return Err(format!("authenticator.{}", field.name)),
            None => {}
        }
    }
    Ok(Value::Object(object))
}

fn code_method(options: &[Choice]) -> Option<Value> {
    CODE_METHODS.iter().find_map(|wanted| {
        options
            .iter()
            .filter_map(|o| o.value.as_ref())
            .find(|v| v.as_str() == Some(wanted))
            .cloned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str) -> Field {
        Field {
            name: name.into(),
            mutable: true,
            required: true,
            ..Field::default()
        }
    }

    #[test]
    fn identify_with_password_and_hidden_state_handle() {
        let mut credentials = field("credentials");
        credentials.form = vec![field("passcode")];
        let state = Field {
            name: "stateHandle".into(),
            mutable: false,
            value: Some(Value::String("02abc".into())),
            ..Field::default()
        };
        let remember = Field {
            required: false,
            ..field("rememberMe")
        };
        let fields = [field("identifier"), credentials, remember, state];
        let inputs = Inputs {
            username: "ada@example.com",
            credential: Some("pw"),
            choice: None,
        };
        let body = Value::Object(fill(&fields, &inputs).unwrap());
        assert_eq!(
            body,
            serde_json::json!({
                "identifier": "ada@example.com",
                "credentials": {"passcode": "pw"},
                "stateHandle": "02abc",
            })
        );
    }

    #[test]
    fn a_required_unknown_field_is_named() {
        let inputs = Inputs::default();
        assert_eq!(
            fill(&[field("phoneNumber")], &inputs).unwrap_err(),
            "phoneNumber"
        );
    }

    #[test]
    fn okta_verify_choice_picks_the_totp_method() {
        let id = Field {
            value: Some(Value::String("aut1".into())),
            mutable: false,
            ..field("id")
        };
        let method = Field {
            required: false,
            options: ["push", "totp"]
                .iter()
                .map(|m| Choice {
                    value: Some(Value::String((*m).into())),
                    ..Choice::default()
                })
                .collect(),
            ..field("methodType")
        };
        let option = Choice {
            form: vec![id, method],
            ..Choice::default()
        };
        assert_eq!(
            choice(&option).unwrap(),
            serde_json::json!({"id": "aut1", "methodType": "totp"})
        );
    }
}
