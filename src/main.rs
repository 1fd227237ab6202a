//! warroom's entry point: flags, config, keymap, the terminal guard and the runtime.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;

use warroom::app::{App, Exit};
use warroom::cli::Cli;
use warroom::config::Config;
use warroom::journal::{Journal, Session};
use warroom::keymap::Keymap;
use warroom::ops::guard::Guard;
use warroom::ops::sim::SimOperator;
use warroom::paths;
use warroom::state::{Mode, State};
use warroom::telemetry::Telemetry;
use warroom::telemetry::sim::{Scenario, Sim, SimTelemetry};

/// Exit status for bad input (flags, config, keymap, scenario): nothing was started, nothing was written.
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match start(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(StartError::Usage(message)) => {
            eprintln!("warroom: {message}");
            ExitCode::from(EXIT_USAGE)
        }
        Err(StartError::Runtime(report)) => {
            eprintln!("warroom: {report:?}");
            ExitCode::FAILURE
        }
    }
}

enum StartError {
    Usage(String),
    Runtime(color_eyre::Report),
}

impl<E: Into<color_eyre::Report>> From<E> for StartError {
    fn from(e: E) -> Self {
        StartError::Runtime(e.into())
    }
}

fn usage(e: impl std::fmt::Display) -> StartError {
    StartError::Usage(e.to_string())
}

fn start(cli: Cli) -> Result<(), StartError> {
    let config_dir = paths::config_dir();
    let config =
        Config::load(cli.config.as_deref(), config_dir.as_ref().map(|d| d.join("warroom.toml"))).map_err(usage)?;
    let keymap_path = cli.keymap.clone().or_else(|| config_dir.map(|d| d.join("keymap.toml")).filter(|p| p.exists()));
    let keymap = Keymap::load(keymap_path.as_deref()).map_err(usage)?;
    if cli.list_actions {
        print!("{}", keymap.markdown_table());
        return Ok(());
    }
    if !cli.demo {
        return Err(usage(
            "the live AWS backend is not part of this build yet.\n\
             Start the simulated incident instead:   warroom --demo\n\
             Watch it without operating:            warroom --demo --read-only",
        ));
    }
    let scenario = match &cli.scenario {
        Some(path) => Scenario::load(path),
        None => Scenario::seed_incident(),
    }
    .map_err(usage)?;

    color_eyre::install()?;
    let operator = config.operator.clone().unwrap_or_else(paths::operator_identity);
    let journal_path: Option<PathBuf> = cli.journal.clone().or(config.journal.clone()).or_else(paths::default_journal);
    let journal = match &journal_path {
        Some(path) => Journal::open(path).map(Arc::new).map_err(|e| format!("journal {}: {e}", path.display())),
        None => Err("no journal path: set --journal, or HOME or XDG_STATE_HOME".to_string()),
    };

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let exit = runtime.block_on(async {
        let sim = Sim::start(scenario, cli.speed);
        let telemetry: Arc<dyn Telemetry> = Arc::new(SimTelemetry::new(sim.clone()));
        // The only place an operator is built; in read-only mode this closure never runs.
        let guard = Guard::new(cli.read_only, || Arc::new(SimOperator::new(sim.clone())));
        let mode = Mode { read_only: cli.read_only, source: telemetry.source(), operator: operator.clone() };
        let mut state = State::new(mode, config.thresholds.clone(), telemetry.now());
        state.journal_error = journal.as_ref().err().cloned();
        let app = App {
            state,
            keymap,
            telemetry,
            guard,
            journal,
            session: Session { operator, mode: "demo".into(), read_only: cli.read_only },
            session_id: format!("{}-{}", chrono::Utc::now().format("%Y%m%dT%H%M%S"), std::process::id()),
        };
        let mut terminal = ratatui::try_init()?;
        let result = app.run(&mut terminal).await;
        ratatui::restore();
        result
    })?;
    match exit {
        Exit::Quit => Ok(()),
        Exit::InputClosed(why) => Err(StartError::Runtime(color_eyre::eyre::eyre!("terminal closed: {why}"))),
        Exit::Signal(name) => {
            eprintln!("warroom: exiting on {name}");
            Ok(())
        }
    }
}
