//! Benchmark: full evaluation and one-criterion recompute on demo data of a chosen size.
//!
//! `cargo bench --bench segmentation -- [--customers N ...] [--workspace WS] [--repeat K] [--clv]`
//! (`--clv` also times the predictive-value fit and scoring)
//! Demo data is generated once per size under the target directory and reused.

use std::path::{Path, PathBuf};
use std::time::Instant;

use strata::engine::data::demo::write_demo;
use strata::engine::eval::session::Session;
use strata::engine::rules::Rule;
use strata::engine::rules::parse::load_workspace;

#[path = "support/mod.rs"]
mod support;
use support::peak_rss_mb;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn data_dir(n: usize) -> PathBuf {
    let base = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from("target"));
    let dir = base.join(format!("bench-data/demo-{n}"));
    if !dir.join("demo.strata.toml").exists() {
        let _ = std::fs::remove_dir_all(&dir);
        let t = Instant::now();
        let (c, o) = write_demo(&dir, n, 42).expect("demo data");
        eprintln!(
            "generated {c} customers, {o} order lines in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    dir.join("demo.strata.toml")
}

fn bench(ws_path: &Path, repeat: usize) {
    let mut opens = Vec::new();
    let mut session = None;
    for _ in 0..repeat.max(1) {
        let t = Instant::now();
        let s = Session::open_reading(load_workspace(ws_path).expect("workspace"), Some(&[]))
            .expect("evaluate");
        opens.push(t.elapsed().as_secs_f64());
        session = Some(s);
    }
    let mut s = session.expect("one run");
    let n = s.base.len;
    println!("{}: {} customers", ws_path.display(), n);
    println!(
        "  full evaluation as `strata run` does it (load needed columns, derive, score, criteria, valuation): median {:.3} s of {}",
        median(opens.clone()),
        opens.len()
    );
    // one-criterion recompute: nudge a cut point (bins) and re-evaluate a rule list (segments)
    for (i, c) in s.ws.criteria.clone().iter().enumerate() {
        let kind = match &c.rule {
            Rule::Bins { .. } => "bins",
            Rule::Segments(_) => "segments",
            Rule::Map { .. } => "map",
        };
        let mut times = Vec::new();
        for k in 0..20 {
            let mut c2 = c.clone();
            if let Rule::Bins { edges, .. } = &mut c2.rule {
                edges[0] += if k % 2 == 0 { 1.0 } else { -1.0 };
            }
            let t = Instant::now();
            s.update_criterion(i, c2).expect("recompute");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        println!(
            "  recompute {:<12} ({kind:<8}): median {:7.2} ms",
            c.name.value,
            median(times)
        );
    }
    println!("  peak memory: {:.0} MB", peak_rss_mb());
}

/// Predictive value: BG/NBD and Gamma-Gamma fitted on the purchase history, every customer
/// scored (what `strata run` adds when a rule reads p_alive or predicted_value).
fn bench_clv(ws_path: &Path, repeat: usize) {
    let spend = ["repeat_avg_value".to_string()];
    let mut s = Session::open_reading(load_workspace(ws_path).expect("workspace"), Some(&spend))
        .expect("evaluate");
    let mut times = Vec::new();
    for _ in 0..repeat.max(1) {
        let t = Instant::now();
        s.fit_clv().expect("fit");
        times.push(t.elapsed().as_secs_f64());
    }
    let f = s.clv.as_ref().expect("fitted");
    let b = &f.bgnbd;
    println!(
        "  predictive value (BG/NBD + Gamma-Gamma fit, {} customers scored): median {:.3} s of {}",
        s.base.len,
        median(times.clone()),
        times.len()
    );
    println!(
        "    BG/NBD on {} buyers ({} distinct histories, {} iterations): r {:.4} alpha {:.4} a {:.4} b {:.4}",
        b.customers,
        b.distinct_histories,
        b.iterations,
        b.params.r,
        b.params.alpha,
        b.params.a,
        b.params.b
    );
    if let Ok(g) = &f.gamma_gamma {
        println!(
            "    Gamma-Gamma on {} repeat buyers ({} iterations): p {:.4} q {:.4} gamma {:.4}",
            g.customers, g.iterations, g.params.p, g.params.q, g.params.gamma
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let mut sizes = Vec::new();
    let mut workspace = None;
    let mut repeat = 3;
    let mut clv = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--customers" => sizes.push(
                it.next()
                    .and_then(|v| v.parse().ok())
                    .expect("--customers N"),
            ),
            "--workspace" => workspace = it.next().map(PathBuf::from),
            "--clv" => clv = true,
            "--repeat" => repeat = it.next().and_then(|v| v.parse().ok()).expect("--repeat K"),
            _ => {}
        }
    }
    let run = |ws: &Path| {
        bench(ws, repeat);
        if clv {
            bench_clv(ws, repeat);
        }
    };
    if let Some(ws) = workspace {
        run(&ws);
        return;
    }
    if sizes.is_empty() {
        sizes.push(100_000);
    }
    for n in sizes {
        run(&data_dir(n));
    }
}
