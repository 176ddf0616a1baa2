//! The List's ranking of customers by value, and the orders of the List and the segment tables.

use std::sync::Arc;

use crate::engine::eval::frame::Vector;
use crate::engine::eval::session::Session;

/// Customers ranked by value, for the List step (only visible rows are ever turned into text).
#[derive(Debug, Clone)]
pub struct Ranking {
    pub ids: Arc<Vector>,
    pub value: Arc<crate::engine::eval::frame::Cells<f64>>,
    /// Row indices, most valuable first (ties by customer id).
    pub order: Arc<Vec<usize>>,
    /// Value held by the customers ranked 1 … k+1, at index k (so a screen never re-adds rows).
    pub cumulative: Arc<Vec<f64>>,
    pub total: f64,
    /// Cumulative value share at 1 %, 2 %, … 100 % of customers.
    pub curve: Vec<(f64, f64)>,
    /// The value rank (0 = most valuable) of every row.
    pub rank_of: Arc<Vec<u32>>,
    /// How many customers have a negative value (returns), counted once, not per frame.
    pub negative: usize,
}

/// The order of a segment table: by value (the valuation's own order), customers or name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SegmentSort {
    #[default]
    Value,
    Customers,
    Name,
}

impl SegmentSort {
    pub fn next(self) -> SegmentSort {
        match self {
            SegmentSort::Value => SegmentSort::Customers,
            SegmentSort::Customers => SegmentSort::Name,
            SegmentSort::Name => SegmentSort::Value,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SegmentSort::Value => "by value",
            SegmentSort::Customers => "by customers",
            SegmentSort::Name => "by name",
        }
    }
}

/// The order of the List.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListSort {
    #[default]
    ValueDown,
    ValueUp,
    CustomerId,
}

impl ListSort {
    pub fn next(self) -> ListSort {
        match self {
            ListSort::ValueDown => ListSort::ValueUp,
            ListSort::ValueUp => ListSort::CustomerId,
            ListSort::CustomerId => ListSort::ValueDown,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ListSort::ValueDown => "by value, highest first",
            ListSort::ValueUp => "by value, lowest first",
            ListSort::CustomerId => "by customer id",
        }
    }
}

impl Ranking {
    /// The largest value to show, by size: the total, the first or the last in value order
    /// (found at once, whatever the number of customers).
    pub fn widest(&self) -> f64 {
        let at = |k: Option<&usize>| k.and_then(|&i| self.value.get(i)).unwrap_or(0.0).abs();
        self.total
            .abs()
            .max(at(self.order.first()))
            .max(at(self.order.last()))
    }

    /// The row shown at position `k` of the List in `sort` order.
    pub fn row_at(&self, sort: ListSort, k: usize) -> usize {
        let n = self.order.len();
        match sort {
            ListSort::ValueDown => self.order[k],
            ListSort::ValueUp => self.order[n - 1 - k],
            ListSort::CustomerId => k,
        }
    }

    /// Where row `i` is shown in `sort` order.
    pub fn position_of(&self, sort: ListSort, i: usize) -> usize {
        let n = self.order.len();
        match sort {
            ListSort::ValueDown => self.rank_of[i] as usize,
            ListSort::ValueUp => n - 1 - self.rank_of[i] as usize,
            ListSort::CustomerId => i,
        }
    }
}

impl Ranking {
    pub fn build(s: &Session) -> Ranking {
        let n = s.base.len;
        let v = |i: usize| s.value.get(i).unwrap_or(0.0);
        let order = match &s.value_order {
            Some(o) => Arc::clone(o),
            None => Arc::new(crate::engine::eval::valuation::value_order(&s.value)),
        };
        // the running total (in rank order) beside where each row ranks and the negatives
        let ((cumulative, total), (rank_of, negative)) = rayon::join(
            || {
                let cumulative: Vec<f64> = order
                    .iter()
                    .scan(0.0, |acc, &i| {
                        *acc += v(i);
                        Some(*acc)
                    })
                    .collect();
                let total = cumulative.last().copied().unwrap_or(0.0);
                (cumulative, total)
            },
            || {
                let mut rank_of = vec![0u32; n];
                for (k, &i) in order.iter().enumerate() {
                    rank_of[i] = k as u32;
                }
                let negative = s.value.present().filter(|&x| x < 0.0).count();
                (rank_of, negative)
            },
        );
        let share = |x: f64| if total != 0.0 { x / total } else { 0.0 };
        // the curve at 1 %, 2 %, … 100 % of customers
        let mut curve = vec![(0.0, 0.0)];
        if n > 0 {
            curve.extend((1..=100).map(|p| {
                (
                    p as f64 / 100.0,
                    share(cumulative[(p * n).div_ceil(100) - 1]),
                )
            }));
        }
        Ranking {
            negative,
            rank_of: Arc::new(rank_of),
            ids: Arc::clone(&s.ids),
            value: Arc::clone(&s.value),
            order,
            cumulative: Arc::new(cumulative),
            total,
            curve,
        }
    }
}
