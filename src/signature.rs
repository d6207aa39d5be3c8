//! Request signatures of the OpenAPI surface (`docs/openapi.md#authentication`): the HMAC
//! the surface checks and `crm-emulator sign` computes, a leaf both import.
//!
//! The vendor document's examples show one signature for different paths and bodies that
//! share appid, nonce and timestamp, so the signature covers exactly those three header
//! values, concatenated as sent:
//!
//! ```text
//! signature = Base64(HMAC-SHA256(key = secret, message = appid + nonce + timestamp))
//! ```

use base64::{engine::general_purpose::STANDARD, Engine};
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The message that is signed: the three header values, concatenated.
pub fn string_to_sign(appid: &str, nonce: &str, timestamp: &str) -> String {
    let mut message = String::with_capacity(appid.len() + nonce.len() + timestamp.len());
    message.push_str(appid);
    message.push_str(nonce);
    message.push_str(timestamp);
    message
}

fn mac(secret: &str, appid: &str, nonce: &str, timestamp: &str) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(appid.as_bytes());
    mac.update(nonce.as_bytes());
    mac.update(timestamp.as_bytes());
    mac
}

/// The signature a client should send: standard Base64 with padding.
pub fn sign(secret: &str, appid: &str, nonce: &str, timestamp: &str) -> String {
    STANDARD.encode(mac(secret, appid, nonce, timestamp).finalize().into_bytes())
}

/// Whether `signature` is right for these values. The comparison is constant-time
/// (`hmac`'s `verify_slice`); a value that is not Base64 is simply wrong.
pub fn verify(secret: &str, appid: &str, nonce: &str, timestamp: &str, signature: &str) -> bool {
    let Ok(given) = STANDARD.decode(signature.trim()) else {
        return false;
    };
    mac(secret, appid, nonce, timestamp)
        .verify_slice(&given)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_base64_hmac_sha256_of_the_concatenation() {
        // Independently computed: printf '%s' '10901234561687792901' |
        //   openssl dgst -sha256 -hmac emulator-secret -binary | base64
        let expected = "m6eyk68cAHHxAzVVjhk6diewO1tl6Sl/fltf21jfsyg=";
        assert_eq!(
            sign("emulator-secret", "1090", "123456", "1687792901"),
            expected
        );
        assert_eq!(
            string_to_sign("1090", "123456", "1687792901"),
            "10901234561687792901"
        );
        assert!(verify(
            "emulator-secret",
            "1090",
            "123456",
            "1687792901",
            expected
        ));
    }

    #[test]
    fn any_change_breaks_the_signature() {
        let good = sign("s", "1090", "n", "1");
        assert!(!verify("other", "1090", "n", "1", &good));
        assert!(!verify("s", "1091", "n", "1", &good));
        assert!(!verify("s", "1090", "m", "1", &good));
        assert!(!verify("s", "1090", "n", "2", &good));
        assert!(!verify("s", "1090", "n", "1", "not base64!"));
        assert!(!verify("s", "1090", "n", "1", ""));
    }
}
