//! `warroom doctor`: run before an incident, on the bastion, to learn whether warroom will work when it is
//! needed — the credentials and who they are, the region, every watched resource, every read call the
//! dashboard makes, the operator's calls, the war room, the journal and the terminal — as one table. Nothing
//! it does changes AWS: reads are made as the dashboard makes them, and the operator's calls are only
//! simulated (iam:SimulatePrincipalPolicy).

pub mod aws;
pub mod local;
pub mod policies;
pub mod report;

use std::path::Path;

pub use report::{Check, Report, Status};

/// Every check: the AWS ones from `aws` (none with `--demo`, which needs no account), then the journal and the
/// terminal.
pub async fn run(
    aws: Option<&aws::AwsInputs>,
    journal: Result<&Path, String>,
    terminal: &local::TerminalEnv,
) -> Report {
    let mut report = Report::default();
    match aws {
        Some(inputs) => aws::check(inputs, &mut report).await,
        None => report.push(Check::new("AWS", Status::NotChecked, "--demo needs no AWS account")),
    }
    report.push(local::journal(journal));
    for check in local::terminal(terminal) {
        report.push(check);
    }
    report
}
