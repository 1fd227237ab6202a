//! `warroom doctor`: the checks' table on standard output; exit 0 when none failed, 1 otherwise.

use super::{Setup, StartError, print_out};
use crate::doctor::aws::{AwsInputs, DoctorTarget};
use crate::doctor::{self, local::TerminalEnv};

/// Runs every check and prints the table; `read_only` (or the top-level `--read-only`) expects the operator's
/// calls to be denied.
pub async fn run(setup: &Setup, read_only: bool) -> Result<(), StartError> {
    // Several targets: each is checked in turn, its rows named by its label (`prod/us-east-1 credentials`).
    let targets = setup
        .targets()?
        .unwrap_or_default()
        .into_iter()
        .map(|t| DoctorTarget {
            name: t.name,
            options: t.options,
            role_arn: t.role_arn,
            watch: t.watch,
            read_only: t.read_only,
        })
        .collect();
    let aws = (!setup.cli.demo).then(|| AwsInputs {
        options: setup.aws_options(),
        targets,
        watch: setup.config.watch.clone(),
        log_pattern: setup.config.logs.pattern().to_string(),
        war_room: setup.config.journal.log_group.clone(),
        read_only: read_only || setup.cli.read_only,
    });
    let journal = setup.journal_path().map(|p| p.as_path());
    let report = doctor::run(aws.as_ref(), journal, &TerminalEnv::current()).await;
    print_out(&report.render())?;
    if report.healthy() { Ok(()) } else { Err(StartError::Unhealthy) }
}
