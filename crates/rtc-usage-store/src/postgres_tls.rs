//! TLS to the PostgreSQL server, as libpq's URL parameters ask it: `sslmode=disable`,
//! `prefer` (the default: TLS when the server offers it), `require`, `verify-ca` and
//! `verify-full`; `sslrootcert=PATH` for a server whose certificate a private CA signed
//! (a managed database's own CA, a team's), else the Mozilla roots (`webpki-roots`).
//!
//! Stricter than libpq in one way, on purpose: whenever TLS is used, the certificate is
//! verified, chain and host name, as `verify-full` does (rustls has no unverified mode, and a
//! history shared over a network should not be readable or writable by whoever sits in the
//! middle). `verify-ca` and `verify-full` are therefore `require` to tokio-postgres.

use std::path::PathBuf;
use std::sync::Arc;

use rustls::RootCertStore;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use tokio_postgres_rustls::MakeRustlsConnect;

/// The connection string for tokio-postgres (the URL without the parameters it does not
/// read) and where the trusted roots come from.
#[derive(Debug)]
pub(crate) struct TlsSettings {
    pub url: String,
    pub root_cert: Option<PathBuf>,
}

/// Reads `sslrootcert` out of `url` and maps libpq's `verify-ca`/`verify-full` to
/// `require`; an `sslrootcert` beside `sslmode=disable` is refused, as it can only be a
/// mistake. The error is the reason, for [`crate::StoreError::InvalidLocation`].
pub(crate) fn settings(url: &str) -> Result<TlsSettings, String> {
    let mut parsed = url::Url::parse(url).map_err(|e| format!("not a URL: {e}"))?;
    let mut root_cert = None;
    let mut disabled = false;
    let mut kept: Vec<(String, String)> = Vec::new();
    for (key, value) in parsed.query_pairs() {
        match (key.as_ref(), value.as_ref()) {
            ("sslrootcert", "") => {
                return Err("sslrootcert is empty: name a PEM file of CA certificates".into());
            }
            ("sslrootcert", path) => root_cert = Some(PathBuf::from(path)),
            ("sslmode", "verify-ca" | "verify-full") => {
                kept.push(("sslmode".into(), "require".into()));
            }
            ("sslmode", mode) => {
                disabled = mode == "disable";
                kept.push(("sslmode".into(), mode.into()));
            }
            (key, value) => kept.push((key.into(), value.into())),
        }
    }
    if disabled && root_cert.is_some() {
        return Err("sslrootcert with sslmode=disable: drop one of them".into());
    }
    if kept.is_empty() {
        parsed.set_query(None);
    } else {
        parsed.query_pairs_mut().clear().extend_pairs(&kept);
    }
    Ok(TlsSettings {
        url: parsed.into(),
        root_cert,
    })
}

/// The TLS connector: certificates verified against `root_cert`'s CAs, or the Mozilla roots.
pub(crate) fn connector(root_cert: Option<&PathBuf>) -> Result<MakeRustlsConnect, String> {
    let mut roots = RootCertStore::empty();
    match root_cert {
        Some(path) => {
            let shown = path.display();
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|e| format!("sslrootcert {shown}: {e}"))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("sslrootcert {shown}: {e}"))?;
            let (added, _) = roots.add_parsable_certificates(certs);
            if added == 0 {
                return Err(format!(
                    "sslrootcert {shown}: no CA certificate in it (a PEM file of BEGIN CERTIFICATE blocks)"
                ));
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libpq_parameters_become_tokio_postgres_ones() {
        let s = settings("postgres://me@db.example/usage?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&application_name=x").unwrap();
        assert_eq!(s.root_cert, Some(PathBuf::from("/etc/ca.pem")));
        assert_eq!(
            s.url,
            "postgres://me@db.example/usage?sslmode=require&application_name=x"
        );
        let plain = settings("postgres://me@db.example/usage?sslrootcert=ca.pem").unwrap();
        assert_eq!(plain.url, "postgres://me@db.example/usage");
        assert_eq!(
            settings("postgres://me@db.example/usage").unwrap().url,
            "postgres://me@db.example/usage"
        );
        for bad in [
            "postgres://me@db.example/usage?sslrootcert=",
            "postgres://me@db.example/usage?sslmode=disable&sslrootcert=ca.pem",
        ] {
            assert!(settings(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_root_file_without_certificates_is_refused_naming_it() {
        let dir = std::env::temp_dir().join(format!("rtcu-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let empty = dir.join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let err = connector(Some(&empty)).err().expect("refused");
        assert!(
            err.contains("empty.pem") && err.contains("no CA certificate"),
            "{err}"
        );
        let missing = dir.join("missing.pem");
        let err = connector(Some(&missing)).err().expect("refused");
        assert!(err.contains("missing.pem"), "{err}");
        assert!(connector(None).is_ok(), "the Mozilla roots");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
