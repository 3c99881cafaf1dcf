//! The `morgue` binary: parse arguments, run, map errors to exit codes.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    cli::quiet_panics();
    let parsed = match cli::Cli::try_parse() {
        Ok(p) => p,
        Err(e) => {
            let code = if e.use_stderr() {
                cli::exit::ERROR
            } else {
                cli::exit::OK
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli::run(parsed) {
        Ok(code) => code,
        Err(err) => {
            report(&err);
            ExitCode::from(cli::exit::ERROR)
        }
    }
}

/// Prints the error and its causes on one line. morgue's own errors already say their cause
/// (`path: reason`), so a cause is appended only when the message does not contain it yet.
fn report(err: &anyhow::Error) {
    let mut message = err.to_string();
    for cause in err.chain().skip(1) {
        let cause = cause.to_string();
        if !message.contains(&cause) {
            message.push_str(": ");
            message.push_str(&cause);
        }
    }
    eprintln!(
        "morgue: {}",
        morgue::present::safe::terminal(&message, false)
    );
}
