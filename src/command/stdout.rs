//! Standard output that survives its reader going away. libtest-mimic
//! writes the test lines with `unwrap()`, and `println!` panics too: into
//! a closed pipe (`gatecheck | head -1`) or a full device that ends the
//! process (exit 101) before the reports are written. While a command
//! runs, file descriptor 1 is a pipe of our own; a thread copies it to the
//! real output and, once that fails, keeps reading and drops the rest. The
//! run goes on, writes its reports and exits 0 or 1 as usual. A terminal
//! is left as it is (it keeps its colours and never closes like a pipe).

/// Restores the real standard output on drop, after the copy is done.
pub struct Tolerant {
    #[cfg(unix)]
    inner: Option<unix::Forwarder>,
}

/// Puts the pipe in place when standard output is not a terminal.
pub fn tolerate_closed_stdout() -> Tolerant {
    use std::io::IsTerminal as _;
    if std::io::stdout().is_terminal() {
        return Tolerant {
            #[cfg(unix)]
            inner: None,
        };
    }
    Tolerant {
        #[cfg(unix)]
        inner: unix::Forwarder::start(),
    }
}

#[cfg(unix)]
impl Drop for Tolerant {
    fn drop(&mut self) {
        if let Some(forwarder) = self.inner.take() {
            forwarder.stop();
        }
    }
}

#[cfg(unix)]
mod unix {
    use std::fs::File;
    use std::io::{Read as _, Write as _};
    use std::os::fd::{FromRawFd as _, RawFd};
    use std::thread::JoinHandle;

    const STDOUT: RawFd = 1;

    pub struct Forwarder {
        /// The real standard output, kept to be put back.
        saved: RawFd,
        thread: JoinHandle<()>,
    }

    impl Forwarder {
        pub fn start() -> Option<Self> {
            let mut fds = [0; 2];
            // SAFETY: plain descriptor calls on descriptors this function
            // owns; every failure is checked and undone.
            unsafe {
                if libc::pipe(fds.as_mut_ptr()) != 0 {
                    return None;
                }
                let [read, write] = fds;
                for fd in fds {
                    libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
                }
                let saved = libc::fcntl(STDOUT, libc::F_DUPFD_CLOEXEC, 3);
                let copy = libc::fcntl(STDOUT, libc::F_DUPFD_CLOEXEC, 3);
                if saved < 0 || copy < 0 {
                    for fd in [read, write, saved, copy] {
                        if fd >= 0 {
                            libc::close(fd);
                        }
                    }
                    return None;
                }
                let _ = std::io::stdout().flush();
                libc::dup2(write, STDOUT);
                libc::close(write);
                let source = File::from_raw_fd(read);
                let sink = File::from_raw_fd(copy);
                let thread = std::thread::spawn(move || forward(source, sink));
                Some(Self { saved, thread })
            }
        }

        /// Puts the real output back; the pipe's last writer closes, so the
        /// copy ends once it has passed on everything.
        pub fn stop(self) {
            let _ = std::io::stdout().flush();
            // SAFETY: `saved` is the descriptor this value owns.
            unsafe {
                libc::dup2(self.saved, STDOUT);
                libc::close(self.saved);
            }
            let _ = self.thread.join();
        }
    }

    /// Copies `source` to `sink` until the end; after the first failed
    /// write the rest is read and dropped.
    fn forward(mut source: File, mut sink: File) {
        let mut buffer = [0u8; 8192];
        let mut open = true;
        loop {
            match source.read(&mut buffer) {
                Ok(0) => return,
                Ok(n) if open => open = sink.write_all(&buffer[..n]).is_ok(),
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return,
            }
        }
    }
}
