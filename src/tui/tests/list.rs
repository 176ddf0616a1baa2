//! The List and the segment tables: sorting that keeps the selection, panes, copying ids.

use crate::tui::input::message::Action;
use crate::tui::state::effect::Effect;
use crate::tui::tests::{act, demo, screen, typ};

#[test]
fn tab_moves_to_the_segment_table_and_y_copies_its_ids() {
    let (mut app, _) = demo();
    act(&mut app, Action::GoTo(2));
    let fx = act(&mut app, Action::Copy);
    assert!(fx.is_empty(), "the rules pane has nothing to copy");
    act(&mut app, Action::NextPane);
    act(&mut app, Action::Down);
    assert_eq!(app.nav.seg_row, 1);
    let i = app.current_criterion().unwrap();
    let row = app.model.rules.criteria[i].result.valuation[1].clone();
    let fx = act(&mut app, Action::Copy);
    let Some(Effect::Copy { text }) = fx.first() else {
        panic!("no copy")
    };
    assert_eq!(text.lines().count(), row.customers);
    assert!(app.status.contains(&row.name), "{}", app.status);
    act(&mut app, Action::GoTo(0));
    let fx = act(&mut app, Action::Copy);
    assert!(matches!(fx.first(), Some(Effect::Copy { text }) if !text.is_empty()));
}

#[test]
fn the_list_sorts_and_shows_each_order_from_its_top() {
    let (mut app, _) = demo();
    act(&mut app, Action::PageDown);
    let r = app.model.rules.ranking.clone();
    act(&mut app, Action::Sort);
    assert_eq!(
        app.screens.list.sort,
        crate::tui::state::app::ListSort::ValueUp
    );
    // "lowest first" shows the lowest first (it left the view at the end of the list)
    assert_eq!(app.nav.row, 0);
    let first = r.row_at(app.screens.list.sort, 0);
    let last = r.row_at(app.screens.list.sort, app.model.data.n_customers - 1);
    assert!(r.value.get(first).unwrap_or(0.0) <= r.value.get(last).unwrap_or(0.0));
    act(&mut app, Action::Sort);
    assert_eq!(
        app.screens.list.sort,
        crate::tui::state::app::ListSort::CustomerId
    );
    assert_eq!(
        r.ids.text_at(r.row_at(app.screens.list.sort, 0)).as_deref(),
        Some("1")
    );
    assert_eq!(app.nav.row, 0);
    assert!(screen(&app, 100, 30).contains("by customer id"));
    // search finds a customer in any order
    act(&mut app, Action::Search);
    typ(&mut app, "17");
    act(&mut app, Action::Confirm);
    assert_eq!(
        r.ids
            .text_at(r.row_at(app.screens.list.sort, app.nav.row))
            .as_deref(),
        Some("17")
    );
    act(&mut app, Action::Sort);
    assert_eq!(
        app.screens.list.sort,
        crate::tui::state::app::ListSort::ValueDown
    );
}

/// At any width the List's title shows its sort key whole or not at all, never cut midway.
#[test]
fn the_list_title_drops_its_sort_key_rather_than_cutting_it() {
    let (mut app, _) = demo();
    for sort in 0..3 {
        for w in (60..=200).step_by(3) {
            let shown = screen(&app, w, 30);
            let title = shown
                .lines()
                .find(|l| l.contains("customers by ") && l.contains('('))
                .unwrap_or_else(|| panic!("no title at width {w}:\n{shown}"));
            assert!(
                !title.contains("— s") || title.contains("— s sorts"),
                "width {w}, sort {sort}: {title}"
            );
        }
        act(&mut app, Action::Sort);
    }
    assert!(screen(&app, 100, 30).contains("— s sorts"));
}
