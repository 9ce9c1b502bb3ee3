//! `sockkit generate DIR`: completions (bash, zsh, fish) and man pages from the clap
//! definition, so they never drift from it (a test compares the committed copies).

use std::fs;

use anyhow::Context;
use clap_complete::Shell;

use crate::cli::{self, GenerateArgs};
use crate::exit::Exit;

pub fn run(args: GenerateArgs) -> anyhow::Result<Exit> {
    let completions = args.dir.join("completions");
    let man = args.dir.join("man");
    fs::create_dir_all(&completions).with_context(|| format!("create {}", completions.display()))?;
    fs::create_dir_all(&man).with_context(|| format!("create {}", man.display()))?;
    let mut cmd = cli::whole_tree();
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
        clap_complete::generate_to(shell, &mut cmd, "sockkit", &completions)
            .with_context(|| format!("write {shell} completions"))?;
    }
    clap_mangen::generate_to(cli::whole_tree(), &man).context("write man pages")?;
    Ok(Exit::Success)
}
