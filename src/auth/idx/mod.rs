//! `kind: okta-idx`: Okta Identity Engine's interaction code flow (IDX),
//! headless: /v1/interact -> /idp/idx/introspect -> the remediations the
//! server asks for -> /v1/token with grant_type=interaction_code.

mod advice;
mod decide;
mod fill;
mod flow;
mod wire;

pub use flow::login;
