//! What the binary does, behind `main`: every flag and file is resolved once into a `Setup` (config, keymap,
//! journal path, operator, and the scenario with `--demo`), then one `match` runs the dashboard or a subcommand.

mod annotate;
mod backend;
mod dashboard;
pub mod docs;
mod doctor;
mod export;
mod snapshot;

use std::path::PathBuf;

use warroom_core::config::Config;
use warroom_core::keymap::Keymap;
use warroom_core::model::{Session, SessionKind};
use warroom_core::sim::Scenario;

use crate::aws::AwsOptions;
use crate::cli::{Cli, Command};
use crate::paths;
use crate::telemetry::targets::TargetSpec;

/// Why a run ended without success; `main` turns each into its exit status.
pub enum StartError {
    /// Bad input (flags, config, keymap, scenario): nothing was started or written. Exit 2.
    Usage(String),
    /// AWS cannot be reached or will not say who we are. Exit 3.
    Aws(String),
    /// A snapshot found missing resources or failing calls (already printed). Exit 1.
    Unhealthy,
    /// The SSH session dropped: the terminal can be neither read nor written. Exit 1.
    TerminalLost(String),
    /// Anything else, with its cause. Exit 1.
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

/// Everything a run needs from flags, files and the environment, resolved once before anything starts.
pub struct Setup {
    /// The flags.
    pub cli: Cli,
    /// The config file (or the defaults).
    pub config: Config,
    /// The keymap: the defaults merged with the user's file.
    pub keymap: Keymap,
    /// The journal file, when one can be named (`--journal`, the config, else the XDG state directory).
    pub journal_path: Option<PathBuf>,
    /// Who is operating.
    pub operator: String,
    /// The scenario, with `--demo`.
    pub scenario: Option<Scenario>,
}

impl Setup {
    /// Reads the config, the keymap and (with `--demo`) the scenario; an error names the file and line.
    pub fn resolve(cli: Cli) -> Result<Setup, StartError> {
        if let Some(flag) = cli.demo_flag_without_demo() {
            return Err(StartError::Usage(format!(
                "{flag} is for the simulated incident and needs --demo (e.g. warroom --demo {flag} …)"
            )));
        }
        let config_dir = paths::config_dir();
        let config =
            Config::load(cli.config.as_deref(), config_dir.as_ref().map(|d| d.join("warroom.toml"))).map_err(usage)?;
        let keymap_path =
            cli.keymap.clone().or_else(|| config_dir.map(|d| d.join("keymap.toml")).filter(|p| p.exists()));
        let keymap = Keymap::load(keymap_path.as_deref()).map_err(usage)?;
        let scenario = if cli.demo {
            Some(match &cli.scenario {
                Some(path) => Scenario::load(path).map_err(usage)?,
                None => Scenario::seed_incident().map_err(usage)?,
            })
        } else {
            None
        };
        let journal_path = cli.journal.clone().or(config.journal.path.clone()).or_else(paths::default_journal);
        let operator = config.operator.clone().unwrap_or_else(paths::operator_identity);
        Ok(Setup { cli, config, keymap, journal_path, operator, scenario })
    }

    /// Live or demo.
    pub fn kind(&self) -> SessionKind {
        if self.cli.demo { SessionKind::Demo } else { SessionKind::Live }
    }

    /// This run's session, as the journal records it.
    pub fn session(&self, read_only: bool) -> Session {
        Session { operator: self.operator.clone(), kind: self.kind(), read_only }
    }

    /// Flags over the config's `[aws]`.
    pub fn aws_options(&self) -> AwsOptions {
        let (cli, aws) = (&self.cli, &self.config.aws);
        AwsOptions {
            profile: cli.profile.first().cloned().or(aws.profile.clone()),
            region: cli.region.first().cloned().or(aws.region.clone()),
            endpoint_url: cli.endpoint_url.clone().or(aws.endpoint_url.clone()),
        }
    }

    /// The targets, when more than one account or region is asked for: `--profile a,b` and/or `--region x,y`
    /// (every profile in every region, each labelled with its profile's name, each value once), else the config's
    /// `[[targets]]` (each region of each). Flags, given at all, replace `[[targets]]`. `None` for the one account
    /// and region of `[aws]` (and the flags over it). A region that is not spelt as one is a usage error.
    pub fn targets(&self) -> Result<Option<Vec<TargetSpec>>, StartError> {
        let (cli, config) = (&self.cli, &self.config);
        let endpoint_url = cli.endpoint_url.clone().or(config.aws.endpoint_url.clone());
        for region in &cli.region {
            warroom_core::config::check_region(region)
                .map_err(|e| StartError::Usage(format!("--region: {e}\n(warroom --help lists the flags)")))?;
        }
        let options = |profile: Option<&String>, region: Option<String>| AwsOptions {
            profile: profile.cloned(),
            region,
            endpoint_url: endpoint_url.clone(),
        };
        // Each in turn, or the one default (`None`: the chain's).
        let each = |values: &[String], default: Option<&String>| -> Vec<Option<String>> {
            if values.is_empty() { vec![default.cloned()] } else { values.iter().cloned().map(Some).collect() }
        };
        // Each once: `--profile prod,prod` is one target, not two labelled alike.
        let once = |values: &[String]| {
            values.iter().fold(Vec::new(), |mut seen: Vec<String>, v| {
                if !seen.contains(v) {
                    seen.push(v.clone());
                }
                seen
            })
        };
        let (profiles, regions) = (once(&cli.profile), once(&cli.region));
        // Flags override the config: given at all, they replace `[[targets]]` (one profile and region is then
        // the one account of `[aws]`, which they override).
        if !profiles.is_empty() || !regions.is_empty() {
            if profiles.len() <= 1 && regions.len() <= 1 {
                return Ok(None);
            }
            let mut specs = Vec::new();
            for profile in each(&profiles, config.aws.profile.as_ref()) {
                for region in each(&regions, config.aws.region.as_ref()) {
                    // A profile the config's targets mark read-only stays so: flags choose what to watch, they
                    // never arm an account the config protects.
                    let protected =
                        config.targets.iter().any(|t| t.read_only && t.profile.is_some() && t.profile == profile);
                    specs.push(TargetSpec {
                        name: profile.clone().unwrap_or_else(|| "default".to_string()),
                        options: options(profile.as_ref(), region),
                        role_arn: None,
                        read_only: cli.read_only || protected,
                        watch: config.watch.clone(),
                        writes_to: Vec::new(),
                    });
                }
            }
            return Ok(Some(specs));
        }
        if config.targets.is_empty() {
            return Ok(None);
        }
        let mut specs = Vec::new();
        for t in &config.targets {
            for region in each(&once(&t.regions), None) {
                specs.push(TargetSpec {
                    name: t.name.clone(),
                    options: options(t.profile.as_ref(), region),
                    role_arn: t.role_arn.clone(),
                    read_only: t.read_only || cli.read_only,
                    watch: t.watch.clone().or(config.watch.clone()),
                    writes_to: t.writes_to.clone(),
                });
            }
        }
        Ok(Some(specs))
    }

    /// The journal path, or why there is none.
    pub fn journal_path(&self) -> Result<&PathBuf, String> {
        self.journal_path
            .as_ref()
            .ok_or_else(|| "no journal path: set --journal, or HOME or XDG_STATE_HOME".to_string())
    }
}

/// Runs what the flags ask for.
pub fn run(cli: Cli) -> Result<(), StartError> {
    // Generated from the flags alone: a broken config or keymap must not stand between a user and these.
    match cli.command {
        Some(Command::Completions { shell }) => return print_bytes(&docs::completions(shell)),
        Some(Command::Man) => return print_bytes(&docs::man_page()?),
        _ => {}
    }
    let setup = Setup::resolve(cli)?;
    if setup.cli.list_actions {
        print!("{}", setup.keymap.markdown_table());
        return Ok(());
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    match setup.cli.command.clone() {
        None => dashboard::run(&setup, &runtime),
        Some(Command::Snapshot { json }) => runtime.block_on(snapshot::run(&setup, json)),
        Some(Command::Export { since, until, format, out }) => {
            runtime.block_on(export::run(&setup, export::Request { since, until, format, out }))
        }
        Some(Command::Annotate { kind, resource, text }) => annotate::run(&setup, &runtime, kind, resource, text),
        Some(Command::Doctor { read_only }) => runtime.block_on(doctor::run(&setup, read_only)),
        // Printed above, before the config was read.
        Some(Command::Completions { .. } | Command::Man) => Ok(()),
    }
}

/// Writes generated bytes (a completion script, the man page) to standard output, as `print_out` does text.
fn print_bytes(bytes: &[u8]) -> Result<(), StartError> {
    print_out(&String::from_utf8_lossy(bytes))
}

/// Writes `text` to standard output. A reader that stopped early (`| head`) closes the pipe: that ends the
/// output quietly rather than panicking in `println!`; any other failure (a full disk) is an error naming it.
pub fn print_out(text: &str) -> Result<(), StartError> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(usage(format!("standard output: {e}"))),
        _ => Ok(()),
    }
}

/// A line on stderr that cannot panic: after a hang-up stderr is often the dead terminal, and `eprintln!`
/// panics when it cannot write (which, in a panic hook that also writes, aborts).
pub fn say(message: std::fmt::Arguments) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "warroom: {message}");
}
