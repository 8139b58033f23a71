//! The server's address as a person or a camera gives it: typed into the apps' settings, or read
//! from the QR code on the entrance poster (which opens the patient page, so it carries the
//! server's address and perhaps a query or a page path behind a reverse proxy).

use reqwest::Url;

use super::ClientError;

/// The base address every API path is joined to: `http` or `https`, no credentials, no query or
/// fragment, ending in `/`. Without a scheme, a LAN address (an IP address, a name without a
/// dot, or a `.local` name, as a clinic's box on its own Wi-Fi is reached) gets `http://`;
/// any other name gets `https://`, as a hospital's public server is served.
pub fn server_address(text: &str) -> Result<Url, ClientError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ClientError::Config("the server address is empty".into()));
    }
    let with_scheme = if text.contains("://") || has_other_scheme(text) {
        text.to_owned()
    } else {
        format!("{}://{text}", default_scheme(text))
    };
    let mut url = Url::parse(&with_scheme)
        .map_err(|e| ClientError::Config(format!("server address {text:?}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
        return Err(ClientError::Config(format!(
            "server address {text:?} must start with http:// or https://"
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(ClientError::Config(format!(
            "server address {text:?} names no host"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ClientError::Config(format!(
            "server address {text:?} must not carry a user name or password"
        )));
    }
    url.set_query(None);
    url.set_fragment(None);
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// `mailto:…`, `tel:…`: a scheme without `//`, which must not be read as a host and port
/// (`klinik-box:8080`).
fn has_other_scheme(text: &str) -> bool {
    text.split_once(':').is_some_and(|(before, after)| {
        !before.is_empty()
            && before
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-')
            && !after.starts_with(|c: char| c.is_ascii_digit())
    })
}

fn default_scheme(text: &str) -> &'static str {
    // The host is what comes before the first '/', without a port (an IPv6 literal keeps its
    // brackets, and its colons are not a port).
    let authority = text.split('/').next().unwrap_or_default();
    let host = if authority.starts_with('[') {
        return "http";
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    let lan = host.parse::<std::net::Ipv4Addr>().is_ok()
        || !host.contains('.')
        || host.to_ascii_lowercase().ends_with(".local");
    if lan { "http" } else { "https" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(text: &str) -> String {
        server_address(text).unwrap().to_string()
    }

    #[test]
    fn a_poster_link_becomes_the_server_base() {
        assert_eq!(
            address("https://antrean.rsud.example/?utm=poster#top"),
            "https://antrean.rsud.example/"
        );
        assert_eq!(
            address("  http://192.168.1.10:8080  "),
            "http://192.168.1.10:8080/"
        );
        // Behind a reverse proxy under a path, the path is the base.
        assert_eq!(
            address("https://rs.example/antrean"),
            "https://rs.example/antrean/"
        );
    }

    #[test]
    fn a_typed_address_without_scheme_gets_the_likely_one() {
        assert_eq!(address("192.168.1.10:8080"), "http://192.168.1.10:8080/");
        assert_eq!(address("klinik-box:8080"), "http://klinik-box:8080/");
        assert_eq!(address("giliran.local"), "http://giliran.local/");
        assert_eq!(address("[fd00::5]:8080"), "http://[fd00::5]:8080/");
        assert_eq!(
            address("antrean.rsud.example"),
            "https://antrean.rsud.example/"
        );
    }

    #[test]
    fn unusable_addresses_are_refused_with_a_reason() {
        for (text, says) in [
            ("", "empty"),
            ("   ", "empty"),
            ("ftp://rs.example", "http:// or https://"),
            ("mailto:rs@example.org", "http:// or https://"),
            ("tel:+62211234567", "http:// or https://"),
            ("https://user:secret@rs.example", "user name or password"),
            ("http://", "server address"),
            ("http://exa mple.org", "server address"),
        ] {
            let err = server_address(text).unwrap_err().to_string();
            assert!(err.contains(says), "{text:?} gave {err:?}");
        }
    }
}
