//! `warroom doctor`: the checks' table on standard output; exit 0 when none failed, 1 otherwise.

use super::{Setup, StartError, print_out};
use crate::doctor::{self, aws::AwsInputs, local::TerminalEnv};

/// Runs every check and prints the table; `read_only` (or the top-level `--read-only`) expects the operator's
/// calls to be denied.
pub async fn run(setup: &Setup, read_only: bool) -> Result<(), StartError> {
    // Several targets: the doctor checks the first account and region, and names the others it leaves.
    let options = setup.aws_options();
    let unchecked = setup
        .targets()?
        .unwrap_or_default()
        .into_iter()
        .filter(|t| {
            (t.options.profile.as_ref(), t.options.region.as_ref())
                != (options.profile.as_ref(), options.region.as_ref())
        })
        .map(|t| t.options.region.map_or(t.name.clone(), |r| warroom_core::model::qualified(&t.name, &r)))
        .collect();
    let aws = (!setup.cli.demo).then(|| AwsInputs {
        options,
        unchecked,
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
