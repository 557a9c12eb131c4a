//! TLS for gatecheck's clients: what reqwest sets up by default (rustls,
//! the platform's verifier with the system's root certificates, h2 and
//! http/1.1 by ALPN), except that the root certificates are read the first
//! time a server's certificate is verified, not when the client is built.
//! A run against plain-http URLs never reads them (reading and parsing the
//! system store was most of a one-request run's start-up).

use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use rustls_platform_verifier::Verifier;

/// A rustls client configuration that verifies servers with the system's
/// roots plus `extra_roots` (a fixture's `ca_cert`), loaded on first use.
pub fn client_config(
    extra_roots: Vec<CertificateDer<'static>>,
) -> Result<rustls::ClientConfig, String> {
    let provider = provider();
    let verifier = LazyVerifier::new(extra_roots, provider.clone());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("invalid TLS settings: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// The process's installed provider if any, else aws-lc-rs (reqwest's choice).
fn provider() -> Arc<CryptoProvider> {
    CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
}

/// The platform verifier, built (and the roots read) on the first
/// certificate to verify. Signatures need no roots: they are checked with
/// the provider's algorithms, as the platform verifier does.
#[derive(Debug)]
pub struct LazyVerifier {
    extra_roots: Vec<CertificateDer<'static>>,
    provider: Arc<CryptoProvider>,
    verifier: OnceLock<Result<Verifier, rustls::Error>>,
}

impl LazyVerifier {
    pub fn new(extra_roots: Vec<CertificateDer<'static>>, provider: Arc<CryptoProvider>) -> Self {
        Self {
            extra_roots,
            provider,
            verifier: OnceLock::new(),
        }
    }

    /// Whether the roots have been read (for tests).
    pub fn loaded(&self) -> bool {
        self.verifier.get().is_some()
    }

    fn verifier(&self) -> Result<&Verifier, rustls::Error> {
        self.verifier
            .get_or_init(|| {
                Verifier::new_with_extra_roots(
                    self.extra_roots.iter().cloned(),
                    self.provider.clone(),
                )
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

impl ServerCertVerifier for LazyVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.verifier()?.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algorithms = &self.provider.signature_verification_algorithms;
        verify_tls12_signature(message, cert, dss, algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algorithms = &self.provider.signature_verification_algorithms;
        verify_tls13_signature(message, cert, dss, algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn building_a_config_reads_no_roots() {
        let verifier = LazyVerifier::new(Vec::new(), provider());
        assert!(!verifier.loaded());
        assert!(!verifier.supported_verify_schemes().is_empty());
        assert!(!verifier.loaded(), "the schemes need no roots");
    }

    /// A CA and a `localhost` certificate it signed.
    fn chain() -> (CertificateDer<'static>, CertificateDer<'static>) {
        use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_key = KeyPair::generate().unwrap();
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca, ca_key);
        let leaf = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
        let leaf = leaf
            .signed_by(&KeyPair::generate().unwrap(), &issuer)
            .unwrap();
        (ca_cert.der().clone(), leaf.der().clone())
    }

    #[test]
    fn certificates_are_verified_against_the_roots_read_on_first_use() {
        let (ca, leaf) = chain();
        let name = ServerName::try_from("localhost").unwrap();
        let now = UnixTime::now();
        let strict = LazyVerifier::new(Vec::new(), provider());
        let refused = strict.verify_server_cert(&leaf, &[], &name, &[], now);
        assert!(
            matches!(
                refused,
                Err(rustls::Error::InvalidCertificate(
                    rustls::CertificateError::UnknownIssuer
                ))
            ),
            "{refused:?}"
        );
        assert!(strict.loaded());
        let trusting = LazyVerifier::new(vec![ca], provider());
        assert!(!trusting.loaded());
        trusting
            .verify_server_cert(&leaf, &[], &name, &[], now)
            .expect("signed by an extra root");
        let other = ServerName::try_from("example.com").unwrap();
        let wrong_name = trusting.verify_server_cert(&leaf, &[], &other, &[], now);
        assert!(wrong_name.is_err(), "the host name is still checked");
    }
}
