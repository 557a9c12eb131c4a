//! Single-key answers on a terminal: the terminal is put in non-canonical
//! mode without echo (a key is read as soon as it is pressed, no Enter)
//! and restored when the review ends. Ctrl-C and Ctrl-D quit.

use std::io::{Read as _, Write};

use super::prompt::Answers;

/// The terminal on standard input, answering one key at a time.
pub struct Keys {
    #[cfg(unix)]
    saved: libc::termios,
}

impl Keys {
    /// `None` when standard input is not a terminal (or cannot be set).
    #[cfg(unix)]
    pub fn new() -> Option<Self> {
        use std::io::IsTerminal as _;
        if !std::io::stdin().is_terminal() {
            return None;
        }
        // SAFETY: termios is plain data; tcgetattr fills it for fd 0.
        let mut saved: libc::termios = unsafe { std::mem::zeroed() };
        if unsafe { libc::tcgetattr(0, &mut saved) } != 0 {
            return None;
        }
        let mut raw = saved;
        // ISIG off too: Ctrl-C arrives as a key (and quits), so the
        // terminal is always restored.
        raw.c_lflag &= !(libc::ICANON | libc::ECHO | libc::ISIG);
        raw.c_cc[libc::VMIN] = 1;
        raw.c_cc[libc::VTIME] = 0;
        // SAFETY: fd 0 is a terminal; `raw` is a valid termios.
        if unsafe { libc::tcsetattr(0, libc::TCSANOW, &raw) } != 0 {
            return None;
        }
        Some(Self { saved })
    }

    #[cfg(not(unix))]
    pub fn new() -> Option<Self> {
        None
    }
}

#[cfg(unix)]
impl Drop for Keys {
    fn drop(&mut self) {
        // SAFETY: restores the settings read in `new`.
        unsafe { libc::tcsetattr(0, libc::TCSANOW, &self.saved) };
    }
}

impl Answers for Keys {
    fn next(&mut self, out: &mut dyn Write) -> Result<Option<String>, String> {
        let mut key = [0u8; 1];
        let read = std::io::stdin()
            .lock()
            .read(&mut key)
            .map_err(|e| format!("failed to read the answer: {e}"))?;
        let answer = match key[0] {
            _ if read == 0 => return Ok(None),
            // Ctrl-C, Ctrl-D, Escape.
            3 | 4 | 27 => "q".to_owned(),
            b'\r' | b'\n' => String::new(),
            k => char::from(k).to_string(),
        };
        // The key pressed, shown (echo is off).
        let _ = writeln!(out, "{answer}");
        Ok(Some(answer))
    }

    fn how(&self) -> &'static str {
        "press a, r, s or q"
    }
}
