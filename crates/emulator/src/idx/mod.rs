//! Identity Engine's interaction code flow (IDX), as Okta's SDKs speak it:
//! `/v1/interact`, `/idp/idx/introspect`, the remediation forms, and the
//! `interaction_code` grant at `/v1/token`.

mod authenticators;
mod forms;
pub(crate) mod grant;
mod handlers;
mod interact;
mod policy;
mod respond;
mod routes;
mod store;
mod view;

pub use authenticators::IdxAuthenticator;
pub(crate) use routes::router;
pub(crate) use store::IdxStore;
