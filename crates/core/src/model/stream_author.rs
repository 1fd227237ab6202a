//! Who wrote a war-room line, as IAM enforces it. Every session writes to a CloudWatch Logs stream named after
//! an identity that an IAM policy variable can name, and `policies/war-room.json` lets a principal put events
//! only into streams under its own: so the reader takes the author from the stream, not from what the line
//! claims, and no dashboard can post as someone else.
//!
//! Log stream names may not contain `:` or `*`, which rules out `${aws:userid}` (a role session's is
//! `AROA…:session-name`); the two variables that name a person and fit are `${aws:username}` (IAM users) and
//! `${aws:SourceIdentity}` (role sessions whose source identity was set at AssumeRole, by a SAML or OIDC
//! identity provider or `--source-identity`; it cannot be changed for the session's life).

/// The identity a session's war-room stream is named after.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum StreamAuthor {
    /// An IAM user, by its friendly name (`${aws:username}`; the user ARN's last path segment).
    IamUser(String),
    /// A role session's source identity (`${aws:SourceIdentity}`), as the config's `[journal] source_identity`
    /// claims it: IAM refuses the session's PutLogEvents if the claim is false.
    SourceIdentity(String),
    /// Neither: a role session without a source identity, a federated user, the root user or no principal at
    /// all (a demo). The stream is named after the local operator, which no policy can check; the shipped
    /// policy grants no PutLogEvents here, and readers show such lines as unverified.
    Unverified(String),
}

/// The stream-name prefixes, one per kind: a source identity and an IAM user of the same name stay apart.
const IAM_USER: &str = "iam-user/";
const SOURCE_IDENTITY: &str = "source-identity/";
const UNVERIFIED: &str = "unverified/";

impl StreamAuthor {
    /// The author for a session signed as `principal` (STS GetCallerIdentity's `Arn`; `None` in a demo that
    /// could not ask), with the `source_identity` the config claims and the local `operator` name.
    pub fn for_session(principal: Option<&str>, source_identity: Option<&str>, operator: &str) -> StreamAuthor {
        if let Some(user) = principal.and_then(iam_user_name) {
            return StreamAuthor::IamUser(user.to_string());
        }
        match source_identity {
            Some(id) => StreamAuthor::SourceIdentity(id.to_string()),
            None => StreamAuthor::Unverified(operator.replace([':', '*', '/'], "_")),
        }
    }

    /// The session's stream: `iam-user/alice/<session id>`, `source-identity/alice/<session id>` or
    /// `unverified/ec2-user/<session id>` (a session id has neither `:` nor `*`).
    pub fn stream(&self, session_id: &str) -> String {
        let (prefix, name) = self.parts();
        format!("{prefix}{name}/{session_id}")
    }

    /// The author a stream's name says wrote it; `None` for a stream warroom did not name (written by hand or
    /// by an older version), whose lines are unverified too.
    pub fn of_stream(stream: &str) -> Option<StreamAuthor> {
        let (kind, rest) =
            [IAM_USER, SOURCE_IDENTITY, UNVERIFIED].into_iter().find_map(|p| Some((p, stream.strip_prefix(p)?)))?;
        let (name, _session) = rest.split_once('/')?;
        let name = name.to_string();
        Some(match kind {
            IAM_USER => StreamAuthor::IamUser(name),
            SOURCE_IDENTITY => StreamAuthor::SourceIdentity(name),
            _ => StreamAuthor::Unverified(name),
        })
    }

    /// How the timeline names a line's author next to the local operator name: `IAM user alice`,
    /// `source identity alice`, or `unverified` when IAM checked nothing.
    pub fn label(&self) -> String {
        match self {
            StreamAuthor::IamUser(name) => format!("IAM user {name}"),
            StreamAuthor::SourceIdentity(name) => format!("source identity {name}"),
            StreamAuthor::Unverified(_) => "unverified".to_string(),
        }
    }

    /// Whether IAM vouches for the name (the shipped policy's PutLogEvents grants).
    pub fn is_verified(&self) -> bool {
        !matches!(self, StreamAuthor::Unverified(_))
    }

    /// What to do when IAM refuses PutLogEvents into this author's stream (AccessDenied), for the header's
    /// war-room status: the shipped policy's rule and the setting that meets it.
    pub fn when_denied(&self) -> String {
        match self {
            StreamAuthor::IamUser(name) => format!(
                "attach policies/war-room.json: it lets IAM user {name} put lines into iam-user/{name}/ streams only"
            ),
            StreamAuthor::SourceIdentity(name) => format!(
                "IAM refused source identity {name}: [journal] source_identity must be the one this role session was assumed with"
            ),
            StreamAuthor::Unverified(_) => "this role session names no source identity; policies/war-room.json lets a session write only under its own: set [journal] source_identity to the one the role was assumed with".to_string(),
        }
    }

    fn parts(&self) -> (&'static str, &str) {
        match self {
            StreamAuthor::IamUser(name) => (IAM_USER, name),
            StreamAuthor::SourceIdentity(name) => (SOURCE_IDENTITY, name),
            StreamAuthor::Unverified(name) => (UNVERIFIED, name),
        }
    }
}

/// An IAM user's friendly name from its ARN (`arn:aws:iam::123456789012:user/team/alice` → `alice`), which is
/// what `${aws:username}` holds; `None` for every other principal.
fn iam_user_name(arn: &str) -> Option<&str> {
    let resource = arn.strip_prefix("arn:")?.splitn(5, ':').nth(4)?;
    let path = resource.strip_prefix("user/")?;
    path.rsplit('/').next().filter(|n| !n.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_principal_gets_the_stream_iam_can_check() {
        let user = StreamAuthor::for_session(Some("arn:aws:iam::123456789012:user/team/alice"), None, "ec2-user");
        assert_eq!(user, StreamAuthor::IamUser("alice".into()));
        assert_eq!(user.stream("s1"), "iam-user/alice/s1");
        let role = "arn:aws:sts::123456789012:assumed-role/OnCall/alice@example.com";
        let sourced = StreamAuthor::for_session(Some(role), Some("alice"), "ec2-user");
        assert_eq!(sourced.stream("s1"), "source-identity/alice/s1");
        let bare = StreamAuthor::for_session(Some(role), None, "ec2:user");
        assert_eq!(bare.stream("s1"), "unverified/ec2_user/s1");
        assert!(!bare.is_verified());
        assert!(bare.when_denied().contains("[journal] source_identity"), "the remedy names the setting");
        for author in [user, sourced, bare] {
            assert_eq!(StreamAuthor::of_stream(&author.stream("20261201T0530-7")), Some(author));
        }
        assert_eq!(StreamAuthor::of_stream("alice/20261201T0530-7"), None, "a stream warroom did not name");
    }
}
