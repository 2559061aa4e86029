//! What a run will do: the operation, its configuration and one job per input
//! with where its output goes, worked out from either spelling of the command
//! line, with every usage rule checked before any file is touched.

use std::path::{Path, PathBuf};

use lz4_stream::StreamConfig;

use crate::args::{self, Cli, Command, EncodeArgs, FileArgs, FormatArgs};
use crate::Failure;

/// Pages smaller than this are almost certainly a mistake (lz4's `-B7` is
/// 4 MiB, ours would be 7 bytes): each block costs a size prefix and a token,
/// so the output grows. Warned about, not refused: python-lz4 accepts them.
const SMALL_PAGE: usize = 64;

/// The three things lz4s does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Compress,
    Decompress,
    /// Decompress and discard: only whether the stream decodes matters.
    Test,
}

/// Where one job's output goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Stdout,
    File(PathBuf),
    Discard,
    /// No output name follows from the input's (decompressing a FILE
    /// without `.lz4s`): the job fails with this message when its turn
    /// comes, and the other FILEs are still processed, as with gzip and
    /// zstd.
    Unnamed(String),
}

/// One input and its output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// `None` is stdin.
    pub input: Option<PathBuf>,
    pub output: Destination,
}

/// Everything a run does, decided up front.
#[derive(Debug)]
pub struct Plan {
    pub operation: Operation,
    pub config: StreamConfig,
    pub jobs: Vec<Job>,
    pub force: bool,
    /// `--rm`: delete each input file once its output file is complete.
    pub remove_inputs: bool,
    pub quiet: bool,
    pub verbose: bool,
    /// Said on stderr before the work starts (unless `-q`).
    pub warnings: Vec<String>,
}

/// Where the output goes, as the command line said it.
enum OutputChoice {
    /// Derived from each input's name (stdin: stdout).
    Default,
    Stdout,
    File(PathBuf),
}

/// The command line in one shape, whichever spelling was used.
struct Request<'a> {
    operation: Operation,
    inputs: Vec<Option<PathBuf>>,
    output: OutputChoice,
    files: &'a FileArgs,
    format: &'a FormatArgs,
    encode: Option<&'a EncodeArgs>,
}

/// `-` (or nothing) means stdin and stdout.
fn file_or_std(path: &Path) -> Option<PathBuf> {
    (path.as_os_str() != "-").then(|| path.to_path_buf())
}

impl<'a> Request<'a> {
    fn from_cli(cli: &'a Cli) -> Request<'a> {
        match &cli.command {
            None => {
                let top = &cli.top;
                let operation = if top.test {
                    Operation::Test
                } else if top.decompress {
                    Operation::Decompress
                } else {
                    Operation::Compress
                };
                let inputs = if top.files.is_empty() {
                    vec![None]
                } else {
                    top.files.iter().map(|f| file_or_std(f)).collect()
                };
                Request {
                    operation,
                    inputs,
                    output: output_choice(&top.files_args, top.output.as_deref()),
                    files: &top.files_args,
                    format: &top.format,
                    encode: Some(&top.encode),
                }
            }
            Some(Command::Compress(command)) => Request::positional(
                Operation::Compress,
                command.input.as_deref(),
                command.output.as_deref().or(command.output_file.as_deref()),
                &command.files,
                &command.format,
                Some(&command.encode),
            ),
            Some(Command::Decompress(command)) => Request::positional(
                if command.test {
                    Operation::Test
                } else {
                    Operation::Decompress
                },
                command.input.as_deref(),
                command.output.as_deref().or(command.output_file.as_deref()),
                &command.files,
                &command.format,
                None,
            ),
        }
    }

    /// The subcommands' lz4 form: one INPUT and an optional OUTPUT.
    fn positional(
        operation: Operation,
        input: Option<&Path>,
        output: Option<&Path>,
        files: &'a FileArgs,
        format: &'a FormatArgs,
        encode: Option<&'a EncodeArgs>,
    ) -> Request<'a> {
        Request {
            operation,
            inputs: vec![input.and_then(file_or_std)],
            output: output_choice(files, output),
            files,
            format,
            encode,
        }
    }
}

fn output_choice(files: &FileArgs, output: Option<&Path>) -> OutputChoice {
    match output {
        _ if files.stdout => OutputChoice::Stdout,
        None => OutputChoice::Default,
        Some(path) if names_stdout(path) => OutputChoice::Stdout,
        Some(path) => file_or_std(path).map_or(OutputChoice::Stdout, OutputChoice::File),
    }
}

/// `-o /dev/stdout` (or `/dev/fd/1`) is stdout itself: written into as it
/// is, never replaced by a new file, which would undo a `>>` redirection
/// and put the output where the shell did not.
fn names_stdout(path: &Path) -> bool {
    ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"]
        .iter()
        .any(|name| path == Path::new(name))
}

impl Plan {
    /// Checks the usage rules and names every output. A usage error (exit
    /// status 2) is found here, before the dictionary is read or any file
    /// opened; a missing dictionary is a runtime error (status 1).
    pub fn new(cli: &Cli) -> Result<Plan, Failure> {
        let request = Request::from_cli(cli);
        let operation = request.operation;
        let files = request.files;
        let several = request.inputs.len() > 1;
        if several {
            if let OutputChoice::File(path) = &request.output {
                return Err(Failure::Usage(format!(
                    "-o {} takes one input, not {}: leave -o out for one output per input, or use -c to write them all to stdout",
                    path.display(),
                    request.inputs.len()
                )));
            }
            if request.inputs.iter().filter(|i| i.is_none()).count() > 1 {
                return Err(Failure::Usage("stdin (-) can be an input only once".into()));
            }
        }
        let jobs = request
            .inputs
            .iter()
            .map(|input| {
                let output = job_output(operation, &request.output, input.as_deref())?;
                Ok(Job {
                    input: input.clone(),
                    output,
                })
            })
            .collect::<Result<Vec<_>, Failure>>()?;

        let mut warnings = Vec::new();
        let config = match (operation, request.encode) {
            (Operation::Compress, Some(encode)) => {
                let to_stdout = jobs.iter().filter(|j| j.output == Destination::Stdout);
                if to_stdout.count() > 1 && (encode.end_marker || request.format.dict.is_some()) {
                    // Streams back to back read as one stream only when none
                    // ends early or starts from a dictionary.
                    return Err(Failure::Usage(
                        "-c with several inputs writes their streams back to back, which read back as one only without --end-marker and -D; compress them one by one".into(),
                    ));
                }
                let config = encode.config(request.format)?;
                if config.get_buffer_size() < SMALL_PAGE {
                    warnings.push(format!(
                        "-B {}: pages under {SMALL_PAGE} bytes make the output larger than the input (each block costs a size prefix); lz4's -B4 to -B7 are 64K, 256K, 1M and 4M",
                        config.get_buffer_size()
                    ));
                }
                config
            }
            (_, Some(encode)) if encode.end_marker => {
                return Err(Failure::Usage(
                    "--end-marker applies only when compressing (a reader always accepts one)"
                        .into(),
                ));
            }
            _ => request.format.config()?,
        };
        if files.rm
            && jobs
                .iter()
                .any(|j| j.input.is_some() && j.output == Destination::Stdout)
        {
            warnings.push("--rm: inputs written to stdout are kept".into());
        }
        Ok(Plan {
            operation,
            config,
            jobs,
            force: files.force,
            remove_inputs: files.rm,
            quiet: files.quiet,
            verbose: files.verbose,
            warnings,
        })
    }
}

/// Where the output of `input` (`None`: stdin) goes.
fn job_output(
    operation: Operation,
    choice: &OutputChoice,
    input: Option<&Path>,
) -> Result<Destination, Failure> {
    Ok(match (operation, choice, input) {
        (Operation::Test, _, _) => Destination::Discard,
        (_, OutputChoice::Stdout, _) | (_, OutputChoice::Default, None) => Destination::Stdout,
        (_, OutputChoice::File(path), _) => Destination::File(path.clone()),
        (Operation::Compress, OutputChoice::Default, Some(input)) => {
            Destination::File(args::compressed_name(input))
        }
        (Operation::Decompress, OutputChoice::Default, Some(input)) => {
            match args::decompressed_name(input) {
                Ok(path) => Destination::File(path),
                Err(message) => Destination::Unnamed(message),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use std::ffi::OsString;

    fn plan(args: &[&str]) -> Result<Plan, Failure> {
        let mut all = vec!["lz4s"];
        all.extend_from_slice(args);
        let cli = Cli::try_parse_from(args::expand_level_flags(all.iter().map(OsString::from)))
            .unwrap_or_else(|e| panic!("{args:?}: {e}"));
        Plan::new(&cli)
    }

    fn jobs(args: &[&str]) -> Vec<(Option<&'static str>, Destination)> {
        let plan = plan(args).unwrap_or_else(|e| panic!("{args:?}: {e:?}"));
        plan.jobs
            .into_iter()
            .map(|j| {
                let input = j
                    .input
                    .map(|p| &*Box::leak(p.to_str().unwrap().to_string().into_boxed_str()));
                (input, j.output)
            })
            .collect()
    }

    fn file(name: &str) -> Destination {
        Destination::File(PathBuf::from(name))
    }

    #[test]
    fn default_outputs() {
        assert_eq!(
            jobs(&["a", "b"]),
            [(Some("a"), file("a.lz4s")), (Some("b"), file("b.lz4s"))]
        );
        assert_eq!(jobs(&["-d", "a.lz4s"]), [(Some("a.lz4s"), file("a"))]);
        assert_eq!(jobs(&["-z"]), [(None, Destination::Stdout)]);
        assert_eq!(jobs(&["-d", "-"]), [(None, Destination::Stdout)]);
        assert_eq!(
            jobs(&["-c", "a", "b"]),
            [
                (Some("a"), Destination::Stdout),
                (Some("b"), Destination::Stdout)
            ]
        );
        assert_eq!(jobs(&["a", "-o", "x"]), [(Some("a"), file("x"))]);
        assert_eq!(jobs(&["a", "-o", "-"]), [(Some("a"), Destination::Stdout)]);
        assert_eq!(
            jobs(&["-t", "a", "b.txt"]),
            [
                (Some("a"), Destination::Discard),
                (Some("b.txt"), Destination::Discard)
            ]
        );
        // The subcommands keep INPUT OUTPUT.
        assert_eq!(jobs(&["compress", "a", "b"]), [(Some("a"), file("b"))]);
        assert_eq!(
            jobs(&["decompress", "a", "-"]),
            [(Some("a"), Destination::Stdout)]
        );
        assert_eq!(
            jobs(&["decompress", "a.lz4s"]),
            [(Some("a.lz4s"), file("a"))]
        );
        assert_eq!(
            jobs(&["decompress", "-t", "a"]),
            [(Some("a"), Destination::Discard)]
        );
        assert_eq!(plan(&["-dt", "x"]).unwrap().operation, Operation::Test);
    }

    #[test]
    fn rm_warns_only_of_inputs_written_to_stdout() {
        assert!(plan(&["-d", "--rm", "a.lz4s", "notes.txt"])
            .unwrap()
            .warnings
            .is_empty());
        let warnings = plan(&["--rm", "-c", "a"]).unwrap().warnings;
        assert!(warnings[0].contains("stdout are kept"), "{warnings:?}");
    }

    #[test]
    fn usage_rules() {
        let usage = |args: &[&str], part: &str| match plan(args) {
            Err(Failure::Usage(message)) => assert!(message.contains(part), "{message}"),
            other => panic!("{args:?}: {other:?}"),
        };
        usage(&["a", "b", "-o", "x"], "takes one input");
        usage(&["-", "-"], "only once");
        usage(&["-c", "--end-marker", "a", "b"], "back to back");
        usage(&["-c", "-D", "d", "a", "b"], "back to back");
        usage(&["-d", "--end-marker", "a.lz4s"], "only when compressing");
        usage(&["-B", "1000", "-p", "1", "a"], "at most 239");
        // One input may carry both.
        assert!(plan(&["-c", "--end-marker", "a"]).is_ok());
    }

    #[test]
    fn warnings() {
        assert!(plan(&["a"]).unwrap().warnings.is_empty());
        assert!(plan(&["-B7", "a"]).unwrap().warnings.is_empty());
        assert!(plan(&["-B", "63", "a"]).unwrap().warnings[0].contains("-B 63"));
        // Decompressing, the page size is the writer's: nothing to warn about.
        assert!(plan(&["-d", "-B", "3", "a.lz4s"])
            .unwrap()
            .warnings
            .is_empty());
        assert!(plan(&["--rm", "-c", "a"]).unwrap().warnings[0].contains("kept"));
        assert!(plan(&["--rm", "a"]).unwrap().warnings.is_empty());
    }
}
