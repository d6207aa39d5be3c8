//! HTTPS beside HTTP (`--tls-bind`, docs/running.md#https): the certificate the HTTPS
//! listener presents and the rustls configuration around it, offering HTTP/2 and
//! HTTP/1.1 by ALPN.
//!
//! The certificate is either the user's (`--tls-cert`, `--tls-key`) or one signed at
//! every start by a local CA that the emulator makes once and keeps in `--tls-dir`, so
//! that a client told to trust `ca.pem` keeps trusting the emulator across restarts,
//! whatever names `--tls-hostname` adds. rustls on ring, the provider sqlx's own TLS
//! uses; rcgen makes the certificates.

use std::{
    collections::BTreeSet,
    fs, io,
    path::{Path, PathBuf},
    sync::Arc,
};

use chrono::{DateTime, Datelike, Months, NaiveDate};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, PublicKeyData,
};
use tokio_rustls::rustls::{
    self,
    pki_types::{pem::PemObject, CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName},
    ServerConfig,
};

use crate::config::Config;

/// The local CA's certificate, the file clients are told to trust.
pub const CA_FILE: &str = "ca.pem";
/// The local CA's private key, readable by its owner only.
pub const CA_KEY_FILE: &str = "ca-key.pem";
/// The local CA's name. It must never change: a CA kept from an earlier start is
/// signed with again by its key and this name (rcgen reads no certificate back).
const CA_NAME: &str = "crm-emulator local CA";
/// The names every certificate of the local CA is valid for.
const LOOPBACK_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// What the HTTPS listener needs.
#[derive(Debug)]
pub struct Tls {
    /// The rustls server configuration, offering `h2` and `http/1.1`.
    pub server: Arc<ServerConfig>,
    /// The local CA's certificate, which clients trust; `None` with `--tls-cert`.
    pub ca: Option<PathBuf>,
}

/// Why HTTPS could not be set up; each message names the file or flag at fault.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read {}: {source}", .path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("cannot write {}: {source}", .path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error("{}: {reason}", .path.display())]
    Invalid { path: PathBuf, reason: String },
    #[error("--tls-hostname {0:?} is neither a DNS name nor an IP address")]
    Hostname(String),
    #[error(
        "{} holds {present} but not {missing}: remove the folder (clients must then trust \
         the new {CA_FILE}) or restore the file", .dir.display()
    )]
    HalfCa {
        dir: PathBuf,
        present: &'static str,
        missing: &'static str,
    },
    #[error("cannot make a certificate: {0}")]
    Certificate(#[from] rcgen::Error),
    #[error("the TLS certificate or key is not usable: {0}")]
    Rustls(#[from] rustls::Error),
}

impl Tls {
    /// The user's certificate, or the local CA's (made on first use) and a server
    /// certificate signed by it; `now` is the real time, in seconds since the epoch.
    pub fn from_config(config: &Config, now: i64) -> Result<Tls, TlsError> {
        if let (Some(cert), Some(key)) = (&config.tls_cert, &config.tls_key) {
            let chain = CertificateDer::pem_file_iter(cert)
                .and_then(Iterator::collect::<Result<Vec<_>, _>>)
                .map_err(|e| invalid(cert, e))?;
            let key = PrivateKeyDer::from_pem_file(key).map_err(|e| invalid(key, e))?;
            return Ok(Tls {
                server: server_config(chain, key)?,
                ca: None,
            });
        }
        let names = names(&config.tls_hostname)?;
        let dir = config.tls_dir();
        let (issuer, ca) = local_ca(&dir, now)?;
        let (chain, key) = server_certificate(&issuer, names, now)?;
        Ok(Tls {
            server: server_config(chain, key)?,
            ca: Some(ca),
        })
    }
}

/// The loopback names and `extra`, each checked, without repeats.
fn names(extra: &[String]) -> Result<Vec<String>, TlsError> {
    let mut names: BTreeSet<String> = LOOPBACK_NAMES.iter().map(|n| n.to_string()).collect();
    for name in extra {
        ServerName::try_from(name.as_str()).map_err(|_| TlsError::Hostname(name.clone()))?;
        names.insert(name.to_ascii_lowercase());
    }
    Ok(names.into_iter().collect())
}

fn server_config(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<Arc<ServerConfig>, TlsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, key)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// The local CA in `dir`: loaded when both its files are there, made and written when
/// neither is. Returns the issuer and the path of its certificate.
fn local_ca(dir: &Path, now: i64) -> Result<(Issuer<'static, KeyPair>, PathBuf), TlsError> {
    let (cert_path, key_path) = (dir.join(CA_FILE), dir.join(CA_KEY_FILE));
    match (cert_path.exists(), key_path.exists()) {
        (true, true) => {
            let key_pem = fs::read_to_string(&key_path).map_err(|source| TlsError::Read {
                path: key_path.clone(),
                source,
            })?;
            let key = KeyPair::from_pem(&key_pem).map_err(|e| invalid(&key_path, e))?;
            let cert =
                CertificateDer::from_pem_file(&cert_path).map_err(|e| invalid(&cert_path, e))?;
            let spki = key.subject_public_key_info();
            if !cert.windows(spki.len()).any(|part| part == spki) {
                let reason = format!("is not the certificate of the key in {CA_KEY_FILE}");
                return Err(invalid(&cert_path, reason));
            }
            Ok((Issuer::new(ca_params(now), key), cert_path))
        }
        (false, false) => {
            let key = KeyPair::generate()?;
            let params = ca_params(now);
            let cert = params.self_signed(&key)?;
            fs::create_dir_all(dir).map_err(|source| TlsError::Write {
                path: dir.to_owned(),
                source,
            })?;
            write_new(&key_path, &key.serialize_pem(), true)?;
            write_new(&cert_path, &cert.pem(), false)?;
            tracing::info!(ca = %cert_path.display(), "made a local CA for HTTPS");
            Ok((Issuer::new(params, key), cert_path))
        }
        (present, _) => {
            let (present, missing) = match present {
                true => (CA_FILE, CA_KEY_FILE),
                false => (CA_KEY_FILE, CA_FILE),
            };
            Err(TlsError::HalfCa {
                dir: dir.to_owned(),
                present,
                missing,
            })
        }
    }
}

/// The local CA's parameters: a CA for server certificates only, valid for ten years
/// from the day before `now`.
fn ca_params(now: i64) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name.remove(DnType::CommonName);
    params.distinguished_name.push(DnType::CommonName, CA_NAME);
    params
        .distinguished_name
        .push(DnType::OrganizationName, "crm-emulator");
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    set_validity(&mut params, now, 120);
    params
}

/// A server certificate for `names`, signed by `issuer`, with a fresh key: valid for
/// 397 days (the most some clients accept) from the day before `now`.
fn server_certificate(
    issuer: &Issuer<'static, KeyPair>,
    names: Vec<String>,
    now: i64,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), TlsError> {
    let mut params = CertificateParams::new(names)?;
    params.distinguished_name.remove(DnType::CommonName);
    params
        .distinguished_name
        .push(DnType::CommonName, "crm-emulator");
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.use_authority_key_identifier_extension = true;
    set_validity(&mut params, now, 13);
    let key = KeyPair::generate()?;
    let cert = params.signed_by(&key, issuer)?;
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    Ok((vec![cert.der().clone()], key))
}

/// Valid from the day before `now` (a client's clock may lag) to `months` later.
fn set_validity(params: &mut CertificateParams, now: i64, months: u32) {
    let today = DateTime::from_timestamp(now, 0)
        .unwrap_or_default()
        .date_naive();
    let from = today.pred_opt().unwrap_or(today);
    let until = from.checked_add_months(Months::new(months)).unwrap_or(from);
    let day = |d: NaiveDate| rcgen::date_time_ymd(d.year(), d.month() as u8, d.day() as u8);
    (params.not_before, params.not_after) = (day(from), day(until));
}

/// Writes `contents` to `path` through a temporary file renamed into place, so that a
/// reader never sees half a file; `private` files are readable by their owner only.
fn write_new(path: &Path, contents: &str, private: bool) -> Result<(), TlsError> {
    let failed = |source| TlsError::Write {
        path: path.to_owned(),
        source,
    };
    let temporary = path.with_extension(format!("tmp{}", std::process::id()));
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if private {
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut file = options.open(&temporary).map_err(failed)?;
    io::Write::write_all(&mut file, contents.as_bytes()).map_err(failed)?;
    fs::rename(&temporary, path).map_err(failed)
}

fn invalid(path: &Path, reason: impl ToString) -> TlsError {
    TlsError::Invalid {
        path: path.to_owned(),
        reason: reason.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_certificate_names_loopback_and_each_valid_hostname_once() {
        let extra = [
            "oapi.dingtalk.com".to_owned(),
            "OAPI.dingtalk.com".to_owned(),
            "10.0.0.2".to_owned(),
        ];
        assert_eq!(
            names(&extra).unwrap(),
            [
                "10.0.0.2",
                "127.0.0.1",
                "::1",
                "localhost",
                "oapi.dingtalk.com"
            ]
        );
        let bad = ["not a host".to_owned()];
        assert!(matches!(names(&bad), Err(TlsError::Hostname(name)) if name == "not a host"));
    }

    /// A configuration whose local CA is kept in `dir`, and the CA made there.
    fn made_in(dir: &Path) -> Config {
        let mut config = Config::for_tests("sqlite::memory:");
        config.tls_dir = Some(dir.to_owned());
        Tls::from_config(&config, 1_800_000_000).unwrap();
        config
    }

    #[test]
    fn half_a_kept_ca_is_refused_naming_the_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let config = made_in(dir.path());
        fs::remove_file(dir.path().join(CA_KEY_FILE)).unwrap();
        let err = Tls::from_config(&config, 1_800_000_000)
            .unwrap_err()
            .to_string();
        assert!(err.contains("holds ca.pem but not ca-key.pem"), "{err}");
    }

    #[test]
    fn a_kept_ca_whose_key_was_swapped_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let config = made_in(dir.path());
        let other = KeyPair::generate().unwrap().serialize_pem();
        fs::write(dir.path().join(CA_KEY_FILE), other).unwrap();
        let err = Tls::from_config(&config, 1_800_000_000)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("is not the certificate of the key in ca-key.pem"),
            "{err}"
        );
    }
}
