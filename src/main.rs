//! warroom's entry point: parse the flags, run what they ask for (`commands::run`), and turn the outcome into an
//! exit status.

use std::process::ExitCode;

use clap::Parser;
use warroom::cli::Cli;
use warroom::commands::{self, StartError, say};

/// Exit status for bad input (flags, config, keymap, scenario): nothing was started, nothing was written.
const EXIT_USAGE: u8 = 2;
/// Exit status when AWS cannot be reached or will not say who we are.
const EXIT_AWS: u8 = 3;

fn main() -> ExitCode {
    match commands::run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(StartError::Usage(message)) => {
            say(format_args!("{message}"));
            ExitCode::from(EXIT_USAGE)
        }
        Err(StartError::Aws(message)) => {
            say(format_args!("{message}"));
            ExitCode::from(EXIT_AWS)
        }
        Err(StartError::Unhealthy) => ExitCode::FAILURE,
        Err(StartError::Runtime(report)) => {
            say(format_args!("{report:?}"));
            ExitCode::FAILURE
        }
        Err(StartError::TerminalLost(why)) => {
            say(format_args!("the terminal went away ({why}); exiting"));
            ExitCode::FAILURE
        }
    }
}
