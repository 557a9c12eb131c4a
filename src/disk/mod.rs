//! Files written whole or not at all, and files read with a bound. Every
//! file gatecheck writes for the user (reports, snapshots, `init` and
//! `import` output) goes through [`write_whole`]; every file named in a
//! suite or on the command line that is read as data goes through
//! [`read_regular`]. Imports nothing else from the crate.

pub mod read;
pub mod write;

pub use read::{ReadError, read_regular, read_regular_text};
pub use write::{check_target, write_new_whole, write_whole, write_whole_with};
