//! Long record text that a build keeps in a temporary file between checking
//! the records and rendering the pages.
//!
//! A family's plan is most of its text, and only its own page shows it. A
//! build reads every record before it renders the first page, so holding
//! the plans would keep about three fifths of the campaign's YAML in memory
//! for the whole build. Written to an unnamed temporary file instead, they
//! stay in the kernel's page cache, which can write them to disk when
//! memory is short, and each page reads its plan back with one call.

use std::borrow::Cow;
use std::fmt;
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Serialize, Serializer};

/// An unnamed temporary file that text is appended to from any thread. The
/// operating system removes it when the last handle closes, so nothing is
/// left behind when the process stops, whichever way.
#[derive(Debug)]
pub struct TextStore {
    file: File,
    /// The length of the file: where the next text goes.
    end: AtomicU64,
}

impl TextStore {
    /// Creates the file in the system's temporary folder. Returns `None`
    /// where that fails or positioned reads are not available, and the
    /// text then stays in memory.
    pub fn new() -> Option<Arc<TextStore>> {
        if !cfg!(unix) {
            return None;
        }
        let file = tempfile::tempfile().ok()?;
        Some(Arc::new(TextStore {
            file,
            end: AtomicU64::new(0),
        }))
    }

    /// Moves `text` into the file, or keeps it in memory when it is empty
    /// or cannot be written.
    pub fn keep(self: &Arc<Self>, text: String) -> LongText {
        let Ok(len) = u32::try_from(text.len()) else {
            return LongText::from(text);
        };
        if len == 0 {
            return LongText::from(text);
        }
        let at = self.end.fetch_add(u64::from(len), Ordering::Relaxed);
        match write_at(&self.file, text.as_bytes(), at) {
            Ok(()) => LongText(Repr::Stored {
                store: Arc::clone(self),
                at,
                len,
            }),
            Err(_) => LongText::from(text),
        }
    }
}

/// A text value of a record, held in memory or in a [`TextStore`].
#[derive(Clone)]
pub struct LongText(Repr);

#[derive(Clone)]
enum Repr {
    Held(String),
    Stored {
        store: Arc<TextStore>,
        at: u64,
        len: u32,
    },
}

impl LongText {
    /// Returns the text, read back from its store when it is there.
    pub fn text(&self) -> io::Result<Cow<'_, str>> {
        match &self.0 {
            Repr::Held(text) => Ok(Cow::Borrowed(text)),
            Repr::Stored { store, at, len } => {
                let mut bytes = vec![0; *len as usize];
                read_at(&store.file, &mut bytes, *at)?;
                String::from_utf8(bytes)
                    .map(Cow::Owned)
                    .map_err(|error| io::Error::new(io::ErrorKind::InvalidData, error))
            }
        }
    }

    /// Returns the text when it is held in memory.
    pub fn held(&self) -> Option<&str> {
        match &self.0 {
            Repr::Held(text) => Some(text),
            Repr::Stored { .. } => None,
        }
    }

    /// Takes the text out when it is held in memory, leaving it empty.
    pub fn take_held(&mut self) -> Option<String> {
        match &mut self.0 {
            Repr::Held(text) => Some(std::mem::take(text)),
            Repr::Stored { .. } => None,
        }
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        match &self.0 {
            Repr::Held(text) => text.is_empty(),
            Repr::Stored { len, .. } => *len == 0,
        }
    }
}

impl Default for LongText {
    fn default() -> LongText {
        LongText::from(String::new())
    }
}

impl From<String> for LongText {
    fn from(text: String) -> LongText {
        LongText(Repr::Held(text))
    }
}

impl From<&str> for LongText {
    fn from(text: &str) -> LongText {
        LongText::from(text.to_owned())
    }
}

impl fmt::Debug for LongText {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Held(text) => text.fmt(formatter),
            Repr::Stored { at, len, .. } => write!(formatter, "<{len} bytes stored at {at}>"),
        }
    }
}

/// A held text hashes as its `str`. A stored one hashes as its place in
/// the store, which is unique within the store: record hashes that must
/// match from one build to the next come from builds that hold their text.
impl Hash for LongText {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match &self.0 {
            Repr::Held(text) => text.hash(state),
            Repr::Stored { at, len, .. } => {
                at.hash(state);
                len.hash(state);
            }
        }
    }
}

impl Serialize for LongText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = self.text().map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }
}

#[cfg(unix)]
fn write_at(file: &File, bytes: &[u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, at)
}

#[cfg(unix)]
fn read_at(file: &File, bytes: &mut [u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, at)
}

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

    #[test]
    fn stored_text_reads_back_from_any_thread() {
        let Some(store) = TextStore::new() else {
            return;
        };
        let texts: Vec<String> = (0..200)
            .map(|index| format!("第{index}段计划：每周{}次线上辅导。\n", index % 7))
            .collect();
        let kept: Vec<LongText> = std::thread::scope(|scope| {
            let halves = texts.chunks(100).map(|half| {
                let store = &store;
                scope.spawn(move || {
                    half.iter()
                        .map(|text| store.keep(text.clone()))
                        .collect::<Vec<_>>()
                })
            });
            halves
                .collect::<Vec<_>>()
                .into_iter()
                .flat_map(|handle| handle.join().unwrap())
                .collect()
        });
        for (text, long) in texts.iter().zip(&kept) {
            assert!(long.held().is_none());
            assert_eq!(long.text().unwrap(), text.as_str());
            assert_eq!(
                serde_json::to_string(long).unwrap(),
                serde_json::to_string(text).unwrap()
            );
        }
    }

    #[test]
    fn empty_text_stays_in_memory() {
        let Some(store) = TextStore::new() else {
            return;
        };
        let long = store.keep(String::new());
        assert_eq!(long.held(), Some(""));
        assert!(long.is_empty());
    }
}
