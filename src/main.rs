fn main() -> std::process::ExitCode {
    // SAFETY: the first statement of `main`: no other thread exists yet, so
    // the environment write inside cannot race a read.
    unsafe { gatecheck::check::snapshot::quiet_insta_output() };
    gatecheck::command::main()
}
