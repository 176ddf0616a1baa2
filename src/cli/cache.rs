//! `strata cache [clear]`: list the tables kept from earlier runs, or remove them.

use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Subcommand};

use super::table::{Align, render};
use crate::engine::data::postgres::pull::{clear_kept, kept};
use crate::engine::data::progress::show_bytes;
use crate::engine::eval::cache::{Cache, Entry, clear, entries};

#[derive(Debug, Args)]
pub struct CacheArgs {
    #[command(subcommand)]
    pub action: Option<CacheAction>,
}

#[derive(Debug, Subcommand)]
pub enum CacheAction {
    /// The kept tables: the data file each holds, its size and when it was last used (the default)
    List,
    /// Remove every kept table (the next run of each workspace reads its files again)
    Clear,
}

pub fn run(a: CacheArgs, cache: &Cache) -> Result<ExitCode> {
    let Some(dir) = cache.dir() else {
        println!("the cache is off (--no-cache)");
        return Ok(ExitCode::SUCCESS);
    };
    match a.action.unwrap_or(CacheAction::List) {
        CacheAction::List => {
            let mut list = entries(dir);
            // the tables pulled from database servers, kept beside them
            list.extend(kept().into_iter().map(|k| Entry {
                path: k.path,
                bytes: k.bytes,
                last_used: k.pulled,
                source: k.source,
                columns: "*".into(),
                kind: "pulled",
            }));
            let total: u64 = list.iter().map(|e| e.bytes).sum();
            if list.is_empty() {
                println!("no tables kept in {}", dir.display());
                return Ok(ExitCode::SUCCESS);
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|e| {
                    let used = chrono::DateTime::<chrono::Local>::from(e.last_used);
                    vec![
                        show_bytes(e.bytes),
                        used.format("%Y-%m-%d %H:%M").to_string(),
                        e.kind.to_string(),
                        e.columns.clone(),
                        if e.source.is_empty() {
                            "(unreadable: removed when next needed)".into()
                        } else {
                            e.source.clone()
                        },
                    ]
                })
                .collect();
            print!(
                "{}",
                render(
                    &["size", "last used", "kind", "columns", "data file"],
                    &[
                        Align::Right,
                        Align::Left,
                        Align::Left,
                        Align::Right,
                        Align::Left
                    ],
                    &rows,
                    120,
                )
            );
            println!(
                "{} {}, {} in {} (limit: {})",
                list.len(),
                if list.len() == 1 { "entry" } else { "entries" },
                show_bytes(total),
                dir.display(),
                match cache {
                    Cache::At { limit: Some(l), .. } => show_bytes(*l),
                    _ => "twice the largest data file read, from 256 MB to 10 GB".into(),
                }
            );
        }
        CacheAction::Clear => {
            let (mut n, mut bytes) = clear(dir)?;
            let (pn, pbytes) = clear_kept()?;
            (n, bytes) = (n + pn, bytes + pbytes);
            println!(
                "removed {n} entries ({}) from {}",
                show_bytes(bytes),
                dir.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
