//! `cargo test` (and `cargo insta test`) run the shipped suites through the
//! same entry point as `cargo run -- suites/`: a harness=false test target
//! whose arguments are gatecheck's (libtest-compatible) options.

fn main() -> std::process::ExitCode {
    // SAFETY: the first statement of `main`: no other thread exists yet, so
    // the environment write inside cannot race a read.
    unsafe { gatecheck::check::snapshot::quiet_insta_output() };
    gatecheck::command::main()
}
