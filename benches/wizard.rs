//! Benchmark of the wizard: the demo's first frame, and a live rule edit on many customers.
//!
//! `cargo bench --bench wizard -- [--customers N] [--repeat K]`, or
//! `cargo bench --bench wizard -- --workspace WS [--cache DIR [--keep]] [--rounds K]`: the first
//! frame of the wizard on a workspace, with an empty cache (in DIR, default a new temporary
//! folder), then warm; `--keep` starts from the cache DIR holds and leaves it there.
//! `--workspace WS --cache DIR --one LABEL [--linger S]`: one first frame in this process, with
//! the cache DIR as it is; `--linger S` stays S seconds more and prints the peak memory (what
//! `benches/wizard-cold.sh` measures against a cold run).
//! Prints: time to the first frame of the built-in demo (load, evaluate, draw); then, on N demo
//! customers (default 1,000,000), per cut-point nudge: the engine's recompute, and the time from
//! its result to a drawn frame (update + draw), which must not depend on N.

use std::time::Instant;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use strata::engine::data::demo::{DEMO_WORKSPACE, demo_frames};
use strata::engine::data::profile::profile;
use strata::engine::data::roles::suggest_all;
use strata::engine::eval::session::Session;
use strata::engine::rules::parse::parse_workspace;
use strata::tui::input::message::{Action, Message};
use strata::tui::runtime::worker::{Engine, Job};
use strata::tui::state::app::{App, Model};
use strata::tui::update::{Effect, update};
use strata::tui::view::theme::Theme;
use strata::tui::{Source, prepare, view};

#[path = "support/mod.rs"]
mod support;
use support::peak_rss_mb;

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn draw(term: &mut Terminal<TestBackend>, app: &App) {
    let theme = Theme::mono();
    term.draw(|f| view::draw(f, app, &theme)).expect("draw");
}

/// Nudge the first cut point of step 3 up and down `repeat` times; (engine ms, result→frame ms).
fn live_edits(app: &mut App, engine: &mut Engine, repeat: usize) -> (Vec<f64>, Vec<f64>) {
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    update(app, Message::Action(Action::GoTo(2)));
    draw(&mut term, app);
    let (mut eng, mut ui) = (vec![], vec![]);
    for k in 0..repeat {
        let a = if k % 2 == 0 {
            Action::Increase
        } else {
            Action::Decrease
        };
        for e in update(app, Message::Action(a)) {
            if let Effect::Engine(job @ Job::Recompute { .. }) = e {
                let t = Instant::now();
                let msg = engine.handle(job);
                eng.push(ms(t));
                let t = Instant::now();
                update(app, msg);
                draw(&mut term, app);
                ui.push(ms(t));
            }
        }
    }
    (eng, ui)
}

/// The wizard's first frame on `ws` with the cache in `cache_dir`, in this process; with
/// `linger` seconds, the process then stays that long (what the wizard does meanwhile: the
/// cache's entries written, the other columns read) and says its peak memory.
fn one_frame(
    ws: &std::path::Path,
    cache_dir: std::path::PathBuf,
    label: &str,
    linger: Option<f64>,
) {
    use strata::engine::data::progress::Progress;
    use strata::engine::eval::cache::Cache;
    let cache = Cache::At {
        dir: cache_dir,
        limit: None,
    };
    let source = Source::Workspace(ws.to_path_buf());
    let t = Instant::now();
    let (app, mut engine) =
        strata::tui::prepare_cached(&source, &Progress::default(), &cache).expect("open");
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    draw(&mut term, &app);
    let s = t.elapsed().as_secs_f64();
    println!("{label}: first frame with results in {s:.2} s");
    if let Some(secs) = linger {
        // as the wizard's engine does before its first job: take the columns left for later
        let after = Instant::now();
        if engine.finish_open().is_some() {
            println!(
                "{label}: the other columns taken {:.2} s after the first frame",
                after.elapsed().as_secs_f64()
            );
        }
        let left = (secs - after.elapsed().as_secs_f64()).max(0.0);
        std::thread::sleep(std::time::Duration::from_secs_f64(left));
        println!(
            "{label}: peak memory {:.0} MB, {secs} s after the first frame",
            peak_rss_mb()
        );
    }
}

/// The wizard's first frame on `ws`: cold (an empty cache), then warm twice, `rounds` times
/// (with `keep`, the cache in `cache_dir` is neither emptied first nor removed after). Each
/// frame is a process of its own, as each `strata open` is (a process that already freed
/// that much memory would not pay again for the pages it takes).
fn first_frames(ws: &std::path::Path, cache_dir: std::path::PathBuf, rounds: usize, keep: bool) {
    let frame = |label: &str| {
        let me = std::env::current_exe().expect("this benchmark's path");
        let status = std::process::Command::new(me)
            .arg("--workspace")
            .arg(ws)
            .arg("--cache")
            .arg(&cache_dir)
            .args(["--one", label])
            .status()
            .expect("a frame's process");
        assert!(status.success(), "the frame's process failed");
    };
    for _ in 0..rounds {
        if keep {
            frame("as the cache has it");
        } else {
            let _ = std::fs::remove_dir_all(&cache_dir);
            frame("cold (empty cache)");
        }
        frame("warm");
        frame("warm");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--workspace") {
        let ws = std::path::PathBuf::from(args.get(i + 1).expect("--workspace WS"));
        let dir = match args.iter().position(|a| a == "--cache") {
            Some(j) => std::path::PathBuf::from(args.get(j + 1).expect("--cache DIR")),
            None => std::env::temp_dir().join(format!("strata-bench-cache-{}", std::process::id())),
        };
        if let Some(j) = args.iter().position(|a| a == "--one") {
            let linger = args.iter().position(|a| a == "--linger").map(|k| {
                args.get(k + 1)
                    .and_then(|v| v.parse::<f64>().ok())
                    .expect("--linger SECONDS")
            });
            one_frame(&ws, dir, args.get(j + 1).map_or("", String::as_str), linger);
            return;
        }
        let rounds = args
            .iter()
            .position(|a| a == "--rounds")
            .and_then(|j| args.get(j + 1)?.parse().ok())
            .unwrap_or(3);
        let keep = args.iter().any(|a| a == "--keep");
        first_frames(&ws, dir.clone(), rounds, keep);
        if !keep {
            let _ = std::fs::remove_dir_all(dir);
        }
        return;
    }
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse::<usize>().ok())
    };
    let n = arg("--customers").unwrap_or(1_000_000);
    let repeat = arg("--repeat").unwrap_or(10);

    let mut first = vec![];
    for _ in 0..5 {
        let t = Instant::now();
        let (app, _engine) = prepare(&Source::Demo).expect("demo");
        let mut term = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        draw(&mut term, &app);
        first.push(ms(t));
    }
    println!(
        "first frame of the built-in demo (load, evaluate, draw): median {:.0} ms of 5 (target 300 ms)",
        median(first)
    );

    for size in [3_000, n] {
        let t = Instant::now();
        let (c, o) = demo_frames(size, 42).expect("demo data");
        let ws = parse_workspace(std::path::Path::new("demo.strata.toml"), DEMO_WORKSPACE)
            .expect("workspace");
        let profiles = profile(&c);
        let s = Session::from_frames(ws, Some(&c), Some(&o), &[]).expect("session");
        let model = Model::new(&s, profiles.clone(), suggest_all(&profiles));
        let mut app = App::new(model, None, "bench".into());
        let mut engine = Engine::new(s);
        eprintln!(
            "{size} customers ready in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        let (eng, ui) = live_edits(&mut app, &mut engine, repeat);
        println!(
            "{size:>9} customers: engine recompute median {:.1} ms, result to drawn frame median {:.2} ms (max {:.2} ms)",
            median(eng),
            median(ui.clone()),
            ui.iter().copied().fold(0.0, f64::max)
        );
    }
}
