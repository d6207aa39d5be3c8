//! The coverage command's request: the report's URL made a [`crate::http::client`]
//! `GET`.

use std::time::Duration;

use crate::http::client::{self, Answer};

/// `GET url` (`http://` only), with `Authorization: Bearer token` when given; a
/// one-line reason when the server cannot be reached or the answer cannot be read.
pub fn get(url: &url::Url, token: Option<&str>) -> Result<Answer, String> {
    if url.scheme() != "http" {
        return Err(format!(
            "{url}: only http:// URLs are supported (the emulator's --bind address)"
        ));
    }
    let host = url.host_str().ok_or_else(|| format!("{url}: no host"))?;
    let port = url.port_or_known_default().unwrap_or(80);
    let addr = url
        .socket_addrs(|| Some(80))
        .map_err(|e| format!("cannot resolve {host}: {e}"))?
        .into_iter()
        .next()
        .ok_or_else(|| format!("cannot resolve {host}"))?;
    let target = match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    };
    let authorization =
        token.map_or_else(String::new, |t| format!("Authorization: Bearer {t}\r\n"));
    let headers = format!("Accept: application/json\r\n{authorization}");
    let host = format!("{host}:{port}");
    client::get(addr, &host, &target, &headers, Duration::from_secs(30))
}
