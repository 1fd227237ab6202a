//! `warroom export`: the postmortem from the journal plus the history, replayed (demo) or read back from AWS
//! (live).

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use warroom_core::export::{self, Format, Postmortem};
use warroom_core::journal::Journal;
use warroom_core::model::SessionKind;
use warroom_core::state::State;

use super::backend::{live_telemetry, poll_once};
use super::{Setup, StartError, print_out, usage};
use crate::telemetry::targets::TargetsTelemetry;

/// The export's arguments.
pub struct Request {
    /// `--since`, as typed.
    pub since: Option<String>,
    /// `--until`, as typed.
    pub until: Option<String>,
    /// `--format`.
    pub format: Format,
    /// `--out`.
    pub out: Option<PathBuf>,
}

/// Writes the postmortem to `--out` or standard output.
pub async fn run(setup: &Setup, request: Request) -> Result<(), StartError> {
    // Argument errors first, before the journal is read or AWS is called.
    for (flag, text) in [("--since", &request.since), ("--until", &request.until)] {
        if let Some(t) = text {
            export::parse_time(t, Utc::now()).map_err(|e| usage(format!("{flag}: {e}")))?;
        }
    }
    let all = match &setup.journal_path {
        Some(path) if path.exists() => {
            Journal::read_all(path).map_err(|e| usage(format!("journal {}: {e}", path.display())))?
        }
        _ => {
            eprintln!("warroom: no journal found; the postmortem has no operations or notes");
            Vec::new()
        }
    };
    let journal = export::session_lines(&all, setup.kind());
    // A journal of demo sessions only, exported as live, would need AWS for nothing and then say "no AWS region".
    if setup.scenario.is_none() && journal.is_empty() && all.iter().any(|e| e.session.kind == SessionKind::Demo) {
        let path = setup.journal_path.as_ref().map_or(String::new(), |p| p.display().to_string());
        return Err(usage(format!(
            "{path} holds only demo sessions' lines (written with --demo): export it with `warroom export --demo \
             --journal {path}`"
        )));
    }
    let parse = |text: &Option<String>, reference: DateTime<Utc>| match text {
        Some(t) => export::parse_time(t, reference).map(Some).map_err(usage),
        None => Ok(None),
    };
    // An inverted window is an argument error: said before the replay or any AWS call.
    let inverted = |until: DateTime<Utc>| -> Result<Option<DateTime<Utc>>, StartError> {
        let given = parse(&request.since, until)?;
        if let Some(since) = given.filter(|s| *s >= until) {
            return Err(usage(format!(
                "--since {} is not before --until {}: the window is empty",
                since.format("%Y-%m-%d %H:%M:%S"),
                until.format("%Y-%m-%d %H:%M:%S")
            )));
        }
        Ok(given)
    };
    let thresholds = setup.config.thresholds.clone();
    let (state, until) = match &setup.scenario {
        Some(scenario) => {
            // A time of day given with --demo is on the scenario's day, not today's.
            let until = parse(&request.until, scenario.start)?
                .unwrap_or_else(|| export::replay::default_until(scenario, &journal));
            inverted(until)?;
            let state = export::replay::replay(scenario.clone(), &journal, thresholds, until);
            (state, until)
        }
        None => {
            let until = parse(&request.until, Utc::now())?.unwrap_or_else(Utc::now);
            inverted(until)?;
            // The history to read: from --since, else three hours before --until (widened if the journal starts
            // earlier).
            let first_line = journal.iter().map(|e| e.clock).min();
            let reach = parse(&request.since, until)?
                .unwrap_or(until - chrono::Duration::hours(3))
                .min(first_line.map_or(until, |t| t - chrono::Duration::hours(1)));
            use crate::telemetry::Telemetry;
            // Several targets: each account and region's history, labelled as the dashboard labels it.
            let telemetry: Box<dyn Telemetry> = match setup.targets()? {
                Some(specs) => {
                    let targets = TargetsTelemetry::new(specs, setup.config.logs.pattern())
                        .await
                        .map_err(|e| StartError::Aws(e.to_string()))?
                        .reaching_back(reach)
                        .patient();
                    targets.connect().await.map_err(StartError::Aws)?;
                    Box::new(targets)
                }
                None => Box::new(live_telemetry(setup).await?.reaching_back(reach)),
            };
            let mut state = State::new(setup.session(true), telemetry.location(), thresholds, telemetry.now());
            poll_once(telemetry.as_ref(), &mut state).await;
            (state, until)
        }
    };
    let since = inverted(until)?.unwrap_or_else(|| export::default_since(&state, &journal, until));
    // A demo run holds nothing past its own clock: a window after it would be the simulation running on alone.
    if setup.scenario.is_some() {
        let running = export::run_in_progress(&all, Utc::now()).map(|r| r.clock);
        let reached = journal.iter().map(|e| e.clock).chain(running).max();
        if let Some(reached) = reached.filter(|r| since > *r) {
            return Err(usage(format!(
                "the window {} – {} UTC begins after the demo run: its clock reached {} UTC",
                since.format("%Y-%m-%d %H:%M"),
                until.format("%Y-%m-%d %H:%M"),
                reached.format("%H:%M")
            )));
        }
    }
    let postmortem = Postmortem::build(&state, &journal, export::title(&state), since, until);
    if postmortem.is_empty() {
        let span = match &setup.scenario {
            Some(s) => format!("the demo's incident begins {} UTC", s.start.format("%Y-%m-%d %H:%M")),
            None => "try a window that covers the incident".to_string(),
        };
        return Err(usage(format!(
            "the window {} – {} UTC holds no datapoint, event or journal line: {span}",
            since.format("%Y-%m-%d %H:%M"),
            until.format("%Y-%m-%d %H:%M")
        )));
    }
    let text = postmortem.render(request.format);
    match &request.out {
        Some(path) => {
            // The notes are in it: its owner's alone, like the journal.
            warroom_core::files::write_private(path, text.as_bytes())
                .map_err(|e| usage(format!("{}: {e}", path.display())))?;
            eprintln!("warroom: postmortem written to {}", path.display());
        }
        None => print_out(&text)?,
    }
    Ok(())
}
