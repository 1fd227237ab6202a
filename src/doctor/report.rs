//! The doctor's table: one line per check, what it found, and the exit status it adds up to.

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Works.
    Ok,
    /// Works, with something to know (an expiry within the hour, a small terminal).
    Warn,
    /// Will not work when it is needed: the doctor exits 1.
    Fail,
    /// Could not be checked from here (no permission to simulate policies, `--demo`): says why.
    NotChecked,
}

impl Status {
    /// The word in the table.
    pub fn label(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Fail => "FAIL",
            Status::NotChecked => "not checked",
        }
    }
}

/// One line of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// What was checked: `credentials`, `read sqs:GetQueueAttributes`.
    pub name: String,
    /// How it came out.
    pub status: Status,
    /// What was found, and for a failure what to do.
    pub detail: String,
}

impl Check {
    /// A check named `name` that came out `status`, with `detail`.
    pub fn new(name: impl Into<String>, status: Status, detail: impl Into<String>) -> Check {
        Check { name: name.into(), status, detail: detail.into() }
    }
}

/// Every check, in the order they ran.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The lines of the table.
    pub checks: Vec<Check>,
}

impl Report {
    /// Adds `check`.
    pub fn push(&mut self, check: Check) {
        self.checks.push(check);
    }

    /// Whether nothing failed: the doctor's exit status is 0 then, 1 otherwise.
    pub fn healthy(&self) -> bool {
        !self.checks.iter().any(|c| c.status == Status::Fail)
    }

    /// The table as text: check, result and detail in columns, then a line that counts the failures.
    pub fn render(&self) -> String {
        let name_width = self.checks.iter().map(|c| c.name.chars().count()).max().unwrap_or(5).max(5);
        let mut out = format!("{:<name_width$}  {:<11}  DETAIL\n", "CHECK", "RESULT");
        for c in &self.checks {
            out.push_str(&format!("{:<name_width$}  {:<11}  {}\n", c.name, c.status.label(), c.detail));
        }
        let failed: Vec<&str> =
            self.checks.iter().filter(|c| c.status == Status::Fail).map(|c| c.name.as_str()).collect();
        out.push('\n');
        let warned = self.checks.iter().filter(|c| c.status == Status::Warn).count();
        out.push_str(&match failed.len() {
            0 if warned > 0 => {
                format!("no check failed; {warned} warning{} above\n", if warned == 1 { "" } else { "s" })
            }
            0 => "every check passed\n".to_string(),
            n => format!("{n} check{} failed: {}\n", if n == 1 { "" } else { "s" }, failed.join(", ")),
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_aligns_and_counts_failures() {
        let mut report = Report::default();
        report.push(Check::new("credentials", Status::Ok, "environment"));
        report.push(Check::new("read sqs:ListQueues", Status::Fail, "AccessDenied"));
        assert!(!report.healthy());
        let text = report.render();
        assert!(text.contains("credentials          ok           environment"), "{text}");
        assert!(text.ends_with("1 check failed: read sqs:ListQueues\n"), "{text}");
    }
}
