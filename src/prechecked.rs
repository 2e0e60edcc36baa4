//! The shipped policy set checked ahead of time. Parsing and checking every shipped pack is most
//! of the cost of starting `norma`; the binary therefore also carries the checked policy of the
//! shipped files (`policies/checked.bin`), stored with the SHA-256 of the files it was made from.
//! It is used only when that digest matches the texts embedded in the same binary, the files that
//! define the stored types are unchanged (a fingerprint made by `build.rs`) and the file reads
//! back whole; otherwise the files are checked as usual. A test (`fresh` below) checks that
//! the stored policy is exactly what checking the shipped files gives today; `NORMA_BLESS=1 cargo
//! test --lib prechecked` rewrites it after a change to the packs or to the checker.

use serde::{Deserialize, Serialize};

use crate::model::Policy;

/// What `policies/checked.bin` holds, in postcard's encoding.
const STORED: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/policies/checked.bin"));

/// The fingerprint of the stored types' definitions, made by `build.rs`.
const LAYOUT: &str = env!("NORMA_LAYOUT");

/// The header, read before the (much larger) policy.
#[derive(Serialize, Deserialize)]
struct Header {
    /// [`LAYOUT`] when it was written.
    layout: String,
    /// The crate version that wrote it.
    version: String,
    /// [`crate::Engine::policies_sha256`] of the files it was checked from.
    sources_sha256: String,
}

/// The stored policy when it was checked from files whose digest is `sources_sha256`.
pub(crate) fn load(sources_sha256: &str) -> Option<Policy> {
    read(STORED, sources_sha256)
}

fn read(bytes: &[u8], sources_sha256: &str) -> Option<Policy> {
    let (header, rest) = postcard::take_from_bytes::<Header>(bytes).ok()?;
    if header.layout != LAYOUT || header.version != env!("CARGO_PKG_VERSION") || header.sources_sha256 != sources_sha256
    {
        return None;
    }
    match postcard::take_from_bytes(rest) {
        Ok((policy, [])) => Some(policy),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Sources;

    /// The bytes to store for `policy`, checked from files whose digest is `sources_sha256`.
    fn write(policy: &Policy, sources_sha256: &str) -> Result<Vec<u8>, postcard::Error> {
        let header = Header {
            layout: LAYOUT.into(),
            version: env!("CARGO_PKG_VERSION").into(),
            sources_sha256: sources_sha256.into(),
        };
        let mut bytes = postcard::to_stdvec(&header)?;
        bytes.extend(postcard::to_stdvec(policy)?);
        Ok(bytes)
    }

    fn checked() -> (Policy, String) {
        let mut sources = Sources::new();
        crate::embedded::add_to(&mut sources);
        let (policy, diags) = crate::check_sources(&sources);
        assert!(diags.is_empty(), "the shipped policies have findings: {diags:?}");
        (policy, crate::engine::sources_sha256(&sources))
    }

    /// The stored policy is what checking the shipped files gives now, byte for byte.
    #[test]
    fn fresh() {
        let (policy, digest) = checked();
        let bytes = write(&policy, &digest).unwrap();
        if std::env::var_os("NORMA_BLESS").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/checked.bin");
            std::fs::write(path, &bytes).unwrap();
            return;
        }
        assert!(
            bytes == STORED,
            "policies/checked.bin is out of date: the shipped packs or the checker changed; \
             run `NORMA_BLESS=1 cargo test --lib prechecked` and commit it"
        );
        let loaded = load(&digest).expect("the stored policy reads back");
        assert_eq!(write(&loaded, &digest).unwrap(), bytes);
    }

    /// Another digest, another layout, a truncated file or one with bytes after the policy: not
    /// used.
    #[test]
    fn refused_unless_it_matches() {
        let (policy, digest) = checked();
        let bytes = write(&policy, &digest).unwrap();
        assert!(read(&bytes, &digest).is_some());
        assert!(read(&bytes, "0000").is_none());
        assert!(read(&bytes[..bytes.len() / 2], &digest).is_none());
        assert!(read(&[], &digest).is_none());
        let old =
            Header { layout: "0".into(), version: env!("CARGO_PKG_VERSION").into(), sources_sha256: digest.clone() };
        let mut stale = postcard::to_stdvec(&old).unwrap();
        stale.extend(postcard::to_stdvec(&policy).unwrap());
        assert!(read(&stale, &digest).is_none());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(read(&longer, &digest).is_none());
    }
}
