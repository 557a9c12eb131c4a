//! The computations both ends of a login must do alike, shared by
//! gatecheck's logins and its emulator: the PKCE S256 hash, TOTP secret
//! decoding, and Amazon Cognito's SRP-6a. Pure functions, no I/O.

pub mod pkce_hash;
pub mod srp;
pub mod totp_secret;
