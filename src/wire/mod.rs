//! Wire-level vocabulary low in the house: byte sizes and body limits,
//! header and URL checks. Imports nothing else from the crate, so login,
//! HTTP and the suite loader can all use it.

pub mod limits;
pub mod text;
pub mod value;
