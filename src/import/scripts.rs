//! Postman test scripts -> expectations and captures. The script is parsed
//! (see [`js`](super::js)) and walked statement by statement by
//! [`script_reader`](super::script_reader), following the data: locals
//! bound to parts of the response, helper functions and callbacks
//! ([`script_calls`](super::script_calls)), loops over a list of the body
//! and conditions ([`script_flow`](super::script_flow): a guard on a
//! Postman variable keeps its checks, noted; a condition on the response
//! makes them conditional, so they are not converted), variables set and
//! requests sent ([`script_vars`](super::script_vars)). Each assertion is
//! read by [`chai`](super::chai) and counted by
//! [`script_outcome`](super::script_outcome). Pure; whatever is not
//! converted is returned with its line number and the idiom that stopped it.

use oxc_allocator::Allocator;

use super::js;
use super::script_reader::{Ctx, Reader};

pub use super::checks::{Checks, Sent, Unconverted, is_assertion_line};

/// Reads a test script (its lines as exported).
pub fn read(lines: &[String]) -> Checks {
    let source = lines.join("\n");
    if source.len() > MAX_SCRIPT {
        return Reader::new(&source).finish(Some("the script is too long to read (over 64 KiB)"));
    }
    // The parser and the reader recurse over the script's nesting: a
    // thread of its own with a stack that 64 KiB of nesting cannot exhaust.
    let read = std::thread::scope(|s| {
        std::thread::Builder::new()
            .name("postman-script".into())
            .stack_size(SCRIPT_STACK)
            .spawn_scoped(s, || read_source(&source))
            .ok()
            .and_then(|h| h.join().ok())
    });
    read.unwrap_or_else(|| Reader::new(&source).finish(Some("the script could not be read")))
}

/// Longest script read, and the stack its reading gets (about 2 KiB per
/// level of nesting, a level per two bytes at most).
const MAX_SCRIPT: usize = 64 * 1024;
const SCRIPT_STACK: usize = 512 * 1024 * 1024;

fn read_source(source: &str) -> Checks {
    let alloc = Allocator::default();
    let mut reader = Reader::new(source);
    match js::parse(&alloc, source) {
        Ok(program) => {
            reader.scope.push();
            reader.hoist(&program.body);
            reader.block(&program.body, &Ctx::default());
            reader.finish(None)
        }
        Err(_) => reader.finish(Some("the script does not parse")),
    }
}

#[cfg(test)]
#[path = "scripts_tests.rs"]
mod tests;
