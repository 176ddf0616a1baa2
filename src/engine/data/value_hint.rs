//! Which value to judge segments by when a table has no orders: a spend column, or the sum of amount columns.

use super::profile::ColumnProfile;
use crate::engine::rules::condition::print::readable_column;

/// Words that name what a customer spends or is worth.
const SPEND_WORDS: [&str; 9] = [
    "spend", "spending", "spent", "revenue", "sales", "monetary", "clv", "ltv", "value",
];

fn words(name: &str) -> Vec<String> {
    super::roles::words(name)
}

/// A numeric column whose values vary (a constant, like a fixed revenue per contact, values
/// nobody apart).
fn numeric(p: &ColumnProfile) -> bool {
    matches!(p.kind.as_str(), "integer" | "number") && p.distinct > 1
}

/// A value expression for `[valuation] value` and why: one numeric column named like spending
/// or revenue, else the sum of the amount columns (`Mnt…`, `…amount`, `…spend…`) when there are
/// two or more. None when nothing looks like money.
pub fn suggest_value(profiles: &[ColumnProfile]) -> Option<(String, String)> {
    let money: Vec<&ColumnProfile> = profiles.iter().filter(|p| numeric(p)).collect();
    if let Some(p) = money.iter().find(|p| {
        words(&p.name)
            .iter()
            .any(|w| SPEND_WORDS.contains(&w.as_str()))
    }) {
        return Some((
            readable_column(&p.name),
            format!("{} is named like spending", p.name),
        ));
    }
    let amounts: Vec<&&ColumnProfile> = money
        .iter()
        .filter(|p| {
            let n = p.name.to_lowercase();
            n.starts_with("mnt") || n.contains("amount") || n.contains("spend")
        })
        .collect();
    (amounts.len() >= 2).then(|| {
        let names: Vec<String> = amounts.iter().map(|p| readable_column(&p.name)).collect();
        (
            names.join(" + "),
            format!("the sum of the {} amount columns", amounts.len()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(name: &str, kind: &str) -> ColumnProfile {
        ColumnProfile {
            name: name.into(),
            kind: kind.into(),
            rows: 10,
            nulls: 0,
            distinct: 10,
            min: None,
            max: None,
            mean: None,
            quartiles: None,
            top: vec![],
            histogram: vec![],
            samples: vec![],
        }
    }

    #[test]
    fn a_spend_column_or_the_sum_of_amounts() {
        let mc = [
            col("ID", "integer"),
            col("Year_Birth", "integer"),
            col("MntWines", "integer"),
            col("MntFruits", "integer"),
            col("MntGoldProds", "integer"),
            col("Education", "text"),
        ];
        let (e, why) = suggest_value(&mc).unwrap();
        assert_eq!(e, "MntWines + MntFruits + MntGoldProds");
        assert!(why.contains("3 amount columns"));
        let mut constant = col("Z_Revenue", "integer");
        constant.distinct = 1;
        let with_constant = [
            constant,
            col("MntWines", "integer"),
            col("MntMeat", "integer"),
        ];
        assert_eq!(
            suggest_value(&with_constant).unwrap().0,
            "MntWines + MntMeat"
        );
        let mall = [
            col("CustomerID", "integer"),
            col("Spending Score (1-100)", "integer"),
        ];
        assert_eq!(
            suggest_value(&mall).unwrap().0,
            "\"Spending Score (1-100)\""
        );
        assert!(suggest_value(&[col("age", "integer")]).is_none());
    }
}
