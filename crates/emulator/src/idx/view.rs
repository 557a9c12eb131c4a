//! Renders an IDX response for a transaction's next step, in the shape
//! Okta's SDKs parse (okta-auth-js `idx`, the Sign-In Widget).

use serde_json::{Map, Value, json};

use super::super::config::UserConfig;
use super::super::ids::rfc3339_in;
use super::authenticators::{IdxAuthenticator, Kind, enrollments, second_factors};
use super::forms::{self, array, form, object, state_handle};
use super::policy::Step;
use super::store::{IdxTx, TX_LIFETIME};

/// What a response is about.
pub(crate) struct View<'a> {
    pub(crate) okta_url: &'a str,
    pub(crate) handle: &'a str,
    pub(crate) tx: &'a IdxTx,
    pub(crate) user: Option<&'a UserConfig>,
    /// The authorization server's token endpoint (for the success form).
    pub(crate) token_url: String,
}

/// The whole response for `step`; `field_messages` go on the credentials field.
pub(crate) fn render(view: &View, step: Step, field_messages: Vec<Value>) -> Value {
    let mut body = envelope(view);
    let (remediations, extra) = match (step, view.user) {
        (Step::Identify { with_password }, _) => identify(view, with_password),
        (Step::Success, _) => (vec![], success(view)),
        (_, None) => (vec![], Map::new()),
        (Step::Challenge(kind), Some(user)) => challenge(view, user, kind, field_messages),
        (Step::SelectFactor, Some(user)) => (vec![select_factor(view, user)], Map::new()),
        (Step::PasswordExpired, Some(_)) => reenroll(view, "reenroll-authenticator"),
        (Step::PasswordWarning, Some(_)) => warn(view),
        (Step::Enroll { optional }, Some(_)) => enroll(view, optional),
    };
    if !remediations.is_empty() {
        body.insert("remediation".into(), array(remediations));
    }
    body.extend(extra);
    Value::Object(body)
}

/// A response that only carries messages (a terminal error).
pub(crate) fn terminal(okta_url: &str, handle: &str, messages: Vec<Value>) -> Value {
    json!({
        "version": "1.0.0",
        "stateHandle": handle,
        "expiresAt": rfc3339_in(TX_LIFETIME.as_secs()),
        "intent": "LOGIN",
        "messages": array(messages),
        "cancel": form(okta_url, "cancel", "cancel", vec![state_handle(handle)]),
    })
}

fn envelope(view: &View) -> Map<String, Value> {
    let mut body = Map::new();
    body.insert("version".into(), json!("1.0.0"));
    body.insert("stateHandle".into(), json!(view.handle));
    body.insert("expiresAt".into(), json!(rfc3339_in(TX_LIFETIME.as_secs())));
    body.insert("intent".into(), json!("LOGIN"));
    let sh = state_handle(view.handle);
    body.insert(
        "cancel".into(),
        form(view.okta_url, "cancel", "cancel", vec![sh]),
    );
    let app = json!({ "name": "oidc_client", "label": view.tx.client_id, "id": view.tx.client_id });
    body.insert("app".into(), object(app));
    if let Some(user) = view.user {
        let id = super::super::state::Shared::user_id_of(user);
        body.insert(
            "user".into(),
            object(json!({ "id": id, "identifier": user.login })),
        );
        let all = enrollments(user)
            .iter()
            .map(|k| k.enrollment(user))
            .collect();
        body.insert("authenticatorEnrollments".into(), array(all));
    }
    body
}

type Parts = (Vec<Value>, Map<String, Value>);

fn identify(view: &View, with_password: bool) -> Parts {
    let mut fields = vec![forms::identifier()];
    let mut extra = Map::new();
    if with_password {
        fields.push(forms::credentials("passcode", "Password", true));
        extra.insert(
            "currentAuthenticator".into(),
            object(Kind::Password.authenticator()),
        );
    }
    fields.push(forms::remember_me());
    fields.push(state_handle(view.handle));
    (
        vec![form(view.okta_url, "identify", "identify", fields)],
        extra,
    )
}

fn challenge(view: &View, user: &UserConfig, kind: Kind, messages: Vec<Value>) -> Parts {
    let mut extra = Map::new();
    let select = match kind {
        Kind::Password => select(view, user, &[Kind::Password]),
        _ => select_factor(view, user),
    };
    if kind.methods().first() == Some(&"push") {
        extra.insert("currentAuthenticator".into(), object(kind.authenticator()));
        let mut poll = form(
            view.okta_url,
            "challenge-poll",
            "authenticators/poll",
            vec![state_handle(view.handle)],
        );
        poll["relatesTo"] = json!(["$.currentAuthenticator"]);
        poll["refresh"] = json!(4000);
        return (vec![poll, select], extra);
    }
    extra.insert(
        "currentAuthenticatorEnrollment".into(),
        object(kind.enrollment(user)),
    );
    let label = match kind {
        Kind::Password => "Password",
        _ => "Enter code",
    };
    let credentials = forms::credentials(kind.credential_field(), label, kind == Kind::Password);
    let credentials = match messages.is_empty() {
        true => credentials,
        false => forms::with_field_messages(credentials, messages),
    };
    let fields = vec![credentials, state_handle(view.handle)];
    let mut answer = form(
        view.okta_url,
        "challenge-authenticator",
        "challenge/answer",
        fields,
    );
    answer["relatesTo"] = json!(["$.currentAuthenticatorEnrollment"]);
    (vec![answer, select], extra)
}

fn select_factor(view: &View, user: &UserConfig) -> Value {
    select(view, user, &second_factors(user))
}

/// `select-authenticator-authenticate` offering `kinds` (indexes into the enrollments).
fn select(view: &View, user: &UserConfig, kinds: &[Kind]) -> Value {
    let all = enrollments(user);
    let options = kinds
        .iter()
        .filter_map(|kind| {
            let index = all.iter().position(|k| k == kind)?;
            let path = format!("$.authenticatorEnrollments.value[{index}]");
            let id = kind.authenticator_id();
            Some(forms::option(
                kind.display_name(),
                &id,
                kind.methods(),
                &path,
            ))
        })
        .collect();
    let fields = vec![
        forms::authenticator_choice(options),
        state_handle(view.handle),
    ];
    form(
        view.okta_url,
        "select-authenticator-authenticate",
        "challenge",
        fields,
    )
}

fn reenroll(view: &View, name: &str) -> Parts {
    let fields = vec![
        forms::credentials("passcode", "New password", true),
        state_handle(view.handle),
    ];
    let mut reenroll = form(view.okta_url, name, "challenge/answer", fields);
    reenroll["relatesTo"] = json!(["$.currentAuthenticator"]);
    let mut extra = Map::new();
    extra.insert(
        "currentAuthenticator".into(),
        object(Kind::Password.authenticator()),
    );
    (vec![reenroll], extra)
}

fn warn(view: &View) -> Parts {
    let (mut remediations, mut extra) = reenroll(view, "reenroll-authenticator-warning");
    remediations.push(skip(view));
    let text = "Your password will expire in 3 days.";
    let message = forms::message(text, "password.expiring.soon", "INFO");
    extra.insert("messages".into(), array(vec![message]));
    (remediations, extra)
}

fn enroll(view: &View, optional: bool) -> Parts {
    let offered = [IdxAuthenticator::GoogleOtp, IdxAuthenticator::OktaVerify].map(Kind::Other);
    let options = offered
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            let path = format!("$.authenticators.value[{i}]");
            let id = kind.authenticator_id();
            forms::option(kind.display_name(), &id, &kind.methods()[..1], &path)
        })
        .collect();
    let fields = vec![
        forms::authenticator_choice(options),
        state_handle(view.handle),
    ];
    let mut remediations = vec![form(
        view.okta_url,
        "select-authenticator-enroll",
        "credential/enroll",
        fields,
    )];
    if optional {
        remediations.push(skip(view));
    }
    let mut extra = Map::new();
    let list = offered.iter().map(|k| k.authenticator()).collect();
    extra.insert("authenticators".into(), array(list));
    (remediations, extra)
}

fn skip(view: &View) -> Value {
    form(
        view.okta_url,
        "skip",
        "skip",
        vec![state_handle(view.handle)],
    )
}

fn success(view: &View) -> Map<String, Value> {
    let code = view.tx.interaction_code.clone().unwrap_or_default();
    let field = |name: &str, value: Option<&str>| match value {
        Some(v) => json!({ "name": name, "required": true, "value": v }),
        None => json!({ "name": name, "required": true }),
    };
    let issue = json!({
        "rel": ["create-form"],
        "name": "issue",
        "href": view.token_url,
        "method": "POST",
        "value": [
            field("grant_type", Some("interaction_code")),
            field("interaction_code", Some(&code)),
            field("client_id", Some(&view.tx.client_id)),
            field("code_verifier", None),
        ],
        "accepts": "application/x-www-form-urlencoded",
    });
    let mut extra = Map::new();
    extra.insert("successWithInteractionCode".into(), issue);
    extra
}
