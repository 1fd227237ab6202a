//! warroom's entry point: flags, config, keymap, the source of truth (simulator or AWS), the terminal guard and
//! the runtime.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;

use warroom::app::{App, Exit};
use warroom::cli::{Cli, Command};
use warroom::config::Config;
use warroom::export;
use warroom::journal::{Journal, JournalEntry, Session};
use warroom::keymap::Keymap;
use warroom::ops::aws::AwsOperator;
use warroom::ops::guard::Guard;
use warroom::ops::sim::SimOperator;
use warroom::paths;
use warroom::snapshot::Snapshot;
use warroom::state::Msg;
use warroom::state::{Mode, State};
use warroom::telemetry::Feed;
use warroom::telemetry::Telemetry;
use warroom::telemetry::aws::connect::load_config;
use warroom::telemetry::aws::{AwsOptions, AwsTelemetry, connect};
use warroom::telemetry::sim::{Scenario, Sim, SimTelemetry};
use warroom::war_room::WarRoomLink;

/// Exit status for bad input (flags, config, keymap, scenario): nothing was started, nothing was written.
const EXIT_USAGE: u8 = 2;
/// Exit status when AWS cannot be reached or will not say who we are.
const EXIT_AWS: u8 = 3;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match start(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(StartError::Usage(message)) => {
            say(format_args!("{message}"));
            ExitCode::from(EXIT_USAGE)
        }
        Err(StartError::Unhealthy) => ExitCode::FAILURE,
        Err(StartError::Aws(message)) => {
            say(format_args!("{message}"));
            ExitCode::from(EXIT_AWS)
        }
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

/// A line on stderr that cannot panic: after a hang-up stderr is often the dead terminal, and `eprintln!`
/// panics when it cannot write (which, in a panic hook that also writes, aborts).
fn say(message: std::fmt::Arguments) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "warroom: {message}");
}

enum StartError {
    /// A snapshot found missing resources or failing calls (already printed).
    Unhealthy,
    Usage(String),
    Aws(String),
    Runtime(color_eyre::Report),
    /// The SSH session dropped: the terminal can be neither read nor written.
    TerminalLost(String),
}

impl<E: Into<color_eyre::Report>> From<E> for StartError {
    fn from(e: E) -> Self {
        StartError::Runtime(e.into())
    }
}

fn usage(e: impl std::fmt::Display) -> StartError {
    StartError::Usage(e.to_string())
}

/// Where the data comes from and who may change things: the one place an operator is built. In read-only
/// mode `Guard::new` never calls the closure, so no operator exists.
struct Backend {
    telemetry: Arc<dyn Telemetry>,
    guard: Guard,
    mode: &'static str,
}

fn demo_backend(cli: &Cli) -> Result<Backend, StartError> {
    let scenario = match &cli.scenario {
        Some(path) => Scenario::load(path),
        None => Scenario::seed_incident(),
    }
    .map_err(usage)?;
    let sim = Sim::start(scenario, cli.speed);
    let telemetry: Arc<dyn Telemetry> = Arc::new(SimTelemetry::new(sim.clone()));
    let guard = Guard::new(cli.read_only, || Arc::new(SimOperator::new(sim)));
    Ok(Backend { telemetry, guard, mode: "demo" })
}

/// Flags over the config's `[aws]`.
fn aws_options(cli: &Cli, config: &Config) -> AwsOptions {
    AwsOptions {
        profile: cli.profile.clone().or(config.aws.profile.clone()),
        region: cli.region.clone().or(config.aws.region.clone()),
        endpoint_url: cli.endpoint_url.clone().or(config.aws.endpoint_url.clone()),
    }
}

/// The war room's link, when the config names a log group: the same credentials chain as the live path, in
/// demo mode too (so a demo can be run as a team exercise).
async fn war_room_link(cli: &Cli, config: &Config, operator: &str, session_id: &str) -> Option<WarRoomLink> {
    let group = config.journal.log_group.clone()?;
    let sdk = load_config(&aws_options(cli, config)).await;
    Some(WarRoomLink {
        logs: aws_sdk_cloudwatchlogs::Client::new(&sdk),
        group,
        stream: format!("{}/{session_id}", operator.replace([':', '*'], "_")),
        own_session: session_id.to_string(),
    })
}

async fn live_telemetry(cli: &Cli, config: &Config) -> Result<AwsTelemetry, StartError> {
    let connection = connect(&aws_options(cli, config)).await.map_err(|e| StartError::Aws(e.to_string()))?;
    Ok(AwsTelemetry::new(connection, config.watch.clone()))
}

async fn live_backend(cli: &Cli, config: &Config) -> Result<Backend, StartError> {
    let telemetry = live_telemetry(cli, config).await?;
    let clients = telemetry.clients().clone();
    let telemetry: Arc<dyn Telemetry> = Arc::new(telemetry);
    let guard = Guard::new(cli.read_only, || Arc::new(AwsOperator::new(clients)));
    Ok(Backend { telemetry, guard, mode: "live" })
}

/// One poll of every feed, printed; exits 1 (as a runtime error) when something is missing or failing.
async fn snapshot(backend: Backend, config: &Config, json: bool) -> Result<(), StartError> {
    let telemetry = backend.telemetry;
    let mode = Mode { read_only: true, source: telemetry.source(), operator: paths::operator_identity() };
    let mut state = State::new(mode, config.thresholds.clone(), telemetry.now());
    // Inventory first: it discovers what the other feeds read.
    for feed in [Feed::Inventory, Feed::Fast, Feed::Metrics] {
        let result = telemetry.poll(feed).await;
        state.update(Msg::Telemetry { feed, result });
    }
    let snap = Snapshot::of(&state);
    if json {
        println!("{}", serde_json::to_string_pretty(&snap)?);
    } else {
        print!("{}", snap.text(&state));
    }
    if snap.healthy() { Ok(()) } else { Err(StartError::Unhealthy) }
}

/// `warroom annotate`: one line in the journal, stamped now, for every dashboard reading it.
fn annotate(
    cli: &Cli,
    config: &Config,
    kind: warroom::journal::AnnotationKind,
    resource: Option<String>,
    text: String,
) -> Result<(), StartError> {
    if text.trim().is_empty() {
        return Err(usage("annotate: the text is empty; say what happened"));
    }
    let path = cli
        .journal
        .clone()
        .or(config.journal.path.clone())
        .or_else(paths::default_journal)
        .ok_or_else(|| usage("no journal path: set --journal, or HOME or XDG_STATE_HOME"))?;
    let journal = Journal::open(&path).map_err(|e| usage(format!("journal {}: {e}", path.display())))?;
    let operator = config.operator.clone().unwrap_or_else(paths::operator_identity);
    let session = Session { operator, mode: "live".into(), read_only: false };
    let entry = JournalEntry {
        session_id: Some(format!("annotate-{}", std::process::id())),
        ..JournalEntry::annotation(&session, kind, resource, text)
    };
    journal.append(&entry).map_err(|e| usage(format!("journal {}: {e}", path.display())))?;
    eprintln!("warroom: annotated in {}", path.display());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let session_id = entry.session_id.clone().unwrap_or_default();
    if let Some(link) = runtime.block_on(war_room_link(cli, config, &session.operator, &session_id)) {
        runtime.block_on(warroom::war_room::send_once(&link, &entry)).map_err(|e| {
            StartError::Aws(format!(
                "journaled in {}, but the war room ({}) did not take it: {e}",
                path.display(),
                link.group
            ))
        })?;
        eprintln!("warroom: and in the war room, log group {}", link.group);
    }
    Ok(())
}

struct ExportRequest {
    since: Option<String>,
    until: Option<String>,
    format: String,
    out: Option<PathBuf>,
}

/// `warroom export`: the journal, plus the history replayed (demo) or read back from AWS (live).
async fn export(cli: &Cli, config: &Config, request: ExportRequest) -> Result<(), StartError> {
    let journal_path = cli.journal.clone().or(config.journal.path.clone()).or_else(paths::default_journal);
    let all = match &journal_path {
        Some(path) if path.exists() => {
            Journal::read_all(path).map_err(|e| usage(format!("journal {}: {e}", path.display())))?
        }
        _ => {
            eprintln!("warroom: no journal found; the postmortem has no operations or notes");
            Vec::new()
        }
    };
    let journal = export::session_lines(&all, !cli.demo);
    let parse = |text: &Option<String>, reference| match text {
        Some(t) => export::parse_time(t, reference).map(Some).map_err(usage),
        None => Ok(None),
    };
    let (state, journal, title, until) = if cli.demo {
        let scenario = match &cli.scenario {
            Some(path) => Scenario::load(path),
            None => Scenario::seed_incident(),
        }
        .map_err(usage)?;
        let until = parse(&request.until, chrono::Utc::now())?
            .unwrap_or_else(|| export::replay::default_until(&scenario, &journal));
        let title = scenario.name.clone();
        let state = export::replay::replay(scenario, &journal, config.thresholds.clone(), until);
        (state, journal, title, until)
    } else {
        let until = parse(&request.until, chrono::Utc::now())?.unwrap_or_else(chrono::Utc::now);
        // The history to read: from --since, else three hours before --until (widened below if the journal
        // starts earlier).
        let first_line = journal.iter().map(|e| e.clock).min();
        let reach = parse(&request.since, until)?
            .unwrap_or(until - chrono::Duration::hours(3))
            .min(first_line.map_or(until, |t| t - chrono::Duration::hours(1)));
        let telemetry = live_telemetry(cli, config).await?.reaching_back(reach);
        let mode = Mode { read_only: true, source: telemetry.source(), operator: paths::operator_identity() };
        let mut state = State::new(mode, config.thresholds.clone(), telemetry.now());
        for feed in [Feed::Inventory, Feed::Fast, Feed::Metrics] {
            let result = telemetry.poll(feed).await;
            state.update(Msg::Telemetry { feed, result });
        }
        (state, journal, telemetry.source().location, until)
    };
    let since = parse(&request.since, until)?.unwrap_or_else(|| export::default_since(&state, &journal, until));
    let postmortem = export::Postmortem::build(&state, &journal, title, since, until);
    let text = postmortem.render(&request.format);
    match &request.out {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| usage(format!("{}: {e}", path.display())))?;
            eprintln!("warroom: postmortem written to {}", path.display());
        }
        None => print!("{text}"),
    }
    Ok(())
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
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    if let Some(Command::Annotate { kind, resource, text }) = &cli.command {
        return annotate(&cli, &config, *kind, resource.clone(), text.clone());
    }
    if let Some(Command::Export { since, until, format, out }) = &cli.command {
        let request =
            ExportRequest { since: since.clone(), until: until.clone(), format: format.clone(), out: out.clone() };
        return runtime.block_on(export(&cli, &config, request));
    }
    // Connect (or build the simulator) before touching the terminal, so errors print plainly.
    let backend = if cli.demo { demo_backend(&cli)? } else { runtime.block_on(live_backend(&cli, &config))? };
    if let Some(Command::Snapshot { json }) = cli.command {
        return runtime.block_on(snapshot(backend, &config, json));
    }

    color_eyre::install()?;
    let operator = config.operator.clone().unwrap_or_else(paths::operator_identity);
    let journal_path: Option<PathBuf> =
        cli.journal.clone().or(config.journal.path.clone()).or_else(paths::default_journal);
    let session_id = format!("{}-{}", chrono::Utc::now().format("%Y%m%dT%H%M%S"), std::process::id());
    let link = runtime.block_on(war_room_link(&cli, &config, &operator, &session_id));
    let (mirror, lines) = tokio::sync::mpsc::unbounded_channel();
    let journal = match &journal_path {
        Some(path) => Journal::open(path)
            .map(|j| if link.is_some() { j.with_mirror(mirror) } else { j })
            .map(Arc::new)
            .map_err(|e| format!("journal {}: {e}", path.display())),
        None => Err("no journal path: set --journal, or HOME or XDG_STATE_HOME".to_string()),
    };

    // Live only: a demo restarts its simulation, so an earlier demo's operation has nothing to re-read.
    let unfinished = match (&journal, backend.mode == "live") {
        (Ok(j), true) => Journal::read_all(j.path())
            .map(|all| warroom::journal::unfinished(&all, "live", chrono::Utc::now() - chrono::Duration::hours(24)))
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let exit = runtime.block_on(async {
        let Backend { telemetry, guard, mode } = backend;
        let state_mode = Mode { read_only: cli.read_only, source: telemetry.source(), operator: operator.clone() };
        let mut state = State::new(state_mode, config.thresholds.clone(), telemetry.now());
        state.journal_error = journal.as_ref().err().cloned();
        let app = App {
            state,
            keymap,
            telemetry,
            guard,
            journal,
            session: Session { operator, mode: mode.into(), read_only: cli.read_only },
            session_id,
            war_room: link.map(|l| (l, lines)),
            unfinished,
        };
        let mut terminal = ratatui::try_init()?;
        let result = app.run(&mut terminal).await;
        // Not `ratatui::restore`, which reports its failure with `eprintln!` (a panic on a dead terminal).
        let _ = ratatui::try_restore();
        if matches!(result, Ok(Exit::InputClosed(_))) {
            // Dropping the terminal would show the cursor on the dead terminal and `eprintln!` the failure.
            std::mem::forget(terminal);
        }
        result
    })?;
    match exit {
        Exit::Quit => Ok(()),
        Exit::InputClosed(why) => Err(StartError::TerminalLost(why)),
        Exit::Signal(name) => {
            say(format_args!("exiting on {name}"));
            Ok(())
        }
    }
}
