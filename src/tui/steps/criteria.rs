//! The shape every criteria step shares: the criteria of the step, the rules, the distribution
//! with its cut points, and the live segment table.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Sparkline, Table, Wrap};

use crate::engine::format::{amount, percent, signed, thousands};
use crate::engine::rules::{Rule, Step};
use crate::tui::app::{App, CriterionView, Distribution, Pane};
use crate::tui::theme::Theme;
use crate::tui::view::{Col, fitted_table, safe};

/// How to add a criterion to an empty step.
fn empty_help(step: Step) -> String {
    format!(
        "No {} criterion yet.\n\nAdd one to the workspace file, for example:\n\n[criteria.my_split]\nstep = \"{}\"\nsegments = [\n  {{ name = \"a\", when = \"…\" }},\n  {{ name = \"b\", when = \"TRUE\" }},\n]\n\nor bins = {{ column = \"…\", edges = [ … ] }}, or map = {{ column = \"…\", groups = {{ … }} }}.\nThe screen follows the file as soon as it is saved.",
        step.as_str().replace('_', " "),
        step.as_str()
    )
}

/// The tabs line: this step's criteria, the selected one highlighted.
fn tabs(app: &App, idx: &[usize], sel: usize, t: &Theme) -> Line<'static> {
    let mut spans = vec![Span::styled("criteria: ", t.dim)];
    for (k, &i) in idx.iter().enumerate() {
        if k > 0 {
            spans.push(Span::styled(" · ", t.dim));
        }
        let name = safe(&app.criteria[i].criterion.name.value);
        spans.push(Span::styled(
            name,
            if k == sel { t.selected } else { t.text },
        ));
    }
    spans.push(Span::styled("   (← → to switch)", t.dim));
    Line::from(spans)
}

/// The rules, as the user wrote them; the selected cut point and rule highlighted.
pub fn rule_lines(c: &CriterionView, edge: usize, rule: usize, t: &Theme) -> Vec<Line<'static>> {
    let pick = |k: usize, normal| if k == rule { t.selected } else { normal };
    let cr = &c.criterion;
    let mut lines = Vec::new();
    match &cr.rule {
        Rule::Bins {
            column,
            edges,
            labels,
        } => {
            lines.push(Line::from(vec![
                Span::styled("bins on ", t.dim),
                Span::styled(safe(&column.value), t.accent),
            ]));
            let mut spans = vec![Span::styled("cut points: ", t.dim)];
            for (k, e) in edges.iter().enumerate() {
                let txt = crate::engine::data::values::show_number(
                    &polars::prelude::DataType::Float64,
                    *e,
                );
                spans.push(Span::styled(
                    format!(" {txt} "),
                    if k == edge { t.selected } else { t.cut },
                ));
            }
            lines.push(Line::from(spans));
            let mut spans = vec![Span::styled("segments: ", t.dim)];
            for (k, l) in labels.iter().enumerate() {
                if k > 0 {
                    spans.push(Span::styled(" | ", t.dim));
                }
                spans.push(Span::styled(safe(l), pick(k, t.text)));
            }
            lines.push(Line::from(spans));
        }
        Rule::Map { column, groups } => {
            lines.push(Line::from(vec![
                Span::styled("groups of ", t.dim),
                Span::styled(safe(&column.value), t.accent),
            ]));
            for (k, (g, vals)) in groups.iter().enumerate() {
                let v: Vec<String> = vals.iter().map(|v| safe(&v.to_string())).collect();
                lines.push(Line::from(vec![
                    Span::styled(format!("{:<14} ", safe(g)), pick(k, t.text)),
                    Span::styled(v.join(", "), t.dim),
                ]));
            }
        }
        Rule::Segments(segs) => {
            lines.push(Line::from(Span::styled(
                "first rule that is true wins:",
                t.dim,
            )));
            for (k, s) in segs.iter().enumerate() {
                lines.push(Line::from(vec![
                    Span::styled(format!("{:<14} ", safe(&s.name.value)), pick(k, t.text)),
                    Span::styled(safe(&s.when.value), t.accent),
                ]));
            }
        }
    }
    lines.push(Line::from(Span::styled(
        format!("otherwise → {}", safe(&cr.otherwise)),
        t.dim,
    )));
    lines
}

/// The distribution: a histogram with the cut points marked, value counts, or rule matches.
pub fn draw_distribution(f: &mut Frame, area: Rect, c: &CriterionView, t: &Theme) {
    let block = Block::bordered()
        .border_style(t.border)
        .title(Span::styled(" distribution ", t.header));
    let inner = block.inner(area);
    f.render_widget(block, area);
    match &c.distribution {
        Distribution::Histogram {
            column, bins, cuts, ..
        } if !bins.is_empty() && inner.height >= 3 && inner.width >= 8 => {
            let w = inner.width as usize;
            let (lo, hi) = (bins[0].0, bins[bins.len() - 1].1);
            // resample the bins to one column per character
            let data: Vec<u64> = (0..w)
                .map(|x| bins[(x * bins.len() / w).min(bins.len() - 1)].2 as u64)
                .collect();
            let [chart, marks, labels] = Layout::vertical([
                Constraint::Fill(1),
                Constraint::Length(1),
                Constraint::Length(1),
            ])
            .areas(inner);
            f.render_widget(Sparkline::default().data(&data).style(t.bar), chart);
            let mut line = vec![' '; w];
            for cut in cuts {
                if hi > lo && *cut >= lo && *cut <= hi {
                    let x = (((cut - lo) / (hi - lo)) * (w - 1) as f64).round() as usize;
                    line[x.min(w - 1)] = '▲';
                }
            }
            f.render_widget(
                Paragraph::new(Line::from(Span::styled(
                    line.into_iter().collect::<String>(),
                    t.cut,
                ))),
                marks,
            );
            let show = |v: f64| {
                crate::engine::data::values::show_number(
                    &polars::prelude::DataType::Float64,
                    (v * 100.0).round() / 100.0,
                )
            };
            let left = format!("{} {}", safe(column), show(lo));
            let right = show(hi);
            let pad = w.saturating_sub(left.chars().count() + right.chars().count());
            f.render_widget(
                Paragraph::new(Line::from(Span::styled(
                    format!("{left}{}{right}", " ".repeat(pad)),
                    t.dim,
                ))),
                labels,
            );
        }
        Distribution::Counts { column, top } => {
            let max = top.iter().map(|x| x.1).max().unwrap_or(1).max(1);
            let bar_w = (inner.width as usize).saturating_sub(26).max(4);
            let mut lines = vec![Line::from(Span::styled(
                format!("values of {}", safe(column)),
                t.dim,
            ))];
            for (v, n) in top.iter().take(inner.height.saturating_sub(1) as usize) {
                let len = (n * bar_w).div_ceil(max);
                lines.push(Line::from(vec![
                    Span::styled(format!("{:<14.14} ", safe(v)), t.text),
                    Span::styled("█".repeat(len), t.bar),
                    Span::styled(format!(" {}", thousands(*n as u64)), t.dim),
                ]));
            }
            f.render_widget(Paragraph::new(lines), inner);
        }
        _ => {
            let ex = &c.result.assignment.exclusivity;
            let max = ex.matched.iter().map(|x| x.1).max().unwrap_or(1).max(1);
            let bar_w = (inner.width as usize).saturating_sub(26).max(4);
            let mut lines = vec![Line::from(Span::styled(
                "customers each rule matches (any order)",
                t.dim,
            ))];
            for (name, n) in &ex.matched {
                let len = (n * bar_w).div_ceil(max);
                lines.push(Line::from(vec![
                    Span::styled(format!("{:<14.14} ", safe(name)), t.text),
                    Span::styled("█".repeat(len), t.bar),
                    Span::styled(format!(" {}", thousands(*n as u64)), t.dim),
                ]));
            }
            f.render_widget(Paragraph::new(lines), inner);
        }
    }
}

/// The live segment table: customers, share, change since the last edit, value, value share;
/// `selected` is highlighted (when the table has the focus).
pub fn segment_table(
    c: &CriterionView,
    t: &Theme,
    avail: u16,
    selected: Option<usize>,
) -> Table<'static> {
    let rows: Vec<(Vec<String>, ratatui::style::Style)> = c
        .result
        .valuation
        .iter()
        .enumerate()
        .map(|(k, v)| {
            let change = c
                .result
                .previous
                .get(&v.name)
                .map(|p| v.customers as i64 - *p as i64);
            let change_txt = match change {
                Some(0) | None => String::new(),
                Some(d) => signed(d),
            };
            let cells = vec![
                safe(&v.name),
                thousands(v.customers as u64),
                percent(v.customer_share),
                change_txt,
                amount(v.value),
                percent(v.value_share),
                if v.worth_marketing {
                    "✓".into()
                } else {
                    "✗".into()
                },
            ];
            let style = if selected == Some(k) {
                t.selected
            } else if v.worth_marketing {
                t.text
            } else {
                t.warn
            };
            (cells, style)
        })
        .collect();
    let col = Col::new;
    let cols = vec![
        col("segment", 0),
        col("customers", 0),
        col("share", 1),
        col("change", 0),
        col("value", 2),
        col("of value", 3),
        col("worth", 4),
    ];
    fitted_table(cols, rows, avail, t.header)
}

/// A whole criteria step.
pub fn draw(f: &mut Frame, area: Rect, app: &App, t: &Theme, step: Step) {
    let idx = app.criteria_of(step);
    if idx.is_empty() {
        let p = Paragraph::new(empty_help(step))
            .style(t.text)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().border_style(t.border));
        f.render_widget(p, area);
        return;
    }
    let sel = app.selected[app.step.index()].min(idx.len() - 1);
    let c = &app.criteria[idx[sel]];
    let rules = rule_lines(c, app.edge, app.rule, t);
    let rule_h = (rules.len() as u16 + 2).min(area.height / 2).max(4);
    let [tab_area, top, table_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(rule_h.max(7)),
        Constraint::Fill(1),
    ])
    .areas(area);
    f.render_widget(Paragraph::new(tabs(app, &idx, sel, t)), tab_area);
    let [rules_area, dist_area] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(top);
    let focus = |p: Pane| if app.pane == p { t.accent } else { t.border };
    f.render_widget(
        Paragraph::new(rules).wrap(Wrap { trim: false }).block(
            Block::bordered()
                .border_style(focus(Pane::Rules))
                .title(Span::styled(
                    format!(" {} ", safe(&c.criterion.name.value)),
                    t.header,
                )),
        ),
        rules_area,
    );
    draw_distribution(f, dist_area, c, t);
    let ex = &c.result.assignment.exclusivity;
    let title = format!(" segments — {} ", ex.describe());
    let selected = (app.pane == Pane::Segments).then_some(app.seg_row);
    f.render_widget(
        segment_table(c, t, table_area.width.saturating_sub(2), selected).block(
            Block::bordered()
                .border_style(focus(Pane::Segments))
                .title(Span::styled(title, t.header)),
        ),
        table_area,
    );
}
