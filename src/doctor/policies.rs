//! Which of the shipped IAM policies (`policies/*.json`, compiled in) grants an action, so a denied call names
//! the file to attach.

use std::collections::BTreeSet;

/// The shipped policies: the path a user finds each at, and its JSON.
const POLICIES: [(&str, &str); 3] = [
    ("policies/observer.json", include_str!("../../policies/observer.json")),
    ("policies/operator.json", include_str!("../../policies/operator.json")),
    ("policies/war-room.json", include_str!("../../policies/war-room.json")),
];

/// Every action a policy's statements allow (`Action` as a string or a list).
fn actions(json: &str) -> BTreeSet<String> {
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(json) else { return BTreeSet::new() };
    let statements = doc.get("Statement").and_then(|s| s.as_array()).cloned().unwrap_or_default();
    statements
        .iter()
        .filter(|s| s.get("Effect").and_then(|e| e.as_str()) == Some("Allow"))
        .filter_map(|s| s.get("Action"))
        .flat_map(|a| match a {
            serde_json::Value::String(one) => vec![one.clone()],
            serde_json::Value::Array(many) => many.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
            _ => Vec::new(),
        })
        .collect()
}

/// The read calls the dashboard makes: what `policies/observer.json` grants.
pub fn read_actions() -> BTreeSet<String> {
    actions(POLICIES[0].1)
}

/// The calls only an operator makes: what `policies/operator.json` grants beyond the observer's.
pub fn operator_actions() -> BTreeSet<String> {
    let reads = read_actions();
    actions(POLICIES[1].1).into_iter().filter(|a| !reads.contains(a)).collect()
}

/// The first shipped policy that grants `action`, by path.
pub fn granting(action: &str) -> Option<&'static str> {
    POLICIES.iter().find(|(_, json)| actions(json).contains(action)).map(|(path, _)| *path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_call_is_granted_by_the_policy_that_needs_it() {
        assert!(read_actions().contains("sqs:GetQueueAttributes"));
        assert_eq!(granting("sqs:GetQueueAttributes"), Some("policies/observer.json"));
        assert_eq!(granting("rds:RebootDBInstance"), Some("policies/operator.json"));
        assert_eq!(granting("logs:PutLogEvents"), Some("policies/war-room.json"));
        assert!(operator_actions().contains("lambda:UpdateAlias"));
        assert!(!operator_actions().contains("sqs:GetQueueAttributes"), "reads are the observer's");
        assert_eq!(granting("s3:GetObject"), None);
    }
}
