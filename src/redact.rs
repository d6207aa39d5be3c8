//! Database URLs safe to print: the banner, logs and start-up errors show them with
//! every password replaced by `***`.

/// The URL with any password replaced by `***`, safe for logs and error messages: the
/// user-info's (`postgres://app:secret@db/crm`) and a `password=` (or `sslpassword=`)
/// query parameter's, which sqlx also accepts. A URL that does not parse keeps only
/// its scheme.
pub fn redact_url(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
        return format!("{scheme}:***");
    };
    if parsed.password().is_some() {
        // Only fails for URLs that cannot have a user-info part, which this one has.
        let _ = parsed.set_password(Some("***"));
    }
    if let Some(query) = parsed.query() {
        let query = redact_query(query);
        parsed.set_query(Some(&query));
    }
    parsed.into()
}

/// The raw query with the value of every parameter named `*password` replaced by
/// `***`; the other parameters are kept as written.
fn redact_query(query: &str) -> String {
    let redacted = query.split('&').map(|pair| {
        let key = form_urlencoded::parse(pair.as_bytes()).next();
        match key {
            Some((key, _)) if key.ends_with("password") => {
                let raw_key = pair.split_once('=').map_or(pair, |(raw, _)| raw);
                format!("{raw_key}=***")
            }
            _ => pair.to_owned(),
        }
    });
    redacted.collect::<Vec<_>>().join("&")
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_never_appear_in_redacted_urls() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/crm"),
            "postgres://app:***@db:5432/crm"
        );
        assert_eq!(redact_url("postgres://app@db/crm"), "postgres://app@db/crm");
        assert_eq!(redact_url("sqlite://crm.db"), "sqlite://crm.db");
        assert_eq!(redact_url("sqlite::memory:"), "sqlite::memory:");
    }

    #[test]
    fn a_password_parameter_is_redacted_and_the_others_kept_as_written() {
        assert_eq!(
            redact_url(
                "postgres://app@db/crm?sslmode=verify-full&password=s3cret&sslrootcert=/etc/ca.pem"
            ),
            "postgres://app@db/crm?sslmode=verify-full&password=***&sslrootcert=/etc/ca.pem"
        );
        assert_eq!(
            redact_url("postgres://app:a%40b@db/crm?sslpassword=k3y"),
            "postgres://app:***@db/crm?sslpassword=***"
        );
    }

    #[test]
    fn an_unparsable_url_keeps_only_its_scheme() {
        assert_eq!(redact_url("postgres://app:s3cret@[db/crm"), "postgres:***");
    }
}
