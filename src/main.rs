/// Loading a large project is mostly many small allocations and frees:
/// mimalloc does them in less time and memory than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // SAFETY: the first statement of `main`: no other thread exists yet, so
    // the environment write inside cannot race a read.
    unsafe { gatecheck::check::snapshot::quiet_insta_output() };
    gatecheck::command::main()
}
