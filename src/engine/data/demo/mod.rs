//! The built-in demo: a deterministic multi-country retailer with customers, orders and a workspace.

mod catalog;
mod sinks;
mod survey;

pub use survey::{SURVEY_WORKSPACE, write_survey};

use catalog::{BENEFITS, CHANNELS, COUNTRIES, COUNTRY_WEIGHTS, Country, LIFESTYLES, PRODUCTS};
pub use sinks::{CUSTOMER_HEADER, CsvSink, FrameSink, ORDER_HEADER};

use std::path::Path;

use chrono::NaiveDate;
use polars::prelude::*;

use crate::engine::error::{EngineError, Result};

/// SplitMix64: small, fast and stable across platforms and releases, so a seed always means the same data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    /// Pick by weights.
    pub fn weighted<'a, T>(&mut self, xs: &'a [(T, f64)]) -> &'a T {
        let total: f64 = xs.iter().map(|x| x.1).sum();
        let mut r = self.f64() * total;
        for (x, w) in xs {
            if r < *w {
                return x;
            }
            r -= w;
        }
        &xs[xs.len() - 1].0
    }
    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.f64().max(1e-12);
        let u2 = self.f64();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

/// One generated customer.
pub struct CustomerRow<'a> {
    pub id: u64,
    pub name: String,
    pub email: String,
    pub age: Option<i64>,
    pub gender: &'a str,
    pub income: Option<i64>,
    pub education: &'a str,
    pub marital_status: &'a str,
    pub children: i64,
    pub occupation: &'a str,
    pub country: &'a str,
    pub region: &'a str,
    pub city: &'a str,
    pub density: Option<i64>,
    pub climate: &'a str,
    pub lifestyle: Option<&'a str>,
    pub social_class: &'a str,
    pub benefit_sought: Option<&'a str>,
    pub signup_date: i32,
}

/// One order line.
pub struct OrderRow<'a> {
    pub order_id: u64,
    pub customer_id: u64,
    /// Days since 1970-01-01.
    pub order_date: i32,
    pub product: &'a str,
    pub category: &'a str,
    pub channel: &'a str,
    pub quantity: i64,
    pub unit_price: f64,
    pub discount: f64,
    pub amount: f64,
}

/// Where generated rows go: files on disk or tables in memory.
pub trait DemoSink {
    fn customer(&mut self, c: &CustomerRow) -> Result<()>;
    fn order(&mut self, o: &OrderRow) -> Result<()>;
}

/// The first and last order days of the demo, and its analysis date.
pub fn demo_dates() -> (NaiveDate, NaiveDate, NaiveDate) {
    let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
    (d(2021, 1, 1), d(2024, 12, 31), d(2025, 1, 1))
}

/// Generate `n` customers and their orders, deterministically from `seed`.
pub fn generate(n: usize, seed: u64, sink: &mut dyn DemoSink) -> Result<()> {
    let mut rng = Rng::new(seed);
    let (start, end, _) = demo_dates();
    let ep = crate::engine::data::infer::epoch();
    let (d0, d1) = ((start - ep).num_days() as i32, (end - ep).num_days() as i32);
    let mut order_id = 100_000u64;
    for i in 0..n {
        let id = i as u64 + 1;
        let habits = customer(&mut rng, id, (d0, d1), sink)?;
        orders(&mut rng, id, &habits, &mut order_id, sink)?;
    }
    Ok(())
}

/// Who a customer is, drawn in one fixed order (the demo is the same for the same seed).
struct Person {
    gender: &'static str,
    age: Option<i64>,
    education: &'static str,
    occupation: &'static str,
    income_v: i64,
    income: Option<i64>,
    marital_status: &'static str,
    children: i64,
}

/// How a customer buys: how many orders, over which days, where, and at what prices.
struct Habits {
    n_orders: usize,
    first_day: i32,
    last_possible: i32,
    pref_channel: &'static str,
    deal: bool,
    premium: bool,
}

fn person(rng: &mut Rng, c: &Country) -> Person {
    let gender = *rng.weighted(&[("female", 0.5), ("male", 0.47), ("other", 0.03)]);
    let age_v = (18.0 + (rng.f64() * rng.f64()).sqrt() * 70.0).round() as i64;
    let age = (!rng.chance(0.03)).then_some(age_v);
    let education = *rng.weighted(&[
        ("basic", 0.1),
        ("secondary", 0.38),
        ("bachelor", 0.32),
        ("master", 0.16),
        ("doctorate", 0.04),
    ]);
    let edu_mult = match education {
        "basic" => 0.6,
        "secondary" => 0.85,
        "bachelor" => 1.1,
        "master" => 1.35,
        _ => 1.6,
    };
    let occupation = if age_v < 23 && rng.chance(0.6) {
        "student"
    } else if age_v >= 66 {
        "retired"
    } else {
        *rng.weighted(&[
            ("employee", 0.55),
            ("manager", 0.14),
            ("self-employed", 0.16),
            ("unemployed", 0.06),
            ("homemaker", 0.09),
        ])
    };
    let age_mult = 0.6 + ((age_v as f64 - 18.0) / 30.0).min(1.0) * 0.6;
    let income_v =
        (c.income * edu_mult * age_mult * (0.35 * rng.normal()).exp() / 100.0).round() as i64 * 100;
    let income = (!rng.chance(0.04)).then_some(income_v.max(1200));
    let marital_status = if age_v < 25 {
        *rng.weighted(&[("single", 0.85), ("married", 0.15)])
    } else {
        *rng.weighted(&[
            ("single", 0.28),
            ("married", 0.52),
            ("divorced", 0.14),
            ("widowed", 0.06),
        ])
    };
    let children = if age_v < 24 {
        0
    } else {
        *rng.weighted(&[(0i64, 0.42), (1, 0.24), (2, 0.24), (3, 0.08), (4, 0.02)])
    };
    Person {
        gender,
        age,
        education,
        occupation,
        income_v,
        income,
        marital_status,
        children,
    }
}

/// A name that goes with the gender (one draw each for first and last name, whatever the
/// gender, so the draws that follow do not depend on it).
fn name_for(rng: &mut Rng, c: &Country, gender: &str, id: u64) -> String {
    let (first, last) = (*rng.pick(c.first), *rng.pick(c.last));
    let woman = match gender {
        "female" => true,
        "male" => false,
        _ => id.is_multiple_of(2),
    };
    if woman {
        format!("{} {}", first.1, last.1)
    } else {
        format!("{} {}", first.0, last.0)
    }
}

/// One customer written to `sink`, and how they buy.
fn customer(
    rng: &mut Rng,
    id: u64,
    (d0, d1): (i32, i32),
    sink: &mut dyn DemoSink,
) -> Result<Habits> {
    let span = (d1 - d0) as f64;
    let c = &COUNTRIES[*rng.weighted(&COUNTRY_WEIGHTS)];
    let (city, region, city_density) = *rng.pick(c.cities);
    let p = person(rng, c);
    let Person { income_v, .. } = p;
    let density = (!rng.chance(0.02)).then(|| {
        (city_density * (0.25 * rng.normal()).exp())
            .round()
            .max(3.0) as i64
    });
    let lifestyle = (!rng.chance(0.05)).then(|| *rng.weighted(&LIFESTYLES));
    let benefit = (!rng.chance(0.05)).then(|| *rng.weighted(&BENEFITS));
    let social_class = match income_v {
        x if (x as f64) < c.income * 0.6 => "working",
        x if (x as f64) < c.income * 1.1 => "lower middle",
        x if (x as f64) < c.income * 1.8 => "upper middle",
        _ => "upper",
    };
    let name = name_for(rng, c, p.gender, id);
    let email = format!("customer{id}@{}", c.domain);
    // buying behaviour: prospects, one-timers, regulars, heavy buyers
    let kind = rng.f64();
    let n_orders = if kind < 0.12 {
        0
    } else if kind < 0.35 {
        1
    } else if kind < 0.9 {
        2 + rng.below(7)
    } else {
        9 + rng.below(22)
    };
    let first_day = d0 + (rng.f64().powf(0.8) * span * 0.95) as i32;
    let lapsed = rng.chance(0.25);
    let last_possible = if lapsed {
        (first_day + 120 + rng.below(500) as i32).min(d1)
    } else {
        d1
    };
    let signup_date = first_day - rng.below(200) as i32;
    let pref_channel = *rng.weighted(&CHANNELS);
    let deal = benefit == Some("low price") || rng.chance(0.1);
    let premium = matches!(lifestyle, Some("premium") | Some("tech"));
    sink.customer(&CustomerRow {
        id,
        name,
        email,
        age: p.age,
        gender: p.gender,
        income: p.income,
        education: p.education,
        marital_status: p.marital_status,
        children: p.children,
        occupation: p.occupation,
        country: c.name,
        region,
        city,
        density,
        climate: c.climate,
        lifestyle,
        social_class,
        benefit_sought: benefit,
        signup_date,
    })?;
    Ok(Habits {
        n_orders,
        first_day,
        last_possible,
        pref_channel,
        deal,
        premium,
    })
}

/// The orders of customer `id`, numbered on from `order_id`.
fn orders(
    rng: &mut Rng,
    id: u64,
    h: &Habits,
    order_id: &mut u64,
    sink: &mut dyn DemoSink,
) -> Result<()> {
    let (first_day, last_possible, n_orders) = (h.first_day, h.last_possible, h.n_orders);
    let (pref_channel, deal, premium) = (h.pref_channel, h.deal, h.premium);
    let window = (last_possible - first_day).max(1) as f64;
    let mut days: Vec<i32> = (0..n_orders)
        .map(|k| {
            if k == 0 {
                first_day
            } else {
                first_day + (rng.f64() * window) as i32
            }
        })
        .collect();
    days.sort_unstable();
    for day in days {
        *order_id += 1;
        let channel = if rng.chance(0.75) {
            pref_channel
        } else {
            *rng.weighted(&CHANNELS)
        };
        let lines = if rng.chance(0.15) { 2 } else { 1 };
        for _ in 0..lines {
            let (product, category, base) = *rng.pick(&PRODUCTS);
            let price = (base * if premium { 1.15 } else { 1.0 } * 100.0).round() / 100.0;
            let returned = rng.chance(0.03);
            let qty = if returned {
                -1
            } else {
                1 + (rng.chance(0.2) as i64) + (rng.chance(0.05) as i64) * 2
            };
            let discount = if rng.chance(if deal { 0.55 } else { 0.12 }) {
                *rng.pick(&[0.05, 0.1, 0.15, 0.2, 0.3])
            } else {
                0.0
            };
            let amount = (qty as f64 * price * (1.0 - discount) * 100.0).round() / 100.0;
            sink.order(&OrderRow {
                order_id: *order_id,
                customer_id: id,
                order_date: day,
                product,
                category,
                channel,
                quantity: qty,
                unit_price: price,
                discount,
                amount,
            })?;
        }
    }
    Ok(())
}

/// Customers in the built-in demo.
pub const DEMO_CUSTOMERS: usize = 3000;
pub const DEMO_SEED: u64 = 42;

/// The demo workspace: criteria in all five criteria steps, explained in comments.
pub const DEMO_WORKSPACE: &str = include_str!("demo.strata.toml");

/// A folder to write into: created when missing, refused when it holds anything.
pub(crate) fn ensure_empty(dir: &Path) -> Result<()> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir)
            .map_err(|e| EngineError::Invalid(format!("cannot read {}: {e}", dir.display())))?;
        if entries.next().is_some() {
            return Err(EngineError::Invalid(format!(
                "{} is not empty; give a new or empty folder so nothing is overwritten",
                dir.display()
            )));
        }
    } else {
        std::fs::create_dir_all(dir)
            .map_err(|e| EngineError::Invalid(format!("cannot create {}: {e}", dir.display())))?;
    }
    Ok(())
}

/// Write the demo into `dir` (new or empty): customers.csv, orders.csv, demo.strata.toml.
pub fn write_demo(dir: &Path, customers: usize, seed: u64) -> Result<(usize, usize)> {
    ensure_empty(dir)?;
    let open = |name: &str| {
        std::fs::File::create(dir.join(name))
            .map(|f| std::io::BufWriter::with_capacity(1 << 20, f))
            .map_err(|e| {
                EngineError::Invalid(format!("cannot create {}: {e}", dir.join(name).display()))
            })
    };
    let mut sink = CsvSink::new(open("customers.csv")?, open("orders.csv")?)?;
    generate(customers, seed, &mut sink)?;
    let counts = sink.finish()?;
    crate::engine::rules::save::write_atomic(
        &dir.join("demo.strata.toml"),
        DEMO_WORKSPACE.as_bytes(),
    )?;
    Ok(counts)
}

/// The built-in demo as in-memory tables.
pub fn demo_frames(customers: usize, seed: u64) -> Result<(DataFrame, DataFrame)> {
    let mut sink = FrameSink::default();
    generate(customers, seed, &mut sink)?;
    sink.into_frames()
        .map_err(|e| EngineError::Invalid(format!("demo: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_data() {
        let run = |seed| {
            let mut c = Vec::new();
            let mut o = Vec::new();
            let mut s = CsvSink::new(&mut c, &mut o).unwrap();
            generate(50, seed, &mut s).unwrap();
            s.finish().unwrap();
            (c, o)
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
    }

    /// A woman's name for a woman, a man's for a man ("Sabine Köhler" was male).
    #[test]
    fn names_go_with_the_gender() {
        let mut c = Vec::new();
        let mut o = Vec::new();
        let mut s = CsvSink::new(&mut c, &mut o).unwrap();
        generate(500, 1, &mut s).unwrap();
        s.finish().unwrap();
        let text = String::from_utf8(c).unwrap();
        let (mut women, mut men) = (0, 0);
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            let (name, gender) = (f[1], f[4]);
            let given = name.split(' ').next().unwrap();
            let family = name.split(' ').nth(1).unwrap();
            for c in &crate::engine::data::demo::catalog::COUNTRIES {
                let man =
                    c.first.iter().any(|p| p.0 == given) && c.last.iter().any(|p| p.0 == family);
                let woman =
                    c.first.iter().any(|p| p.1 == given) && c.last.iter().any(|p| p.1 == family);
                match gender {
                    "female" if man || woman => {
                        assert!(woman, "{name} is female");
                        women += 1;
                    }
                    "male" if man || woman => {
                        assert!(man, "{name} is male");
                        men += 1;
                    }
                    _ => {}
                }
            }
        }
        assert!(women > 100 && men > 100, "{women} women, {men} men");
    }

    #[test]
    fn frames_match_the_csv_rows() {
        let (c, o) = demo_frames(200, 1).unwrap();
        assert_eq!(c.height(), 200);
        let mut buf_c = Vec::new();
        let mut buf_o = Vec::new();
        let mut s = CsvSink::new(&mut buf_c, &mut buf_o).unwrap();
        generate(200, 1, &mut s).unwrap();
        let (_, n_orders) = s.finish().unwrap();
        assert_eq!(o.height(), n_orders);
        assert!(
            o.column("amount")
                .unwrap()
                .as_materialized_series()
                .f64()
                .unwrap()
                .iter()
                .flatten()
                .any(|a| a < 0.0)
        );
    }
}
