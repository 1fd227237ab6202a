//! Command-line flags. `--help` documents every one.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use warroom_core::export::Format;
use warroom_core::journal::AnnotationKind;

/// What `warroom --version` says: the version, the commit it was built from and the build's UTC day
/// (`0.1.0 (8ab7f4a1c2d3 2026-12-01)`), stamped by `build.rs`.
pub const VERSION: &str =
    concat!(env!("CARGO_PKG_VERSION"), " (", env!("WARROOM_COMMIT"), " ", env!("WARROOM_BUILD_DATE"), ")");

/// warroom's flags and subcommands.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "warroom",
    version = VERSION,
    about = "A terminal incident-response dashboard for AWS: live panes, a deploy timeline and guarded actions.",
    after_help = "Try it without an AWS account:  warroom --demo\nWatch without operating:        warroom --demo --read-only"
)]
pub struct Cli {
    /// A subcommand; none runs the dashboard.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Run the built-in simulated incident: no AWS account or network needed
    #[arg(long, global = true)]
    pub demo: bool,

    /// Observe only: no operator is constructed; operation keys open a preview that cannot be confirmed
    #[arg(long)]
    pub read_only: bool,

    /// Follow an operating dashboard's view from the config's [journal] follow_bucket instead of polling AWS
    /// (read-only; NAME is operator@host, default the latest to publish)
    #[arg(long, value_name = "NAME", num_args = 0..=1, default_missing_value = "", conflicts_with = "demo")]
    pub follow: Option<String>,

    /// Config file [default: warroom.toml in $XDG_CONFIG_HOME/warroom or ~/.config/warroom]
    #[arg(long, value_name = "PATH", global = true)]
    pub config: Option<PathBuf>,

    /// Keymap overriding the defaults key by key [default: keymap.toml in the config directory]
    #[arg(long, value_name = "PATH")]
    pub keymap: Option<PathBuf>,

    /// Journal of operations and notes, JSON Lines [default: $XDG_STATE_HOME/warroom/journal.jsonl]
    #[arg(long, value_name = "PATH", global = true)]
    pub journal: Option<PathBuf>,

    /// Colours: default, high-contrast or mono [default: `[theme] name` in the config, else default]
    #[arg(long, value_name = "THEME", hide_possible_values = true)]
    pub theme: Option<warroom_core::config::ThemeName>,

    /// Simulated seconds per real second in --demo [default: 10]
    // Negative numbers reach the parser, which says what is wrong with them (clap alone would call `-5` a flag).
    #[arg(long, value_name = "N", value_parser = parse_speed, allow_negative_numbers = true)]
    pub speed: Option<f64>,

    /// Scenario file for --demo [default: the built-in orders incident, scenarios/orders-incident.toml]
    #[arg(long, value_name = "PATH", global = true)]
    pub scenario: Option<PathBuf>,

    /// AWS profile (default: AWS_PROFILE, then the default chain); a,b watches several in one view
    #[arg(long, value_name = "NAME,…", global = true, value_delimiter = ',')]
    pub profile: Vec<String>,

    /// AWS region (default: AWS_REGION, then the profile's region); x,y watches several (each profile in each)
    #[arg(long, value_name = "REGION,…", global = true, value_delimiter = ',')]
    pub region: Vec<String>,

    /// Send every AWS call to this endpoint, e.g. an emulator (AWS_ENDPOINT_URL works too)
    #[arg(long, value_name = "URL", global = true)]
    pub endpoint_url: Option<String>,

    /// Print every action with its keys (your keymap merged over the defaults) and description, then exit
    #[arg(long)]
    pub list_actions: bool,
}

/// What to do instead of running the dashboard.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Poll once and print what the panes would show, for scripts and for checking a config before an
    /// incident. Exits 1 when a watched resource is missing or a call failed (warnings, such as no Performance
    /// Insights, do not count).
    Snapshot {
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Write a postmortem timeline (Markdown or JSON) from the journal and the metric and alarm history
    ///
    /// Alarm transitions, deploys and other changes, operations with who, the exact call and the result, notes,
    /// the suspect changes and per-resource summaries with a sparkline each. Live, the history is read back
    /// from CloudWatch and RDS; with --demo, the scenario is replayed with the journal's operations.
    Export {
        /// Start of the window: RFC 3339, "YYYY-MM-DD HH:MM" or "HH:MM" (UTC, the day of --until) [default: half
        /// an hour before the first change or journal line]
        #[arg(long, value_name = "TIME")]
        since: Option<String>,
        /// End of the window, same forms [default: now; in --demo, ten minutes after the last journal line]
        #[arg(long, value_name = "TIME")]
        until: Option<String>,
        /// Markdown (md) or JSON
        #[arg(long, value_name = "FORMAT", value_enum, default_value = "md")]
        format: Format,
        /// Write to this file and say where, instead of printing
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
    },
    /// Mark a deploy, migration or note in the journal, e.g. from a CI/CD pipeline
    ///
    /// It shows in the timeline of every dashboard reading the journal within seconds, deploys and migrations
    /// as markers on the charts, and takes part in the suspect-change ranking.
    Annotate {
        /// What it marks
        #[arg(long, value_enum, default_value = "note")]
        kind: AnnotationKind,
        /// The resource it concerns (a function, queue or database), so it can be ranked as upstream
        #[arg(long, value_name = "NAME")]
        resource: Option<String>,
        /// What happened, e.g. "migration started: index on orders(customer_id)"
        text: String,
    },
    /// Check, before an incident, that warroom will work here: credentials, region, resources, permissions,
    /// the war room, the journal and the terminal. Exits 1 when a check failed
    ///
    /// Every read call the dashboard makes is tried once, and a denied one names the IAM action and the policy
    /// file under policies/ that grants it. The operator's calls are checked by IAM policy simulation
    /// (iam:SimulatePrincipalPolicy) where the identity may run it, never by calling them; with --read-only a
    /// denied operator call is expected and does not fail. With --demo only the journal and the terminal are
    /// checked.
    Doctor {
        /// Observe only: the operator's calls are not needed
        #[arg(long)]
        read_only: bool,
    },
    /// Print a shell completion script for bash, zsh or fish
    ///
    /// bash: warroom completions bash > ~/.local/share/bash-completion/completions/warroom; zsh: into a
    /// directory on $fpath, named _warroom; fish: ~/.config/fish/completions/warroom.fish. The release archives
    /// carry all three.
    Completions {
        /// bash, zsh or fish
        #[arg(value_enum)]
        shell: CompletionShell,
    },
    /// Print the manual page (roff)
    ///
    /// Read it with `warroom man | man -l -`, or install it as man1/warroom.1; the release archives carry it.
    Man,
}

/// The shells `warroom completions` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CompletionShell {
    /// GNU bash (with the bash-completion package).
    Bash,
    /// zsh's completion system (compinit).
    Zsh,
    /// fish.
    Fish,
}

/// The demo's speed when `--speed` is not given: simulated seconds per real second.
pub const DEFAULT_SPEED: f64 = warroom_core::sim::DEFAULT_SPEED;

impl Cli {
    /// Simulated seconds per real second in the demo: `--speed`, else `DEFAULT_SPEED`.
    pub fn demo_speed(&self) -> f64 {
        self.speed.unwrap_or(DEFAULT_SPEED)
    }

    /// A flag that only the demo reads, given without `--demo`: an error rather than silently ignored.
    pub fn demo_flag_without_demo(&self) -> Option<&'static str> {
        if self.demo {
            return None;
        }
        if self.scenario.is_some() {
            Some("--scenario")
        } else if self.speed.is_some() {
            Some("--speed")
        } else {
            None
        }
    }
}

fn parse_speed(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("`{s}` is not a number"))?;
    if v.is_finite() && (0.1..=3600.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is out of range: use 0.1 to 3600 simulated seconds per real second"))
    }
}
