//! INPUT and OUTPUT: files or the standard streams, and the rule that an
//! output file is written to a temporary file beside it and renamed into place
//! only when everything succeeded.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tempfile::NamedTempFile;

use crate::Failure;

/// The temporary file being written, if any, so that the interrupt handler
/// can delete it: a process ended by a signal runs no destructors. After a
/// failed run the path may name a file its `NamedTempFile` already deleted,
/// which `remove_pending` tolerates.
static PENDING: Mutex<Option<PathBuf>> = Mutex::new(None);

fn set_pending(path: Option<PathBuf>) {
    // A poisoned lock only means a panic elsewhere; the path is still valid.
    *PENDING.lock().unwrap_or_else(|e| e.into_inner()) = path;
}

/// Deletes the temporary file of an interrupted run. Called from the signal
/// handler's thread just before the process exits.
pub fn remove_pending() {
    let pending = PENDING.lock().unwrap_or_else(|e| e.into_inner()).take();
    if let Some(path) = pending {
        // It may already have been renamed into place (the run finished as
        // the signal came); then there is nothing to remove.
        let _ = std::fs::remove_file(path);
    }
}

/// Where the bytes come from.
pub enum Input {
    Stdin(io::StdinLock<'static>),
    File(File),
}

impl Input {
    /// Opens INPUT (`None` is stdin). Returns the input, its name for
    /// messages and its size when it is a regular file.
    pub fn open(path: Option<&Path>) -> Result<(Input, String, Option<u64>), Failure> {
        match path {
            None => Ok((Input::Stdin(io::stdin().lock()), "(stdin)".into(), None)),
            Some(path) => {
                let name = path.display().to_string();
                let file = File::open(path).map_err(|err| Failure::io(&name, err))?;
                let metadata = file.metadata().map_err(|err| Failure::io(&name, err))?;
                if metadata.is_dir() {
                    return Err(Failure::Runtime(format!("{name}: is a directory")));
                }
                let size = metadata.is_file().then_some(metadata.len());
                Ok((Input::File(file), name, size))
            }
        }
    }
}

impl Read for Input {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Input::Stdin(stdin) => stdin.read(buf),
            Input::File(file) => file.read(buf),
        }
    }
}

/// Where the bytes go: stdout, or a temporary file that becomes OUTPUT on
/// [`commit`](Output::commit).
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
    File {
        temp: NamedTempFile,
        path: PathBuf,
        force: bool,
    },
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

    /// A temporary file in OUTPUT's directory. Without `force` an existing
    /// OUTPUT (even a dangling symlink) is an error, found here, before any
    /// work is done.
    pub fn file(path: &Path, force: bool) -> Result<Output, Failure> {
        let name = path.display().to_string();
        if !force && path.symlink_metadata().is_ok() {
            return Err(already_exists(&name));
        }
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        // A hidden name that says what it will become, in case an
        // uncatchable kill leaves it behind.
        let mut prefix = OsString::from(".");
        prefix.push(path.file_name().unwrap_or_default());
        prefix.push(".");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        // The temporary file becomes OUTPUT, so give it the permissions a
        // newly created file gets (0666 less the umask), not tempfile's 0600.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let temp = builder.tempfile_in(dir).map_err(|err| {
            Failure::Runtime(format!(
                "{name}: cannot create a temporary file in {}: {err}",
                dir.display()
            ))
        })?;
        set_pending(Some(temp.path().to_path_buf()));
        Ok(Output {
            sink: Sink::File {
                temp,
                path: path.to_path_buf(),
                force,
            },
            target: Target {
                name,
                stdout: false,
            },
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

    /// Flushes the output and, for a file, renames the temporary file to
    /// OUTPUT. Without `force`, an OUTPUT that appeared in the meantime is
    /// still not replaced.
    pub fn commit(mut self) -> Result<(), Failure> {
        if let Err(err) = self.flush() {
            return Err(self.target.error(err));
        }
        match self.sink {
            Sink::Stdout(_) => Ok(()),
            Sink::File { temp, path, force } => {
                let result = if force {
                    temp.persist(&path)
                } else {
                    temp.persist_noclobber(&path)
                };
                set_pending(None);
                match result {
                    Ok(_) => Ok(()),
                    Err(err) if err.error.kind() == io::ErrorKind::AlreadyExists && !force => {
                        Err(already_exists(&self.target.name))
                    }
                    // Dropping err.file deletes the temporary file.
                    Err(err) => Err(Failure::io(&self.target.name, err.error)),
                }
            }
        }
    }
}

fn already_exists(name: &str) -> Failure {
    Failure::Runtime(format!("{name}: already exists; use -f to overwrite it"))
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.sink {
            Sink::Stdout(stdout) => stdout.write(buf),
            Sink::File { temp, .. } => temp.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Stdout(stdout) => stdout.flush(),
            Sink::File { temp, .. } => temp.flush(),
        }
    }
}
