fn main() -> std::process::ExitCode {
    gatecheck::command::main()
}
