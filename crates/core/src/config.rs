//! The config file (`--config PATH`, else `warroom.toml` in the config directory). Every error names the file,
//! the line and what was expected; nothing is written when a file is rejected.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::files::{FileError, parse_toml, read_text_file};

/// Where a breach begins, and how far back a change counts as a suspect.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Age of oldest message above which a queue is in breach, seconds.
    #[serde(default = "default_queue_age")]
    pub queue_age_seconds: f64,
    /// Database CPU above which an instance is in breach, percent.
    #[serde(default = "default_db_cpu")]
    pub db_cpu_percent: f64,
    /// How far before an anomaly's onset a change counts as a suspect, minutes.
    #[serde(default = "default_suspect_window")]
    pub suspect_window_minutes: f64,
    /// `[thresholds.queues]`: a queue's own age threshold, seconds, by queue name; over its alarm's and the
    /// default.
    #[serde(default)]
    pub queues: std::collections::BTreeMap<String, f64>,
    /// `[thresholds.databases]`: a DB instance's (or every instance of a cluster's) own CPU threshold, percent,
    /// by instance or cluster identifier; over its alarm's and the default.
    #[serde(default)]
    pub databases: std::collections::BTreeMap<String, f64>,
}

fn default_queue_age() -> f64 {
    60.0
}
fn default_db_cpu() -> f64 {
    70.0
}
fn default_suspect_window() -> f64 {
    30.0
}

impl Thresholds {
    /// `suspect_window_minutes` as a duration.
    pub fn suspect_window(&self) -> chrono::Duration {
        chrono::Duration::seconds((self.suspect_window_minutes * 60.0) as i64)
    }
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            queue_age_seconds: default_queue_age(),
            db_cpu_percent: default_db_cpu(),
            suspect_window_minutes: default_suspect_window(),
            queues: Default::default(),
            databases: Default::default(),
        }
    }
}

/// Where the journal goes: the local file (default: the XDG state directory) and, optionally, a CloudWatch Logs
/// log group that every dashboard of the incident shares (the war room).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JournalSettings {
    /// The local journal file.
    pub path: Option<PathBuf>,
    /// The war room's CloudWatch Logs log group.
    pub log_group: Option<String>,
    /// The source identity a role session was assumed with (`${aws:SourceIdentity}`), which names its war-room
    /// stream so that IAM can check who writes there; IAM users need none (their user name is used).
    pub source_identity: Option<String>,
    /// Follow mode's S3 bucket: an operating dashboard publishes what its panes render from there, and
    /// `warroom --follow` reads it (`src/follow`).
    pub follow_bucket: Option<String>,
    /// The key prefix of follow mode's streams in `follow_bucket` (default `warroom/follow/`).
    pub follow_prefix: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JournalTable {
    path: Option<PathBuf>,
    log_group: Option<String>,
    #[serde(default, deserialize_with = "source_identity")]
    source_identity: Option<String>,
    follow_bucket: Option<String>,
    follow_prefix: Option<String>,
}

/// Refused where it is read, so the error carries the file and line.
fn source_identity<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let value = String::deserialize(deserializer)?;
    check_source_identity(&value).map_err(serde::de::Error::custom)?;
    Ok(Some(value))
}

/// Checks a `source_identity` as STS does (letters, digits and `_=,.@-`, 2 to 64 characters): a value STS could
/// never have set is a config error, not a war room that refuses every line. The error says what is allowed.
pub fn check_source_identity(value: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_=,.@-".contains(c);
    if (2..=64).contains(&value.len()) && value.chars().all(allowed) {
        Ok(())
    } else {
        Err(format!(
            "source_identity {value:?} is not one STS can set: 2 to 64 letters, digits or any of _=,.@- (see AssumeRole's SourceIdentity)"
        ))
    }
}

/// `journal = "PATH"` (the older form) or `[journal]` with `path` and `log_group`; a visitor rather than an
/// untagged enum, so a mistake in the table keeps its precise message ("unknown field `log_gruop`").
impl<'de> Deserialize<'de> for JournalSettings {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = JournalSettings;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a path, or a table with `path`, `log_group`, `source_identity`, `follow_bucket` and `follow_prefix`")
            }
            fn visit_str<E: serde::de::Error>(self, path: &str) -> Result<JournalSettings, E> {
                Ok(JournalSettings { path: Some(PathBuf::from(path)), ..JournalSettings::default() })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<JournalSettings, A::Error> {
                let t = JournalTable::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(JournalSettings {
                    path: t.path,
                    log_group: t.log_group,
                    source_identity: t.source_identity,
                    follow_bucket: t.follow_bucket,
                    follow_prefix: t.follow_prefix,
                })
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Where to reach AWS; each overrides the default chain (flags override these in turn).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AwsSettings {
    /// A profile of the shared config files.
    pub profile: Option<String>,
    /// The region to call.
    pub region: Option<String>,
    /// Every call goes here instead (an emulator).
    pub endpoint_url: Option<String>,
}

/// What to watch. Anything left out is discovered from what is named; no `[watch]` at all discovers
/// everything in the region (bounded per kind).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Watch {
    /// Queue names. Their DLQs come from each queue's RedrivePolicy, their consumers from event source mappings.
    #[serde(default)]
    pub queues: Vec<String>,
    /// Dead-letter queues to watch beyond those discovered.
    #[serde(default)]
    pub dlqs: Vec<String>,
    /// Function names, or `name:alias` (default alias: every alias of the function).
    #[serde(default)]
    pub functions: Vec<String>,
    /// DB cluster identifiers (members are discovered).
    #[serde(default)]
    pub clusters: Vec<String>,
    /// DB instance identifiers outside any cluster.
    #[serde(default)]
    pub instances: Vec<String>,
    /// Alarm name prefixes; with `alarms`, empty watches every alarm (up to 500, noted when more).
    #[serde(default)]
    pub alarm_prefixes: Vec<String>,
    /// Alarm names, read by name: found however many alarms the account has.
    #[serde(default)]
    pub alarms: Vec<String>,
}

/// The config file, every field optional.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Who is operating, for the header and the journal (default: $USER).
    pub operator: Option<String>,
    /// `journal = "PATH"`, or a `[journal]` table with `path` and the war room's `log_group`.
    #[serde(default)]
    pub journal: JournalSettings,
    /// `[thresholds]`: where a breach begins.
    #[serde(default)]
    pub thresholds: Thresholds,
    /// `[aws]`: profile, region, endpoint.
    #[serde(default)]
    pub aws: AwsSettings,
    /// `[watch]`: what to watch; `None` discovers everything in the region.
    pub watch: Option<Watch>,
    /// `[theme]`: how the screen is coloured.
    #[serde(default)]
    pub theme: ThemeSettings,
    /// `[logs]`: which of the consumers' log lines are errors.
    #[serde(default)]
    pub logs: LogSettings,
    /// `[[targets]]`: the accounts and regions to watch in one view; none watches the one `[aws]` (or the
    /// default chain) names.
    #[serde(default)]
    pub targets: Vec<TargetConfig>,
}

/// `[[targets]]`: one account (a profile, or a role assumed from one) in one or more regions. Each region is a
/// target of its own, labelled `name/region` on every row, timeline entry and plan.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TargetConfig {
    /// What its rows are labelled with (with the region): `prod`. Letters, digits, `-`, `_` and `.`.
    #[serde(deserialize_with = "target_name")]
    pub name: String,
    /// The profile of the shared config files its credentials (and, with `endpoint_url` there, its endpoint)
    /// come from; `role_arn`/`source_profile`, SSO and `credential_process` profiles work as in the AWS CLI.
    /// Default: the default chain.
    pub profile: Option<String>,
    /// A role to assume (STS AssumeRole) with `profile`'s credentials: `arn:aws:iam::222222222222:role/oncall`.
    #[serde(default, deserialize_with = "role_arn")]
    pub role_arn: Option<String>,
    /// Its regions; default: the profile's region.
    #[serde(default, deserialize_with = "regions")]
    pub regions: Vec<String>,
    /// No operator is constructed for it: its plans can be previewed, never run.
    #[serde(default)]
    pub read_only: bool,
    /// Other targets (by name) whose databases its consumers write to: the suspect ranking counts its consumers
    /// upstream of those databases too (within a target, every consumer counts upstream of every database).
    #[serde(default)]
    pub writes_to: Vec<String>,
    /// `[targets.watch]`: what to watch there; default: the top-level `[watch]`, else discovery.
    pub watch: Option<Watch>,
}

/// Refused where it is read, so the error carries the file and line.
fn target_name<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let name = String::deserialize(deserializer)?;
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-_.".contains(c);
    if (1..=32).contains(&name.len()) && name.chars().all(allowed) {
        Ok(name)
    } else {
        Err(serde::de::Error::custom(format!(
            "target name {name:?}: expected 1 to 32 letters, digits, `-`, `_` or `.` (it labels every row, with the region)"
        )))
    }
}

fn role_arn<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let arn = String::deserialize(deserializer)?;
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", partition, "iam", "", account, resource]
            if partition.starts_with("aws")
                && account.len() == 12
                && account.bytes().all(|b| b.is_ascii_digit())
                && resource.starts_with("role/") =>
        {
            Ok(Some(arn))
        }
        _ => Err(serde::de::Error::custom(format!(
            "role_arn {arn:?}: expected a role's ARN, arn:aws:iam::<12-digit account>:role/<name>"
        ))),
    }
}

fn regions<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    let regions = Vec::<String>::deserialize(deserializer)?;
    for region in &regions {
        check_region(region).map_err(serde::de::Error::custom)?;
    }
    Ok(regions)
}

/// The compass words AWS region names end with before their number (`ap-southeast-2`, `il-central-1`).
const REGION_DIRECTIONS: [&str; 9] =
    ["east", "west", "north", "south", "central", "northeast", "northwest", "southeast", "southwest"];

/// Checks a region's spelling (`us-east-1`, `eu-central-2`, `us-gov-west-1`): lower-case hyphenated parts, the
/// first a two-letter area, then a compass word and a number. A misspelt region is an error here, not a target
/// that never answers (or, on an emulator that takes any region, one that answers with nothing).
pub fn check_region(region: &str) -> Result<(), String> {
    let parts: Vec<&str> = region.split('-').collect();
    let word = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    let ends_in_number = parts.last().is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let expected = format!("region {region:?}: expected a region name such as us-east-1");
    if !(parts.len() >= 3 && parts.iter().all(word) && ends_in_number && parts[0].len() == 2) {
        return Err(expected);
    }
    let direction = parts[parts.len() - 2];
    if !REGION_DIRECTIONS.contains(&direction) {
        return Err(format!("{expected} ({direction:?} is not one of {})", REGION_DIRECTIONS.join(", ")));
    }
    Ok(())
}

/// The CloudWatch Logs filter pattern that picks the consumers' error lines when `[logs] pattern` is not set: one
/// regular expression (`%…%`), because plain terms match whole words only and `Throttl` must find
/// `ThrottlingException`: errors and exceptions, the Lambda runtime's "Task timed out", timeouts, throttling. A
/// filter-pattern regex allows no space (`.` stands for it) and no parentheses.
pub const DEFAULT_ERROR_PATTERN: &str = "%ERROR|[Ee]rror|[Ee]xception|[Tt]imed.out|[Tt]imeout|[Tt]hrottl%";

/// `[logs]`: `pattern = "…"`, a CloudWatch Logs filter pattern
/// (<https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html>) for the consumers'
/// error lines.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    /// The filter pattern; `DEFAULT_ERROR_PATTERN` when left out.
    pub pattern: Option<String>,
}

impl LogSettings {
    /// The pattern in force.
    pub fn pattern(&self) -> &str {
        self.pattern.as_deref().filter(|p| !p.trim().is_empty()).unwrap_or(DEFAULT_ERROR_PATTERN)
    }
}

/// `[theme]`: `name = "default" | "high-contrast" | "mono"` (`--theme` overrides it).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ThemeSettings {
    /// Which theme.
    #[serde(default)]
    pub name: ThemeName,
}

/// How the screen is coloured. Every theme reads on the 16-colour palettes terminals ship with, Solarized's
/// included (where colour 8 is the background itself).
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum ThemeName {
    /// Colours for meaning (red breach, green healthy, yellow stale), none that a common palette hides.
    #[default]
    Default,
    /// Text only in the terminal's own foreground, meaning carried by bold and reverse video: the contrast the
    /// user chose for their shell.
    HighContrast,
    /// No colour at all; a breach is reverse video.
    Mono,
}

impl Config {
    /// Loads `explicit`, else the default file if it exists, else defaults. An explicit path must exist.
    pub fn load(explicit: Option<&Path>, default_path: Option<PathBuf>) -> Result<Config, FileError> {
        let path = match (explicit, default_path) {
            (Some(p), _) => p.to_path_buf(),
            (None, Some(p)) if p.exists() => p,
            _ => return Ok(Config::default()),
        };
        let src = read_text_file(&path)?;
        let config: Config = parse_toml(&src, &path.display().to_string())?;
        config.validate(&src, &path.display().to_string())?;
        Ok(config)
    }

    fn validate(&self, src: &str, name: &str) -> Result<(), FileError> {
        let check = |field: &str, ok: bool, expected: &str| {
            if ok {
                return Ok(());
            }
            // The key itself, not a longer one it begins (`orders` is not `orders-dlq`).
            let is_key = |l: &str| {
                let rest = l.trim_start().trim_start_matches(['"', '\'']).strip_prefix(field);
                rest.is_some_and(|r| r.trim_start_matches(['"', '\'']).trim_start().starts_with('='))
            };
            let line = src.lines().position(is_key).map(|i| i + 1);
            Err(FileError { path: name.to_string(), line, column: None, message: format!("{field}: {expected}") })
        };
        let t = &self.thresholds;
        check("queue_age_seconds", t.queue_age_seconds > 0.0, "expected a number of seconds above 0")?;
        check(
            "db_cpu_percent",
            t.db_cpu_percent > 0.0 && t.db_cpu_percent <= 100.0,
            "expected a percentage between 0 and 100",
        )?;
        check(
            "suspect_window_minutes",
            t.suspect_window_minutes > 0.0 && t.suspect_window_minutes <= 24.0 * 60.0,
            "expected minutes between 0 and 1440 (a day)",
        )?;
        for (queue, age) in &t.queues {
            check(queue, *age > 0.0, "expected a queue's age threshold in seconds above 0")?;
        }
        for (database, cpu) in &t.databases {
            check(database, *cpu > 0.0 && *cpu <= 100.0, "expected a CPU threshold between 0 and 100 %")?;
        }
        self.check_targets(src, name)
    }

    /// Two `[[targets]]` of one name would label two accounts' rows alike: the second is refused at its line.
    fn check_targets(&self, src: &str, name: &str) -> Result<(), FileError> {
        for (i, target) in self.targets.iter().enumerate() {
            if self.targets[..i].iter().any(|t| t.name == target.name) {
                let is_name = |l: &&str| {
                    let l = l.trim_start();
                    l.strip_prefix("name").is_some_and(|r| r.trim_start().starts_with('='))
                        && l.contains(&format!("\"{}\"", target.name))
                };
                let line = src.lines().enumerate().filter(|(_, l)| is_name(l)).nth(1).map(|(n, _)| n + 1);
                return Err(FileError {
                    path: name.to_string(),
                    line,
                    column: None,
                    message: format!("[[targets]] name {:?} is given twice: each target needs its own", target.name),
                });
            }
            if let Some(unknown) = target.writes_to.iter().find(|w| !self.targets.iter().any(|t| &t.name == *w)) {
                let line = src
                    .lines()
                    .position(|l| l.trim_start().starts_with("writes_to") && l.contains(&format!("\"{unknown}\"")))
                    .map(|n| n + 1);
                let names: Vec<&str> = self.targets.iter().map(|t| t.name.as_str()).collect();
                return Err(FileError {
                    path: name.to_string(),
                    line,
                    column: None,
                    message: format!(
                        "writes_to {unknown:?} of target {:?} is no [[targets]] name (they are: {})",
                        target.name,
                        names.join(", ")
                    ),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_names_line() {
        let err = parse_toml::<Config>("operator = \"a\"\n[thresholds]\nqueue_age = 5\n", "w.toml")
            .expect_err("unknown field");
        assert_eq!(err.line, Some(3));
        assert!(err.to_string().starts_with("w.toml:3:"), "{err}");
        assert!(err.message.contains("queue_age"), "{err}");
    }

    #[test]
    fn the_log_pattern_defaults_and_a_misspelled_key_names_its_line() {
        let none: Config = parse_toml("operator = \"a\"\n", "w.toml").expect("empty");
        assert_eq!(none.logs.pattern(), DEFAULT_ERROR_PATTERN);
        let set: Config = parse_toml("[logs]\npattern = \"?ERROR ?WARN\"\n", "w.toml").expect("pattern");
        assert_eq!(set.logs.pattern(), "?ERROR ?WARN");
        let err = parse_toml::<Config>("\n[logs]\npatern = \"ERROR\"\n", "w.toml").expect_err("typo");
        assert_eq!(err.line, Some(3), "{err}");
    }

    #[test]
    fn targets_are_read_with_their_watch_and_a_bad_one_names_its_line() {
        let two: Config = parse_toml(
            "[[targets]]\nname = \"prod\"\nprofile = \"prod\"\nregions = [\"us-east-1\", \"us-west-2\"]\nread_only = true\n[targets.watch]\nqueues = [\"orders\"]\n\n[[targets]]\nname = \"stg\"\nrole_arn = \"arn:aws:iam::222222222222:role/oncall\"\n",
            "w.toml",
        )
        .expect("two targets");
        assert_eq!(two.targets.len(), 2);
        assert_eq!(two.targets[0].regions, ["us-east-1", "us-west-2"]);
        assert!(two.targets[0].read_only && !two.targets[1].read_only);
        assert_eq!(two.targets[0].watch.as_ref().map(|w| w.queues.clone()), Some(vec!["orders".to_string()]));
        for (bad, line, says) in [
            ("[[targets]]\nname = \"prod\"\nregions = [\"us-east1\"]\n", 3, "us-east1"),
            ("[[targets]]\nname = \"prod\"\nregions = [\"us-est-1\"]\n", 3, "\"est\" is not one of east"),
            ("[[targets]]\nname = \"prod\"\nrole_arn = \"arn:aws:iam::12:role/x\"\n", 3, "12-digit"),
            ("\n[[targets]]\nname = \"a b\"\n", 3, "letters"),
            ("[[targets]]\nname = \"p\"\nprofiel = \"x\"\n", 3, "profiel"),
        ] {
            let e = parse_toml::<Config>(bad, "w.toml").expect_err(bad);
            assert_eq!(e.line, Some(line), "{e}");
            assert!(e.to_string().contains(says), "{e}");
        }
        let src = "[[targets]]\nname = \"prod\"\n[[targets]]\nname = \"prod\"\n";
        let twice: Config = parse_toml(src, "w.toml").expect("parses");
        let e = twice.check_targets(src, "w.toml").expect_err("twice");
        assert_eq!(e.line, Some(4), "{e}");
        let src = "[[targets]]\nname = \"prod\"\nwrites_to = [\"data\"]\n[[targets]]\nname = \"dta\"\n";
        let typo: Config = parse_toml(src, "w.toml").expect("parses");
        let e = typo.check_targets(src, "w.toml").expect_err("unknown");
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.message.contains("they are: prod, dta"), "{e}");
    }

    #[test]
    fn regions_are_spelt_as_aws_spells_them() {
        for good in ["us-east-1", "eu-central-2", "us-gov-west-1", "ap-southeast-4", "il-central-1", "cn-northwest-1"] {
            assert_eq!(check_region(good), Ok(()), "{good}");
        }
        for bad in ["us-est-1", "us-east1", "useast-1", "US-EAST-1", "east-1", "us-east-", "usa-east-1"] {
            assert!(check_region(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn wrong_type_names_line() {
        let err = parse_toml::<Config>("\n\n[thresholds]\ndb_cpu_percent = \"high\"\n", "w.toml").expect_err("type");
        assert_eq!(err.line, Some(4), "{err}");
        assert!(err.message.contains("expected a number"), "said in the config's words, not Rust's: {err}");
    }

    #[test]
    fn journal_is_a_path_or_a_table_with_the_war_room() {
        let old: Config = parse_toml("journal = \"/var/log/warroom.jsonl\"\n", "w.toml").expect("path");
        assert_eq!(old.journal.path.as_deref(), Some(Path::new("/var/log/warroom.jsonl")));
        let new: Config =
            parse_toml("[journal]\npath = \"j.jsonl\"\nlog_group = \"/warroom/incidents\"\n", "w.toml").expect("table");
        assert_eq!(new.journal.log_group.as_deref(), Some("/warroom/incidents"));
        let err = parse_toml::<Config>("[journal]\nlog_gruop = \"x\"\n", "w.toml").expect_err("typo");
        assert_eq!(err.line, Some(2), "{err}");
        assert!(err.message.contains("log_gruop"), "{err}");
    }

    #[test]
    fn a_source_identity_sts_could_not_set_is_refused_with_what_is_allowed() {
        assert!(check_source_identity("alice@example.com").is_ok());
        let e = check_source_identity("alice smith").expect_err("space");
        assert!(e.contains("_=,.@-"), "{e}");
        assert!(check_source_identity("a").is_err(), "too short");
        assert!(check_source_identity("a:b").is_err(), "':' would not even make a stream name");
    }

    #[test]
    fn a_bad_source_identity_names_the_file_and_line() {
        let e = parse_toml::<Config>(
            "[journal]\nlog_group = \"/warroom/x\"\nsource_identity = \"alice smith\"\n",
            "w.toml",
        )
        .expect_err("space");
        let e = e.to_string();
        assert!(e.contains("w.toml") && e.contains('3') && e.contains("_=,.@-"), "{e}");
    }
}
