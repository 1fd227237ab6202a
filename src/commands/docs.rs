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
    render(Cli::command())
}

/// Every page the release ships under `man/`, by file name: `warroom.1`, and one per subcommand
/// (`warroom-export.1`, …), which the main page's SEE ALSO names.
pub fn man_pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut pages = vec![("warroom.1".to_string(), man_page()?)];
    for sub in Cli::command().get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("warroom-{}", sub.get_name());
        let page = sub.clone().display_name(name.clone()).bin_name(format!("warroom {}", sub.get_name()));
        pages.push((format!("{name}.1"), render(page)?));
    }
    Ok(pages)
}

fn render(command: clap::Command) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(command.version(env!("CARGO_PKG_VERSION"))).render(&mut out)?;
    Ok(lines_kept(out))
}

/// The EXTRA section (the `after_help` examples, one per line) kept line by line: roff fills a section's lines
/// into one paragraph, which ran "Try it … warroom --demo Watch without operating: …" together.
fn lines_kept(page: Vec<u8>) -> Vec<u8> {
    let text = String::from_utf8_lossy(&page);
    let Some((before, after)) = text.split_once(".SH EXTRA\n") else { return page };
    let (extra, rest) = after.split_once("\n.SH ").map_or((after, None), |(e, r)| (e, Some(r)));
    let mut kept = format!("{before}.SH EXTRA\n.nf\n{extra}\n.fi\n");
    if let Some(rest) = rest {
        kept.push_str(".SH ");
        kept.push_str(rest);
    }
    kept.into_bytes()
}
