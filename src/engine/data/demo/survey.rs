//! The demo survey: one table of answers per respondent (no orders), and its workspace.

use std::io::Write;
use std::path::Path;

use super::Rng;
use crate::engine::error::{EngineError, Result};

pub const SURVEY_WORKSPACE: &str = include_str!("survey.strata.toml");

const REGIONS: [(&str, f64); 5] = [
    ("Capital", 0.3),
    ("North", 0.2),
    ("South", 0.2),
    ("East", 0.15),
    ("West", 0.15),
];
const BENEFITS: [&str; 5] = [
    "low price",
    "quality",
    "service",
    "convenience",
    "sustainability",
];
const AGREE: [&str; 5] = [
    "strongly disagree",
    "disagree",
    "neutral",
    "agree",
    "strongly agree",
];
const ONLINE: [&str; 4] = ["never", "sometimes", "often", "always"];

/// Write `survey.csv` and `survey.strata.toml` into `dir` (new or empty); returns respondents.
pub fn write_survey(dir: &Path, respondents: usize, seed: u64) -> Result<usize> {
    super::ensure_empty(dir)?;
    let path = dir.join("survey.csv");
    let fail = |e: std::io::Error| EngineError::Write {
        path: path.clone(),
        message: e.to_string(),
    };
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).map_err(fail)?);
    writeln!(
        f,
        "respondent_id,age,region,q1_most_important,q2_i_try_new_products,q3_recommend,q4_monthly_spend,q5_shop_online"
    )
    .map_err(fail)?;
    let mut r = Rng::new(seed);
    for id in 1..=respondents {
        let age = (18.0 + (r.normal() * 15.0 + 44.0 - 18.0).abs()).min(85.0) as i64;
        let young = age < 40;
        let region = r.weighted(&REGIONS);
        // younger respondents try new things and shop online more
        let openness = (r.normal() + if young { 0.8 } else { -0.3 }).clamp(-2.0, 2.0);
        let agree = AGREE[((openness + 2.0) / 4.0 * 4.99) as usize];
        let online =
            ONLINE[((openness + 2.0) / 4.0 * 3.99 + r.normal() * 1.2).clamp(0.0, 3.0) as usize];
        let benefit = if r.chance(0.35) {
            BENEFITS[0]
        } else {
            *r.pick(&BENEFITS[1..])
        };
        let recommend = (7.5 + r.normal() * 2.2).round().clamp(0.0, 10.0) as i64;
        let spend = ((40.0 + 3.0 * (age as f64 - 18.0)) * (1.0 + 0.4 * r.normal()).max(0.1))
            .round()
            .max(0.0);
        // a few people skip a question
        let rec = if r.chance(0.03) {
            String::new()
        } else {
            recommend.to_string()
        };
        writeln!(
            f,
            "{id},{age},{region},{benefit},{agree},{rec},{spend},{online}"
        )
        .map_err(fail)?;
    }
    f.flush().map_err(fail)?;
    crate::engine::rules::save::write_atomic(
        &dir.join("survey.strata.toml"),
        SURVEY_WORKSPACE.as_bytes(),
    )?;
    Ok(respondents)
}
