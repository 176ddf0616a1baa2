//! Role suggestions: what each column probably means, from its name, type and values.

mod table;

use super::profile::ColumnProfile;
use table::{Facts, RULES, has};

/// What a column can mean to a segmentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    CustomerId,
    OrderId,
    OrderDate,
    Amount,
    Quantity,
    UnitPrice,
    Product,
    Category,
    Channel,
    Discount,
    Age,
    Gender,
    Income,
    Education,
    MaritalStatus,
    Children,
    Occupation,
    Country,
    Region,
    City,
    Density,
    Climate,
    UrbanRural,
    Lifestyle,
    Benefit,
    /// An answer to a survey question (a rating, an agreement scale, a choice).
    Answer,
    Date,
    Pii,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::CustomerId => "customer id",
            Role::OrderId => "order id",
            Role::OrderDate => "order date",
            Role::Amount => "amount",
            Role::Quantity => "quantity",
            Role::UnitPrice => "unit price",
            Role::Product => "product",
            Role::Category => "category",
            Role::Channel => "channel",
            Role::Discount => "discount",
            Role::Age => "age",
            Role::Gender => "gender",
            Role::Income => "income",
            Role::Education => "education",
            Role::MaritalStatus => "marital status",
            Role::Children => "children",
            Role::Occupation => "occupation",
            Role::Country => "country",
            Role::Region => "region",
            Role::City => "city",
            Role::Density => "population density",
            Role::Climate => "climate",
            Role::UrbanRural => "urban / rural",
            Role::Lifestyle => "lifestyle",
            Role::Benefit => "benefit sought",
            Role::Answer => "survey answer",
            Role::Date => "date",
            Role::Pii => "personal data (PII)",
        }
    }

    /// The wizard step whose criteria usually use a column of this role.
    pub fn step_hint(self) -> Option<&'static str> {
        Some(match self {
            Role::Age
            | Role::Gender
            | Role::Income
            | Role::Education
            | Role::MaritalStatus
            | Role::Children
            | Role::Occupation => "demographic",
            Role::Country
            | Role::Region
            | Role::City
            | Role::Density
            | Role::Climate
            | Role::UrbanRural => "geographic",
            Role::Lifestyle | Role::Answer => "psychographic",
            Role::Benefit => "benefits",
            _ => return None,
        })
    }
}

/// A suggested role for a column, never applied without the user's say.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Suggestion {
    pub column: String,
    pub role: Role,
    /// 0 … 1
    pub confidence: f64,
    pub reason: String,
}

/// Lower-case words of a column name (`Annual Income (k$)` → `annual income k`; `CustomerID` → `customer id`).
pub fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let boundary = c.is_uppercase()
            && !cur.is_empty()
            && (chars[i - 1].is_lowercase() || chars.get(i + 1).is_some_and(|n| n.is_lowercase()));
        if boundary {
            out.push(std::mem::take(&mut cur));
        }
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Candidate roles for one column, best first: every rule that fits, the most confident per role.
pub fn suggest(p: &ColumnProfile) -> Vec<Suggestion> {
    let w = words(&p.name);
    let joined = w.join("");
    let non_null = p.rows - p.nulls;
    let f = Facts {
        p,
        idish: has(&w, &["id", "no", "number", "code", "key"]) || joined.ends_with("id"),
        unique: non_null > 0 && p.distinct == non_null,
        low_card: p.distinct > 0 && p.distinct <= 30.max(non_null / 1000).min(200),
        w,
        joined,
    };
    let mut out: Vec<(Role, f64, &str)> = RULES
        .iter()
        .filter(|r| r.kind.fits(p) && (r.words.is_empty() || f.named(r.words)))
        .filter_map(|r| (r.judge)(&f).map(|(c, why)| (r.role, c, why)))
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut seen = std::collections::HashSet::new();
    out.into_iter()
        .filter(|(r, _, _)| seen.insert(*r))
        .map(|(role, confidence, reason)| Suggestion {
            column: p.name.clone(),
            role,
            confidence,
            reason: reason.to_string(),
        })
        .collect()
}

/// The best suggestion per column (columns with none are left out).
pub fn suggest_all(profiles: &[ColumnProfile]) -> Vec<Suggestion> {
    profiles
        .iter()
        .filter_map(|p| suggest(p).into_iter().next())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::data::profile::profile_column;
    use polars::prelude::*;

    #[test]
    fn splits_names_into_words() {
        assert_eq!(words("Annual Income (k$)"), vec!["annual", "income", "k"]);
        assert_eq!(words("CustomerID"), vec!["customer", "id"]);
        assert_eq!(words("Marital_Status"), vec!["marital", "status"]);
        assert_eq!(words("InvoiceNo"), vec!["invoice", "no"]);
    }

    fn best(name: &str, s: Series) -> Option<Role> {
        let s = s.with_name(name.into());
        suggest(&profile_column(&s)).first().map(|x| x.role)
    }

    #[test]
    fn recognises_survey_answers() {
        assert_eq!(
            best(
                "q3_recommend",
                Series::new("".into(), vec![9i64, 10, 7, 3, 9, 8])
            ),
            Some(Role::Answer)
        );
        assert_eq!(
            best(
                "I try new products",
                Series::new(
                    "".into(),
                    vec!["agree", "strongly agree", "neutral", "disagree", "agree"]
                )
            ),
            Some(Role::Answer)
        );
        assert_ne!(
            best("amount", Series::new("".into(), vec![9i64, 10, 7])),
            Some(Role::Answer)
        );
    }

    /// One "1,234.50" among plain numbers keeps the amount role, so that the bad value is named
    /// (a column of words named total stays unbound).
    #[test]
    fn an_amount_with_a_bad_cell_is_still_the_amount() {
        let amounts = vec!["10.50", "20.00", "1,234.50", "5.25", "100.00", "7.75"];
        assert_eq!(
            best("amount", Series::new("".into(), amounts)),
            Some(Role::Amount)
        );
        // most of them written with their thousands grouped: still the amount, each named
        let grouped = vec![
            "1,010.50", "2,000.00", "15.00", "3,500.25", "7.75", "1,200.00",
        ];
        assert_eq!(
            best("amount", Series::new("".into(), grouped)),
            Some(Role::Amount)
        );
        let words = vec!["yes", "no", "maybe", "yes", "10"];
        assert_ne!(
            best("total", Series::new("".into(), words)),
            Some(Role::Amount)
        );
    }

    #[test]
    fn suggests_from_name_type_and_values() {
        assert_eq!(
            best("CustomerID", Series::new("".into(), vec![1i64, 2, 3])),
            Some(Role::CustomerId)
        );
        assert_eq!(
            best("Age", Series::new("".into(), vec![19i64, 35, 70])),
            Some(Role::Age)
        );
        assert_eq!(
            best(
                "Annual Income (k$)",
                Series::new("".into(), vec![15i64, 16])
            ),
            Some(Role::Income)
        );
        assert_eq!(
            best(
                "InvoiceNo",
                Series::new("".into(), vec!["536365", "C536379"])
            ),
            Some(Role::OrderId)
        );
        assert_eq!(
            best("contact", Series::new("".into(), vec!["a@b.lv", "c@d.az"])),
            Some(Role::Pii)
        );
        assert_eq!(
            best("Gender", Series::new("".into(), vec!["Male", "Female"])),
            Some(Role::Gender)
        );
        assert_eq!(
            best("Description", Series::new("".into(), vec!["MUG", "CUP"])),
            Some(Role::Product)
        );
        assert_eq!(best("zzz", Series::new("".into(), vec![1i64])), None);
    }
}
