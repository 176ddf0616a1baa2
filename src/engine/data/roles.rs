//! Role suggestions: what each column probably means, from its name, type and values.

use super::profile::ColumnProfile;

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

fn has(w: &[String], any: &[&str]) -> bool {
    w.iter().any(|x| any.contains(&x.as_str()))
}

fn numeric(p: &ColumnProfile) -> bool {
    p.kind == "integer" || p.kind == "number"
}

fn temporal(p: &ColumnProfile) -> bool {
    p.kind == "date" || p.kind == "datetime"
}

fn min_max(p: &ColumnProfile) -> Option<(f64, f64)> {
    Some((p.min.as_ref()?.parse().ok()?, p.max.as_ref()?.parse().ok()?))
}

/// Candidate roles for one column, best first.
pub fn suggest(p: &ColumnProfile) -> Vec<Suggestion> {
    let w = words(&p.name);
    let joined = w.join("");
    let mut out: Vec<(Role, f64, String)> = Vec::new();
    let mut add = |r: Role, c: f64, why: &str| out.push((r, c, why.to_string()));
    let non_null = p.rows - p.nulls;
    let unique = non_null > 0 && p.distinct == non_null;
    let low_card = p.distinct > 0 && p.distinct <= 30.max(non_null / 1000).min(200);

    let idish = has(&w, &["id", "no", "number", "code", "key"]) || joined.ends_with("id");
    if (has(
        &w,
        &[
            "customer",
            "client",
            "cust",
            "member",
            "user",
            "account",
            "respondent",
            "participant",
        ],
    ) && idish)
        || ["customerid", "custid", "clientid", "customer", "id"].contains(&joined.as_str())
    {
        let c = if unique { 0.95 } else { 0.8 };
        add(
            Role::CustomerId,
            c,
            if unique {
                "named like an id, one row per value"
            } else {
                "named like a customer id"
            },
        );
    }
    if (has(
        &w,
        &["order", "invoice", "transaction", "receipt", "basket"],
    ) && (idish || w.len() == 1))
        || ["invoiceno", "orderid", "ordernumber"].contains(&joined.as_str())
    {
        add(Role::OrderId, 0.85, "named like an order or invoice number");
    }
    if temporal(p) {
        if has(
            &w,
            &[
                "order",
                "invoice",
                "purchase",
                "transaction",
                "sale",
                "sales",
            ],
        ) {
            add(Role::OrderDate, 0.9, "a date named after orders");
        } else {
            add(Role::Date, 0.7, "holds dates");
            add(Role::OrderDate, 0.5, "holds dates");
        }
    }
    if numeric(p) {
        if has(
            &w,
            &[
                "amount", "revenue", "sales", "spend", "spent", "total", "value", "turnover",
                "monetary", "charges",
            ],
        ) && p.distinct > 2
        {
            add(Role::Amount, 0.8, "a number named like money spent");
        }
        if has(&w, &["qty", "quantity", "units", "count"]) && !has(&w, &["price"]) {
            add(Role::Quantity, 0.85, "a number named like a quantity");
        }
        if has(&w, &["price", "unitprice"]) || joined == "unitprice" {
            add(Role::UnitPrice, 0.85, "a number named like a price");
        }
        if has(&w, &["discount", "rebate", "coupon", "promo"]) {
            add(Role::Discount, 0.8, "a number named like a discount");
        }
        if has(&w, &["age"]) {
            let plausible = min_max(p).is_some_and(|(a, b)| a >= 0.0 && b <= 120.0);
            add(
                Role::Age,
                if plausible { 0.95 } else { 0.5 },
                if plausible {
                    "named age, values 0–120"
                } else {
                    "named age"
                },
            );
        }
        if has(&w, &["birth", "born", "yob"]) {
            add(Role::Age, 0.6, "a birth year: derive age from it");
        }
        if has(&w, &["income", "salary", "earnings", "wage"]) {
            add(Role::Income, 0.9, "a number named like income");
        }
        if has(
            &w,
            &[
                "kids",
                "children",
                "kidhome",
                "teenhome",
                "dependents",
                "child",
            ],
        ) || joined.contains("kidhome")
        {
            add(Role::Children, 0.85, "a number named like children");
        }
        if has(&w, &["density", "population", "popdensity"]) {
            add(Role::Density, 0.85, "a number named like density");
        }
    }
    if has(&w, &["gender", "sex"]) {
        add(
            Role::Gender,
            if low_card { 0.95 } else { 0.6 },
            "named gender",
        );
    }
    if has(&w, &["education", "degree", "qualification"]) {
        add(Role::Education, 0.9, "named education");
    }
    if has(&w, &["marital", "married", "relationship"]) {
        add(Role::MaritalStatus, 0.9, "named marital status");
    }
    if has(&w, &["job", "occupation", "profession", "employment"]) {
        add(Role::Occupation, 0.85, "named occupation");
    }
    if has(&w, &["country", "nation"]) {
        add(Role::Country, 0.95, "named country");
    }
    if has(&w, &["region", "state", "province", "county", "territory"]) {
        add(Role::Region, 0.85, "named region");
    }
    if has(&w, &["city", "town", "municipality"]) {
        add(Role::City, 0.9, "named city");
    }
    if has(&w, &["climate", "weather"]) {
        add(Role::Climate, 0.85, "named climate");
    }
    if has(&w, &["urban", "rural", "area", "settlement"]) && !numeric(p) {
        add(
            Role::UrbanRural,
            0.75,
            "named like an urban/rural area type",
        );
    }
    if has(
        &w,
        &[
            "lifestyle",
            "interest",
            "interests",
            "hobby",
            "values",
            "personality",
            "attitude",
            "class",
        ],
    ) {
        add(
            Role::Lifestyle,
            0.7,
            "named like a lifestyle or attitude answer",
        );
    }
    if has(&w, &["benefit", "benefits", "motivation", "reason", "need"]) {
        add(Role::Benefit, 0.75, "named like a benefit sought");
    }
    // survey answers: question-like names, or values on an agreement / rating scale
    let question = w
        .iter()
        .any(|x| x.len() >= 2 && x.starts_with('q') && x[1..].chars().all(|c| c.is_ascii_digit()))
        || has(
            &w,
            &[
                "question",
                "answer",
                "survey",
                "rating",
                "rate",
                "agree",
                "likert",
                "recommend",
                "nps",
                "satisfaction",
                "satisfied",
                "important",
                "importance",
                "likely",
                "prefer",
                "preference",
                "opinion",
            ],
        );
    let scale_words = [
        "agree",
        "disagree",
        "neutral",
        "strongly agree",
        "strongly disagree",
        "yes",
        "no",
        "very",
        "somewhat",
        "not at all",
        "never",
        "sometimes",
        "often",
        "always",
    ];
    let scale_values = !numeric(p)
        && low_card
        && !p.top.is_empty()
        && p.top
            .iter()
            .filter(|(v, _)| {
                let v = v.to_lowercase();
                scale_words.iter().any(|s| v.contains(s))
            })
            .count()
            * 2
            > p.top.len();
    let small_ints = numeric(p) && p.kind == "integer" && p.distinct > 0 && p.distinct <= 11;
    if (question && (low_card || small_ints)) || scale_values {
        add(
            Role::Answer,
            if question { 0.72 } else { 0.65 },
            if question {
                "named like a survey question, few distinct answers"
            } else {
                "values on an agreement or frequency scale"
            },
        );
    }
    if !numeric(p) && !temporal(p) {
        if has(
            &w,
            &["product", "item", "sku", "stock", "description", "article"],
        ) {
            add(Role::Product, 0.8, "named like a product");
        }
        if has(
            &w,
            &[
                "category",
                "department",
                "family",
                "segment",
                "group",
                "type",
            ],
        ) && low_card
        {
            add(
                Role::Category,
                0.7,
                "a few distinct values, named like a category",
            );
        }
        if has(&w, &["channel", "source", "medium", "contact", "platform"]) {
            add(Role::Channel, 0.8, "named like a sales channel");
        }
        let looks_email = p
            .samples
            .iter()
            .filter(|s| s.contains('@') && s.contains('.'))
            .count()
            * 2
            > p.samples.len();
        if looks_email || has(&w, &["email", "mail"]) {
            add(Role::Pii, 0.95, "holds e-mail addresses");
        } else if (has(
            &w,
            &["name", "surname", "firstname", "lastname", "fullname"],
        ) || joined == "name")
            && !has(
                &w,
                &["product", "item", "stock", "company", "store", "shop"],
            )
            && !low_card
        {
            add(Role::Pii, 0.85, "holds people's names");
        } else if has(
            &w,
            &[
                "phone",
                "mobile",
                "telephone",
                "address",
                "street",
                "ssn",
                "passport",
                "iban",
            ],
        ) && !low_card
        {
            add(Role::Pii, 0.85, "holds contact or identity data");
        }
    } else if has(&w, &["phone", "mobile", "zip", "postcode", "postal"]) {
        add(Role::Pii, 0.5, "numbers that may identify a person");
    }
    out.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut seen = std::collections::HashSet::new();
    out.into_iter()
        .filter(|(r, _, _)| seen.insert(*r))
        .map(|(role, confidence, reason)| Suggestion {
            column: p.name.clone(),
            role,
            confidence,
            reason,
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
