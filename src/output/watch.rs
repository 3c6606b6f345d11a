//! Notices changes that other programs make to the output folder and the
//! spare folder while a series of builds runs. `serve` then takes their
//! contents from its own record of the files it wrote, instead of listing
//! both folders before every rebuild.
//!
//! On Linux each folder of both sites is watched with inotify. The kernel
//! queues an event for every file created, written, deleted, moved or
//! changed in its metadata in a watched folder. A read returns every event
//! queued before it, so the events read just before a build cover
//! everything done to the folders since the last build finished. Reading
//! a file queues no event, so serving the site does not count as a change.
//! Elsewhere nothing is watched and every build lists both folders.

use std::path::Path;

/// The two folders of a site and whether each still contains exactly what
/// the last build that wrote it left there.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Untouched {
    /// The output folder, which the last build wrote.
    pub out: bool,
    /// The spare folder, which the build before it wrote.
    pub spare: bool,
}

/// Watches the folders of the output and spare folders of one output path.
#[derive(Debug)]
pub struct OutputWatch {
    #[cfg(target_os = "linux")]
    inner: linux::Inotify,
}

impl OutputWatch {
    /// Starts watching nothing yet; `None` where folders cannot be watched.
    pub fn new() -> Option<OutputWatch> {
        #[cfg(target_os = "linux")]
        {
            linux::Inotify::new().map(|inner| OutputWatch { inner })
        }
        #[cfg(not(target_os = "linux"))]
        {
            None
        }
    }

    /// Reads the events queued since the last call and returns which of the
    /// two folders nothing else changed since the build that wrote it. The
    /// spare folder is the one the next build writes, so from now on the
    /// changes to it are taken for that build's own until
    /// [`OutputWatch::committed`] or [`OutputWatch::failed`].
    pub fn before_build(&mut self, out: &Path, spare: &Path) -> Untouched {
        #[cfg(target_os = "linux")]
        {
            self.inner.before_build(out, spare)
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = (out, spare);
            Untouched::default()
        }
    }

    /// Records that the build swapped the spare folder in as the output
    /// folder, which now contains exactly what the build wrote. `folders`
    /// are the folders below it that contain its files, which are watched
    /// from now on together with `out` itself. A change to the replaced
    /// site during the build is remembered against it.
    pub fn committed<'a>(&mut self, out: &Path, folders: impl IntoIterator<Item = &'a str>) {
        #[cfg(target_os = "linux")]
        {
            self.inner.committed(out, folders);
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = (out, folders.into_iter().count());
        }
    }

    /// Watches `folder` and `folders` below it, a site whose every file was
    /// just checked against what its marker lists, as untouched from now on.
    pub fn adopt<'a>(&mut self, folder: &Path, folders: impl IntoIterator<Item = &'a str>) {
        #[cfg(target_os = "linux")]
        {
            self.inner.adopt(folder, folders);
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = (folder, folders.into_iter().count());
        }
    }

    /// Records that a build stopped after it began to write the spare
    /// folder, which therefore no longer contains what any build left there.
    pub fn failed(&mut self) {
        #[cfg(target_os = "linux")]
        {
            self.inner.failed();
        }
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::ffi::CString;
    use std::fs;
    use std::io;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::os::unix::ffi::OsStrExt as _;
    use std::os::unix::fs::MetadataExt as _;
    use std::path::Path;

    use foldhash::HashMap;

    use super::Untouched;

    /// Every change to a folder's entries or to a file's content or metadata.
    /// A folder moving itself is left out: swapping the two folders moves
    /// both, and the device and inode of each are compared instead.
    const CHANGES: u32 = libc::IN_MODIFY
        | libc::IN_ATTRIB
        | libc::IN_CLOSE_WRITE
        | libc::IN_CREATE
        | libc::IN_DELETE
        | libc::IN_MOVED_FROM
        | libc::IN_MOVED_TO
        | libc::IN_DELETE_SELF;

    /// Size of the fixed part of `struct inotify_event`: `wd`, `mask`,
    /// `cookie` and `len`, four 32-bit fields.
    const EVENT_HEADER: usize = 16;

    /// One of the two folders of a site, known by its device and inode
    /// because the swap exchanges the names of the two.
    #[derive(Debug)]
    struct Tree {
        identity: (u64, u64),
        /// Whether every folder of it is watched and nothing else changed
        /// it since the build that wrote it finished.
        untouched: bool,
    }

    #[derive(Debug)]
    pub(super) struct Inotify {
        fd: OwnedFd,
        trees: Vec<Tree>,
        /// The tree of each watch descriptor.
        watches: HashMap<i32, usize>,
        /// The tree that the running build writes, whose changes are its own.
        writing: Option<usize>,
    }

    impl Inotify {
        pub(super) fn new() -> Option<Inotify> {
            // SAFETY: inotify_init1 takes flags only and returns a new
            // descriptor or -1.
            let fd = unsafe { libc::inotify_init1(libc::IN_NONBLOCK | libc::IN_CLOEXEC) };
            if fd < 0 {
                return None;
            }
            // SAFETY: `fd` is a new descriptor that nothing else owns.
            let fd = unsafe { OwnedFd::from_raw_fd(fd) };
            Some(Inotify {
                fd,
                trees: Vec::new(),
                watches: HashMap::default(),
                writing: None,
            })
        }

        pub(super) fn before_build(&mut self, out: &Path, spare: &Path) -> Untouched {
            self.drain();
            let out = self.tree_of(out);
            let spare = self.tree_of(spare);
            self.writing = spare;
            let untouched =
                |tree: Option<usize>| tree.is_some_and(|index| self.trees[index].untouched);
            Untouched {
                out: untouched(out),
                spare: untouched(spare),
            }
        }

        pub(super) fn adopt<'a>(
            &mut self,
            folder: &Path,
            folders: impl IntoIterator<Item = &'a str>,
        ) {
            // Changes before now are no longer the site that was checked.
            self.drain();
            let Some(identity) = identity(folder) else {
                return;
            };
            if self.trees.len() >= 2 && !self.trees.iter().any(|tree| tree.identity == identity) {
                return;
            }
            let index = self.tree_index(identity);
            let mut watched = self.watch(folder, index);
            for inner in folders {
                watched &= self.watch(&folder.join(inner), index);
            }
            self.trees[index].untouched = watched;
        }

        /// Returns the index of the tree whose top folder has `identity`,
        /// adding it, not untouched, when it is new.
        fn tree_index(&mut self, identity: (u64, u64)) -> usize {
            match self.trees.iter().position(|tree| tree.identity == identity) {
                Some(index) => index,
                None => {
                    self.trees.push(Tree {
                        identity,
                        untouched: false,
                    });
                    self.trees.len() - 1
                }
            }
        }

        pub(super) fn committed<'a>(
            &mut self,
            out: &Path,
            folders: impl IntoIterator<Item = &'a str>,
        ) {
            self.drain();
            let Some(identity) = identity(out) else {
                self.writing = None;
                return;
            };
            let index = self.tree_index(identity);
            // Watching a folder that is watched already returns its
            // descriptor again, so every folder is simply added.
            let mut watched = self.watch(out, index);
            for folder in folders {
                watched &= self.watch(&out.join(folder), index);
            }
            self.trees[index].untouched = watched;
            self.writing = None;
            // Only the two folders of one output path are ever watched.
            if self.trees.len() > 2 {
                self.forget_all_but(index, out);
            }
        }

        pub(super) fn failed(&mut self) {
            self.drain();
            if let Some(index) = self.writing.take() {
                self.trees[index].untouched = false;
            }
        }

        /// Returns the tree whose top folder is `folder`, if it is watched.
        fn tree_of(&self, folder: &Path) -> Option<usize> {
            let identity = identity(folder)?;
            self.trees.iter().position(|tree| tree.identity == identity)
        }

        /// Watches `folder` as part of tree `index`; returns whether it could.
        fn watch(&mut self, folder: &Path, index: usize) -> bool {
            let Ok(path) = CString::new(folder.as_os_str().as_bytes()) else {
                return false;
            };
            let mask = CHANGES | libc::IN_ONLYDIR | libc::IN_DONT_FOLLOW;
            // SAFETY: the descriptor is open and `path` is NUL-terminated.
            let wd = unsafe { libc::inotify_add_watch(self.fd.as_raw_fd(), path.as_ptr(), mask) };
            if wd < 0 {
                return false;
            }
            self.watches.insert(wd, index);
            true
        }

        /// Stops watching every tree but `keep` and the spare folder of `out`.
        fn forget_all_but(&mut self, keep: usize, out: &Path) {
            let spare = identity(&crate::output::spare_folder(out));
            let kept: Vec<usize> = (0..self.trees.len())
                .filter(|&index| index == keep || Some(self.trees[index].identity) == spare)
                .collect();
            let renumber = |index: usize| kept.iter().position(|&kept| kept == index);
            let fd = self.fd.as_raw_fd();
            self.watches.retain(|&wd, tree| match renumber(*tree) {
                Some(new) => {
                    *tree = new;
                    true
                }
                None => {
                    // SAFETY: `fd` is the open inotify descriptor of this
                    // watch. Removing a watch the kernel already dropped
                    // returns an error, which is ignored.
                    unsafe { libc::inotify_rm_watch(fd, wd) };
                    false
                }
            });
            let mut index = 0;
            self.trees.retain(|_| {
                let keep = kept.contains(&index);
                index += 1;
                keep
            });
        }

        /// Reads every queued event and marks each tree that a change not
        /// made by the running build reached.
        fn drain(&mut self) {
            let mut buffer = vec![0u8; 64 * 1024];
            loop {
                // SAFETY: the buffer is valid for its whole length.
                let read = unsafe {
                    libc::read(
                        self.fd.as_raw_fd(),
                        buffer.as_mut_ptr().cast(),
                        buffer.len(),
                    )
                };
                if read < 0 {
                    let error = io::Error::last_os_error();
                    match error.kind() {
                        io::ErrorKind::Interrupted => continue,
                        io::ErrorKind::WouldBlock => return,
                        _ => {
                            self.touch_all();
                            return;
                        }
                    }
                }
                if read == 0 {
                    return;
                }
                let mut offset = 0;
                let read = read as usize;
                while offset + EVENT_HEADER <= read {
                    let field = |at: usize| {
                        let bytes: [u8; 4] = buffer[offset + at..offset + at + 4]
                            .try_into()
                            .expect("four bytes");
                        u32::from_ne_bytes(bytes)
                    };
                    let wd = field(0) as i32;
                    let mask = field(4);
                    let name_length = field(12) as usize;
                    offset += EVENT_HEADER + name_length;
                    self.event(wd, mask);
                }
            }
        }

        fn event(&mut self, wd: i32, mask: u32) {
            if mask & libc::IN_Q_OVERFLOW != 0 {
                self.touch_all();
                return;
            }
            let Some(&index) = self.watches.get(&wd) else {
                return;
            };
            if mask & libc::IN_IGNORED != 0 {
                // The folder is gone, so the tree is no longer watched whole.
                self.watches.remove(&wd);
                self.trees[index].untouched = false;
                return;
            }
            if self.writing != Some(index) {
                self.trees[index].untouched = false;
            }
        }

        fn touch_all(&mut self) {
            for tree in &mut self.trees {
                tree.untouched = false;
            }
        }
    }

    /// Returns the device and inode of `folder`, following a link to it.
    fn identity(folder: &Path) -> Option<(u64, u64)> {
        let metadata = fs::metadata(folder).ok()?;
        metadata.is_dir().then(|| (metadata.dev(), metadata.ino()))
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::fs;

    use super::*;

    /// Creates a site folder `site` with one university folder `zzu`, and
    /// its spare folder, in a new temporary folder.
    fn folders() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
        let dir = tempfile::tempdir().expect("temporary folder");
        let out = dir.path().join("site");
        let spare = dir.path().join(".site.previous");
        for folder in [&out, &spare] {
            fs::create_dir_all(folder.join("zzu")).expect("folders can be created");
            fs::write(folder.join("zzu/wang.html"), "page").expect("files can be written");
        }
        (dir, out, spare)
    }

    #[test]
    fn committed_folder_is_untouched() {
        let (_dir, out, spare) = folders();
        let mut watch = OutputWatch::new().expect("inotify is available");
        watch.committed(&out, ["zzu"]);

        let untouched = watch.before_build(&out, &spare);
        assert!(untouched.out, "nothing changed the output folder");
        assert!(!untouched.spare, "the spare folder was never committed");
        fs::read(out.join("zzu/wang.html")).expect("the page is readable");
        watch.committed(&out, ["zzu"]);
        assert!(watch.before_build(&out, &spare).out, "reading is no change");
    }

    #[test]
    fn edit_in_output_folder_is_noticed() {
        let (_dir, out, spare) = folders();
        let mut watch = OutputWatch::new().expect("inotify is available");
        watch.committed(&out, ["zzu"]);

        fs::write(out.join("zzu/wang.html"), "edited").expect("the page can be written");
        assert!(!watch.before_build(&out, &spare).out);
    }

    #[test]
    fn file_added_to_output_folder_is_noticed() {
        let (_dir, out, spare) = folders();
        let mut watch = OutputWatch::new().expect("inotify is available");
        watch.committed(&out, ["zzu"]);

        fs::write(out.join("extra.html"), "mine").expect("a file can be added");
        assert!(!watch.before_build(&out, &spare).out);
    }

    #[test]
    fn swapped_folders_keep_their_state() {
        let (_dir, out, spare) = folders();
        let mut watch = OutputWatch::new().expect("inotify is available");
        // The first build commits `site`; the second writes the spare folder
        // and swaps it in, so the first build's folder becomes the spare one.
        watch.committed(&out, ["zzu"]);
        watch.before_build(&out, &spare);
        fs::write(spare.join("zzu/wang.html"), "second build").expect("the build writes");
        let parked = out.with_file_name("parked");
        fs::rename(&out, &parked).expect("rename");
        fs::rename(&spare, &out).expect("rename");
        fs::rename(&parked, &spare).expect("rename");
        watch.committed(&out, ["zzu"]);

        let untouched = watch.before_build(&out, &spare);
        assert!(untouched.out, "the build's own writes are no change");
        assert!(untouched.spare, "the replaced site was left alone");
    }

    #[test]
    fn change_to_published_site_during_build_is_noticed() {
        let (_dir, out, spare) = folders();
        let mut watch = OutputWatch::new().expect("inotify is available");
        watch.committed(&out, ["zzu"]);
        watch.before_build(&out, &spare);
        // Someone edits the site that is being served while a build writes
        // the spare folder; after the swap that site is the spare folder.
        fs::write(out.join("zzu/wang.html"), "edited").expect("the page can be written");
        let parked = out.with_file_name("parked");
        fs::rename(&out, &parked).expect("rename");
        fs::rename(&spare, &out).expect("rename");
        fs::rename(&parked, &spare).expect("rename");
        watch.committed(&out, ["zzu"]);

        assert!(!watch.before_build(&out, &spare).spare);
    }

    #[test]
    fn failed_build_leaves_spare_untrusted() {
        let (_dir, out, spare) = folders();
        let mut watch = OutputWatch::new().expect("inotify is available");
        watch.committed(&spare, ["zzu"]);
        watch.committed(&out, ["zzu"]);
        let before = watch.before_build(&out, &spare);
        assert!(before.spare, "both folders were committed");

        watch.failed();
        assert!(!watch.before_build(&out, &spare).spare);
    }
}
