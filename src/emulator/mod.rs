//! TEMPORARY stub until the emulator branch lands.
pub struct EmulatorConfig;
impl EmulatorConfig {
    pub fn builtin() -> Self {
        EmulatorConfig
    }
}
pub struct Emulator;
impl Emulator {
    pub async fn start(_c: EmulatorConfig) -> std::io::Result<Emulator> {
        Ok(Emulator)
    }
    pub fn okta_url(&self) -> &str {
        "http://127.0.0.1:1"
    }
    pub fn api_url(&self) -> &str {
        "http://127.0.0.1:1"
    }
}
impl EmulatorConfig {
    pub fn from_yaml(_t: &str) -> Result<Self, String> {
        Ok(EmulatorConfig)
    }
}
pub async fn run_standalone(
    _c: EmulatorConfig,
    _p: u16,
    _a: u16,
    _o: &mut (dyn std::io::Write + Send),
) -> std::io::Result<()> {
    Ok(())
}
