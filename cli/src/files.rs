//! INPUT and OUTPUT: files or the standard streams, and the rules for output
//! files, which are those of gzip, zstd and lz4:
//!
//! - a regular file is written to a temporary file beside it, readable by
//!   its owner only, and renamed into place only when everything succeeded;
//!   it then gets the input file's permission bits and modification time;
//! - an existing file is replaced only with `-f`; a symlink is followed and
//!   its target replaced; a device or FIFO is written into, never replaced.

use std::ffi::OsString;
use std::fs::{self, File, Metadata};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use tempfile::NamedTempFile;

use crate::Failure;

/// The temporary file being written, if any, so that the interrupt handler
/// can delete it: a process ended by a signal runs no destructors. After a
/// failed run the path may name a file its `NamedTempFile` already deleted,
/// which `remove_pending_and_exit` tolerates.
static PENDING: Mutex<Option<PathBuf>> = Mutex::new(None);

fn pending() -> MutexGuard<'static, Option<PathBuf>> {
    // A poisoned lock only means a panic elsewhere; the path is still valid.
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

/// Creates a temporary file with `builder` in `dir` and registers it for the
/// signal handler under one hold of the lock, so that no signal can come
/// between the two and leave the file behind.
fn create_pending(builder: &tempfile::Builder, dir: &Path) -> io::Result<NamedTempFile> {
    let mut pending = pending();
    let temp = builder.tempfile_in(dir)?;
    *pending = Some(temp.path().to_path_buf());
    Ok(temp)
}

/// Deletes the temporary file of an interrupted run and exits with `code`,
/// from the signal handler's thread. The lock is held until the process
/// ends, so the main thread cannot start another temporary file meanwhile.
pub fn remove_pending_and_exit(code: i32) -> ! {
    let pending = pending();
    if let Some(path) = pending.as_ref() {
        // It may already have been renamed into place (the run finished as
        // the signal came); then there is nothing to remove.
        let _ = fs::remove_file(path);
    }
    std::process::exit(code)
}

/// Symlinks followed before giving up, as Linux's `ELOOP` limit.
const MAX_SYMLINKS: usize = 40;

/// The longest file name most file systems take (Linux's NAME_MAX).
const NAME_MAX: usize = 255;

/// What a temporary file's name adds to its prefix: six random characters
/// and `.tmp`.
const TEMP_EXTRA: usize = 6 + ".tmp".len();

/// Where the bytes come from.
pub struct Input {
    source: Source,
    name: String,
    /// The file's metadata when it is a regular file (not stdin, a FIFO or
    /// a device): its size, permissions and times.
    regular: Option<Metadata>,
}

enum Source {
    Stdin(io::StdinLock<'static>),
    File(File),
}

impl Input {
    /// Opens INPUT (`None` is stdin).
    pub fn open(path: Option<&Path>) -> Result<Input, Failure> {
        match path {
            None => Ok(Input {
                source: Source::Stdin(io::stdin().lock()),
                name: "(stdin)".into(),
                regular: None,
            }),
            Some(path) => {
                let name = path.display().to_string();
                let file = File::open(path).map_err(|err| Failure::io(&name, err))?;
                let metadata = file.metadata().map_err(|err| Failure::io(&name, err))?;
                if metadata.is_dir() {
                    return Err(Failure::Runtime(format!("{name}: is a directory")));
                }
                Ok(Input {
                    source: Source::File(file),
                    name,
                    regular: metadata.is_file().then_some(metadata),
                })
            }
        }
    }

    /// The input's name for messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The metadata of a regular input file.
    pub fn regular_file(&self) -> Option<&Metadata> {
        self.regular.as_ref()
    }
}

impl Read for Input {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match &mut self.source {
            Source::Stdin(stdin) => stdin.read(buf),
            Source::File(file) => file.read(buf),
        }
    }
}

/// Where the bytes go; a file becomes OUTPUT on [`commit`](Output::commit).
pub struct Output {
    sink: Sink,
    target: Target,
}

/// OUTPUT's identity, for error messages: its name and whether it is stdout.
#[derive(Debug, Clone)]
pub struct Target {
    name: String,
    stdout: bool,
}

impl Target {
    /// Turns a write error into a failure. A closed stdout (the reader of a
    /// pipe went away, as with `| head`) is not reported: there is no one
    /// left to want the rest.
    pub fn error(&self, err: io::Error) -> Failure {
        if self.stdout && err.kind() == io::ErrorKind::BrokenPipe {
            Failure::BrokenPipe
        } else {
            Failure::io(&self.name, err)
        }
    }
}

enum Sink {
    Stdout(io::StdoutLock<'static>),
    /// `-t`: the data is decoded and dropped.
    Discard,
    /// An existing device or FIFO, written into in place.
    Special(File),
    /// A regular file, written through a temporary file.
    Replace(Box<Replacement>),
}

/// A temporary file that replaces (or creates) `path` on commit.
struct Replacement {
    temp: NamedTempFile,
    path: PathBuf,
    force: bool,
    /// The input file whose permissions and times OUTPUT takes.
    source: Option<Metadata>,
}

impl Output {
    /// Standard output.
    pub fn stdout() -> Output {
        Output {
            sink: Sink::Stdout(io::stdout().lock()),
            target: Target {
                name: "(stdout)".into(),
                stdout: true,
            },
        }
    }

    /// Nowhere: for `-t`.
    pub fn discard() -> Output {
        Output {
            sink: Sink::Discard,
            target: Target {
                name: "(test)".into(),
                stdout: false,
            },
        }
    }

    /// The output file `path`, written from `input`. Without `force` an
    /// existing OUTPUT (even a dangling symlink) is an error, found here,
    /// before any work is done; `/dev/null` is always allowed.
    pub fn file(path: &Path, force: bool, input: &Input) -> Result<Output, Failure> {
        let name = path.display().to_string();
        // What OUTPUT is, symlinks followed by the system (which also knows
        // the special links of /proc and /dev/fd).
        let existing = match fs::metadata(path) {
            Ok(metadata) => Some(metadata),
            Err(err) if err.kind() == io::ErrorKind::NotFound => None,
            Err(err) => return Err(Failure::io(&name, err)),
        };
        if existing.as_ref().is_some_and(fs::Metadata::is_dir) {
            // Not something -f could help with.
            return Err(Failure::Runtime(format!("{name}: is a directory")));
        }
        let exists = path.symlink_metadata().is_ok();
        if exists && !force && !is_dev_null(path) {
            return Err(already_exists(&name));
        }
        let target = Target {
            name: name.clone(),
            stdout: false,
        };
        if let Some(existing) = &existing {
            if same_file(existing, input) {
                return Err(Failure::Runtime(format!(
                    "{name}: is the input {}; give another output",
                    input.name()
                )));
            }
            if !existing.is_file() {
                // A device or FIFO: write into it (as a shell redirection
                // would), never replace it by a regular file.
                let file = fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map_err(|err| Failure::io(&name, err))?;
                return Ok(Output {
                    sink: Sink::Special(file),
                    target,
                });
            }
        }
        // A regular file, or none yet: the temporary file goes beside the
        // file a chain of symlinks ends at, and replaces that file.
        let resolved = follow_symlinks(path).map_err(|err| Failure::io(&name, err))?;
        let dir = match resolved.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        // A hidden name that says what it will become, in case an
        // uncatchable kill leaves it behind; for a name too long for that
        // (the temporary name adds 12 bytes), one that says what made it.
        let mut prefix = OsString::from(".");
        prefix.push(resolved.file_name().unwrap_or_default());
        prefix.push(".");
        if prefix.len() + TEMP_EXTRA > NAME_MAX {
            prefix = OsString::from(".lz4s.");
        }
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        let source = input.regular_file().cloned();
        // From an input file, OUTPUT gets its permissions at commit and is
        // readable by its owner only until then (tempfile's 0600). From
        // stdin it is a new file: 0666 less the umask, as the shell makes.
        #[cfg(unix)]
        if source.is_none() {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(fs::Permissions::from_mode(0o666));
        }
        let temp = create_pending(&builder, dir).map_err(|err| {
            Failure::Runtime(format!(
                "{name}: cannot create a temporary file in {}: {err}",
                dir.display()
            ))
        })?;
        Ok(Output {
            sink: Sink::Replace(Box::new(Replacement {
                temp,
                path: resolved,
                force,
                source,
            })),
            target,
        })
    }

    /// The output's name for messages.
    pub fn name(&self) -> &str {
        &self.target.name
    }

    /// Who to blame for write errors.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// Whether committing leaves a complete regular file (what `--rm` needs
    /// before it may delete the input).
    pub fn is_regular_file(&self) -> bool {
        matches!(self.sink, Sink::Replace(_))
    }

    /// Flushes the output and, for a regular file, gives it the input's
    /// permissions and times and renames it into place, first writing it to
    /// disk when `durable` (the input is about to be deleted). Without
    /// `force`, an OUTPUT that appeared in the meantime is still not
    /// replaced.
    pub fn commit(mut self, durable: bool) -> Result<(), Failure> {
        if let Err(err) = self.flush() {
            return Err(self.target.error(err));
        }
        let Sink::Replace(replacement) = self.sink else {
            return Ok(());
        };
        let Replacement {
            temp,
            path,
            force,
            source,
        } = *replacement;
        let name = &self.target.name;
        let finish = |file: &File| -> io::Result<()> {
            if let Some(source) = &source {
                copy_attributes(source, file)?;
            }
            if durable {
                file.sync_all()?;
            }
            Ok(())
        };
        // On an error the temporary file is deleted when `temp` drops.
        finish(temp.as_file()).map_err(|err| Failure::io(name, err))?;
        let result = if force {
            temp.persist(&path)
        } else {
            temp.persist_noclobber(&path)
        };
        *pending() = None;
        match result {
            Ok(_) => Ok(()),
            Err(err) if err.error.kind() == io::ErrorKind::AlreadyExists && !force => {
                Err(already_exists(name))
            }
            // Dropping err.file deletes the temporary file.
            Err(err) => Err(Failure::io(name, err.error)),
        }
    }
}

/// OUTPUT takes INPUT's permission bits and access and modification times,
/// as gzip, zstd and lz4 do (set-id bits are not carried over).
fn copy_attributes(source: &Metadata, file: &File) -> io::Result<()> {
    let mut permissions = source.permissions();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        permissions.set_mode(permissions.mode() & 0o777);
    }
    file.set_permissions(permissions)?;
    let mut times = fs::FileTimes::new().set_modified(source.modified()?);
    if let Ok(accessed) = source.accessed() {
        times = times.set_accessed(accessed);
    }
    file.set_times(times)
}

/// The path a chain of symlinks ends at (which may not exist yet).
fn follow_symlinks(path: &Path) -> io::Result<PathBuf> {
    let mut path = path.to_path_buf();
    for _ in 0..MAX_SYMLINKS {
        match path.symlink_metadata() {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                let link = fs::read_link(&path)?;
                // A relative link is relative to the link's directory; an
                // absolute one replaces the path (join does both).
                path = match path.parent() {
                    Some(dir) => dir.join(link),
                    None => link,
                };
            }
            _ => return Ok(path),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        "too many levels of symbolic links",
    ))
}

/// Whether `existing` is the input itself (writing it would destroy it).
fn same_file(existing: &Metadata, input: &Input) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        input
            .regular_file()
            .is_some_and(|i| i.dev() == existing.dev() && i.ino() == existing.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = (existing, input);
        false
    }
}

/// `/dev/null` under any name: writing into it destroys nothing, so it needs
/// no `-f` (as with zstd).
fn is_dev_null(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (fs::metadata(path), fs::metadata("/dev/null")) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino() && a.rdev() == b.rdev(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

fn already_exists(name: &str) -> Failure {
    Failure::Runtime(format!("{name}: already exists; use -f to overwrite it"))
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.sink {
            Sink::Stdout(stdout) => stdout.write(buf),
            Sink::Discard => Ok(buf.len()),
            Sink::Special(file) => file.write(buf),
            Sink::Replace(replacement) => replacement.temp.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Stdout(stdout) => stdout.flush(),
            Sink::Discard => Ok(()),
            Sink::Special(file) => file.flush(),
            Sink::Replace(replacement) => replacement.temp.flush(),
        }
    }
}
