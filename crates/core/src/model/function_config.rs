//! What of a Lambda function's configuration a code restore leaves behind: `UpdateFunctionCode` changes the code
//! only, so when `$LATEST`'s configuration differs from the version whose code is restored (a new handler, another
//! runtime, an environment variable the old code does not know), the plan must say so.

/// How a function's code is packaged (`PackageType`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PackageType {
    /// A .zip archive (Lambda's default): restored by uploading the version's package (`UpdateFunctionCode ZipFile`).
    #[default]
    Zip,
    /// A container image: restored by pointing at the version's image (`UpdateFunctionCode ImageUri`).
    Image,
}

/// A function's configuration as GetFunctionConfiguration and ListVersionsByFunction give it, for comparison.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FunctionConfig {
    /// `PackageType`.
    pub package_type: PackageType,
    /// `Handler` (none for an image).
    pub handler: Option<String>,
    /// `Runtime` (none for an image).
    pub runtime: Option<String>,
    /// `MemorySize`, MB.
    pub memory_mb: Option<u32>,
    /// `Timeout`, seconds.
    pub timeout_seconds: Option<u32>,
    /// The names of `Environment.Variables`, sorted (never the values: they may be secrets).
    pub environment: Vec<String>,
    /// `Layers`: each layer version's ARN.
    pub layers: Vec<String>,
}

impl FunctionConfig {
    /// What differs from `self` (what stays, `$LATEST`'s) to `other` (the version whose code is restored), one
    /// phrase each: "handler app.handler (version 7: index.handler)", "environment variable NEW_FLAG only in
    /// $LATEST". Empty when the two agree on all of it.
    pub fn differences(&self, other: &FunctionConfig, version: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut field = |name: &str, now: Option<String>, then: Option<String>| {
            if now != then {
                let show = |v: Option<String>| v.unwrap_or_else(|| "none".to_string());
                out.push(format!("{name} {} (version {version}: {})", show(now), show(then)));
            }
        };
        field("package type", Some(format!("{:?}", self.package_type)), Some(format!("{:?}", other.package_type)));
        field("handler", self.handler.clone(), other.handler.clone());
        field("runtime", self.runtime.clone(), other.runtime.clone());
        field("memory", self.memory_mb.map(|m| format!("{m} MB")), other.memory_mb.map(|m| format!("{m} MB")));
        field(
            "timeout",
            self.timeout_seconds.map(|t| format!("{t} s")),
            other.timeout_seconds.map(|t| format!("{t} s")),
        );
        let only = |a: &[String], b: &[String]| a.iter().filter(|x| !b.contains(x)).cloned().collect::<Vec<_>>();
        for name in only(&self.environment, &other.environment) {
            out.push(format!("environment variable {name} only in $LATEST"));
        }
        for name in only(&other.environment, &self.environment) {
            out.push(format!("environment variable {name} only in version {version}: the restored code may need it"));
        }
        for layer in only(&self.layers, &other.layers) {
            out.push(format!("layer {layer} only in $LATEST"));
        }
        for layer in only(&other.layers, &self.layers) {
            out.push(format!("layer {layer} only in version {version}"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(handler: &str, env: &[&str], memory: u32) -> FunctionConfig {
        FunctionConfig {
            package_type: PackageType::Zip,
            handler: Some(handler.into()),
            runtime: Some("python3.12".into()),
            memory_mb: Some(memory),
            timeout_seconds: Some(30),
            environment: env.iter().map(|e| e.to_string()).collect(),
            layers: Vec::new(),
        }
    }

    #[test]
    fn every_difference_is_named_and_values_of_variables_never_appear() {
        let latest = config("app.handler", &["DB_URL", "NEW_FLAG"], 1024);
        let seven = config("index.handler", &["DB_URL", "OLD_FLAG"], 512);
        assert_eq!(
            latest.differences(&seven, "7"),
            [
                "handler app.handler (version 7: index.handler)",
                "memory 1024 MB (version 7: 512 MB)",
                "environment variable NEW_FLAG only in $LATEST",
                "environment variable OLD_FLAG only in version 7: the restored code may need it",
            ]
        );
        assert!(latest.differences(&latest.clone(), "7").is_empty());
    }
}
