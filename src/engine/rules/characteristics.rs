//! Step 2's characteristics: what each column says about a customer (territory, age, spend…),
//! suggested from its name, type and values, and kept in the workspace's `[characteristics]`.

use crate::engine::data::profile::ColumnProfile;
use crate::engine::data::roles::{self, Role};
use crate::engine::rules::Step;

/// The characteristics, each with the word the workspace file keeps, written once: the enum,
/// `ALL` in list order and `word` come from this one table.
macro_rules! characteristics {
    ($($variant:ident => $word:literal,)*) => {
        /// What a column tells about a customer: the kinds of step 2 of the method (`Purchases`:
        /// purchase behaviour other than money, such as recency or the number of purchases).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Characteristic {
            $($variant,)*
        }

        impl Characteristic {
            /// Every characteristic, in the order the wizard lists them.
            pub const ALL: &[Characteristic] = &[$(Characteristic::$variant,)*];

            /// The word the workspace file keeps (`birth_year`).
            pub fn word(self) -> &'static str {
                match self {
                    $(Characteristic::$variant => $word,)*
                }
            }
        }
    };
}

characteristics! {
    Id => "id",
    Country => "country",
    Region => "region",
    City => "city",
    Postcode => "postcode",
    Density => "density",
    Gender => "gender",
    Age => "age",
    BirthYear => "birth_year",
    Education => "education",
    Income => "income",
    Occupation => "occupation",
    Family => "family",
    MaritalStatus => "marital_status",
    Lifestyle => "lifestyle",
    Benefit => "benefit",
    Date => "date",
    Spend => "spend",
    Purchases => "purchases",
    Product => "product",
    Channel => "channel",
    PersonalData => "personal_data",
    Ignore => "ignore",
}

use Characteristic::*;

impl Characteristic {
    /// As people read it (`birth year`).
    pub fn label(self) -> String {
        self.word().replace('_', " ")
    }

    /// A characteristic as typed: the file's word, or the same with spaces (`birth year`).
    pub fn parse(text: &str) -> Option<Characteristic> {
        let t = text.trim().to_lowercase().replace([' ', '-'], "_");
        Characteristic::ALL.iter().copied().find(|c| c.word() == t)
    }

    /// The labels of the characteristics that start with `typed` (lower case; `birth_` as
    /// `birth `), in list order.
    pub fn starting_with(typed: &str) -> Vec<String> {
        let typed = typed.replace('_', " ");
        Characteristic::ALL
            .iter()
            .map(|c| c.label())
            .filter(|l| l.starts_with(&typed))
            .collect()
    }

    /// What a `[columns]` key (`order_date`, `pii`, …) says its column holds.
    pub fn of_column_key(key: &str) -> Characteristic {
        match key {
            "pii" => PersonalData,
            "order_date" => Date,
            "amount" | "quantity" | "unit_price" | "discount" => Spend,
            "product" | "category" => Product,
            "channel" => Channel,
            _ => Id,
        }
    }

    /// The family it belongs to, when it has one (`territory` for a city).
    pub fn family(self) -> Option<&'static str> {
        match self {
            Country | Region | City | Postcode | Density => Some("territory"),
            _ => None,
        }
    }

    /// The step whose criteria it feeds: its `N` offers such columns first.
    pub fn step(self) -> Option<Step> {
        Some(match self {
            Gender | Age | BirthYear | Education | Income | Occupation | Family | MaritalStatus => {
                Step::Demographic
            }
            Country | Region | City | Postcode | Density => Step::Geographic,
            Lifestyle => Step::Psychographic,
            Benefit => Step::Benefits,
            Spend | Purchases | Product | Channel => Step::PurchaseHistory,
            Id | Date | PersonalData | Ignore => return None,
        })
    }

    /// The characteristic a suggested role means (`reason` tells a birth year from an age).
    fn of_role(role: Role, reason: &str) -> Characteristic {
        match role {
            Role::CustomerId | Role::OrderId => Id,
            Role::OrderDate | Role::Date => Date,
            Role::Amount | Role::Quantity | Role::UnitPrice | Role::Discount => Spend,
            Role::Product | Role::Category => Product,
            Role::Channel => Channel,
            Role::Age if reason.starts_with("a birth year") => BirthYear,
            Role::Age => Age,
            Role::Gender => Gender,
            Role::Income => Income,
            Role::Education => Education,
            Role::MaritalStatus => MaritalStatus,
            Role::Children => Family,
            Role::Occupation => Occupation,
            Role::Country => Country,
            Role::Region | Role::Climate => Region,
            Role::City => City,
            Role::Density | Role::UrbanRural => Density,
            Role::Lifestyle | Role::Answer => Lifestyle,
            Role::Benefit => Benefit,
            Role::Pii => PersonalData,
        }
    }
}

/// Set (or, with `None`, take out) columns' characteristics in `kept`, each column once, a new
/// one after those kept.
pub fn set_in(
    kept: &mut Vec<(crate::engine::rules::Spanned<String>, Characteristic)>,
    set: &[(String, Option<Characteristic>)],
) {
    for (column, kind) in set {
        kept.retain(|(c, _)| &c.value != column);
        if let Some(k) = kind {
            kept.push((crate::engine::rules::Spanned::bare(column.clone()), *k));
        }
    }
}

/// A suggested characteristic for one column, never kept without the user's say.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Guess {
    pub kind: Characteristic,
    /// 0 … 1
    pub confidence: f64,
    pub reason: String,
}

/// Words that name spending in a column: `MntWines`, `total_spent`, `revenue`.
const SPEND_WORDS: &[&str] = &[
    "mnt", "spend", "spent", "spending", "revenue", "sales", "amount", "value", "total",
];

/// The characteristic a column most probably holds: from its suggested role, else from words
/// of its name and its values; a column that says nothing about a customer is `ignore`.
/// `role`: the column's best role suggestion ([`roles::suggest_all`] made them already).
pub fn suggest(p: &ColumnProfile, role: Option<&roles::Suggestion>) -> Guess {
    let guess = |kind, confidence, reason: &str| Guess {
        kind,
        confidence,
        reason: reason.to_string(),
    };
    let non_null = p.rows - p.nulls;
    if non_null > 1 && p.distinct <= 1 {
        return guess(Ignore, 0.9, "the same value in every row");
    }
    if non_null == 0 {
        return guess(Ignore, 0.9, "empty in every row");
    }
    let w = roles::words(&p.name);
    let has = |any: &[&str]| w.iter().any(|x| any.contains(&x.as_str()));
    let numeric = p.kind == "integer" || p.kind == "number";
    if has(&["zip", "postcode", "postal", "plz", "zipcode"]) {
        return guess(Postcode, 0.9, "named like a postcode");
    }
    if let Some(s) = role {
        return guess(
            Characteristic::of_role(s.role, &s.reason),
            s.confidence,
            &s.reason,
        );
    }
    if numeric && has(SPEND_WORDS) {
        return guess(Spend, 0.7, "a number named like spending");
    }
    if has(&["household", "household_size", "hh"]) {
        return guess(Family, 0.7, "named like the household");
    }
    if numeric && has(&["web", "store", "catalog", "catalogue", "online", "shop"]) {
        return guess(Channel, 0.5, "a number named after a channel");
    }
    if numeric
        && has(&[
            "recency",
            "frequency",
            "purchases",
            "orders",
            "visits",
            "deals",
            "transactions",
        ])
    {
        return guess(Purchases, 0.6, "a number named like purchase behaviour");
    }
    guess(
        Ignore,
        0.4,
        "nothing in its name or values says what it tells about a customer",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_and_typed_forms_are_read() {
        for &c in Characteristic::ALL {
            assert_eq!(Characteristic::parse(c.word()), Some(c));
            assert_eq!(Characteristic::parse(&c.label()), Some(c));
        }
        assert_eq!(Characteristic::parse(" Birth Year "), Some(BirthYear));
        assert_eq!(Characteristic::parse("marital-status"), Some(MaritalStatus));
        assert_eq!(Characteristic::parse(""), None);
        assert_eq!(Characteristic::parse("shoe size"), None);
    }

    #[test]
    fn each_feeds_its_step() {
        assert_eq!(BirthYear.step(), Some(Step::Demographic));
        assert_eq!(Postcode.step(), Some(Step::Geographic));
        assert_eq!(Postcode.family(), Some("territory"));
        assert_eq!(Lifestyle.step(), Some(Step::Psychographic));
        assert_eq!(Ignore.step(), None);
    }

    /// Every column of the marketing campaign export gets a characteristic a marketer would
    /// give it.
    #[test]
    fn the_marketing_campaign_columns_are_recognised() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/marketing_campaign_600.csv");
        let t = crate::engine::data::load::load_table(&path, &Default::default(), None).unwrap();
        let got: Vec<(String, Characteristic)> = crate::engine::data::profile::profile(&t.df)
            .iter()
            .map(|p| {
                let role = roles::suggest(p).into_iter().next();
                (p.name.clone(), suggest(p, role.as_ref()).kind)
            })
            .collect();
        let of = |n: &str| got.iter().find(|g| g.0 == n).map(|g| g.1);
        for (column, want) in [
            ("ID", Id),
            ("Year_Birth", BirthYear),
            ("Education", Education),
            ("Marital_Status", MaritalStatus),
            ("Income", Income),
            ("Kidhome", Family),
            ("Teenhome", Family),
            ("Dt_Customer", Date),
            ("MntWines", Spend),
            ("MntGoldProds", Spend),
            ("NumWebPurchases", Channel),
            ("Recency", Purchases),
            ("NumDealsPurchases", Purchases),
            ("Z_CostContact", Ignore),
        ] {
            assert_eq!(of(column), Some(want), "{column}: {got:?}");
        }
    }
}
