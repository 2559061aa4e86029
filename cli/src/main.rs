//! `lz4s`: compress and decompress LZ4 block-stream files (python-lz4's
//! `lz4.stream`, liblz4's double-buffer example) from the command line.
//!
//! Everything streams: input is read in fixed-size pieces and output written
//! as it is produced, so memory depends on the page size, never on the input.
//! Output files go through a temporary file that is renamed into place only
//! when the whole run succeeded.

mod args;
mod files;
mod plan;
mod report;

use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use lz4_stream::{Lz4StreamReader, Lz4StreamWriter, StreamConfig};

use crate::args::Cli;
use crate::files::{Input, Output};
use crate::plan::{Destination, Job, Operation, Plan};
use crate::report::{Counts, Report};

/// Size of the read and write buffers: large enough that system calls are
/// rare, small enough not to matter next to a page.
const IO_BUFFER: usize = 128 * 1024;

/// Why a run failed, which decides the exit status.
#[derive(Debug)]
pub enum Failure {
    /// Bad arguments: exit status 2.
    Usage(String),
    /// The run itself failed (I/O, corrupt data, existing output): status 1.
    Runtime(String),
    /// stdout was closed by its reader: stop quietly.
    BrokenPipe,
}

impl Failure {
    /// A runtime failure about the file called `name`.
    pub fn io(name: &str, err: io::Error) -> Failure {
        Failure::Runtime(format!("{name}: {err}"))
    }
}

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        // A panic is a bug; still, say it in one line and without a backtrace.
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let _ = writeln!(
            io::stderr(),
            "lz4s: internal error{place}: {message}; please report it"
        );
    }));
    // On Ctrl-C, SIGTERM or SIGHUP, delete the temporary output before
    // exiting. If that cannot be arranged, an interrupted run may leave a
    // hidden temporary file (`.NAME.XXXXXX.tmp`), nothing worse.
    remove_output_on_signals();
    // Bare `lz4s` compresses stdin to stdout, as lz4, zstd and gzip do, but
    // typed at a terminal it is surely a question: the help answers it.
    if std::env::args_os().len() <= 1 && io::stdin().is_terminal() {
        let _ = Cli::command().write_help(&mut io::stderr());
        return ExitCode::from(2);
    }

    let cli = match Cli::try_parse_from(args::expand_level_flags(std::env::args_os())) {
        Ok(cli) => cli,
        Err(err) => {
            // --help and --version come here too, with status 0. A closed
            // stdout must not turn them into a panic, so ignore print errors.
            let _ = err.print();
            return ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2));
        }
    };
    let mut failed = false;
    let result = Plan::new(&cli).and_then(|plan| {
        check_terminals(&plan)?;
        if !plan.quiet {
            for warning in &plan.warnings {
                let _ = writeln!(io::stderr(), "lz4s: warning: {warning}");
            }
        }
        // A failed input does not stop the others (as with gzip, zstd and
        // lz4); the exit status says that one failed.
        for job in &plan.jobs {
            match run_job(&plan, job) {
                Err(Failure::Runtime(message)) => {
                    let _ = writeln!(io::stderr(), "lz4s: {message}");
                    failed = true;
                }
                other => other?,
            }
        }
        Ok(())
    });
    match result {
        Ok(()) | Err(Failure::BrokenPipe) if !failed => ExitCode::SUCCESS,
        Ok(()) | Err(Failure::BrokenPipe) => ExitCode::from(1),
        Err(Failure::Runtime(message)) => {
            let _ = writeln!(io::stderr(), "lz4s: {message}");
            ExitCode::from(1)
        }
        Err(Failure::Usage(message)) => {
            let _ = writeln!(io::stderr(), "lz4s: {message}");
            ExitCode::from(2)
        }
    }
}

/// Compressed data on a terminal is noise that can upset it, and a stream
/// typed at one is surely a mistake; gzip and lz4 refuse both unless forced.
fn check_terminals(plan: &Plan) -> Result<(), Failure> {
    if plan.force {
        return Ok(());
    }
    let compressing = plan.operation == Operation::Compress;
    let to_stdout = plan.jobs.iter().any(|j| j.output == Destination::Stdout);
    if compressing && to_stdout && io::stdout().is_terminal() {
        return Err(Failure::Runtime(
            "(stdout): is a terminal; not writing compressed data to it (redirect stdout, give an output file, or use -f)".into(),
        ));
    }
    let from_stdin = plan.jobs.iter().any(|j| j.input.is_none());
    if !compressing && from_stdin && io::stdin().is_terminal() {
        return Err(Failure::Runtime(
            "(stdin): is a terminal; not reading compressed data from it (redirect stdin, give a FILE, or use -f)".into(),
        ));
    }
    Ok(())
}

/// Removes the temporary output and exits with status 130 on SIGINT,
/// SIGTERM or SIGHUP (the handler runs on its own thread), except for those
/// the parent made lz4s ignore (`nohup`): they stay ignored, as with gzip.
/// Which those are, Linux says in /proc; elsewhere all three are handled.
#[cfg(unix)]
fn remove_output_on_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let ignored = inherited_ignored_signals();
    let signals: Vec<i32> = [SIGINT, SIGTERM, SIGHUP]
        .into_iter()
        .filter(|&signal| ignored & (1 << (signal - 1)) == 0)
        .collect();
    let Ok(mut signals) = signal_hook::iterator::Signals::new(signals) else {
        return;
    };
    std::thread::spawn(move || {
        if signals.forever().next().is_some() {
            files::remove_pending_and_exit(130);
        }
    });
}

#[cfg(not(unix))]
fn remove_output_on_signals() {
    let _ = ctrlc::set_handler(|| {
        files::remove_pending_and_exit(130);
    });
}

/// The signals that came ignored from the parent, as a mask (signal n is
/// bit n - 1), as Linux's /proc says; elsewhere none.
#[cfg(unix)]
fn inherited_ignored_signals() -> u64 {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return 0;
    };
    status
        .lines()
        .find_map(|line| line.strip_prefix("SigIgn:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .unwrap_or(0)
}

/// One input to its output; then, with `--rm`, the input file goes.
fn run_job(plan: &Plan, job: &Job) -> Result<(), Failure> {
    // A missing input is said first, as gzip does.
    let input = Input::open(job.input.as_deref())?;
    let input_name = input.name().to_string();
    let input_size = input.regular_file().map(|m| m.len());
    let output = match &job.output {
        Destination::Stdout => Output::stdout(),
        Destination::Discard => Output::discard(),
        Destination::File(path) => Output::file(path, plan.force, &input)?,
        Destination::Unnamed(message) => return Err(Failure::Runtime(message.clone())),
    };
    let label = match job.output {
        Destination::Discard => input_name.clone(),
        _ => format!("{input_name} -> {}", output.name()),
    };
    let compressing = plan.operation == Operation::Compress;
    let mut report = Report::new(label, compressing, plan.quiet, plan.verbose, input_size);
    let remove = plan.remove_inputs && output.is_regular_file();
    type Stream =
        fn(Input, &str, Output, StreamConfig, &mut Report, bool) -> Result<Counts, Failure>;
    let stream: Stream = if compressing {
        compress_stream
    } else {
        decompress_stream
    };
    let result = stream(
        input,
        &input_name,
        output,
        plan.config.clone(),
        &mut report,
        remove,
    );
    match result {
        Ok(counts) => report.finish(counts),
        Err(_) => report.clear(),
    }
    result?;
    match &job.input {
        Some(path) if remove && input_size.is_some() => {
            std::fs::remove_file(path).map_err(|err| Failure::io(&input_name, err))
        }
        Some(_) if remove && !plan.quiet => {
            let _ = writeln!(
                io::stderr(),
                "lz4s: warning: {input_name}: not a regular file; not removed"
            );
            Ok(())
        }
        _ => Ok(()),
    }
}

fn compress_stream(
    mut input: Input,
    input_name: &str,
    output: Output,
    config: StreamConfig,
    report: &mut Report,
    durable: bool,
) -> Result<Counts, Failure> {
    let target = output.target().clone();
    let mut writer = Lz4StreamWriter::with_config(
        BufWriter::with_capacity(IO_BUFFER, Counting::new(output)),
        config,
    )
    .map_err(|err| Failure::Usage(err.to_string()))?;
    let mut buf = vec![0u8; IO_BUFFER];
    let mut counts = Counts::default();
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(Failure::io(input_name, err)),
        };
        if let Err(err) = writer.write_all(&buf[..n]) {
            return Err(target.error(err));
        }
        counts.read += n as u64;
        counts.plain += n as u64;
        counts.packed = writer.get_ref().get_ref().count;
        report.tick(counts);
    }
    // finish writes the last block (and the end marker) and flushes the
    // BufWriter, so into_inner has nothing left to write.
    let buffered = writer.finish().map_err(|err| target.error(err))?;
    let counting = buffered
        .into_inner()
        .map_err(|err| target.error(err.into_error()))?;
    counts.packed = counting.count;
    counting.inner.commit(durable)?;
    Ok(counts)
}

fn decompress_stream(
    input: Input,
    input_name: &str,
    output: Output,
    config: StreamConfig,
    report: &mut Report,
    durable: bool,
) -> Result<Counts, Failure> {
    let mut reader = Lz4StreamReader::with_config(
        BufReader::with_capacity(IO_BUFFER, Counting::new(input)),
        config,
    )
    .map_err(|err| Failure::Usage(err.to_string()))?;
    let mut writer = BufWriter::with_capacity(IO_BUFFER, output);
    let mut counts = Counts::default();
    loop {
        // Hand out each decoded page straight from the reader's window.
        let chunk = match reader.fill_buf() {
            Ok(chunk) => chunk,
            // The library's message names the likeliest cause of corruption
            // (a page size, prefix width or dictionary unlike the writer's).
            Err(err) => return Err(Failure::io(input_name, err)),
        };
        if chunk.is_empty() {
            break;
        }
        let n = chunk.len();
        if let Err(err) = writer.write_all(chunk) {
            return Err(writer.get_ref().target().error(err));
        }
        reader.consume(n);
        counts.plain += n as u64;
        counts.read = reader.get_ref().get_ref().count;
        counts.packed = counts.read;
        report.tick(counts);
    }
    // The reader stops at an end marker; anything after it means the file is
    // not what it seems (say, two streams glued together), so refuse it.
    let source = reader.get_mut();
    let rest = match source.fill_buf() {
        Ok(rest) => rest.len() as u64,
        Err(err) => return Err(Failure::io(input_name, err)),
    };
    if rest > 0 {
        let offset = source.get_ref().count - rest;
        return Err(Failure::Runtime(format!(
            "{input_name}: unexpected data after the end marker (stream offset {offset})"
        )));
    }
    counts.read = source.get_ref().count;
    counts.packed = counts.read;
    let output = writer.into_inner().map_err(|err| {
        let (err, writer) = err.into_parts();
        writer.get_ref().target().error(err)
    })?;
    output.commit(durable)?;
    Ok(counts)
}

/// Counts the bytes that pass through, for progress and the summary.
struct Counting<T> {
    inner: T,
    count: u64,
}

impl<T> Counting<T> {
    fn new(inner: T) -> Self {
        Counting { inner, count: 0 }
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.count += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
