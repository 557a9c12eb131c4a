//! Reading a response body with a size limit: in chunks, stopping as soon as
//! the limit is passed, so memory stays bounded whatever the server sends
//! (a huge Content-Length, an endless chunked body).

use crate::wire::limits::ByteSize;

/// Why a body was not read whole.
#[derive(Debug)]
pub enum BodyError {
    /// More than the limit: announced by Content-Length, or read so far.
    TooLarge {
        limit: ByteSize,
        /// The announced Content-Length, when there was one.
        declared: Option<u64>,
    },
    /// The connection failed or timed out while reading.
    Read(reqwest::Error),
}

impl BodyError {
    /// `the response body is larger than max_body_size (64 MiB; Content-Length: 70000000)`.
    pub fn too_large_message(limit: ByteSize, declared: Option<u64>) -> String {
        let declared = declared
            .map(|n| format!("; Content-Length: {n}"))
            .unwrap_or_default();
        format!(
            "the response body is larger than max_body_size ({limit}{declared}); gatecheck \
             stopped reading it. Raise `max_body_size` in gatecheck.yaml (e.g. `max_body_size: 256MiB`) \
             if a body this large is expected"
        )
    }
}

/// Reads the whole body of `response`, or stops past `limit` bytes.
pub async fn read_limited(
    mut response: reqwest::Response,
    limit: ByteSize,
) -> Result<Vec<u8>, BodyError> {
    let declared = response.content_length();
    if declared.is_some_and(|n| n > limit.bytes()) {
        return Err(BodyError::TooLarge { limit, declared });
    }
    // A declared length (never past the limit) sizes the buffer once, so a
    // big body is not copied while the buffer doubles, nor kept in a buffer
    // twice its size. Pages of a length that was announced but not sent are
    // never touched, so they cost no memory.
    let capacity = declared.unwrap_or(0).min(limit.bytes());
    let mut body = Vec::with_capacity(capacity as usize);
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Read)? {
        if (body.len() + chunk.len()) as u64 > limit.bytes() {
            return Err(BodyError::TooLarge { limit, declared });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
