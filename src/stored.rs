//! Record text that a build keeps in a temporary file between checking the
//! records and rendering the pages.
//!
//! A build reads every record before it renders the first page. Most of a
//! family's text, its plan above all, is shown on its own page only, so
//! holding it would keep about two thirds of the campaign's YAML in memory
//! for the whole build. Written to an unnamed temporary file instead, it
//! stays in the kernel's page cache, which can write it to disk when memory
//! is short, and each page reads its family's text back with one call.

use std::fmt;
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// An unnamed temporary file that bytes are appended to from any thread.
/// It has no name, or loses it right after it is created, so the operating
/// system removes it when the last handle closes, however the process stops.
#[derive(Debug)]
pub struct TextStore {
    file: File,
    /// The length of the file: where the next bytes go.
    end: AtomicU64,
    /// The maximum size of the file in bytes: half the space that was free in the
    /// temporary folder when it was created. The workbooks stream their rows
    /// through the same folder, and rust_xlsxwriter 0.102 panics instead of
    /// returning an error when it runs out of room there.
    budget: u64,
    /// Set once a write failed or the budget ran out, after which later
    /// text stays in memory.
    /// NOTE: other programs can still fill the folder during a build.
    failed: AtomicBool,
}

impl TextStore {
    /// Creates the file in the system's temporary folder. Returns `None`
    /// where that fails or positioned reads are not available; the text
    /// then stays in memory.
    pub fn new() -> Option<Arc<TextStore>> {
        if !cfg!(unix) {
            return None;
        }
        let file = tempfile::tempfile().ok()?;
        // tempfile opens an unnamed file with mode 0666 less the umask;
        // the file contains phone numbers and addresses.
        restrict_to_owner(&file).ok()?;
        let budget = free_space(&file).map_or(u64::MAX, |free| free / 2);
        Some(Arc::new(TextStore {
            file,
            end: AtomicU64::new(0),
            budget,
            failed: AtomicBool::new(false),
        }))
    }

    /// Appends `bytes` to the file. Returns `None` when they cannot be
    /// written or an earlier write failed, and the caller keeps them.
    pub fn keep(self: &Arc<Self>, bytes: &[u8]) -> Option<Stored> {
        if self.failed.load(Ordering::Relaxed) {
            return None;
        }
        let len = u32::try_from(bytes.len()).ok()?;
        let at = self.end.fetch_add(u64::from(len), Ordering::Relaxed);
        if at + u64::from(len) > self.budget {
            // Nothing is written at or after `at` from now on, so the range
            // takes no space.
            self.failed.store(true, Ordering::Relaxed);
            return None;
        }
        if write_at(&self.file, bytes, at).is_err() {
            self.failed.store(true, Ordering::Relaxed);
            // A write that fails part way, as on a full tmpfs, leaves the
            // bytes it wrote taking space that the workbooks need.
            release(&self.file, at, len);
            return None;
        }
        Some(Stored {
            store: Arc::clone(self),
            at,
            len,
        })
    }
}

/// Bytes kept in a [`TextStore`].
#[derive(Clone)]
pub struct Stored {
    store: Arc<TextStore>,
    at: u64,
    len: u32,
}

impl Stored {
    /// Reads the bytes back.
    pub fn read(&self) -> io::Result<Vec<u8>> {
        let mut bytes = vec![0; self.len as usize];
        read_at(&self.store.file, &mut bytes, self.at)?;
        Ok(bytes)
    }
}

impl fmt::Debug for Stored {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "<{} bytes stored at {}>", self.len, self.at)
    }
}

/// Hashes as the place in the store, which is unique within the store.
/// Hashes that must match from one build to the next come from builds that
/// keep their text in memory.
impl Hash for Stored {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.at.hash(state);
        self.len.hash(state);
    }
}

/// Writes text values one after the other, each with its length, to be
/// read back in the same order by [`Unpacker`].
#[derive(Default)]
pub struct Packer {
    bytes: Vec<u8>,
}

impl Packer {
    /// Adds one text.
    pub fn text(&mut self, text: &str) {
        self.count(text.len());
        self.bytes.extend_from_slice(text.as_bytes());
    }

    /// Adds a text that may be missing.
    pub fn optional(&mut self, text: Option<&str>) {
        match text {
            None => self.bytes.push(0),
            Some(text) => {
                self.bytes.push(1);
                self.text(text);
            }
        }
    }

    /// Adds a number, such as the length of a list.
    pub fn count(&mut self, count: usize) {
        let count = u32::try_from(count).unwrap_or(u32::MAX);
        self.bytes.extend_from_slice(&count.to_le_bytes());
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

/// Reads back what a [`Packer`] wrote, in the same order.
pub struct Unpacker<'a> {
    bytes: &'a [u8],
}

impl<'a> Unpacker<'a> {
    pub fn new(bytes: &'a [u8]) -> Unpacker<'a> {
        Unpacker { bytes }
    }

    /// Reads one text.
    pub fn text(&mut self) -> io::Result<String> {
        let len = self.count()?;
        let text = self.take(len)?;
        String::from_utf8(text.to_vec()).map_err(|error| damaged(&error.to_string()))
    }

    /// Reads a text that may be missing.
    pub fn optional(&mut self) -> io::Result<Option<String>> {
        match self.take(1)? {
            [0] => Ok(None),
            [1] => self.text().map(Some),
            _ => Err(damaged("a text is neither missing nor present")),
        }
    }

    /// Reads a number.
    pub fn count(&mut self) -> io::Result<usize> {
        let bytes = self.take(4)?;
        let bytes: [u8; 4] = bytes.try_into().map_err(|_| damaged("a number is cut"))?;
        Ok(u32::from_le_bytes(bytes) as usize)
    }

    /// Fails unless everything was read.
    pub fn finish(self) -> io::Result<()> {
        match self.bytes.is_empty() {
            true => Ok(()),
            false => Err(damaged("bytes are left over")),
        }
    }

    fn take(&mut self, len: usize) -> io::Result<&'a [u8]> {
        if self.bytes.len() < len {
            return Err(damaged("the text is cut"));
        }
        let (taken, rest) = self.bytes.split_at(len);
        self.bytes = rest;
        Ok(taken)
    }
}

fn damaged(reason: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("the temporary file of record text is damaged: {reason}"),
    )
}

#[cfg(unix)]
fn restrict_to_owner(file: &File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;

    file.set_permissions(std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn restrict_to_owner(_: &File) -> io::Result<()> {
    Ok(())
}

/// Returns the bytes that an unprivileged user can still write on the file
/// system of `file`.
#[cfg(unix)]
fn free_space(file: &File) -> Option<u64> {
    use std::os::fd::AsRawFd;

    let mut stats = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: fstatvfs writes a whole `statvfs` into `stats` when it
    // returns 0, and the descriptor stays open as long as `file`.
    let stats = unsafe {
        if libc::fstatvfs(file.as_raw_fd(), stats.as_mut_ptr()) != 0 {
            return None;
        }
        stats.assume_init()
    };
    // The field types differ between platforms, u64 on 64-bit Linux.
    #[allow(clippy::useless_conversion)]
    let (blocks, size) = (u64::from(stats.f_bavail), u64::from(stats.f_frsize));
    blocks.checked_mul(size)
}

#[cfg(not(unix))]
fn free_space(_: &File) -> Option<u64> {
    None
}

#[cfg(unix)]
fn write_at(file: &File, bytes: &[u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, at)
}

#[cfg(unix)]
fn read_at(file: &File, bytes: &mut [u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, at)
}

/// Frees the disk space of `len` bytes at `at`, which no [`Stored`] reads.
/// Best effort: where punching a hole fails, the space stays taken until
/// the file is closed.
#[cfg(target_os = "linux")]
fn release(file: &File, at: u64, len: u32) {
    use std::os::fd::AsRawFd;

    let Ok(offset) = libc::off_t::try_from(at) else {
        return;
    };
    // SAFETY: fallocate reads only its integer arguments, and the
    // descriptor stays open as long as `file`.
    unsafe {
        libc::fallocate(
            file.as_raw_fd(),
            libc::FALLOC_FL_PUNCH_HOLE | libc::FALLOC_FL_KEEP_SIZE,
            offset,
            libc::off_t::from(len),
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn release(_: &File, _: u64, _: u32) {}

#[cfg(not(unix))]
fn write_at(_: &File, _: &[u8], _: u64) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

#[cfg(not(unix))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packed(index: usize) -> Vec<u8> {
        let mut packer = Packer::default();
        packer.text(&format!("第{index}段计划：每周{}次线上辅导。\n", index % 7));
        packer.optional(index.is_multiple_of(2).then_some("初中一年级"));
        packer.count(index);
        packer.into_bytes()
    }

    #[test]
    fn stored_bytes_read_back_from_any_thread() {
        let Some(store) = TextStore::new() else {
            return;
        };
        let kept: Vec<Stored> = std::thread::scope(|scope| {
            let halves: Vec<_> = [0..100, 100..200]
                .into_iter()
                .map(|range| {
                    let store = &store;
                    scope.spawn(move || {
                        range
                            .map(|index| store.keep(&packed(index)).unwrap())
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            halves
                .into_iter()
                .flat_map(|handle| handle.join().unwrap())
                .collect()
        });
        for (index, stored) in kept.iter().enumerate() {
            let bytes = stored.read().unwrap();
            assert_eq!(bytes, packed(index));
            let mut unpacker = Unpacker::new(&bytes);
            assert!(
                unpacker
                    .text()
                    .unwrap()
                    .starts_with(&format!("第{index}段"))
            );
            assert_eq!(
                unpacker.optional().unwrap().is_some(),
                index.is_multiple_of(2),
                "{index}"
            );
            assert_eq!(unpacker.count().unwrap(), index);
            unpacker.finish().unwrap();
        }
    }

    #[cfg(unix)]
    #[test]
    fn store_file_is_for_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;

        let Some(store) = TextStore::new() else {
            return;
        };
        let mode = store.file.metadata().unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn store_stops_at_its_budget() {
        let store = Arc::new(TextStore {
            file: tempfile::tempfile().unwrap(),
            end: AtomicU64::new(0),
            budget: 10,
            failed: AtomicBool::new(false),
        });
        let first = store.keep(b"12345678");
        assert_eq!(first.unwrap().read().unwrap(), b"12345678");
        assert!(store.keep(b"90ab").is_none(), "over the budget");
        assert!(store.keep(b"c").is_none(), "after the budget ran out");
    }

    #[test]
    fn cut_or_damaged_bytes_are_errors() {
        let bytes = packed(4);
        for end in 0..bytes.len() {
            let mut unpacker = Unpacker::new(&bytes[..end]);
            let read = unpacker
                .text()
                .and_then(|_| unpacker.optional())
                .and_then(|_| unpacker.count());
            assert!(read.is_err(), "{end} bytes");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        let mut unpacker = Unpacker::new(&longer);
        unpacker.text().unwrap();
        unpacker.optional().unwrap();
        unpacker.count().unwrap();
        assert!(unpacker.finish().is_err());
    }
}
