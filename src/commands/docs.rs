//! What is generated from the clap definitions (`cli::Cli`), so it never drifts from the flags: shell
//! completion scripts (`clap_complete`) and the manual page (`clap_mangen`). The release archives carry the
//! files in `completions/` and `man/`; `tests/docs.rs` fails when those are stale.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, CompletionShell};

/// The completion script for `shell`, as `warroom completions SHELL` prints it.
pub fn completions(shell: CompletionShell) -> Vec<u8> {
    let shell = match shell {
        CompletionShell::Bash => Shell::Bash,
        CompletionShell::Zsh => Shell::Zsh,
        CompletionShell::Fish => Shell::Fish,
    };
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "warroom", &mut out);
    out
}

/// The file a completion script is shipped as, under `completions/` (where each shell looks for it by name).
pub fn completion_file(shell: CompletionShell) -> &'static str {
    match shell {
        CompletionShell::Bash => "warroom.bash",
        CompletionShell::Zsh => "_warroom",
        CompletionShell::Fish => "warroom.fish",
    }
}

/// The manual page, section 1, in roff: every flag and subcommand with its help text. It names the version
/// only (not the commit or build day), so the shipped page changes only when the flags do.
pub fn man_page() -> std::io::Result<Vec<u8>> {
    let command = Cli::command().version(env!("CARGO_PKG_VERSION"));
    let mut out = Vec::new();
    clap_mangen::Man::new(command).render(&mut out)?;
    Ok(out)
}
