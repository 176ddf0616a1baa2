//! Fuzz target: any text as a condition parses to a tree or a positioned error, never a panic;
//! a tree prints as SQL for every dialect and type-checks against a small schema.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata::engine::eval::compile::compile;
use strata::engine::eval::frame::DType;
use strata::engine::out::sql::{Dialect, expr::print};
use strata::engine::rules::condition::parse_condition;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match parse_condition(text) {
        Ok(e) => {
            let schema = |n: &str| match n {
                "orders" | "age" => Some(DType::Int),
                "revenue" => Some(DType::Float),
                "country" => Some(DType::Text),
                "last_order" => Some(DType::Date),
                "vip" => Some(DType::Bool),
                _ => None,
            };
            let names: Vec<String> = ["orders", "age", "revenue", "country", "last_order", "vip"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            let _ = compile(&e, &schema, &names);
            for (_, d) in Dialect::ALL {
                let _ = print(d, &e, &|n| d.ident(n));
            }
        }
        Err(err) => {
            // a position, when given, points inside the text (or just after it)
            if let Some(p) = err.pos {
                assert!(p >= 1 && p <= text.chars().count() + 1, "{p} in {text:?}");
            }
        }
    }
});
