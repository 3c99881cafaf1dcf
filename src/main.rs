//! The `morgue` binary: parse arguments, run, map errors to exit codes.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
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

fn report(err: &anyhow::Error) {
    eprintln!("morgue: {err:#}");
}
