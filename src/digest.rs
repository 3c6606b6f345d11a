//! Content hashes of output data, which tell whether a page or workbook
//! must be made again.

use std::hash::Hasher;
use std::io;

use xxhash_rust::xxh3::{xxh3_64, xxh3_128};

/// Collects the bytes to hash and hashes them in one call. Feeding xxh3's
/// streaming state many small pieces, as `Hash` implementations and
/// serializers do, costs more than hashing the same bytes at once.
#[derive(Debug, Default)]
pub struct Digest {
    bytes: Vec<u8>,
}

impl Digest {
    pub fn new() -> Digest {
        Digest::default()
    }

    /// Returns a digest with room for `capacity` bytes before it grows.
    pub fn with_capacity(capacity: usize) -> Digest {
        Digest {
            bytes: Vec::with_capacity(capacity),
        }
    }

    /// Returns the 128-bit xxh3 hash of everything written so far.
    pub fn finish128(&self) -> u128 {
        xxh3_128(&self.bytes)
    }
}

impl Hasher for Digest {
    fn write(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }

    fn finish(&self) -> u64 {
        xxh3_64(&self.bytes)
    }
}

impl io::Write for Digest {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.bytes.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_equals_one_shot_hash() {
        let mut digest = Digest::new();
        Hasher::write(&mut digest, b"ab");
        io::Write::write_all(&mut digest, b"c").unwrap();
        assert_eq!(digest.finish128(), xxh3_128(b"abc"));
        assert_eq!(digest.finish(), xxh3_64(b"abc"));
    }
}
