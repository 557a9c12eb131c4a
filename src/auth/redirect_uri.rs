//! Whether a redirect reached the redirect_uri.

use reqwest::Url;

/// True when `target` is the redirect_uri: the same scheme, host, port (a
/// default port written or not) and path; the query and fragment may
/// differ. Compared part by part, so that custom schemes of native apps
/// (`com.example.app:/callback`, whose origins are opaque) work too.
pub fn is_redirect_uri(target: &Url, redirect_uri: &Url) -> bool {
    target.scheme() == redirect_uri.scheme()
        && target.host() == redirect_uri.host()
        && target.port_or_known_default() == redirect_uri.port_or_known_default()
        && target.path() == redirect_uri.path()
}
