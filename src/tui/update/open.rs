//! What Enter opens on each step: a customer's record, a criterion's rules, a column's role.

use crate::tui::state::app::{App, Pane};
use crate::tui::steps::StepId;
use crate::tui::update::Effect;

/// Enter: on Exclusivity, jump to the selected criterion's rules (in its own step).
pub fn confirm(app: &mut App) -> Vec<Effect> {
    // on the List: the selected customer's record, every field
    if app.nav.step == StepId::List && app.model.n_customers > 0 {
        let r = &app.model.ranking;
        let i = r.row_at(app.list_sort, app.nav.row.min(r.order.len() - 1));
        return r
            .ids
            .text_at(i)
            .map(|id| vec![Effect::Record { id }])
            .unwrap_or_default();
    }
    if app.nav.step == StepId::Exclusivity
        && let Some(i) = app.current_criterion()
    {
        let step = app.model.criteria[i].criterion.step;
        if let Some(s) = StepId::ALL
            .into_iter()
            .find(|s| s.criteria_step() == Some(step))
        {
            let k = app
                .criteria_of(step)
                .iter()
                .position(|&x| x == i)
                .unwrap_or(0);
            app.nav.step = s;
            app.nav.selected[s.index()] = k;
            app.nav.rule = 0;
            app.nav.edge = 0;
            app.nav.pane = Pane::Rules;
            app.status = "the rules of this criterion: e edits one, K J reorder them".into();
        }
    } else if app.nav.step == StepId::Classify {
        return crate::tui::update::classify::accept(app);
    }
    vec![]
}
