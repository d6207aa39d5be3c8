//! The limits of a request head, and its measure.
//!
//! Two sets of numbers. The server *reads* a head of up to [`READ_HEAD_BYTES`] with up
//! to [`READ_HEADER_FIELDS`] fields, and a URI of up to hyper's fixed 65,534 bytes;
//! past those, hyper answers 431 or 414 itself, with an empty body, before any router
//! sees the request. Within them, each surface refuses a head over [`MAX_URI_BYTES`],
//! [`MAX_HEADER_FIELDS`] or [`MAX_HEADER_BYTES`] in its own envelope, so that the
//! client learns which limit it broke (`docs/running.md#request-limits`).

use axum::extract::Request;

/// The longest URI (path and query) the APIs take. HTTP asks recipients to support at
/// least 8,000 octets (RFC 9110 §4.1); common gateways stop near 8 KiB.
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// The most header fields a request may have.
pub const MAX_HEADER_FIELDS: usize = 100;
/// The most bytes of header names and values a request may have.
pub const MAX_HEADER_BYTES: usize = 64 * 1024;

/// How much of a head the server reads (hyper's buffer, 400 KB by default): heads up to
/// 32 times [`MAX_HEADER_BYTES`] are still answered in the envelope.
pub const READ_HEAD_BYTES: usize = 2 * 1024 * 1024;
/// How many header fields the server parses (hyper's default is 100). Hyper allocates
/// room for them on every request: 64 bytes a field, 256 KiB, freed once parsed.
pub const READ_HEADER_FIELDS: usize = 4 * 1024;

/// The size of a request's head as the client sent it, measured before any middleware
/// adds a header (the request id). The app puts it in the request's extensions.
#[derive(Clone, Copy, Debug)]
pub struct Head {
    /// Bytes of the path and query.
    uri_bytes: usize,
    /// Header fields, each repetition of a name counted.
    fields: usize,
    /// Bytes of header names and values.
    field_bytes: usize,
}

impl Head {
    fn of(req: &Request) -> Head {
        let headers = req.headers();
        Head {
            uri_bytes: req.uri().path_and_query().map_or(0, |pq| pq.as_str().len()),
            fields: headers.len(),
            field_bytes: headers
                .iter()
                .map(|(name, value)| name.as_str().len() + value.len())
                .sum(),
        }
    }

    /// Stores the head's measure in the request, for the surfaces' check.
    pub fn measure(mut req: Request) -> Request {
        let head = Head::of(&req);
        req.extensions_mut().insert(head);
        req
    }

    /// `uri` or `headers` — the surface's answer for the part of `req`'s head that is
    /// over its limit — and a message naming the limit; `None` when the head fits.
    pub fn oversized<T>(req: &Request, uri: T, headers: T) -> Option<(T, String)> {
        let head = req.extensions().get::<Head>()?;
        if head.uri_bytes > MAX_URI_BYTES {
            let message = format!(
                "the request URI is {} bytes; the limit is {MAX_URI_BYTES}",
                head.uri_bytes
            );
            return Some((uri, message));
        }
        if head.fields > MAX_HEADER_FIELDS || head.field_bytes > MAX_HEADER_BYTES {
            let message = format!(
                "the request has {} header fields of {} bytes; the limits are \
                 {MAX_HEADER_FIELDS} fields and {MAX_HEADER_BYTES} bytes",
                head.fields, head.field_bytes
            );
            return Some((headers, message));
        }
        None
    }
}
