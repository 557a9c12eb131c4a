//! `cargo test` (and `cargo insta test`) run the shipped suites through the
//! same entry point as `cargo run -- suites/`: a harness=false test target
//! whose arguments are gatecheck's (libtest-compatible) options.

fn main() -> std::process::ExitCode {
    gatecheck::command::main()
}
