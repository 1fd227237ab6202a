//! The status RDS reports for a DB instance or cluster, parsed at the edge.

use std::fmt;

/// A DB instance's or cluster's status, as DescribeDBInstances/DescribeDBClusters report it. The statuses warroom
/// acts on are named; anything else AWS reports (it adds new ones) is kept as `Other` with its text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum DbStatus {
    /// `available`: the only status an operation starts from.
    Available,
    /// `rebooting`.
    Rebooting,
    /// `failing-over`.
    FailingOver,
    /// `modifying`.
    Modifying,
    /// `backing-up`.
    BackingUp,
    /// `starting`.
    Starting,
    /// `stopping`.
    Stopping,
    /// `stopped`.
    Stopped,
    /// `creating`.
    Creating,
    /// `deleting`.
    Deleting,
    /// `maintenance`.
    Maintenance,
    /// `upgrading`.
    Upgrading,
    /// No answer has said: the call failed before any status was read, or the answer left it out.
    Unknown,
    /// A status warroom does not name, as AWS wrote it.
    Other(String),
}

const NAMED: [(DbStatus, &str); 12] = [
    (DbStatus::Available, "available"),
    (DbStatus::Rebooting, "rebooting"),
    (DbStatus::FailingOver, "failing-over"),
    (DbStatus::Modifying, "modifying"),
    (DbStatus::BackingUp, "backing-up"),
    (DbStatus::Starting, "starting"),
    (DbStatus::Stopping, "stopping"),
    (DbStatus::Stopped, "stopped"),
    (DbStatus::Creating, "creating"),
    (DbStatus::Deleting, "deleting"),
    (DbStatus::Maintenance, "maintenance"),
    (DbStatus::Upgrading, "upgrading"),
];

impl DbStatus {
    /// The status for AWS's text; an empty text is `Unknown`.
    pub fn parse(text: &str) -> DbStatus {
        let text = text.trim();
        if text.is_empty() {
            return DbStatus::Unknown;
        }
        NAMED
            .iter()
            .find(|(_, name)| *name == text)
            .map_or_else(|| DbStatus::Other(text.to_string()), |(s, _)| s.clone())
    }

    /// The status as AWS writes it (`failing-over`), or `unknown`.
    pub fn as_str(&self) -> &str {
        match self {
            DbStatus::Unknown => "unknown",
            DbStatus::Other(text) => text,
            named => NAMED.iter().find(|(s, _)| s == named).map_or("unknown", |(_, name)| name),
        }
    }

    /// Whether it is `available`.
    pub fn is_available(&self) -> bool {
        *self == DbStatus::Available
    }
}

impl fmt::Display for DbStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_unnamed_ones_are_kept() {
        for (status, name) in NAMED {
            assert_eq!(DbStatus::parse(name), status);
            assert_eq!(status.as_str(), name);
        }
        assert_eq!(
            DbStatus::parse("inaccessible-encryption-credentials").as_str(),
            "inaccessible-encryption-credentials"
        );
        assert_eq!(DbStatus::parse(""), DbStatus::Unknown);
        assert_eq!(DbStatus::Unknown.to_string(), "unknown");
    }
}
