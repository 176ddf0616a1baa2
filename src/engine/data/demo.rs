//! The built-in demo: a deterministic multi-country retailer with customers, orders and a workspace.

use std::io::Write;
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

struct Country {
    name: &'static str,
    cities: &'static [(&'static str, &'static str, f64)],
    climate: &'static str,
    first: &'static [&'static str],
    last: &'static [&'static str],
    domain: &'static str,
    income: f64,
}

const COUNTRIES: [Country; 6] = [
    Country {
        name: "Latvia",
        cities: &[
            ("Rīga", "Rīga", 2500.0),
            ("Daugavpils", "Latgale", 1400.0),
            ("Liepāja", "Kurzeme", 1200.0),
            ("Sigulda", "Vidzeme", 120.0),
        ],
        climate: "temperate",
        first: &[
            "Jānis",
            "Līga",
            "Kārlis",
            "Ilze",
            "Mārtiņš",
            "Anna",
            "Ģirts",
            "Zane",
        ],
        last: &[
            "Bērziņš",
            "Ozoliņa",
            "Kalniņš",
            "Liepiņa",
            "Jansons",
            "Krūmiņa",
            "Zariņš",
            "Vītola",
        ],
        domain: "inbox.lv",
        income: 24000.0,
    },
    Country {
        name: "Denmark",
        cities: &[
            ("København", "Hovedstaden", 7000.0),
            ("Aarhus", "Midtjylland", 2000.0),
            ("Odense", "Syddanmark", 1300.0),
            ("Skagen", "Nordjylland", 80.0),
        ],
        climate: "oceanic",
        first: &[
            "Søren", "Mette", "Åse", "Jørgen", "Freja", "Mads", "Birgitte", "Ørjan",
        ],
        last: &[
            "Jørgensen",
            "Nørgaard",
            "Ægidius",
            "Hansen",
            "Sørensen",
            "Østergaard",
            "Kjær",
            "Møller",
        ],
        domain: "mail.dk",
        income: 52000.0,
    },
    Country {
        name: "Israel",
        cities: &[
            ("תל אביב", "Tel Aviv", 8500.0),
            ("ירושלים", "Jerusalem", 7500.0),
            ("חיפה", "Haifa", 4200.0),
            ("מצפה רמון", "Southern", 25.0),
        ],
        climate: "mediterranean",
        first: &["דוד", "שרה", "יוסף", "מרים", "נועה", "אברהם", "רחל", "איתי"],
        last: &[
            "כהן",
            "לוי",
            "מזרחי",
            "פרץ",
            "ביטון",
            "אברהם",
            "פרידמן",
            "שפירא",
        ],
        domain: "walla.co.il",
        income: 41000.0,
    },
    Country {
        name: "Azerbaijan",
        cities: &[
            ("Bakı", "Abşeron", 1100.0),
            ("Gəncə", "Gəncə-Daşkəsən", 950.0),
            ("Sumqayıt", "Abşeron", 4000.0),
            ("Şəki", "Şəki-Zaqatala", 60.0),
        ],
        climate: "semi-arid",
        first: &[
            "Əli", "Günay", "Rəşad", "Aygün", "Elçin", "Leyla", "Tural", "Nərgiz",
        ],
        last: &[
            "Məmmədov",
            "Əliyeva",
            "Hüseynov",
            "Qasımova",
            "İsmayılov",
            "Həsənova",
            "Quliyev",
            "Rzayeva",
        ],
        domain: "mail.az",
        income: 9000.0,
    },
    Country {
        name: "Bulgaria",
        cities: &[
            ("София", "Sofia City", 1000.0),
            ("Пловдив", "Plovdiv", 3500.0),
            ("Варна", "Varna", 1300.0),
            ("Банско", "Blagoevgrad", 35.0),
        ],
        climate: "continental",
        first: &[
            "Иван",
            "Мария",
            "Георги",
            "Елена",
            "Димитър",
            "Десислава",
            "Николай",
            "Йорданка",
        ],
        last: &[
            "Петров",
            "Георгиева",
            "Иванов",
            "Димитрова",
            "Николов",
            "Стоянова",
            "Тодоров",
            "Христова",
        ],
        domain: "abv.bg",
        income: 14000.0,
    },
    Country {
        name: "Germany",
        cities: &[
            ("Berlin", "Berlin", 4100.0),
            ("München", "Bayern", 4700.0),
            ("Köln", "Nordrhein-Westfalen", 2600.0),
            ("Gößweinstein", "Bayern", 90.0),
        ],
        climate: "temperate",
        first: &[
            "Jürgen", "Sabine", "Lukas", "Günther", "Anja", "Björn", "Käthe", "Max",
        ],
        last: &[
            "Müller", "Schäfer", "Weiß", "Groß", "Köhler", "Schmidt", "Böhm", "Krüger",
        ],
        domain: "web.de",
        income: 45000.0,
    },
];

const COUNTRY_WEIGHTS: [(usize, f64); 6] = [
    (0, 0.22),
    (1, 0.16),
    (2, 0.14),
    (3, 0.14),
    (4, 0.14),
    (5, 0.20),
];

/// (product, category, base price)
const PRODUCTS: [(&str, &str, f64); 24] = [
    ("Solar lantern", "garden", 24.0),
    ("Compost bin", "garden", 49.0),
    ("Seed kit", "garden", 12.5),
    ("Rain barrel", "garden", 79.0),
    ("Wireless earbuds", "electronics", 89.0),
    ("Smart speaker", "electronics", 129.0),
    ("E-reader", "electronics", 149.0),
    ("Phone charger", "electronics", 19.9),
    ("Linen shirt", "apparel", 45.0),
    ("Wool socks", "apparel", 9.5),
    ("Rain jacket", "apparel", 119.0),
    ("Running shoes", "apparel", 99.0),
    ("Cast iron pan", "home", 59.0),
    ("Bamboo towels", "home", 29.0),
    ("Desk lamp", "home", 39.0),
    ("Ceramic mug", "home", 11.0),
    ("Face cream", "beauty", 34.0),
    ("Shampoo bar", "beauty", 8.9),
    ("Perfume", "beauty", 72.0),
    ("Board game", "toys", 35.0),
    ("Wooden puzzle", "toys", 18.0),
    ("Building blocks", "toys", 54.0),
    ("Coffee beans", "grocery", 14.0),
    ("Olive oil", "grocery", 16.5),
];

const LIFESTYLES: [(&str, f64); 6] = [
    ("green", 0.17),
    ("outdoor", 0.15),
    ("premium", 0.14),
    ("tech", 0.18),
    ("budget", 0.2),
    ("family", 0.16),
];
const BENEFITS: [(&str, f64); 5] = [
    ("low price", 0.3),
    ("quality", 0.25),
    ("features", 0.15),
    ("service", 0.12),
    ("convenience", 0.18),
];
const CHANNELS: [(&str, f64); 4] = [
    ("web", 0.45),
    ("store", 0.3),
    ("app", 0.18),
    ("phone", 0.07),
];

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
    let ep = super::infer::epoch();
    let (d0, d1) = ((start - ep).num_days() as i32, (end - ep).num_days() as i32);
    let span = (d1 - d0) as f64;
    let mut order_id = 100_000u64;
    for i in 0..n {
        let id = i as u64 + 1;
        let c = &COUNTRIES[*rng.weighted(&COUNTRY_WEIGHTS)];
        let (city, region, city_density) = *rng.pick(c.cities);
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
        let income_v = (c.income * edu_mult * age_mult * (0.35 * rng.normal()).exp() / 100.0)
            .round() as i64
            * 100;
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
        let first = *rng.pick(c.first);
        let last = *rng.pick(c.last);
        let name = format!("{first} {last}");
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
            age,
            gender,
            income,
            education,
            marital_status,
            children,
            occupation,
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
            order_id += 1;
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
                    order_id,
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
    }
    Ok(())
}

fn csv_field(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\"")).into()
    } else {
        s.into()
    }
}

/// Writes `customers.csv` and `orders.csv`.
pub struct CsvSink<W: Write> {
    customers: W,
    orders: W,
    days: Vec<String>,
    day0: i32,
    pub n_customers: usize,
    pub n_orders: usize,
}

pub const CUSTOMER_HEADER: &str = "customer_id,name,email,age,gender,income,education,marital_status,children,occupation,country,region,city,density,climate,lifestyle,social_class,benefit_sought,signup_date";
pub const ORDER_HEADER: &str =
    "order_id,customer_id,order_date,product,category,channel,quantity,unit_price,discount,amount";

impl<W: Write> CsvSink<W> {
    pub fn new(mut customers: W, mut orders: W) -> Result<Self> {
        let io = |e: std::io::Error| EngineError::Invalid(format!("cannot write demo data: {e}"));
        writeln!(customers, "{CUSTOMER_HEADER}").map_err(io)?;
        writeln!(orders, "{ORDER_HEADER}").map_err(io)?;
        let ep = super::infer::epoch();
        let first = demo_dates().0 - chrono::Duration::days(400);
        let day0 = (first - ep).num_days() as i32;
        let days = (0..2400)
            .map(|k| {
                (first + chrono::Duration::days(k))
                    .format("%Y-%m-%d")
                    .to_string()
            })
            .collect();
        Ok(CsvSink {
            customers,
            orders,
            days,
            day0,
            n_customers: 0,
            n_orders: 0,
        })
    }

    fn day(&self, d: i32) -> &str {
        &self.days[(d - self.day0) as usize]
    }

    pub fn finish(mut self) -> Result<(usize, usize)> {
        let io = |e: std::io::Error| EngineError::Invalid(format!("cannot write demo data: {e}"));
        self.customers.flush().map_err(io)?;
        self.orders.flush().map_err(io)?;
        Ok((self.n_customers, self.n_orders))
    }
}

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

impl<W: Write> DemoSink for CsvSink<W> {
    fn customer(&mut self, c: &CustomerRow) -> Result<()> {
        self.n_customers += 1;
        let signup = self.day(c.signup_date).to_string();
        writeln!(
            self.customers,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            c.id,
            csv_field(&c.name),
            c.email,
            opt(c.age),
            c.gender,
            opt(c.income),
            c.education,
            c.marital_status,
            c.children,
            c.occupation,
            c.country,
            csv_field(c.region),
            csv_field(c.city),
            opt(c.density),
            c.climate,
            c.lifestyle.unwrap_or(""),
            c.social_class,
            c.benefit_sought.unwrap_or(""),
            signup
        )
        .map_err(|e| EngineError::Invalid(format!("cannot write demo data: {e}")))
    }

    fn order(&mut self, o: &OrderRow) -> Result<()> {
        self.n_orders += 1;
        let day = self.day(o.order_date).to_string();
        writeln!(
            self.orders,
            "{},{},{},{},{},{},{},{},{},{:.2}",
            o.order_id,
            o.customer_id,
            day,
            o.product,
            o.category,
            o.channel,
            o.quantity,
            o.unit_price,
            o.discount,
            o.amount
        )
        .map_err(|e| EngineError::Invalid(format!("cannot write demo data: {e}")))
    }
}

/// Collects the demo as in-memory tables (the built-in default of `strata`).
#[derive(Default)]
pub struct FrameSink {
    c_id: Vec<i64>,
    c_text: Vec<[Option<String>; 14]>,
    c_num: Vec<[Option<i64>; 4]>,
    c_signup: Vec<i32>,
    o_id: Vec<i64>,
    o_cid: Vec<i64>,
    o_date: Vec<i32>,
    o_text: Vec<[&'static str; 3]>,
    o_qty: Vec<i64>,
    o_price: Vec<f64>,
    o_disc: Vec<f64>,
    o_amount: Vec<f64>,
}

fn intern(s: &str) -> &'static str {
    PRODUCTS
        .iter()
        .flat_map(|p| [p.0, p.1])
        .chain(CHANNELS.iter().map(|c| c.0))
        .find(|x| *x == s)
        .unwrap_or("?")
}

impl DemoSink for FrameSink {
    fn customer(&mut self, c: &CustomerRow) -> Result<()> {
        self.c_id.push(c.id as i64);
        let s = |x: &str| Some(x.to_string());
        self.c_text.push([
            s(&c.name),
            s(&c.email),
            s(c.gender),
            s(c.education),
            s(c.marital_status),
            s(c.occupation),
            s(c.country),
            s(c.region),
            s(c.city),
            s(c.climate),
            c.lifestyle.map(str::to_string),
            s(c.social_class),
            c.benefit_sought.map(str::to_string),
            None,
        ]);
        self.c_num
            .push([c.age, c.income, Some(c.children), c.density]);
        self.c_signup.push(c.signup_date);
        Ok(())
    }

    fn order(&mut self, o: &OrderRow) -> Result<()> {
        self.o_id.push(o.order_id as i64);
        self.o_cid.push(o.customer_id as i64);
        self.o_date.push(o.order_date);
        self.o_text
            .push([intern(o.product), intern(o.category), intern(o.channel)]);
        self.o_qty.push(o.quantity);
        self.o_price.push(o.unit_price);
        self.o_disc.push(o.discount);
        self.o_amount.push(o.amount);
        Ok(())
    }
}

impl FrameSink {
    /// The customers and orders tables, with the same columns and types as the CSV files.
    pub fn into_frames(self) -> PolarsResult<(DataFrame, DataFrame)> {
        let text = |i: usize| self.c_text.iter().map(|r| r[i].clone()).collect::<Vec<_>>();
        let num = |i: usize| self.c_num.iter().map(|r| r[i]).collect::<Vec<_>>();
        let n = self.c_id.len();
        let cols: Vec<Column> = vec![
            Series::new("customer_id".into(), self.c_id.clone()).into(),
            Series::new("name".into(), text(0)).into(),
            Series::new("email".into(), text(1)).into(),
            Series::new("age".into(), num(0)).into(),
            Series::new("gender".into(), text(2)).into(),
            Series::new("income".into(), num(1)).into(),
            Series::new("education".into(), text(3)).into(),
            Series::new("marital_status".into(), text(4)).into(),
            Series::new("children".into(), num(2)).into(),
            Series::new("occupation".into(), text(5)).into(),
            Series::new("country".into(), text(6)).into(),
            Series::new("region".into(), text(7)).into(),
            Series::new("city".into(), text(8)).into(),
            Series::new("density".into(), num(3)).into(),
            Series::new("climate".into(), text(9)).into(),
            Series::new("lifestyle".into(), text(10)).into(),
            Series::new("social_class".into(), text(11)).into(),
            Series::new("benefit_sought".into(), text(12)).into(),
            Series::new("signup_date".into(), self.c_signup.clone())
                .into_date()
                .into(),
        ];
        let customers = DataFrame::new(n, cols)?;
        let m = self.o_id.len();
        let ot = |i: usize| self.o_text.iter().map(|r| r[i]).collect::<Vec<_>>();
        let ocols: Vec<Column> = vec![
            Series::new("order_id".into(), self.o_id.clone()).into(),
            Series::new("customer_id".into(), self.o_cid.clone()).into(),
            Series::new("order_date".into(), self.o_date.clone())
                .into_date()
                .into(),
            Series::new("product".into(), ot(0)).into(),
            Series::new("category".into(), ot(1)).into(),
            Series::new("channel".into(), ot(2)).into(),
            Series::new("quantity".into(), self.o_qty.clone()).into(),
            Series::new("unit_price".into(), self.o_price.clone()).into(),
            Series::new("discount".into(), self.o_disc.clone()).into(),
            Series::new("amount".into(), self.o_amount.clone()).into(),
        ];
        let orders = DataFrame::new(m, ocols)?;
        Ok((customers, orders))
    }
}

/// Customers in the built-in demo.
pub const DEMO_CUSTOMERS: usize = 3000;
pub const DEMO_SEED: u64 = 42;

/// The demo workspace: criteria in all five criteria steps, explained in comments.
pub const DEMO_WORKSPACE: &str = include_str!("demo.strata.toml");

/// Write the demo into `dir` (new or empty): customers.csv, orders.csv, demo.strata.toml.
pub fn write_demo(dir: &Path, customers: usize, seed: u64) -> Result<(usize, usize)> {
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
