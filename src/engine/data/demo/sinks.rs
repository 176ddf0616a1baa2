//! Where generated demo rows go: CSV files on disk, or tables in memory.

use std::io::Write;

use polars::prelude::*;

use super::catalog::{CHANNELS, PRODUCTS};
use super::{CustomerRow, DemoSink, OrderRow, demo_dates};
use crate::engine::error::{EngineError, Result};

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
        let ep = crate::engine::data::infer::epoch();
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
