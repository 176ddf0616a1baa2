//! Fitting and scoring on small made-up histories: errors named, blanks kept, no NaN.

use super::*;

/// First and last purchase day, purchase days and repeat spend of every customer.
type Columns = (Cells<i32>, Cells<i32>, Cells<i64>, Cells<f64>);

/// `n` customers: every third without orders, the others buying every `gap` days from day
/// `i % 50`, `1 + i % 4` times, for 30 each.
fn histories(n: usize, gap: i32) -> Columns {
    let (mut f, mut l, mut d, mut m) = (Cells::new(), Cells::new(), Cells::new(), Cells::new());
    for i in 0..n {
        if i % 3 == 0 {
            f.push(None);
            l.push(None);
            d.push(None);
            m.push(None);
            continue;
        }
        let first = (i % 50) as i32;
        let k = 1 + (i % 4) as i64;
        f.push(Some(first));
        l.push(Some(first + gap * (k as i32 - 1)));
        d.push(Some(k));
        m.push((k > 1).then_some(30.0 + (i % 7) as f64));
    }
    (f, l, d, m)
}

#[test]
fn scores_every_customer_and_leaves_those_without_orders_blank() {
    let (f, l, d, m) = histories(300, 20);
    let h = History {
        first: &f,
        last: &l,
        purchase_days: &d,
        repeat_avg_value: &m,
        as_of: 200,
    };
    let fit = fit(&h, &ClvConfig::default()).unwrap();
    let s = fit.score(&h);
    for i in 0..300 {
        let has = i % 3 != 0;
        assert_eq!(s.p_alive[i].is_some(), has, "customer {i}");
        assert_eq!(s.expected_purchases[i].is_some(), has);
        assert_eq!(s.predicted_value[i].is_some(), has);
        if let (Some(p), Some(e), Some(v)) =
            (s.p_alive[i], s.expected_purchases[i], s.predicted_value[i])
        {
            assert!((0.0..=1.0).contains(&p) && e >= 0.0 && v >= 0.0 && v.is_finite());
        }
    }
    assert_eq!(fit.bgnbd.customers, 200);
    // nobody leaves in these histories: a and b run off together, said, not an error
    assert!(
        fit.warnings
            .iter()
            .any(|w| w.contains("a and b grew very large together")),
        "{:?}",
        fit.warnings
    );
    let gg = fit.gamma_gamma.as_ref().unwrap();
    // a third of the buyers bought once
    assert_eq!(gg.customers + gg.excluded_no_repeat, 200);
}

#[test]
fn the_dropout_parameters_map_back_and_their_gradient_follows() {
    let th = [0.3, 1.2, -0.7, 2.5];
    let lp = log_params(&th);
    let (a, b) = (lp[2].exp(), lp[3].exp());
    assert!((a + b - 2.5f64.exp()).abs() < 1e-9);
    assert!((a / (a + b) - 1.0 / (1.0 + 0.7f64.exp())).abs() < 1e-12);
    // a function of (ln a, ln b) differentiated through the change of variables
    let f = |t: &[f64]| {
        let l = log_params(t);
        3.0 * l[2] - 0.5 * l[3] * l[3] + l[0]
    };
    let lp_grad = [1.0, 0.0, 3.0, -lp[3]];
    let g = theta_gradient(&th, lp_grad);
    for k in 0..4 {
        let (mut up, mut down) = (th, th);
        up[k] += 1e-6;
        down[k] -= 1e-6;
        let num = (f(&up) - f(&down)) / 2e-6;
        assert!((num - g[k]).abs() < 1e-6, "{k}: {num} vs {}", g[k]);
    }
}

#[test]
fn a_fit_is_the_same_every_time() {
    let (f, l, d, m) = histories(3000, 9);
    let h = History {
        first: &f,
        last: &l,
        purchase_days: &d,
        repeat_avg_value: &m,
        as_of: 120,
    };
    let a = fit(&h, &ClvConfig::default()).unwrap();
    let b = fit(&h, &ClvConfig::default()).unwrap();
    assert_eq!(a.bgnbd.params, b.bgnbd.params);
    assert_eq!(a.score(&h), b.score(&h));
}

#[test]
fn too_little_history_names_the_cause() {
    let (f, l, d, m) = histories(12, 5);
    let h = History {
        first: &f,
        last: &l,
        purchase_days: &d,
        repeat_avg_value: &m,
        as_of: 100,
    };
    let e = fit(&h, &ClvConfig::default()).unwrap_err();
    assert!(
        matches!(e, ClvError::TooFewRepeatBuyers { found: 6, .. }),
        "{e}"
    );
    // every order after as_of: nothing to fit
    let early = History { as_of: -1, ..h };
    assert_eq!(
        fit(&early, &ClvConfig::default()).unwrap_err(),
        ClvError::NoHistory
    );
}

#[test]
fn a_failed_spend_model_leaves_predicted_value_blank_with_a_warning() {
    let (f, l, d, _) = histories(300, 20);
    // repeat purchases worth nothing: no spender for Gamma-Gamma
    let m = Cells::filled(0.0, 300);
    let h = History {
        first: &f,
        last: &l,
        purchase_days: &d,
        repeat_avg_value: &m,
        as_of: 200,
    };
    let fit = fit(&h, &ClvConfig::default()).unwrap();
    assert!(fit.gamma_gamma.is_err());
    assert!(
        fit.warnings
            .iter()
            .any(|w| w.contains("predicted_value is empty"))
    );
    let s = fit.score(&h);
    assert!(s.predicted_value.iter().all(Option::is_none));
    assert!(s.p_alive.iter().flatten().count() == 200);
}
