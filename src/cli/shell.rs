//! Shell integration: completion scripts and the manual page, both generated from the clap definitions.

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell
    pub shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write strata.1 and one page per command (strata-run.1, …) into this folder instead of
    /// printing strata.1
    #[arg(long, value_name = "DIR")]
    pub out: Option<std::path::PathBuf>,
}

/// Print the completion script for a shell on standard output.
pub fn completions(a: CompletionsArgs) -> anyhow::Result<ExitCode> {
    let mut cmd = super::Cli::command();
    clap_complete::generate(a.shell, &mut cmd, "strata", &mut std::io::stdout());
    Ok(ExitCode::SUCCESS)
}

/// Print the manual page, or write every page into a folder.
pub fn man(a: ManArgs) -> anyhow::Result<ExitCode> {
    let cmd = super::Cli::command();
    let Some(dir) = a.out else {
        let mut page = Vec::new();
        clap_mangen::Man::new(cmd).render(&mut page)?;
        std::io::stdout().write_all(&page)?;
        return Ok(ExitCode::SUCCESS);
    };
    std::fs::create_dir_all(&dir)
        .map_err(|e| anyhow::anyhow!("cannot make the folder {}: {e}", dir.display()))?;
    clap_mangen::generate_to(cmd, &dir).map_err(|e| {
        anyhow::anyhow!("cannot write the manual pages into {}: {e}", dir.display())
    })?;
    eprintln!("wrote the manual pages into {}", dir.display());
    Ok(ExitCode::SUCCESS)
}
